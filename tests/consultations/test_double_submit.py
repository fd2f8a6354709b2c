"""Issue 12, class 7: the agenda-segment form sent twice stores one segment (two segments with the same words,
from two forms, are still two)."""

from uuid import uuid4

import pytest
from django.urls import reverse

from shangliang.consultations.models import ConsultationStatus as S

pytestmark = pytest.mark.django_db


def test_segment_form_sent_twice_stores_one(client, world, make_consultation):
    c = make_consultation(S.IN_SESSION)
    client.force_login(world.users["convenor"])
    page = client.get(reverse("consultations:meeting", args=[c.pk])).content.decode()
    assert 'name="segment-idempotency_key"' in page
    url = reverse("consultations:segment_add", args=[c.pk])
    sent = {"segment-kind": "briefing", "segment-title": "通报", "segment-idempotency_key": uuid4().hex}
    for _i in range(2):
        client.post(url, sent)
    assert c.agenda.count() == 1
    client.post(url, {**sent, "segment-idempotency_key": uuid4().hex})
    assert list(c.agenda.values_list("order", flat=True)) == [1, 2]
