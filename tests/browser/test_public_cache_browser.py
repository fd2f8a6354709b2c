"""Pages from the shared cache carry no CSRF token (shangliang/core/publiccache.py): in a real browser, an anonymous
resident supports a topic from such a page, switches the language and sends an htmx request, each time with the token
static/js/csrf.js fetched just in time."""

from django.conf import settings

from shangliang.topics.models import Topic
from shangliang.topics.services import screening
from tests.browser.conftest import assert_fits
from tests.conftest import fresh
from tests.topics.conftest import enter


def cookies(page) -> dict[str, str]:
    return {c["name"]: c["value"] for c in page.context.cookies()}


def test_an_anonymous_resident_acts_from_a_cached_page(phone, live_server, world):
    room = world.rooms["一镇"]
    topic = enter(world, unit=world.t1, room=room, title="村道坑洼，雨天积水")
    screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="accept", category="governance")
    csrf_requests = []
    phone.on("request", lambda r: csrf_requests.append(r.url) if r.url.endswith("/csrf-token") else None)

    response = phone.goto(f"{live_server.url}/public/topics/{topic.pk}/")
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert not cookies(phone)
    assert phone.locator("input[name=csrfmiddlewaretoken]").count() == 0
    phone.get_by_role("button", name="附议").click()
    phone.wait_for_selector("text=附议成功")
    assert Topic.objects.get(pk=topic.pk).supports_count == 1
    assert len(csrf_requests) == 1 and settings.CSRF_COOKIE_NAME in cookies(phone)
    assert_fits(phone)

    # A new visitor: the language switch of a cached page works, as before.
    phone.context.clear_cookies()
    response = phone.goto(f"{live_server.url}/public/rooms/{room.pk}/")
    assert response.headers["cache-control"].startswith("public, max-age=")
    with phone.expect_navigation():
        phone.locator("#lang-select").select_option("en")
    assert phone.locator("html").get_attribute("lang") == "en"
    assert cookies(phone)[settings.LANGUAGE_COOKIE_NAME] == "en"

    # And an htmx request that changes something waits for its token, then goes with it in the header.
    phone.context.clear_cookies()
    phone.goto(f"{live_server.url}/public/rooms/{room.pk}/")
    status = phone.evaluate(
        """() => new Promise(resolve => {
             document.body.addEventListener("htmx:afterRequest", e => resolve(e.detail.xhr.status), {once: true});
             htmx.ajax("POST", "/i18n/setlang/", {values: {language: "en", next: "/public/"}, swap: "none"});
           })"""
    )
    assert status == 200  # the redirect to /public/ followed
    assert cookies(phone)[settings.LANGUAGE_COOKIE_NAME] == "en"
