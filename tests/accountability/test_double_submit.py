"""Issue 12, class 7: a supervising member's comment form sent twice stores one comment."""

from uuid import uuid4

import pytest
from django.urls import reverse

from shangliang.accountability.models import Supervision, SupervisionComment

pytestmark = pytest.mark.django_db


def test_supervision_comment_sent_twice_stores_one(client, world, task):
    Supervision.objects.create(task=task, member=world.users["member"])
    client.force_login(world.users["member"])
    page = client.get(reverse("accountability:task", args=[task.pk])).content.decode()
    assert 'name="idempotency_key"' in page
    sent = {"text": "请加快进度", "idempotency_key": uuid4().hex}
    for _i in range(2):
        client.post(reverse("accountability:comment", args=[task.pk]), sent)
    assert SupervisionComment.objects.filter(task=task).count() == 1
