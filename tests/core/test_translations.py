"""The English catalogue: complete, placeholder-safe, compiled, and actually used once English is chosen.

Chinese (zh-hans) is the source language; `locale/en/LC_MESSAGES/django.po` holds the English for every msgid that
`makemessages` extracts, and the committed `django.mo` must be compiled from exactly that file.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from shangliang.people.models import Department, Sector, User
from shangliang.units.models import Room, Standard, Unit

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# printf-style placeholders as Python formats them: %(name)s, %(size).1f, %d, %% (not the rare space flag, so that
# a literal "% of ..." in a non-format string is not taken for one)
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0+-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[diouxXeEfFgGcrsa%]")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Han ideographs plus CJK punctuation and full-width forms: none of it belongs in the English UI.
# (U+3000, the ideographic space, is whitespace: select options use it to indent the unit tree.)
CJK = re.compile(r"[\u3001-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def read_po(path: Path) -> list[dict]:
    """Parse a .po file into entries: {"msgid", "msgid_plural", "msgstr" (list), "flags", "line"}; obsolete skipped."""
    entries: list[dict] = []
    entry: dict | None = None
    field: tuple[str, int] | str | None = None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if line.startswith("#~"):
            continue
        if entry is None or (line.startswith("#") and "msgid" in entry):
            finish()
            entry = {"flags": set(), "msgstr": {}, "line": number}
        if line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, tuple):
                entry["msgstr"][field[1]] += value
            else:
                entry[field] += value
        else:
            keyword, _, value = line.partition(" ")
            value = ast.literal_eval(value)
            if keyword.startswith("msgstr"):
                index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
                field = ("msgstr", index)
                entry["msgstr"][index] = value
            else:
                field = keyword
                entry[keyword] = value
    finish()
    for e in entries:
        e["msgstr"] = [e["msgstr"][i] for i in sorted(e["msgstr"])]
    return entries


@pytest.fixture(scope="module")
def catalogue() -> list[dict]:
    entries = read_po(PO_FILE)
    assert entries and entries[0]["msgid"] == "", "the .po file should start with its header"
    return entries[1:]


def where(entry: dict) -> str:
    return f"django.po:{entry['line']} {entry['msgid']!r}"


def test_the_catalogue_is_not_trivial(catalogue):
    assert len(catalogue) > 100
    assert {e["msgid"]: e["msgstr"][0] for e in catalogue}["登录"] == "Log in"


def test_every_entry_is_translated_and_none_is_fuzzy():
    header = read_po(PO_FILE)[0]
    assert "fuzzy" not in header["flags"], "the header is still marked fuzzy"
    assert "Language: en" in header["msgstr"][0]
    untranslated, fuzzy = [], []
    for entry in read_po(PO_FILE)[1:]:
        if not all(s.strip() for s in entry["msgstr"]):
            untranslated.append(where(entry))
        if "fuzzy" in entry["flags"]:
            fuzzy.append(where(entry))
    assert not untranslated, f"{len(untranslated)} untranslated entries: {untranslated}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy entries: {fuzzy}"


def test_translations_keep_placeholders_and_markup(catalogue):
    broken = []
    for entry in catalogue:
        sources = [entry["msgid"]] + ([entry["msgid_plural"]] if "msgid_plural" in entry else [])
        for index, translation in enumerate(entry["msgstr"]):
            if not translation:
                continue
            # A plural form may leave out the count (e.g. "one item"), never add or rename a placeholder.
            source = sources[min(index, len(sources) - 1)]
            wanted, got = sorted(PLACEHOLDER.findall(source)), sorted(PLACEHOLDER.findall(translation))
            if wanted != got and not ("msgid_plural" in entry and set(got) <= set(wanted)):
                broken.append(f"{where(entry)}: placeholders {wanted} became {got}")
            if sorted(HTML_TAG.findall(source)) != sorted(HTML_TAG.findall(translation)):
                broken.append(f"{where(entry)}: HTML tags changed in {translation!r}")
    assert not broken, "\n".join(broken)


def test_no_english_translation_contains_chinese(catalogue):
    leftovers = [where(e) for e in catalogue if any(HAN.search(s) for s in e["msgstr"])]
    assert not leftovers, f"Chinese left in English translations: {leftovers}"


def test_the_committed_mo_matches_the_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        if os.environ.get("CI"):
            pytest.fail("msgfmt (gettext) is required in CI to check the compiled catalogue")
        pytest.skip("msgfmt is not installed")
    assert MO_FILE.exists(), "compile the catalogue: manage.py compilemessages"
    fresh = tmp_path / "django.mo"
    subprocess.run([msgfmt, "--check-format", "-o", str(fresh), str(PO_FILE)], check=True)
    with MO_FILE.open("rb") as committed, fresh.open("rb") as compiled:
        committed_catalogue = gettext.GNUTranslations(committed)._catalog
        compiled_catalogue = gettext.GNUTranslations(compiled)._catalog
    stale = {k for k in committed_catalogue.keys() | compiled_catalogue.keys() if k != ""}
    stale = {k for k in stale if committed_catalogue.get(k) != compiled_catalogue.get(k)}
    assert not stale, f"django.mo is out of date with django.po ({len(stale)} messages differ); run compilemessages"


# --- the English UI ------------------------------------------------------------------------------------------------


def switch_to_english(client, next_url="/"):
    response = client.post(reverse("set_language"), {"language": "en", "next": next_url})
    assert response.status_code == 302


def user_data() -> set[str]:
    """Names people typed in (units, rooms, standards, people, sectors, departments): not translated, allowed."""
    data = set()
    data |= set(Unit.objects.values_list("name", flat=True))
    data |= set(Room.objects.values_list("name", flat=True))
    data |= set(Standard.objects.values_list("name", flat=True))
    data |= set(Sector.objects.values_list("name", flat=True))
    data |= set(Department.objects.values_list("name", flat=True))
    for user in User.objects.all():
        data |= {user.full_name, user.display_name, user.username}
    return {d for d in data if d}


def strip_allowed(html: str) -> str:
    """The page without scripts, the language selector's own "简体中文" option and user data."""
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    html = re.sub(r"<option[^>]*>\s*简体中文\s*</option>", "", html)
    for text in sorted(user_data(), key=len, reverse=True):
        html = html.replace(text, "")
    return html


