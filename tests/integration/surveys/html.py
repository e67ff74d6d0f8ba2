"""A small DOM from the standard library's parser, for tests that check rendered survey
markup as real HTML (``find``, ``closest``, labels, what a browser would post back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str | None]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None, **attrs: str
                 ) -> list[Node]:
        """Descendants by tag, one class, and exact attributes (``for_`` for ``for``)."""
        return [n for n in self.iter() if n is not self and (tag is None or n.tag == tag)
                and (cls is None or cls in n.classes)
                and all(n.attrs.get(k.rstrip("_")) == v for k, v in attrs.items())]

    def find(self, tag: str | None = None, cls: str | None = None, **attrs: str
             ) -> Node | None:
        return next(iter(self.find_all(tag, cls, **attrs)), None)

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def raw_text(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw_text for c in self.children)

    @property
    def text(self) -> str:
        return " ".join(self.raw_text.split())

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def closest(self, tag: str | None = None, cls: str | None = None) -> Node | None:
        return next((a for a in self.ancestors() if (tag is None or a.tag == tag)
                     and (cls is None or cls in a.classes)), None)


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, dict(attrs), parent=self.open[-1])
        assert len(attrs) == len(node.attrs), f"repeated attribute on <{tag}>: {attrs}"
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag: str) -> None:
        assert tag not in VOID and any(n.tag == tag for n in self.open), f"stray </{tag}>"
        closed = self.open.pop()
        while closed.tag != tag:  # elements left open inside it close with it
            closed = self.open.pop()

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse(html: str) -> Node:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.open == [builder.root], f"unclosed {[n.tag for n in builder.open[1:]]}"
    return builder.root


def controls(root: Node) -> list[Node]:
    return [n for n in root.iter() if n.tag in ("select", "textarea")
            or (n.tag == "input" and n.attrs.get("type") != "hidden")]


def error_text_of(message: Node) -> str:
    """An error message's text without the visually hidden "Error:" prefix."""
    hidden = message.find("span")
    assert hidden is not None and "govuk-visually-hidden" in hidden.classes
    assert hidden.text == "Error:"
    return message.text.removeprefix("Error:").strip()


def owner_of(message: Node) -> str:
    """The question (or statement, or box) an error message belongs to: the first legend or
    label of its form group."""
    group = message.closest(cls="govuk-form-group")
    assert group is not None, "error message outside a form group"
    first = next(n for n in group.iter() if n.tag in ("legend", "label"))
    return first.text


def resubmitted(root: Node) -> list[tuple[str, str]]:
    """What a browser would post from the rendered controls (empty values left out)."""
    data = []
    for node in controls(root):
        name, kind = node.attrs["name"], node.attrs.get("type", "text")
        if node.tag == "select":
            chosen = [o for o in node.find_all("option") if "selected" in o.attrs]
            assert len(chosen) <= 1
            value = (chosen or node.find_all("option"))[0].attrs["value"]
        elif node.tag == "textarea":
            value = node.raw_text.removeprefix("\n")
        elif kind in ("radio", "checkbox"):
            value = node.attrs["value"] if "checked" in node.attrs else ""
        else:
            value = node.attrs.get("value") or ""
        if value:
            data.append((name, value))
    return data
