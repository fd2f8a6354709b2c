"""The hostile values the input sweep sends, and how it reads the answer.

Values come in rounds: a round gives every field of one kind (text, date, number, choice) the same hostile value and
leaves the others as the page filled them, so that a value a form accepts is really stored and then read back.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from django.contrib.messages import constants as message_levels
from django.db import connection

from tests.sweep.crawl import Form, FormField

TEXT_KINDS = {"text", "textarea", "search", "email", "tel", "url"}
DATE_KINDS = {"date", "datetime-local", "month", "time"}
CHOICE_KINDS = {"select", "radio", "checkbox"}

LONG_TEXT = "长" * 100_000
SCRIPT = "<script>alert('sweep')</script><img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://evil.example/","点我")'

# name -> (kind of field it goes into, value, whether the form must refuse it). None: the round's value is computed
# per field (a forged id: an id the role's form does not offer; the edge of a number field's own range).
ROUNDS: dict[str, tuple[str, str | None, bool]] = {
    "date_far": ("date", "9999-12-31", True),
    "date_ancient": ("date", "0001-01-01", True),
    "date_impossible": ("date", "2026-02-30", True),
    "date_huge": ("date", "99999-01-01", True),
    "number_huge": ("number", "99999999999999999999", True),
    "number_below": ("number", "-2147483649", True),
    "number_nan": ("number", "NaN", True),
    "number_infinite": ("number", "1e400", True),
    "wrong_type": ("any", "abc", False),
    "two_values": ("any", "x", False),
    "forged_id": ("choice", None, True),
    "text_nul": ("text", "甲\x00乙", True),
    "text_long": ("text", LONG_TEXT, False),
    "text_script": ("text", SCRIPT, False),
    "text_formula": ("text", FORMULA, False),
    "date_edge": ("date", "2099-12-31", False),
    "number_edge": ("number", None, False),
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NUMBER = re.compile(r"^-?\d+$")


def baseline(f: FormField) -> str | list[str] | None:
    """What a user would send: the page's value, or a plain valid one. None: leave the field out."""
    if f.kind == "file":
        return None
    if f.kind == "checkbox":
        return f.value or None
    if f.kind in ("select", "radio"):
        if f.value:
            return f.value
        chosen = next((o for o in f.options if o), "")
        return chosen or None
    if f.value:
        return f.value
    if not f.required and f.kind != "number":
        return ""  # what a user leaves out
    today = date.today()
    return {
        "date": today.isoformat(),
        "datetime-local": f"{today.isoformat()}T09:00",
        "month": today.strftime("%Y-%m"),
        "time": "09:00",
        "number": f.low or "1",
        "email": "sweep@example.com",
        "tel": "13800138000",
        "url": "https://example.com/",
        "password": "Sweep-pass-2026!",
        "hidden": "",
    }.get(f.kind, "核查用文字")


def kind_of(f: FormField) -> str:
    if f.kind in TEXT_KINDS:
        return "text"
    if f.kind in DATE_KINDS:
        return "date"
    if f.kind == "number":
        return "number"
    if f.kind in CHOICE_KINDS or (f.kind == "hidden" and _NUMBER.match(f.value or "")):
        return "choice"
    return f.kind


def applies(round_name: str, form: Form) -> bool:
    target = ROUNDS[round_name][0]
    kinds = {kind_of(f) for f in form.fields if f.name != "idempotency_key"}
    if target == "any":
        return bool(kinds)
    return target in kinds


def payload(form: Form, round_name: str | None, forged: dict[str, str]) -> dict:
    """The POST data of one round (None: the baseline)."""
    data: dict = {}
    target, value, _refuse = ROUNDS[round_name] if round_name else ("", None, False)
    for f in form.fields:
        sent = baseline(f)
        kind = kind_of(f)
        if f.name == "idempotency_key":
            data[f.name] = uuid4().hex
            continue
        if round_name == "wrong_type" and kind in ("choice", "number", "date"):
            sent = {"choice": "abc", "number": "12abc", "date": "明天"}[kind]
        elif round_name == "two_values" and sent is not None:
            sent = [sent, "x"] if not isinstance(sent, list) else [*sent, "x"]
        elif round_name == "forged_id" and kind == "choice" and f.name in forged:
            sent = forged[f.name]
        elif round_name == "number_edge" and kind == "number":
            sent = f.high or "2147483647"
        elif target == kind and value is not None:
            sent = value if f.kind != "datetime-local" or target != "date" else f"{value}T09:00"
        if sent is None:
            continue
        data[f.name] = sent
    if form.submit:
        data[form.submit[0]] = form.submit[1]
    return data