def chinese_in(html: str, pattern=CJK) -> list[str]:
    text = strip_allowed(html)
    return sorted({text[max(m.start() - 20, 0) : m.end() + 20].strip() for m in pattern.finditer(text)})


def nav_and_headings(html: str) -> str:
    parts = re.findall(r"<nav\b.*?</nav>", html, flags=re.S)
    parts += [m.group(0) for m in re.finditer(r"<(h[1-3])\b[^>]*>.*?</h[1-3]>", html, flags=re.S)]
    parts += re.findall(r"<title>.*?</title>", html, flags=re.S)
    return "\n".join(parts)


@pytest.mark.django_db
def test_login_page_in_english(client, world):
    switch_to_english(client, "/accounts/login/")
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Log in</h1>" in html
    assert "Username" in html and "Password" in html
    assert not chinese_in(html), chinese_in(html)


@pytest.mark.django_db
def test_public_pages_in_english(client, world):
    switch_to_english(client)
    html = client.get(reverse("public:index")).content.decode()
    assert "Consultation rooms" in html and "Public information" in html and "Log in" in html
    assert 'aria-label="Main navigation"' in html
    assert not chinese_in(html), chinese_in(html)

    html = client.get(reverse("home")).content.decode()
    assert "Log in" in html
    assert not chinese_in(html), chinese_in(html)

    for unit in (world.a, world.t1, world.v1):
        html = client.get(reverse("public:unit", args=[unit.pk])).content.decode()
        assert "Public information" in html
        assert not chinese_in(html), (unit.name, chinese_in(html))
    html = client.get(reverse("public:unit", args=[world.t1.pk])).content.decode()
    assert "Consultation room" in html and "Town/township" in html and "Built · 2022" in html


@pytest.mark.django_db
def test_residents_pages_in_english(client, world):
    """What residents see: a room's topics (from its QR code), the poster, tracking by code, village disclosures."""
    switch_to_english(client)
    room = world.rooms["一镇"]
    html = client.get(reverse("topics:room", args=[room.pk])).content.decode()
    assert "Raise a topic" in html
    for url in (reverse("topics:room", args=[room.pk]), reverse("topics:poster", args=[room.pk])):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not chinese_in(response.content.decode()), (url, chinese_in(response.content.decode()))
    html = client.get(reverse("topics:track_form")).content.decode()
    assert "Track a topic" in html
    assert not chinese_in(html), chinese_in(html)
    html = client.get(reverse("villageaffairs:public_village", args=[world.v1.pk])).content.decode()
    assert "micro-powers" in html
    assert not chinese_in(html), chinese_in(html)


@pytest.mark.django_db
def test_resident_submission_form_in_english(client, world):
    switch_to_english(client)
    html = client.get(reverse("topics:submit", args=[world.rooms["一镇"].pk])).content.decode()
    assert "Submit topic" in html
    assert not chinese_in(html), chinese_in(html)


@pytest.mark.django_db
def test_error_page_in_english(client, world):
    switch_to_english(client)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert not chinese_in(response.content.decode())


@pytest.mark.django_db
def test_staff_pages_nav_and_headings_in_english(client, world):
    switch_to_english(client)
    client.force_login(world.users["staff"])
    html = client.get(reverse("home")).content.decode()
    assert "Units and rooms" in html and "Log out" in html and "My roles" in html
    pages = [
        reverse("home"),
        reverse("units:detail", args=[world.a.pk]),
        reverse("units:detail", args=[world.t1.pk]),
        reverse("units:room", args=[world.rooms["一镇"].pk]),
        reverse("people:unit_people", args=[world.a.pk]),
        reverse("people:member_links", args=[world.a.pk]),
        reverse("people:talent_list", args=[world.a.pk]),
        reverse("topics:list"),
        reverse("notifications:inbox"),
        reverse("consultations:index"),
        reverse("consultations:rules", args=[world.a.pk]),
        reverse("villageaffairs:overview", args=[world.a.pk]),
        reverse("villageaffairs:meetings", args=[world.v1.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        found = chinese_in(nav_and_headings(response.content.decode()))
        assert not found, (url, found)


@pytest.mark.django_db
def test_chinese_stays_the_default(client, world):
    html = client.get(reverse("public:index")).content.decode()
    assert '<html lang="zh-CN">' in html and "公开信息" in html and "Public information" not in html
