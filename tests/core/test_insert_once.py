"""Issue 12, class 7: a form sent twice stores one row, and a form key is bound to whoever sent it.

The mechanism (core.db.insert_once with the Submission rows), then the forms the sweep caught storing a second row
(talent, room; the meeting forms are in tests/consultations, tests/villageaffairs and tests/accountability).
"""

import re
from uuid import uuid4

import pytest
from django.urls import reverse

from shangliang.core.db import insert_once, purge_submissions, sender_of
from shangliang.core.errors import InvalidInput
from shangliang.core.models import Submission
from shangliang.people.models import Talent
from shangliang.units.models import Room, Unit

pytestmark = pytest.mark.django_db


def make_unit(name="某村"):
    return Unit.add_root(name=name, kind="county")


def test_the_same_key_from_the_same_sender_creates_once():
    calls = []

    def create():
        calls.append(1)
        return make_unit(f"单元{len(calls)}")

    key = uuid4().hex
    first = insert_once(key=key, sender="user:1", model=Unit, create=create)
    again = insert_once(key=key, sender="user:1", model=Unit, create=create)
    assert first.pk == again.pk and len(calls) == 1
    other = insert_once(key=key, sender="user:2", model=Unit, create=create)
    assert other.pk != first.pk and len(calls) == 2  # another sender's key is theirs alone
    assert insert_once(key="", sender="user:1", model=Unit, create=create).pk not in (first.pk, other.pk)


def test_a_refused_submission_leaves_the_key_free_and_a_key_for_another_form_is_refused():
    key = uuid4().hex

    def refuse():
        raise InvalidInput("请填写名称。")

    with pytest.raises(InvalidInput):
        insert_once(key=key, sender="user:1", model=Unit, create=refuse)
    assert not Submission.objects.exists()
    unit = insert_once(key=key, sender="user:1", model=Unit, create=make_unit)
    assert unit.pk
    with pytest.raises(InvalidInput, match="表单已失效"):
        insert_once(key=key, sender="user:1", model=Room, create=make_unit)
    with pytest.raises(InvalidInput, match="表单已失效"):
        insert_once(key="<script>", sender="user:1", model=Unit, create=make_unit)


def test_senders_are_told_apart_and_kept_as_a_hash(world):
    assert sender_of(world.users["staff"]) == f"user:{world.users['staff'].pk}"
    assert sender_of(None) == ""
    insert_once(key=uuid4().hex, sender="mobile:abc", model=Unit, create=make_unit)
    assert "mobile" not in Submission.objects.get().sender


def test_old_keys_are_forgotten(freeze):
    freeze("2026-01-01 09:00")
    insert_once(key=uuid4().hex, sender="user:1", model=Unit, create=make_unit)
    freeze("2026-03-01 09:00")
    assert "1 form keys" in purge_submissions(None)
    assert not Submission.objects.exists()


def rendered_key(response) -> str:
    match = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', response.content.decode())
    assert match, "the form renders its key"
    return match.group(1)


def test_talent_form_sent_twice_stores_one(client, world):
    client.force_login(world.users["staff"])
    url = reverse("people:talent_add", args=[world.a.pk])
    key = rendered_key(client.get(url))
    data = {"name": "李教授", "kind": "expert", "idempotency_key": key}
    for _i in range(2):
        assert client.post(url, data).status_code == 302
    assert Talent.objects.filter(name="李教授").count() == 1


def test_room_form_sent_twice_stores_one(client, world):
    client.force_login(world.users["staff"])
    url = reverse("units:room_add", args=[world.v2.pk])
    key = rendered_key(client.get(url))
    before = Room.objects.filter(unit=world.v2).count()
    data = {"name": "二村议事亭", "kind": "pavilion", "stage": "planned", "stage_year": "2026", "idempotency_key": key}
    for _i in range(2):
        assert client.post(url, data).status_code == 302
    assert Room.objects.filter(unit=world.v2).count() == before + 1
