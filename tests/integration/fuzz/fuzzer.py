"""The fuzz test's engine: sign every role in, learn the forms from the pages, send the
hostile payloads, and collect every response of 500 or more (never stopping at the first).

Every page is opened as every role (with the ids of real records). Each form (one per shape:
its address with the ids left out, and its field names) gets every payload as the first role
that is shown it, and a few as each other role; each URL variable gets missing, negative and
over-long values. Query strings are fuzzed the same way, from the GET forms and links.
"""

from __future__ import annotations

import gc
import io
import re
import sys
import threading
import traceback
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, Rule
from werkzeug.routing.converters import NumberConverter
from werkzeug.test import encode_multipart

from tests.integration.fuzz.hostile import (
    HUGE,
    NUL,
    PATH_INTS,
    PATH_TEXTS,
    Payload,
    filled,
    payloads,
)
from tests.integration.fuzz.html_forms import FieldSpec, FormSpec, path_and_query, read_page
from tests.integration.fuzz.world import World

ROLES = ("anonymous", "resident", "organiser", "officer", "admin")
# Sent last, in this order: what ends a survey, a sample, a session or an account.
LAST = ("surveys.respond.check_answers", "surveys.change_state", "quota.close_sample",
        "surveys.delete_question", "admin.delete_target_set", "imports.cancel_import",
        "admin.cancel_import", "account.pause", "account.resume", "account.withdraw",
        "account.erase", "auth.sign_out")
GENERIC_QUERY = ("q", "page", "next")
PROJECT = str(Path(__file__).resolve().parents[3])


@dataclass
class Failure:
    method: str
    rule: str
    role: str
    payload: str
    outcome: str


@dataclass
class Shape:
    """One form, whichever record's page showed it: who was shown it, and as what."""

    endpoint: str
    method: str
    by_role: dict[str, FormSpec] = field(default_factory=dict)

    @property
    def fuzzed_as(self) -> str:
        return min(self.by_role, key=ROLES.index)


