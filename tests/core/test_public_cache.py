"""The CSRF side of the public micro-cache (shangliang/core/publiccache.py) without the demo county: the token comes
just in time from an endpoint never cached, and the server still checks the cookie and field/header pair."""

from django.conf import settings
from django.test import Client
from django.urls import reverse


def test_an_address_of_no_page_hands_out_no_csrf_cookie(db):
    # a browser asks for /favicon.ico on its own: a cookie from that 404 would make every later page the visitor's own
    response = Client().get("/favicon.ico")
    assert response.status_code == 404
    assert not response.cookies


def test_the_token_endpoint_sets_the_cookie_and_is_never_cached(db):
    response = Client().get(reverse("csrf_token"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert settings.CSRF_COOKIE_NAME in response.cookies
    assert len(response.json()["token"]) == 64
    assert Client().post(reverse("csrf_token")).status_code == 405


def test_an_unsafe_request_needs_the_token_of_its_own_cookie(db):
    client = Client(enforce_csrf_checks=True)
    choice = {"language": "en", "next": "/public/"}
    assert client.post(reverse("set_language"), choice).status_code == 403
    stray = Client().get(reverse("csrf_token")).json()["token"]  # another visitor's token
    client.get(reverse("csrf_token"))
    assert client.post(reverse("set_language"), choice, headers={"X-CSRFToken": stray}).status_code == 403
    token = client.get(reverse("csrf_token")).json()["token"]
    response = client.post(reverse("set_language"), choice, headers={"X-CSRFToken": token})
    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
