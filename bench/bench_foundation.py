"""Foundation figures: seeding the demo council, and the pages every user opens first."""

from __future__ import annotations

from bench.demo_app import seeded_app, signed_in_client
from bench.timing import measure, print_table


def main() -> None:
    with seeded_app(residents=5000) as (app, seconds):
        client = signed_in_client(app)
        print_table([{"what": "flask demo seed (5,000 residents)", "seconds": seconds}])
        print()
        pages = []
        for path in ("/", "/privacy", "/dashboard", "/targets"):
            figures = measure(lambda p=path: client.get(p), repeat=200)
            pages.append({"page": path, "requests": 200, **figures})
        print_table(pages)
