"""The access sweep: every URL pattern of the project (walked from the URLconf), for every actor × place of the fixture
county (tests/sweep/fixtures.py) and for GET and POST, against the policy declared per view (tests/sweep/policy.py).

A view without a declared policy fails; so does a cell whose answer differs from the declaration (a page that opens
for someone the policy refuses, or refuses someone it admits), any 5xx, and a POST answered with a form (a validation
message) where the same actor is refused the page: permission is checked before input is read.

In `make test` (SQLite and PostgreSQL), within the suite's budget: each actor is asked at one place per view (a
different one for each view and actor, so that together the views cover every place), and a method the view's code
does not take (a page behind `require_GET`, an action behind `require_POST`, a class-based view without the handler:
`Pattern.methods`) is asked once, by one actor, to confirm the declared answer; a method the code does not name is
swept in full. Environment:

- `SWEEP_FULL=1`: every actor at every place, both methods (minutes: before a release, or after changing rules);
- `SWEEP_ONLY=<regex>`: only the views whose key (`namespace:name`) matches, e.g. `SWEEP_ONLY='^dashboards:'`;
- `SWEEP_SLICE=a:b`: only the app patterns a..b (to record in several processes at once);
- `SWEEP_RECORD=file`: sweep in full and write what is observed in the policy's notation instead of comparing (to
  declare a new view: review each line against the rules, then copy it into the policy).
"""

import hashlib
import os
import re

import pytest

from shangliang.people.models import Role, RoleAssignment
from tests.sweep.fixtures import ACTORS, PLACES, sweep_county  # noqa: F401
from tests.sweep.policy import ACCESS, LATE_REFUSALS, decode, encode
from tests.sweep.subjects import SUBJECTS
from tests.sweep.walk import Actors, fill, patterns

ALL = patterns()
APP = [p for p in ALL if p.kind == "app"]
REDIRECTS = [p for p in ALL if p.kind == "redirect"]
ADMIN = [p for p in ALL if p.kind == "admin"]
COUNTS = {"patterns": len(ALL), "cells": 0, "no_object": 0}
RECORD = os.environ.get("SWEEP_RECORD")
# The whole matrix (every actor at every place) takes minutes; by default each actor is swept at one place per view,
# a different one for each view and actor (so that together the views cover every place), within the suite's budget.
FULL = bool(RECORD or os.environ.get("SWEEP_FULL"))
ONLY = re.compile(os.environ["SWEEP_ONLY"]) if os.environ.get("SWEEP_ONLY") else None
METHODS = ("GET", "POST")


def selected(patterns_: list) -> list:
    return [p for p in patterns_ if ONLY is None or ONLY.search(p.key)]


def turn(*parts: str) -> int:
    """A fixed pseudo-random number per view (and actor): the same cells on every run and every machine."""
    return int(hashlib.sha256("|".join(parts).encode()).hexdigest(), 16)


def places_for(key: str, actor: str, places: list[str]) -> list[str]:
    if FULL or len(places) <= 1:
        return places
    return [places[turn(key, actor) % len(places)]]


