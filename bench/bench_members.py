"""The officer's panel list at 100,000 members: search, filters, sorting (goal p95 < 300 ms)."""

from __future__ import annotations

from bench.demo_app import seeded_app, signed_in_client
from bench.timing import measure, print_table

MEMBERS = 100_000


def main() -> None:
    with seeded_app(residents=MEMBERS) as (app, seeded):
        client = signed_in_client(app)
        print(f"seeded {MEMBERS:,} members in {seeded:.1f} s (SQLite)\n")
        cases = {
            "first page (newest first)": "/panel/members",
            "search 'smith'": "/panel/members?q=smith",
            "search by postcode 'BB11'": "/panel/members?q=bb11",
            "filter: female, 16-24, active": "/panel/members?d.sex=female&d.age_band=16_24"
                                             "&status=active",
            "filter: ward + ethnic group": "/panel/members?d.ward=E05005155"
                                           "&d.ethnic_group=asian_pakistani",
            "sort by name, page 100": "/panel/members?sort=name&dir=asc&page=100",
            "never contacted, sorted": "/panel/members?contacted=never&sort=contacted",
            "htmx search fragment": "/panel/members?q=jo",
        }
        rows = []
        for label, path in cases.items():
            headers = {"HX-Request": "true"} if "htmx" in label else {}
            assert client.get(path, headers=headers).status_code == 200
            rows.append({"query": label, "requests": 30,
                         **measure(lambda p=path, h=headers: client.get(p, headers=h), 30)})
        print_table(rows)
