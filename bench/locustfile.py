"""Residents answering a survey from their personal links, for ``bench/bench_load.py``.

Run by the bench as a locust CLI subprocess (never imported into pytest or the bench: locust
monkey-patches with gevent). ``LOAD_PLAN`` names the JSON plan written by ``bench/load_seed.py``
(the answer links, and each question's key, kind and choices). ``LOAD_WAIT`` is the think time
in seconds between reading a page and sending it, "low,high" (default "1,3"; "0" for none).
``LOAD_SAVE_SHARE`` is the share of residents who press "Save and come back later" on their
second page and come back through their link from a fresh browser (default 0.2).

Each simulated resident takes a link nobody has used, follows the pages as a browser would
(every redirect is its own request, named by step), posts each page with the CSRF token from
its form and a valid answer to each question on it, checks and sends. A page that comes back
with an error summary, or any unexpected status or redirect, counts as a failure.
"""

from __future__ import annotations

import json
import os
import random
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from locust import HttpUser, between, constant, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
LINKS = iter(PLAN["links"])  # shared by the users of this process, each link used once
SAVE_SHARE = float(os.environ.get("LOAD_SAVE_SHARE", "0.2"))
AGREE = ["strongly_agree", "agree", "neither", "disagree", "strongly_disagree", "dont_know"]
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FIELD = re.compile(r'name="([^"]+)"')
PROBLEM = re.compile(r'govuk-error-summary__list">(.*?)</ul>', re.S)
MAX_PAGES = 10


def _wait_time() -> Any:
    low, _, high = os.environ.get("LOAD_WAIT", "1,3").partition(",")
    return between(float(low), float(high)) if high else constant(float(low))


def answers_for(questions: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid answer to every question, as form fields (a list for several values)."""
    data: dict[str, Any] = {}
    for q in questions:
        key, kind, options = q["key"], q["kind"], q["options"]
        if kind == "single":
            data[key] = random.choice([*options, "other"] if q["other"] else options)
            if data[key] == "other":
                data[f"{key}_other"] = "The mobile library"
        elif kind == "multiple":
            data[key] = random.sample(options, random.randint(1, q["max_choices"] or 1))
        elif kind == "agree":
            data[key] = random.choice(AGREE)
        elif kind == "matrix":
            data.update({f"{key}-{s}": random.choice(AGREE) for s in q["statements"]})
        elif kind == "rating":
            data[key] = str(random.randint(0, 10))
        elif kind == "number":
            data[key] = str(random.randint(q["minimum"] or 0, q["maximum"] or 100))
        elif kind == "ranking":
            ranks = random.sample(range(1, len(options) + 1), len(options))
            data.update({f"{key}-{o}": str(r) for o, r in zip(options, ranks, strict=True)})
        else:
            data[key] = "Longer opening hours at weekends, please."
    return data


def _path(response: Any) -> str:
    return urlsplit(response.headers.get("Location", "")).path


def _problem(html: str) -> str:
    found = PROBLEM.search(html)
    items = re.findall(r">([^<>]+)</a>", found.group(1)) if found else []
    return "; ".join(items) or "an error summary"


class Resident(HttpUser):
    wait_time = _wait_time()

    @task
    def answer_the_survey(self) -> None:
        link = next(LINKS, None)
        if link is None:
            raise StopUser()  # every link has been used
        self.client.cookies.clear()  # a new resident, a new browser
        answers = answers_for(PLAN["questions"])
        save_on = 2 if random.random() < SAVE_SHARE else 0
        page = self._start(link)
        for number in range(1, MAX_PAGES + 1):
            if page is None or page.endswith("/check"):
                break
            form = self._get(page, "answer page GET")
            if form is None:
                return
            self.wait()  # reading and answering the page
            if number == save_on:
                if not self._save(page, form, answers):
                    return
                self.wait()  # another day, another browser: only the link
                self.client.cookies.clear()
                if self._start(link, expect=page) is None:
                    return
                form = self._get(page, "answer page GET")
                if form is None:
                    return
            page = self._post_page(page, form, answers)
        if page is None or not page.endswith("/check"):
            return
        self._check_and_send(page)

    def _start(self, link: str, expect: str | None = None) -> str | None:
        """The page the personal link sends the resident to (None if it failed); coming
        back after saving, it must be the page they saved (``expect``)."""
        with self.client.get(link, name="start link GET", allow_redirects=False,
                             catch_response=True) as response:
            target = _path(response)
            if (response.status_code != 303 or not target.startswith(f"{link}/")
                    or (expect is not None and target != expect)):
                response.failure(f"start link: {response.status_code} to {target!r}")
                return None
            return target

    def _get(self, url: str, name: str) -> str | None:
        """A page's HTML, with its form's CSRF token (None if it failed)."""
        with self.client.get(url, name=name, allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200 or not CSRF.search(response.text):
                response.failure(f"{name}: {response.status_code}, no form")
                return None
            return response.text

    def _fields(self, form: str, answers: dict[str, Any], action: str) -> dict[str, Any]:
        names = set(FIELD.findall(form))
        return {**{k: v for k, v in answers.items() if k in names},
                "csrf_token": CSRF.search(form).group(1), "action": action}

    def _post_page(self, url: str, form: str, answers: dict[str, Any]) -> str | None:
        """Send a page with Continue: the next page or the check page (None if it failed)."""
        with self.client.post(url, data=self._fields(form, answers, "continue"),
                              name="answer page POST", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 303:
                return _path(response)
            if "There is a problem" in response.text:
                response.failure(f"answer page POST refused: {_problem(response.text)}")
            else:
                response.failure(f"answer page POST: {response.status_code}")
            return None

    def _save(self, url: str, form: str, answers: dict[str, Any]) -> bool:
        with self.client.post(url, data=self._fields(form, answers, "save"),
                              name="save for later POST", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code == 200 and "Your answers are saved" in response.text:
                return True
            problem = _problem(response.text) if "There is a problem" in response.text else ""
            response.failure(f"save for later POST: {response.status_code} {problem}".strip())
            return False

    def _check_and_send(self, url: str) -> None:
        form = self._get(url, "check page GET")
        if form is None:
            return
        self.wait()  # reading the answers back
        with self.client.post(url, data={"csrf_token": CSRF.search(form).group(1)},
                              name="submit POST", allow_redirects=False,
                              catch_response=True) as response:
            thanks = _path(response)
            if response.status_code != 303 or not thanks.endswith("/thank-you"):
                response.failure(f"submit POST: {response.status_code} to {thanks!r}")
                return
        with self.client.get(thanks, name="thank-you GET", allow_redirects=False,
                             catch_response=True) as response:
            if response.status_code != 200 or "have been sent" not in response.text:
                response.failure(f"thank-you GET: {response.status_code}")
