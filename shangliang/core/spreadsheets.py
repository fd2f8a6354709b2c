"""The one escaping rule for every CSV and Excel file the project writes (formula injection, CWE-1236).

A text cell that begins with = + - @ (or a tab, carriage return or line feed, which some spreadsheets skip before
reading a formula) is opened by Excel, WPS and LibreOffice as a live formula: `=HYPERLINK(...)` in a resident's
statement becomes a link that leaks data when an office clerk clicks it. Such a text gets a leading apostrophe, which
the spreadsheet shows as text. Numbers stay numbers. Every writer (csv.writer rows, openpyxl `append`) passes its cells
through `cell`; a reader of our own CSV files undoes it with `uncell`.
"""

from __future__ import annotations

from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def cell(value: Any) -> Any:
    """A cell for a spreadsheet or CSV row: int and float unchanged, None empty, anything else text that is never
    read as a formula."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    if text.lstrip(" ")[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def row(values) -> list[Any]:
    return [cell(v) for v in values]


def uncell(text: str) -> str:
    """The text `cell` was given (for files we wrote and read back, e.g. a room's comments.csv)."""
    if text[:1] == "'" and text[1:].lstrip(" ")[:1] in FORMULA_STARTS:
        return text[1:]
    return text
