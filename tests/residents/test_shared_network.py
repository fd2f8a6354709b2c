"""Fair limits for a shared network (issue 14): twenty residents behind one village Wi-Fi all get through, one
abuser on it does not flood the room, and a verified number lifts the network's cap."""

import pytest
from django.test import Client
from django.urls import reverse

from shangliang.topics.models import Support, Topic

VILLAGE_WIFI = "203.0.113.7"


def _submit(client: Client, room, n: int):
    data = {"title": f"村里的事{n}", "description": "需要大家商量。", "anonymous": "on", "idempotency_key": f"{n:032d}"}
    return client.post(reverse("topics:submit", args=[room.pk]), data, REMOTE_ADDR=VILLAGE_WIFI)


@pytest.fixture
def room(world):
    return world.rooms["一村"]


def test_twenty_residents_behind_one_address(world, room):
    residents = [Client() for _i in range(20)]
    for n, browser in enumerate(residents):
        assert _submit(browser, room, n).status_code == 302, n
    topic = Topic.objects.first()
    for browser in residents:
        response = browser.post(reverse("topics:support", args=[topic.pk]), REMOTE_ADDR=VILLAGE_WIFI)
        assert response.status_code == 302
    assert Topic.objects.count() == 20 and Support.objects.filter(topic=topic).count() == 20


def test_one_abuser_on_the_shared_network_is_stopped_by_the_per_browser_limit(world, room):
    abuser = Client()
    for n in range(5):
        assert _submit(abuser, room, n).status_code == 302
    refused = _submit(abuser, room, 5)
    assert refused.status_code == 429 and "提交议题过于频繁" in refused.content.decode()
    assert _submit(Client(), room, 6).status_code == 302  # a neighbour on the same Wi-Fi is not held back
    assert Topic.objects.count() == 6


def test_the_network_cap_holds_anonymous_browsers_and_a_verified_number_lifts_it(world, room, settings, verify_mobile):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "topic_submit": {"each": (5, 3600), "network": (20, 3600)}}
    for n in range(20):
        assert _submit(Client(), room, n).status_code == 302
    refused = _submit(Client(), room, 20)  # a bot that drops its cookie each time: caught by the network cap
    assert refused.status_code == 429 and "用手机号验证或登录后不受同一网络的限制" in refused.content.decode()
    verified = Client()
    verify_mobile(verified, "13912345678")
    assert _submit(verified, room, 21).status_code == 302
    assert Topic.objects.count() == 21
