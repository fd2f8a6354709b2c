"""Reading a page's HTML as assistive technology does: ids must be unique and each label must name its field."""

from collections import Counter
from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []
        self.fields: dict[str, tuple[str, str]] = {}  # id -> (tag, name)
        self.labels: list[tuple[str, str]] = []  # (for, text)
        self._label: list | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
            self.fields[a["id"]] = (tag, a.get("name") or "")
        if tag == "label":
            self._label = [a.get("for") or "", ""]

    def handle_data(self, data):
        if self._label is not None:
            self._label[1] += data

    def handle_endtag(self, tag):
        if tag == "label" and self._label is not None:
            self.labels.append((self._label[0], self._label[1].strip()))
            self._label = None


def read(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def duplicate_ids(html: str) -> list[str]:
    return [i for i, n in Counter(read(html).ids).items() if n > 1]


def labelled(html: str, text: str) -> tuple[str, str]:
    """(tag, name) of the field the label starting with `text` points at; fails when it points nowhere."""
    page = read(html)
    targets = [target for target, label in page.labels if label.startswith(text)]
    assert targets, f"no label {text!r}"
    assert targets[0] in page.fields, f"label {text!r} points at no element ({targets[0]!r})"
    return page.fields[targets[0]]
