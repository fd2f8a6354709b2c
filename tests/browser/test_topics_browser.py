"""Issue 3's main path in a real browser, at phone width: scan the room's QR URL → submit a concern → the convenor
screens it (accept) → the party approver approves → the resident sees "已审定" through the tracking code."""

from shangliang.topics.models import Topic, TopicStatus
from shangliang.topics.views.public import submission_url
from tests.browser.conftest import PHONE, assert_fits, login
from tests.uploads import png_bytes

PHOTO = png_bytes((64, 48), (30, 120, 200))


def _phone(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_resident_to_approval_at_phone_width(phone, chromium, live_server, world, settings):
    settings.SITE_URL = live_server.url
    room = world.rooms["一镇"]

    # The resident scans the room's QR code: it opens the submission form, no account needed.
    phone.goto(submission_url(room))
    assert phone.locator("h1").inner_text() == "我要提议题"
    assert room.name in phone.content()
    assert_fits(phone)
    phone.get_by_label("标题").fill("农贸市场周边停车难")
    phone.get_by_label("详细描述").fill("早市时车辆乱停，救护车都过不去，希望规划临时停车场。")
    phone.set_input_files(
        "input[name=photos]",
        files=[{"name": "street.png", "mimeType": "image/png", "buffer": PHOTO}],
    )
    phone.get_by_label("您的姓名").fill("赵春生")
    phone.get_by_role("textbox", name="手机号").fill("13945310021")
    phone.get_by_label("同意本单元工作人员用我留下的姓名和手机号联系我、办理此事（不公开）").check()
    phone.get_by_role("button", name="提交议题").click()
    phone.wait_for_selector("#tracking-code")
    code = phone.locator("#tracking-code").inner_text().strip()
    assert len(code) == 12
    assert_fits(phone)
    topic = Topic.objects.get(tracking_code=code)
    assert topic.photos.count() == 1 and topic.submitter is None

    phone.get_by_role("link", name="查看办理进度").click()
    assert "待筛选" in phone.locator("#topic-status").inner_text()
    assert_fits(phone)

    # The convenor screens it on their phone: accepted as a livelihood matter (三议).
    convenor = _phone(chromium)
    login(convenor, live_server, "convenor")
    convenor.goto(f"{live_server.url}/topics/")
    convenor.get_by_role("link", name="农贸市场周边停车难").click()
    assert "13945310021" in convenor.locator("#mobile").inner_text()  # the unit's staff see the full number
    convenor.locator("summary", has_text="受理（三议）").click()
    convenor.get_by_label("议题类别（三议）").select_option(label="民生改善实事")
    convenor.get_by_role("button", name="受理并报审定").click()
    convenor.wait_for_selector("text=已受理。")
    assert "已受理，待审定" in convenor.locator("#topic-status").inner_text()
    assert_fits(convenor)
    convenor.context.close()

    # The same-level party approver approves it; the number is masked for them.
    approver = _phone(chromium)
    login(approver, live_server, "approver")
    approver.goto(f"{live_server.url}/notifications/")
    approver.get_by_role("button", name="议题待审定").click()  # the notification opens the topic
    assert "139****0021" in approver.locator("#mobile").inner_text()
    approver.locator("#approve-form").get_by_label("说明").fill("同意，请相关部门参加协商。")
    approver.get_by_role("button", name="审定通过").click()
    approver.wait_for_selector("text=已审定通过。")
    assert_fits(approver)
    approver.context.close()
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.APPROVED

    # Back on the resident's phone: the tracking code shows the approval and the public timeline.
    phone.goto(f"{live_server.url}/public/track/{code}/")
    assert "已审定" in phone.locator("#topic-status").inner_text()
    timeline = phone.locator("ol.timeline").inner_text()
    assert "受理" in timeline and "审定通过" in timeline and "同意，请相关部门参加协商。" in timeline
    assert "approver" not in timeline  # no staff names on the public side
    assert_fits(phone)
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"


def test_support_and_similar_suggestions_on_a_phone(phone, live_server, world, settings):
    settings.SITE_URL = live_server.url
    from shangliang.topics.services import screening
    from tests.conftest import fresh
    from tests.topics.conftest import enter

    room = world.rooms["一镇"]
    topic = enter(world, unit=world.t1, room=room, title="小区停车难，车辆占用消防通道")
    screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="accept", category="governance")

    phone.goto(f"{live_server.url}/public/rooms/{room.pk}/new/")
    phone.get_by_label("标题").fill("停车难")
    # While the title is typed, similar open topics are suggested (jieba words, htmx fragment).
    phone.wait_for_selector("#similar >> text=小区停车难，车辆占用消防通道")
    phone.locator("#similar").get_by_role("link", name="小区停车难，车辆占用消防通道").click()
    phone.get_by_role("button", name="附议").click()
    phone.wait_for_selector("text=附议成功")
    assert "附议 1 人" in phone.locator("#supports").inner_text()
    phone.get_by_role("button", name="附议").click()
    phone.wait_for_selector("text=每人只能附议一次")
    assert Topic.objects.get(pk=topic.pk).supports_count == 1
    assert_fits(phone)


def test_room_poster_prints_the_qr(page, live_server, world, settings):
    settings.SITE_URL = live_server.url
    room = world.rooms["一镇"]
    login(page, live_server, "convenor")
    page.goto(f"{live_server.url}/units/rooms/{room.pk}/")
    page.get_by_role("link", name="提议题二维码海报").click()
    image = page.locator(".poster img")
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    assert submission_url(room) in page.locator(".poster .url").inner_text()
    page.emulate_media(media="print")
    assert not page.locator("header.site").is_visible()


def test_a_title_without_spaces_does_not_widen_the_residents_pages(phone, live_server, world):
    """A pasted link in a title (no place to break a line) wraps on 我的议题, the desk and the tracking page at phone
    width instead of giving the page a sideways scroll (found walking demo_resident's 我的议题 at 360 px)."""
    from shangliang.topics import services
    from tests.conftest import fresh

    title = '=HYPERLINK("https://example.cn/' + "a" * 50 + '")'
    topic = services.topic_submit(
        actor=fresh(world.users["resident"]),
        room=world.rooms["一镇"],
        title=title,
        description="<script>alert(1)</script>" + "x" * 300,
        anonymous=True,
    )
    login(phone, live_server, "resident")
    for path in ("/", "/topics/mine/", f"/public/track/{topic.tracking_code}/"):
        phone.goto(f"{live_server.url}{path}")
        assert title in phone.inner_text("body")  # shown as text
        assert_fits(phone)