@dataclass
class Answer:
    status: int
    refused: bool
    message: str  # the Chinese message shown, "" when none
    location: str = ""


def read_answer(response) -> Answer:
    status = response.status_code
    location = response.get("Location", "") if 300 <= status < 400 else ""
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    errors = [str(m.message) for m in queued if m.level >= message_levels.WARNING]
    if errors:
        return Answer(status, True, " ".join(errors), location)
    if 300 <= status < 400:
        return Answer(status, False, "", location)
    body = response.content.decode(errors="replace") if "html" in response.get("Content-Type", "") else ""
    shown = " ".join(re.findall(r'(?:class="errorlist[^"]*"|role="alert")[^>]*>(.*?)</(?:ul|div|p)>', body, re.S))
    text = re.sub(r"<[^>]+>", " ", shown)
    if status >= 400:
        if not text and not body:
            text = response.content.decode(errors="replace")[:500]
        return Answer(status, True, " ".join(text.split()) or " ".join(re.sub(r"<[^>]+>", " ", body).split())[:300])
    if 'class="errorlist' in body:
        return Answer(status, True, " ".join(text.split()))
    return Answer(status, False, "")


def chinese(text: str) -> bool:
    return bool(_CJK.search(text))


# ---- what a request wrote ------------------------------------------------------------------------------------------

_WRITE = re.compile(r'^\s*(INSERT INTO|UPDATE|DELETE FROM)\s+"?([A-Za-z0-9_]+)"?', re.I)
_SAVEPOINT = re.compile(r'^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\s+"?([A-Za-z0-9_]+)"?', re.I)
# Written whatever the answer: the session, the audit trail (a refused attempt is audited), rate-limit counters, the
# figures' cache (filled by reading).
BOOKKEEPING = re.compile(
    r"^(django_session|security_|core_auditrecord|core_ratelimit|core_submission|axes_|otp_|dashboards_(anchorversion|figurecell|watermark))"
)
# The log of what happened: an edit saved twice is logged twice, but stores no second object.
LOGS = re.compile(r"^core_event$")


@dataclass
class Writes:
    """The writes of a block that survive (those inside a savepoint rolled back are dropped). Savepoints are matched
    by name: Django releases a savepoint after rolling back to it, which must not pop its parent's writes."""

    stack: list = field(default_factory=lambda: [(None, [])])  # (savepoint name, writes since it), innermost last

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        savepoint = _SAVEPOINT.match(sql)
        if savepoint:
            verb, name = savepoint.group(1).upper(), savepoint.group(2)
            if verb == "SAVEPOINT":
                self.stack.append((name, []))
                return result
            names = [n for n, _w in self.stack]
            level = names.index(name) if name in names else 0  # a savepoint older than the block: all of it
            if verb == "ROLLBACK TO SAVEPOINT":  # the savepoint stays, empty
                del self.stack[level + 1 :]
                self.stack[level][1].clear()
            elif level > 0:  # RELEASE SAVEPOINT: its writes (and those of savepoints inside it) join the level below
                done = [w for _n, writes in self.stack[level:] for w in writes]
                del self.stack[level:]
                self.stack[-1][1].extend(done)
            return result
        write = _WRITE.match(sql)
        if write:
            self.stack[-1][1].append((write.group(1).split()[0].upper(), write.group(2), params))
        return result

    @property
    def kept(self) -> list[tuple[str, str, object]]:
        return [w for _name, writes in self.stack for w in writes]

    def domain(self) -> list[tuple[str, str, object]]:
        return [w for w in self.kept if not BOOKKEEPING.match(w[1])]


@contextmanager
def writes():
    tracker = Writes()
    with connection.execute_wrapper(tracker):
        yield tracker