@dataclass
class Fuzzer:
    app: Flask
    world: World
    requests: int = 0
    failures: list[Failure] = field(default_factory=list)
    clients: dict[str, FlaskClient] = field(default_factory=dict)
    shapes: dict[tuple, Shape] = field(default_factory=dict)
    query_names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    shown: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    csrf: dict[str, str] = field(default_factory=dict)
    _addresses: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # --- sending ------------------------------------------------------------------------

    def _environ(self, role: str) -> dict[str, str]:
        if role == "anonymous":  # a new address each time: rate limits are not under test
            self._addresses += 1
            n = self._addresses
            return {"REMOTE_ADDR": f"10.{100 + (n >> 16) % 100}.{(n >> 8) % 256}.{n % 256}"}
        return {"REMOTE_ADDR": f"10.0.0.{ROLES.index(role) + 1}"}

    def send(self, role: str, method: str, url: str, rule: str, payload: Payload | None = None,
             client: FlaskClient | None = None):  # noqa: ANN201
        """One request; a failure is recorded (narrowed down to the fields that fail on
        their own, when the payload says how)."""
        response, outcome = self._open(role, method, url, payload, client)
        if outcome is None:
            return response
        label = payload.label if payload else "the page as linked"
        narrowed = [(p.label, o) for p in (payload.narrow if payload else ())
                    for _, o in [self._open(role, method, url, p, client)] if o is not None]
        with self._lock:
            self.failures += [Failure(method, rule, role, lbl, out)
                              for lbl, out in (narrowed or [(label, outcome)])]
        return response

    def _open(self, role: str, method: str, url: str, payload: Payload | None,
              client: FlaskClient | None) -> tuple[object, str | None]:
        client = client or self.clients[role]
        kwargs: dict = {"environ_base": self._environ(role)}
        if payload is not None and method == "GET":
            if payload.pairs:
                url += ("&" if "?" in url else "?") + urlencode(payload.pairs)
        elif payload is not None and payload.files:
            data = MultiDict(payload.pairs)
            for name, content in payload.files.items():
                data.add(name, FileStorage(io.BytesIO(content), "part.csv", name, "text/csv"))
            boundary, body = encode_multipart(data)
            kwargs.update(data=body, content_type=f"multipart/form-data; boundary={boundary}")
        elif payload is not None:
            kwargs["data"] = MultiDict(payload.pairs)
        with self._lock:
            self.requests += 1
        try:
            response = client.open(url, method=method, **kwargs)
        except HTTPException as error:  # refused by werkzeug before routing
            return error.get_response(), None
        except Exception as error:  # noqa: BLE001 (every crash is a finding)
            crash = _crash(error)
            _let_go_of(error)
            return None, crash
        response.get_data()  # read it all, then let go of files it streamed (static files)
        response.close()
        return response, (f"status {response.status_code}"
                          if response.status_code >= 500 else None)

    def sign_in_everyone(self) -> None:
        for role in ROLES:
            client = self.app.test_client()
            self.clients[role] = client
            if role == "anonymous":
                continue
            email, password = self.world.accounts[role]
            page = client.get("/sign-in", environ_base=self._environ(role))
            forms, _ = read_page(page.get_data(as_text=True), "http://localhost/sign-in")
            token = next(f.csrf_token for f in forms if f.csrf_token)
            signed_in = client.post("/sign-in", environ_base=self._environ(role), data={
                "email": email, "password": password, "csrf_token": token})
            assert signed_in.status_code == 302, f"{role} could not sign in"
            self.requests += 2

    # --- learning the forms from the pages ----------------------------------------------

    def rules(self) -> list[Rule]:
        return sorted(self.app.url_map.iter_rules(), key=lambda r: (
            LAST.index(r.endpoint) + 1 if r.endpoint in LAST else 0, r.rule))

    def urls(self, rule: Rule) -> list[str]:
        adapter = self.app.url_map.bind("localhost")
        built = []
        for binding in self.world.bindings(rule):
            url = adapter.build(rule.endpoint, binding, method=sorted(rule.methods)[0])
            if url not in built:
                built.append(url)
        return built

    def discover(self) -> None:
        """Open every page as every role; read its forms and links; then, once, the pages
        its GET forms lead to (a search, the import's column choice)."""
        for rule in self.rules():
            if "GET" in rule.methods:
                for url in self.urls(rule):
                    for role in ROLES:
                        self._read(role, url, rule)
        for shape in [s for s in self.shapes.values() if s.method == "GET"]:
            for role, form in shape.by_role.items():
                query = urlencode(filled(form).pairs)
                self._read(role, f"{form.action}?{query}", None)

    def _read(self, role: str, url: str, rule: Rule | None) -> None:
        response = self.send(role, "GET", url, rule.rule if rule else url)
        if response is None or response.status_code != 200:
            return
        if rule is not None:
            self.shown[rule.endpoint].append(role)
        if response.mimetype != "text/html":
            return
        forms, links = read_page(response.get_data(as_text=True), "http://localhost" + url)
        for form in forms:
            endpoint = self._endpoint(form.action, form.method)
            if endpoint is None:
                continue
            key = (endpoint, form.method, re.sub(r"/\d+(?=/|$)", "/#", urlsplit(form.action).path),
                   tuple(sorted(form.fields)))
            shape = self.shapes.setdefault(key, Shape(endpoint, form.method))
            shape.by_role.setdefault(role, form)
            if form.csrf_token:
                self.csrf.setdefault(role, form.csrf_token)
        for link in links:
            _, query = path_and_query(link)
            endpoint = self._endpoint(link, "GET") if query else None
            if endpoint:
                self.query_names[endpoint] |= {name for name, _ in query}

    def _endpoint(self, url: str, method: str) -> str | None:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            return None
        try:
            endpoint, _ = self.app.url_map.bind("localhost").match(parts.path, method=method)
        except HTTPException:
            return None
        return endpoint

    # --- the walk -------------------------------------------------------------------------

    def walk(self) -> None:
        for rule in self.rules():
            urls = self.urls(rule)
            if "GET" in rule.methods:
                self._fuzz_query(rule, urls)
            if "POST" in rule.methods:
                self._fuzz_posts(rule, urls)
            self._fuzz_path(rule)

    def _fuzz_query(self, rule: Rule, urls: list[str]) -> None:
        fields: dict[str, FieldSpec] = {}
        for shape in self.shapes.values():
            if shape.endpoint == rule.endpoint and shape.method == "GET":
                for form in shape.by_role.values():
                    fields.update({n: s for n, s in form.fields.items() if n != "csrf_token"})
        for name in sorted(self.query_names[rule.endpoint]):
            fields.setdefault(name, FieldSpec(name, "text"))
        shown = self.shown[rule.endpoint]
        for url in urls:
            form = FormSpec(url, "GET", fields)
            if not fields:  # no known parameters: the usual ones, hostile, once
                generic = FormSpec(url, "GET", {n: FieldSpec(n, "text") for n in GENERIC_QUERY})
                for label, value in (NUL, HUGE):
                    self.send(shown[0] if shown else "anonymous", "GET", url, rule.rule,
                              Payload(f"{label} in {', '.join(generic.fields)}",
                                      [(n, value) for n in generic.fields]))
                continue
            for role in ROLES:
                full = bool(shown) and role == shown[0]
                for payload in payloads(form, full=full, query=True):
                    self.send(role, "GET", url, rule.rule, payload)

    def _fuzz_posts(self, rule: Rule, urls: list[str]) -> None:
        shapes = [s for s in self.shapes.values()
                  if s.endpoint == rule.endpoint and s.method == "POST"]
        if not shapes:  # never shown as a form: the CSRF token and nothing else
            shapes = [Shape(rule.endpoint, "POST", {"anonymous": FormSpec(urls[0], "POST")})]
        for shape in shapes:
            for role in ROLES:
                form = _with_token(shape.by_role.get(role, shape.by_role[shape.fuzzed_as]),
                                   self.csrf.get(role))
                full = role == shape.fuzzed_as
                for payload in payloads(form, full=full):
                    self.send(role, "POST", form.action, rule.rule, payload)
                if full:
                    self._double_submit(role, rule, form)

    def _double_submit(self, role: str, rule: Rule, form: FormSpec) -> None:
        """The form sent twice at once, as a double click does."""
        twin = self.app.test_client()
        for name in ("session", "remember_token"):
            cookie = self.clients[role].get_cookie(name)
            if cookie is not None:
                twin.set_cookie(name, cookie.value)
        start = threading.Barrier(2)
        payload = filled(form)
        twice = Payload("sent twice at once", payload.pairs, payload.files)

        def press(client: FlaskClient) -> None:
            start.wait()
            self.send(role, "POST", form.action, rule.rule, twice, client=client)

        threads = [threading.Thread(target=press, args=(c,)) for c in (self.clients[role], twin)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def _fuzz_path(self, rule: Rule) -> None:
        bindings = self.world.bindings(rule)
        converters = rule._converters  # noqa: SLF001 (werkzeug keeps them there)
        variables = [n for n in sorted(rule.arguments)
                     if not isinstance(converters[n], AnyConverter)]
        if not variables:
            return
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        shown = self.shown[rule.endpoint] or [s.fuzzed_as for s in self.shapes.values()
                                              if s.endpoint == rule.endpoint]
        roles = sorted({"anonymous", *shown[:1]}, key=ROLES.index)
        adapter = self.app.url_map.bind("localhost")
        for name in variables:
            integer = isinstance(converters[name], NumberConverter)
            marker = 424242 if integer else "MARKER424242"
            url = adapter.build(rule.endpoint, {**bindings[0], name: marker}, method=methods[0])
            for label, value in PATH_INTS if integer else PATH_TEXTS:
                for method in methods:
                    for role in roles:
                        pairs = [("csrf_token", self.csrf.get(role, ""))] \
                            if method == "POST" else []
                        self.send(role, method, url.replace(str(marker), value), rule.rule,
                                  Payload(f"{label} as <{name}>", pairs))

    # --- the report -----------------------------------------------------------------------

    def report(self) -> str:
        by_route: dict[tuple[str, str], list[Failure]] = defaultdict(list)
        for failure in self.failures:
            by_route[(failure.method, failure.rule)].append(failure)
        lines = [f"{len(self.failures)} responses of 500 or more in {self.requests} requests, "
                 f"on {len(by_route)} routes:"]
        for (method, rule), found in sorted(by_route.items()):
            roles = sorted({f.role for f in found}, key=ROLES.index)
            lines.append(f"{method} {rule}: {len(found)} ({', '.join(roles)})")
            outcomes: dict[str, list[Failure]] = defaultdict(list)
            for failure in found:
                outcomes[failure.outcome].append(failure)
            for outcome, same in outcomes.items():
                examples = "; ".join(sorted({f"{f.role}: {f.payload}" for f in same})[:6])
                lines.append(f"    {len(same)} x {outcome}\n        e.g. {examples}")
        return "\n".join(lines)


def _with_token(form: FormSpec, token: str | None) -> FormSpec:
    if token is None or "csrf_token" not in form.fields and form.fields:
        return form
    fields = {**form.fields, "csrf_token": FieldSpec("csrf_token", "hidden", defaults=[token])}
    return FormSpec(form.action, form.method, fields, form.buttons)


def _let_go_of(error: Exception) -> None:
    """A request that crashed may leave files open (an export half written): the crash is
    reported already, so what it held is freed here, quietly, rather than failing the test a
    second time as "unclosed file" at some later garbage collection."""
    hook = sys.unraisablehook
    sys.unraisablehook = lambda _unraisable: None
    try:
        error.__traceback__ = None
        error.__context__ = error.__cause__ = None
        gc.collect()
    finally:
        sys.unraisablehook = hook


def _crash(error: Exception) -> str:
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if f.filename.startswith(PROJECT) and "/tests/" not in f.filename]
    where = (f" at {Path(frames[-1].filename).relative_to(PROJECT)}:{frames[-1].lineno}"
             if frames else "")
    message = str(error).splitlines()[0][:160] if str(error) else ""
    return f"500 {type(error).__name__}: {message}{where}"
