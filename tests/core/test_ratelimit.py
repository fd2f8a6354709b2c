"""core.ratelimit: named limits per actor and per network, from settings; one "too many" page."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import RequestFactory

from shangliang.core import ratelimit
from shangliang.core.middleware import DomainErrorMiddleware
from shangliang.env import envrate, parse_rate


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def limits(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "topic_submit": {"each": (2, 3600), "network": (5, 3600)}}


def test_each_actor_is_capped_separately(limits):
    for _i in range(2):
        ratelimit.hit("topic_submit", key="browser-a", network="10.0.0.1")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("topic_submit", key="browser-a", network="10.0.0.1")
    assert refused.value.status_code == 429 and "2" in str(refused.value.message)
    ratelimit.hit("topic_submit", key="browser-b", network="10.0.0.1")  # another browser on the same network


def test_network_cap_is_higher_and_lifted_without_network(limits):
    for i in range(4):  # the refused third try of browser-a above does not count against the network
        ratelimit.hit("topic_submit", key=f"browser-{i}", network="10.0.0.2")
    ratelimit.hit("topic_submit", key="browser-x", network="10.0.0.2")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("topic_submit", key="browser-y", network="10.0.0.2")
    assert "手机号验证" in str(refused.value.message)
    # A verified mobile or an account is counted without the network.
    ratelimit.hit("topic_submit", key="mobile:hash", network=None)


def test_zero_turns_a_limit_off(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "rating": {"each": (0, 1), "network": (0, 1)}}
    for _i in range(50):
        ratelimit.hit("rating", key="k", network="n")


def test_unknown_name_is_a_programming_error():
    with pytest.raises(KeyError):
        ratelimit.hit("no_such_limit", key="k")


def test_every_default_limit_has_a_label(settings):
    assert set(settings.RATE_LIMITS) <= set(ratelimit.LABELS)
    for entry in settings.RATE_LIMITS.values():
        assert entry["network"][0] == 0 or entry["network"][0] >= entry["each"][0]


def test_cache_holds_no_address_or_number(limits):
    ratelimit.hit("topic_submit", key="13812345678", network="192.168.7.9")
    keys = list(getattr(cache, "_cache", {}).keys())
    assert keys and not any("13812345678" in k or "192.168.7.9" in k for k in keys)


@pytest.mark.parametrize(
    ("raw", "rate"),
    [("5/1h", (5, 3600)), ("240/10m", (240, 600)), ("20/3600", (20, 3600)), ("3/1d", (3, 86400)), ("0", (0, 1))],
)
def test_parse_rate(raw, rate):
    assert parse_rate(raw) == rate


@pytest.mark.parametrize("raw", ["five/1h", "5", "5/0h", "5/-1h", "5/xh", "/1h"])
def test_bad_rate_from_environment_fails_loudly(monkeypatch, raw):
    monkeypatch.setenv("RATE_X", raw)
    with pytest.raises(ImproperlyConfigured, match="RATE_X"):
        envrate("RATE_X", "5/1h")


def test_environment_sets_a_named_limit(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "RATE_TOPIC_SUBMIT": "7/2h", "RATE_TOPIC_SUBMIT_NETWORK": "0"}
    env["DJANGO_SETTINGS_MODULE"] = "shangliang.settings"
    code = "from django.conf import settings; print(settings.RATE_LIMITS['topic_submit'])"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"], env=env, capture_output=True, text=True
    )
    assert "'each': (7, 7200)" in out.stdout and "'network': (0, 1)" in out.stdout, out.stderr


def test_too_many_page(limits):
    def view(request):
        ratelimit.hit("topic_submit", key="b", network="n")
        return HttpResponse("ok")

    middleware = DomainErrorMiddleware(view)
    rf = RequestFactory()
    for _i in range(2):
        assert view(rf.post("/")).status_code == 200
    request = rf.post("/", HTTP_REFERER="http://testserver/form/")
    request.htmx = False
    try:
        view(request)
    except ratelimit.RateLimited as exc:
        response = middleware.process_exception(request, exc)
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    text = response.content.decode()
    assert "操作过于频繁" in text and "提交议题过于频繁" in text


@pytest.fixture
def counted_in_database(settings, limits):
    """As in production (CACHE_BACKEND=database): the counters are rows of core.RateCounter."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "unused"}}


@pytest.mark.django_db
def test_database_counters_cap_each_actor_and_network_in_one_statement_each(
    counted_in_database, django_assert_num_queries
):
    for i in range(2):
        with django_assert_num_queries(2):  # the actor's window and the network's window, one upsert each
            ratelimit.hit("topic_submit", key="browser-a", network=f"10.0.1.{i}")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("topic_submit", key="browser-a", network="10.0.1.9")
    assert refused.value.retry_after > 0 and "提交议题过于频繁" in str(refused.value.message)
    for i in range(4):  # 10.0.1.1 counted once above: these make five, its limit
        ratelimit.hit("topic_submit", key=f"browser-{i}", network="10.0.1.1")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("topic_submit", key="browser-z", network="10.0.1.1")
    assert "手机号验证" in str(refused.value.message)
    from shangliang.core.models import RateCounter

    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert keys and not any("browser" in k or "10.0.1" in k for k in keys)  # keyed hashes only


@pytest.mark.django_db
def test_ended_windows_are_purged(counted_in_database):
    from datetime import UTC, datetime, timedelta

    from shangliang.core.models import RateCounter

    ratelimit.hit("topic_submit", key="browser-a")
    RateCounter.objects.create(key="rl:old", count=3, expires_at=datetime.now(tz=UTC) - timedelta(seconds=1))
    assert "1 ended" in ratelimit.purge_counters(None)
    assert RateCounter.objects.count() == 1
