"""Accessible and elder-friendly (issue 14): axe-core finds no serious or critical WCAG 2.1 A/AA violation on the main
pages of each role (residents' pages at phone width, 360 px); the large-text mode is one click from every resident
page and remembered; a resident raises a topic with the keyboard alone."""

import pytest

from shangliang.topics.models import Topic
from tests.accountability.conftest import assign
from tests.browser.axe import violations
from tests.browser.conftest import PHONE, login
from tests.consultations.conftest import S, make, people  # noqa: F401 (fixture)
from tests.online.rooms import make_room
from tests.villageaffairs.conftest import disclosure_data, make_power_items


@pytest.fixture
def loop(world, people):  # noqa: F811
    """One of everything a resident or a role holder opens: a room, an open topic, a consultation in session, posted
    results with a task, an open online room, a published disclosure."""
    from shangliang.villageaffairs import services as va

    topic = Topic.objects.create(
        unit=world.v1, room=world.rooms["一村"], source="resident", title="村口路灯不亮", description="晚上看不见路。"
    )
    meeting = make(world, people, S.IN_SESSION)
    results = make(world, people, S.SUBMITTED)
    task = assign(world, results)
    online = make_room(world)
    d = va.disclosure_create(
        actor=world.users["staff"], unit=world.v1, **disclosure_data(next(iter(make_power_items(world.a).values())))
    )
    va.disclosure_publish(actor=world.users["staff"], disclosure=d)
    return {"topic": topic, "meeting": meeting, "results": results, "task": task, "online": online, "disclosure": d}


def resident_pages(world, loop):
    room = world.rooms["一村"]
    return [
        "/",
        "/public/",
        "/public/?q=一村",
        f"/public/units/{world.v1.pk}/",
        f"/public/rooms/{room.pk}/",
        f"/public/rooms/{room.pk}/new/",
        f"/public/topics/{loop['topic'].pk}/",
        "/public/track/",
        f"/public/online/{loop['online'].pk}/",
        f"/public/consultations/{loop['results'].pk}/",
        f"/public/tasks/{loop['task'].pk}/",
        f"/public/disclosures/{loop['disclosure'].pk}/",
        f"/public/units/{world.v1.pk}/village/",
        "/public/verify/",
        "/accounts/login/",
        f"/public/track/{loop['topic'].tracking_code}/",
        f"/public/online/{loop['online'].pk}/results/",
        f"/public/units/{world.t1.pk}/results/",
        f"/public/units/{world.t1.pk}/notices/",
        f"/public/units/{world.t1.pk}/figures/",
        f"/public/units/{world.v1.pk}/topics/",
        "/public/privacy/",
    ]


def staff_pages(world, loop):
    m = loop["meeting"]
    return {
        "convenor": [
            "/",
            f"/units/{world.t1.pk}/",
            "/topics/",
            f"/topics/{loop['topic'].pk}/",
            f"/consultations/{m.pk}/",
            f"/consultations/{m.pk}/meeting/",
            f"/consultations/{m.pk}/print/signin/",
            f"/consultations/{m.pk}/meeting/projection/",
        ],
        "staff": [
            "/",
            "/units/",
            f"/topics/counties/{world.a.pk}/public/",
            "/dashboards/",
            "/consultations/",
            "/accountability/",
            f"/village/units/{world.v1.pk}/",
            f"/village/disclosures/{loop['disclosure'].pk}/",
            "/notifications/",
        ],
        "department": ["/", "/accountability/", f"/accountability/tasks/{loop['task'].pk}/"],
        "alice": [f"/public/consultations/{m.pk}/take-part/"],
        "member": ["/"],
        "approver": ["/"],
        "evaluator": ["/"],
    }


def test_no_serious_violation_on_the_main_pages_of_each_role(chromium, live_server, world, loop):
    found = {}
    phone = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    for path in resident_pages(world, loop):
        phone.goto(live_server.url + path)
        found.update({f"resident {path}": v for v in [violations(phone, live_server)] if v})
    phone.context.close()
    for user, paths in staff_pages(world, loop).items():
        context = chromium.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
        page = context.new_page()
        login(page, live_server, user)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status < 400, (user, path, response.status)
            found.update({f"{user} {path}": v for v in [violations(page, live_server)] if v})
        context.close()
    assert not found, "\n".join(f"{where}: {line}" for where, lines in found.items() for line in lines)


def test_large_text_mode_is_one_click_away_and_remembered(chromium, live_server, world, loop):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    room = world.rooms["一村"]
    phone.goto(f"{live_server.url}/public/rooms/{room.pk}/new/")
    size = "parseFloat(getComputedStyle(document.body).fontSize)"
    normal = phone.evaluate(size)
    toggle = phone.get_by_role("button", name="大字模式")
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert phone.evaluate(size) >= normal * 1.25 and toggle.get_attribute("aria-pressed") == "true"
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # still no sideways scrolling
    assert violations(phone, live_server) == []  # the higher-contrast palette passes too
    # Remembered: the next page starts large (the server reads the cookie), and so does a new visit.
    phone.goto(f"{live_server.url}/public/units/{world.v1.pk}/")
    assert phone.evaluate("document.documentElement.classList.contains('large-text')")
    assert phone.evaluate(size) >= normal * 1.25
    small = phone.evaluate(
        """() => [...document.querySelectorAll('main button, main .button, main input:not([type=hidden])')]
              .filter(e => e.offsetParent && e.getBoundingClientRect().height < 48)
              .map(e => e.outerHTML.slice(0, 80))"""
    )
    assert small == []
    phone.get_by_role("button", name="大字模式").click()
    assert phone.evaluate(size) == normal
    phone.reload()
    assert not phone.evaluate("document.documentElement.classList.contains('large-text')")
    context.close()


def test_large_text_without_javascript(client, world):
    from django.urls import reverse

    response = client.post(reverse("large_text"), {"next": "/public/"})
    assert response.status_code == 302 and response["Location"] == "/public/"
    assert 'class="large-text"' in client.get("/public/").content.decode()
    client.post(reverse("large_text"), {"next": "https://evil.example/"})
    assert 'class="large-text"' not in client.get("/public/").content.decode()


def test_a_resident_raises_a_topic_with_the_keyboard_alone(chromium, live_server, world):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE)
    phone = context.new_page()
    room = world.rooms["一村"]
    phone.goto(f"{live_server.url}/public/units/{world.v1.pk}/")
    # Tab from the top of the page to the room's 我要提议题 link, as a keyboard or switch user does.
    for _i in range(40):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.textContent.trim()") == "我要提议题":
            break
    else:
        pytest.fail("我要提议题 is not reachable by Tab")
    outline = phone.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # the focused element is visibly marked
    phone.keyboard.press("Enter")
    phone.wait_for_url(f"**/public/rooms/{room.pk}/new/")
    phone.focus("#id_title")
    phone.keyboard.type("村口路灯不亮")
    phone.keyboard.press("Tab")
    phone.keyboard.type("晚上看不见路，老人出门不方便。")
    phone.locator("#id_anonymous").focus()
    phone.keyboard.press("Space")
    phone.locator("#submit-form button[type=submit]").focus()
    phone.keyboard.press("Enter")
    phone.wait_for_url("**/thanks/**")
    assert Topic.objects.filter(title="村口路灯不亮", unit=world.v1).exists()
    context.close()
