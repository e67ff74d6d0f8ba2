"""The forms and links a page offers, read from its HTML as a browser would (no app imports).

The fuzz test learns the field names of every form from the pages themselves, so it follows the
forms as they change: each ``<form>`` (and each ``hx-get``/``hx-post`` on it or its fields, which
sends the same fields to another address) becomes a ``FormSpec``; each link with a query string
adds the names of its parameters to what the fuzz test sends to that address.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

FIELD_TAGS = {"input", "select", "textarea", "button"}
NOT_SENT = {"submit", "reset", "image", "button"}


@dataclass
class FieldSpec:
    name: str
    kind: str                                            # text, textarea, select, radio, ...
    options: list[str] = field(default_factory=list)     # select options, radio/checkbox values
    defaults: list[str] = field(default_factory=list)    # what an untouched form sends
    inputs: int = 0                                      # text boxes with this name (a date: 3)


@dataclass
class FormSpec:
    action: str                   # absolute URL the form is sent to
    method: str                   # GET or POST
    fields: dict[str, FieldSpec] = field(default_factory=dict)
    buttons: dict[str, list[str]] = field(default_factory=dict)   # named submit buttons

    @property
    def csrf_token(self) -> str | None:
        token = self.fields.get("csrf_token")
        return token.defaults[0] if token and token.defaults else None


class _PageReader(HTMLParser):
    def __init__(self, base_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.forms: list[FormSpec] = []
        self.links: list[str] = []
        self._form: FormSpec | None = None
        self._select: FieldSpec | None = None
        self._option: dict[str, str] | None = None
        self._option_text = ""
        self._textarea: FieldSpec | None = None

    def _url(self, value: str | None) -> str:
        return urljoin(self.base_url, value or self.base_url)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(self._url(a["href"]))
        elif tag == "form":
            self._form = FormSpec(self._url(a.get("action")), a.get("method", "get").upper())
            self.forms.append(self._form)
            self._also_sent_by(a)
        elif tag in FIELD_TAGS and self._form is not None:
            self._field(tag, a)
            self._also_sent_by(a)
        elif tag == "option" and self._select is not None:
            self._option, self._option_text = a, ""

    def _also_sent_by(self, a: dict[str, str]) -> None:
        """``hx-post``/``hx-get`` on the form or a field sends the form's fields (the same
        dict, filled as the parser reads on) to another address."""
        assert self._form is not None
        for attribute in ("hx-post", "hx-get"):
            url = a.get(attribute)
            if url and not any(f.action == self._url(url) and f.fields is self._form.fields
                               for f in self.forms):
                self.forms.append(FormSpec(self._url(url), attribute[3:].upper(),
                                           self._form.fields, self._form.buttons))

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option_text += data
        if self._textarea is not None:
            self._textarea.defaults[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            if self._select is not None and not self._select.defaults and self._select.options:
                self._select.defaults.append(self._select.options[0])
            self._select = None
        elif tag == "option" and self._select is not None and self._option is not None:
            value = self._option.get("value", self._option_text.strip())
            self._select.options.append(value)
            if "selected" in self._option:
                self._select.defaults.append(value)
            self._option = None
        elif tag == "textarea":
            self._textarea = None

    def _field(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        name = a.get("name")
        if not name or "disabled" in a:
            return
        kind = a.get("type", "text").lower() if tag == "input" else tag
        if tag == "button" or kind in NOT_SENT:
            if tag != "button" or a.get("type", "submit").lower() == "submit":
                self._form.buttons.setdefault(name, []).append(a.get("value", ""))
            return
        spec = self._form.fields.setdefault(name, FieldSpec(name, kind))
        if kind in ("radio", "checkbox"):
            spec.options.append(a.get("value", "on"))
            if "checked" in a:
                spec.defaults.append(a.get("value", "on"))
        elif tag == "select":
            self._select = spec
        elif tag == "textarea":
            spec.defaults.append("")
            spec.inputs += 1
            self._textarea = spec
        elif kind != "file":
            spec.defaults.append(a.get("value", ""))
            spec.inputs += 1


def read_page(html: str, url: str) -> tuple[list[FormSpec], list[str]]:
    """The page's forms and the addresses of its links."""
    reader = _PageReader(url)
    reader.feed(html)
    reader.close()
    return reader.forms, reader.links


def path_and_query(url: str) -> tuple[str, list[tuple[str, str]]]:
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query, keep_blank_values=True)
