"""Permission is checked before input is read (issue 12, class 9): a POST action by someone who may not take it is
refused (403) whatever it carries, empty or not, instead of being answered "please fill in …" (or a redirect with that
message). One view helper (core.access.get_for_action / check_action) asks the workflow's table first; the access
sweep (tests/test_sweep_access.py) holds every view to it."""

import pytest
from django.urls import reverse

from shangliang.topics.models import TopicStatus
from tests.topics.conftest import topic_in  # noqa: F401 (fixture)
from tests.villageaffairs.conftest import va  # noqa: F401 (fixture)


@pytest.mark.parametrize("data", [{}, {"note": ""}, {"note": "作废"}])
@pytest.mark.parametrize("role", ["liaison", "approver", "member"])
def test_a_viewer_who_may_not_discard_a_disclosure_is_refused_before_the_note_is_read(client, va, role, data):  # noqa: F811
    client.force_login(va.world.users[role])
    response = client.post(reverse("villageaffairs:disclosure_discard", args=[va.draft.pk]), data)
    assert response.status_code == 403
    va.draft.refresh_from_db()
    assert va.draft.status == "draft"


def test_who_may_discard_gets_the_message_about_the_note(client, va):  # noqa: F811
    client.force_login(va.world.users["staff"])
    response = client.post(reverse("villageaffairs:disclosure_discard", args=[va.draft.pk]), {})
    assert response.status_code == 302  # back to the disclosure, with "请填写…"


@pytest.mark.parametrize(("role", "url_name"), [("liaison", "topics:screen"), ("convenor", "topics:decide")])
def test_topic_decisions_refuse_before_reading_the_decision(client, world, topic_in, role, url_name):  # noqa: F811
    state = TopicStatus.SUBMITTED if url_name == "topics:screen" else TopicStatus.ACCEPTED
    topic = topic_in(state)
    client.force_login(world.users[role])
    for data in ({}, {"decision": "accept"}, {"decision": "approve", "note": ""}):
        assert client.post(reverse(url_name, args=[topic.pk]), data).status_code == 403, data


def test_someone_elses_returned_topic_cannot_be_resubmitted_even_empty(client, world, topic_in):  # noqa: F811
    topic = topic_in(TopicStatus.RETURNED)
    client.force_login(world.users["liaison"])  # sees the topic, did not raise it
    url = reverse("topics:resubmit", args=[topic.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {}).status_code == 403