def cells_of(pattern, places: list[str]) -> list[tuple[str, str, str]]:
    """(method, actor, place) to ask: see the module's docstring."""
    takes = pattern.methods
    cells = []
    for method in METHODS:
        if FULL or takes is None or method in takes:
            cells += [(method, a, p) for a in ACTORS for p in places_for(pattern.key, a, places)]
        else:
            n = turn(pattern.key, method)
            cells.append((method, list(ACTORS)[n % len(ACTORS)], places[n // len(ACTORS) % len(places)]))
    return cells


def test_the_fixture_county_has_its_places_and_actors(sweep_county, db):  # noqa: F811
    units = sweep_county.units
    assert set(units) == set(PLACES)
    assert units["V"].path.startswith(units["T"].path) and units["V2"].path.startswith(units["T"].path)
    assert units["V3"].path.startswith(units["T2"].path) and not units["T2"].path.startswith(units["T"].path)
    assert set(sweep_county.actors) == set(ACTORS)
    active = RoleAssignment.objects.active()
    assert active.filter(user=sweep_county.actors["village_convenor"], role=Role.CONVENOR, unit=units["V"]).exists()
    assert active.filter(user=sweep_county.actors["second_convenor"], role=Role.CONVENOR, unit=units["V"]).exists()
    assert not active.filter(user=sweep_county.actors["member"], role=Role.CONVENOR).exists()
    assert not active.filter(user=sweep_county.actors["stranger"]).exists()


def test_every_view_has_a_declared_policy():
    """A new URL pattern fails here until someone declares who may open it and post to it (and what it is about)."""
    keys = {p.key for p in APP}
    assert sorted(keys - set(ACCESS)) == [], "views without a declared policy (tests/sweep/policy.py)"
    assert sorted(keys - set(SUBJECTS)) == [], "views without a subject (tests/sweep/subjects.py)"
    assert sorted(set(ACCESS) - keys) == [], "policies of views that no longer exist"


def test_the_policy_agrees_with_the_methods_the_views_take():
    """A method the view's code does not take is declared "405", or refused to all ("" : the API authenticates before
    it looks at the method): the default sweep asks it only once, so the declaration must not hide an admission."""
    wrong = []
    for p in APP:
        if p.methods is None or p.key not in ACCESS:
            continue
        for method, spec in zip(METHODS, ACCESS[p.key], strict=True):
            if method in p.methods and spec == "405":
                wrong.append(f"{p.key}: takes {method}, declared 405")
            if method not in p.methods and spec not in ("405", ""):
                wrong.append(f"{p.key}: does not take {method}, declared {spec!r}")
    assert wrong == []


# SWEEP_SLICE=a:b sweeps only the app patterns a..b (to record the policy in several processes at once).
SLICE = slice(*(int(x) if x else None for x in os.environ.get("SWEEP_SLICE", ":").split(":")))


@pytest.mark.parametrize("pattern", selected(APP[SLICE]), ids=lambda p: p.key)
def test_access(pattern, sweep_county, db):  # noqa: F811
    assert pattern.key in ACCESS or RECORD, "no declared policy (test_every_view_has_a_declared_policy)"
    subject = SUBJECTS[pattern.key]
    actors = Actors(sweep_county)
    observed: dict[str, dict[tuple[str, str], str]] = {"GET": {}, "POST": {}}
    paths = {}
    for place in subject.places:
        kwargs = subject.kwargs(sweep_county, place)
        if kwargs is None:
            COUNTS["no_object"] += 1
        else:
            paths[place] = fill(pattern, kwargs)
    if not paths:
        if RECORD:
            with open(RECORD, "a") as out:
                out.write(f"    # {pattern.key}: no object at any place of the fixture county, not swept\n")
        pytest.skip("the fixture county has no such object at any place")
    for method, actor, place in cells_of(pattern, list(paths)):
        observed[method][actor, place] = actors.ask(actor, method, paths[place])
        COUNTS["cells"] += 1
    errors = [f"{m} {a}@{p}: {r}" for m in observed for (a, p), r in observed[m].items() if r.startswith("ERROR")]
    late = [
        f"POST {a}@{p} answered instead of refused"
        for (a, p), r in observed["POST"].items()
        if r == "yes" and observed["GET"].get((a, p)) == "no"
    ]
    if RECORD:
        with open(RECORD, "a") as out:
            out.write(f"    {pattern.key!r}: ({encode(observed['GET'])!r}, {encode(observed['POST'])!r}),\n")
            for line in errors + late:
                out.write(f"    # {line}\n")
        return
    assert errors == [], "5xx"
    if pattern.key in LATE_REFUSALS:
        assert late, f"{pattern.key} now refuses first: take it off LATE_REFUSALS"
    else:
        assert late == [], "permission must be checked before the input is read"
    get_spec, post_spec = ACCESS[pattern.key]
    mismatches = []
    for method, spec in (("GET", get_spec), ("POST", post_spec)):
        allowed = decode(spec, observed[method])
        for cell, result in observed[method].items():
            expected = allowed(cell)
            if result != expected and not (expected == "no" and result == "n/a"):  # not taking the method refuses too
                mismatches.append(f"{method} {cell[0]}@{cell[1]}: {result}, policy says {expected}")
    assert mismatches == [], f"{pattern.key} ({pattern.route})"


def test_moved_addresses_redirect_everyone(client, db):
    """The old addresses (printed QR codes) redirect, signed in or not, without looking anything up."""
    for pattern in REDIRECTS:
        path = fill(pattern, {})
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            COUNTS["cells"] += 1
            assert response.status_code in (301, 302, 308), (pattern.route, method, response.status_code)


def test_the_admin_site_admits_none_of_the_actors(sweep_county, db):  # noqa: F811
    """Django's admin belongs to the system administrator (三员); every other actor is sent to its sign-in."""
    actors = Actors(sweep_county)
    for pattern in selected(ADMIN):
        path = fill(pattern, {})
        for actor, method in (("anonymous", "GET"), ("staff", "GET"), ("staff", "POST")):
            COUNTS["cells"] += 1
            assert actors.ask(actor, method, path) == "no", (pattern.route, actor, method)


def test_counts():
    """The sweep's size, for the record (run with -s to see it)."""
    print(
        f"\naccess sweep: {COUNTS['patterns']} URL patterns ({len(APP)} app, {len(REDIRECTS)} redirects, "
        f"{len(ADMIN)} admin), {COUNTS['cells']} cells, {COUNTS['no_object']} places without an object"
    )
    assert COUNTS["patterns"] > 0
