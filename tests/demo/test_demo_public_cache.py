"""Public pages nginx may keep for a few seconds (shangliang/core/publiccache.py): on the demo county, an anonymous GET
of each page of PUBLIC_VIEWS sets no cookie, carries no CSRF token, is the same for every visitor and says it may be
cached briefly; a visitor with a cookie of their own gets the page as before, marked private; forms on a cached page
still need the token of the csrftoken cookie, now fetched just in time."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from shangliang.core import display
from shangliang.core.publiccache import PUBLIC_VIEWS, visitor_cookies
from shangliang.residents import visitor
from shangliang.topics.models import PUBLIC_STATUSES, Topic
from tests.sweep.fixtures import sweep_county  # noqa: F401
from tests.sweep.subjects import SUBJECTS

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def urls_of(name: str, county) -> list[str]:
    subject = SUBJECTS[name]
    urls = []
    for place in subject.places:
        kwargs = subject.kwargs(county, place)
        if kwargs is not None:
            urls.append(reverse(name, kwargs=kwargs))
    return urls


def anonymous() -> Client:
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("name", sorted(PUBLIC_VIEWS))
def test_an_anonymous_get_sets_no_cookie_and_may_be_cached_briefly(name, sweep_county, db):  # noqa: F811
    answered = 0
    for url in urls_of(name, sweep_county):
        first, second = anonymous().get(url), anonymous().get(url)
        if first.status_code != 200:
            assert "public" not in first.get("Cache-Control", ""), url
            continue
        answered += 1
        assert not first.cookies, (url, list(first.cookies))
        assert first["Cache-Control"] == f"public, max-age={settings.PUBLIC_CACHE_SECONDS}", url
        assert "Cookie" in first["Vary"], url
        # the same for everyone: no token, no fresh idempotency key, nothing of the visitor
        assert first.content == second.content, url
        assert b"csrfmiddlewaretoken" not in first.content, url
        assert b"X-CSRFToken" not in first.content, url
        if re.search(rb'method="post"|hx-post', first.content):  # its forms get their token just in time
            assert b"js/csrf.js" in first.content, url
    assert answered, f"{name}: no page of the demo county answered 200 to an anonymous visitor"


@pytest.mark.parametrize("cookie", visitor_cookies())
def test_a_visitor_with_a_cookie_of_their_own_gets_a_private_page(cookie, sweep_county, db):  # noqa: F811
    url = urls_of("topics:public_topic", sweep_county)[0]
    client = anonymous()
    client.cookies[cookie] = "x" * 32 if cookie != settings.LANGUAGE_COOKIE_NAME else "en"
    response = client.get(url)
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]


def test_the_cookie_list_is_every_cookie_the_app_uses():
    assert visitor.BROWSER_COOKIE in visitor_cookies()
    assert display.COOKIE in visitor_cookies()


def test_a_signed_in_page_keeps_its_token_and_is_not_public(sweep_county, db):  # noqa: F811
    client = Client()
    client.force_login(sweep_county.actors["resident"])
    response = client.get(urls_of("topics:public_topic", sweep_county)[0])
    assert "private" in response["Cache-Control"]
    assert TOKEN.search(response.content.decode())
    assert b"X-CSRFToken" in response.content


def test_htmx_fragments_are_not_shared(sweep_county, db):  # noqa: F811
    url = urls_of("online:results", sweep_county)[0]
    response = anonymous().get(url, headers={"HX-Request": "true"})
    assert "public" not in response.get("Cache-Control", "")


def test_a_support_from_a_cached_page_needs_the_token_fetched_just_in_time(sweep_county, db):  # noqa: F811
    topic = Topic.objects.filter(status__in=PUBLIC_STATUSES, unit=sweep_county.units["V"]).order_by("pk").first()
    page_url = reverse("topics:public_topic", args=[topic.pk])
    support_url = reverse("topics:support", args=[topic.pk])
    client = anonymous()
    assert "public" in client.get(page_url)["Cache-Control"]
    before = topic.supports_count

    # without a token (what the cached page carries): refused, as before
    assert client.post(support_url, {"next": page_url}).status_code == 403
    # a token without its cookie: refused
    stray = anonymous().get(reverse("csrf_token")).json()["token"]
    assert client.post(support_url, {"next": page_url, "csrfmiddlewaretoken": stray}).status_code == 403

    answer = client.get(reverse("csrf_token"))
    assert answer["Cache-Control"].startswith("max-age=0")
    assert "no-store" in answer["Cache-Control"]
    assert settings.CSRF_COOKIE_NAME in answer.cookies
    token = answer.json()["token"]
    response = client.post(support_url, {"next": page_url, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.supports_count == before + 1
    # from now on this visitor's pages are their own: private, with the token of their cookie
    again = client.get(page_url)
    assert "private" in again["Cache-Control"]
    assert TOKEN.search(again.content.decode())
