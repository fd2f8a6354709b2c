"""Issue 14 in a real browser: every role signs in and lands on its desk, whose first item opens where the step is
done; the third-party evaluator's path from the message to the score; a resident's tracking page at each stage of
the loop, at phone width."""

from datetime import timedelta

from django.utils import timezone

from shangliang.accountability import services as acc
from shangliang.accountability.models import FollowUpCheck, ItemKind
from shangliang.consultations import services as consult
from shangliang.consultations.models import ConsultationStatus as C
from shangliang.people.models import Role
from shangliang.topics import services as topic_services
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from tests.accountability.conftest import walk
from tests.browser.conftest import PHONE, assert_fits, login
from tests.conftest import fresh
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)


def _context(chromium, *, phone=False):
    if phone:
        context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    else:
        context = chromium.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _topic(unit, status, title, **kw):
    return Topic.objects.create(
        unit=unit, source=TopicSource.RESIDENT, title=title, description="详细情况。", status=status, **kw
    )


def _assign(world, consultation, action):
    return acc.task_assign(
        actor=fresh(world.users["convenor"]),
        suggestion=consultation.suggestions.get(),
        department=world.department,
        owner_name="王科长",
        owner=world.users["department"],
        owner_phone="13800001111",
        action=action,
        deadline=timezone.localdate() + timedelta(days=20),
    )


def test_every_role_signs_in_to_its_desk_and_opens_its_first_item(
    chromium,
    live_server,
    world,
    people,  # noqa: F811
):
    _topic(world.v1, TopicStatus.SUBMITTED, "村口路灯不亮")
    accepted = _topic(world.t1, TopicStatus.ACCEPTED, "镇区农贸市场改造")
    _topic(world.v2, TopicStatus.RETURNED, "补充照片后再议", submitter=world.users["liaison"])
    invited = make(world, people, C.SCHEDULED)  # alice (a resident) is invited
    consult.participant_add(  # and the county's expert, asked once the meeting is scheduled
        actor=fresh(world.users["convenor"]), consultation=invited, kind="expert", user=world.users["expert"]
    )
    posted = make(world, people, C.SUBMITTED)
    task = _assign(world, posted, "在小区东侧划设 40 个停车位")
    acc.supervisor_add(actor=fresh(world.users["convenor"]), task=task, member=world.users["member"])

    # role → (username, the desk section, the address its first item opens)
    cases = {
        "convenor": ("convenor", "topics-screen", "/topics/"),
        "staff": ("staff", "topics-screen", "/topics/"),
        "approver": ("approver", "topics-approve", f"/topics/{accepted.pk}/"),
        "liaison": ("liaison", "topics-returned", "/public/track/"),
        "department": ("department", "accountability-mine", f"/accountability/tasks/{task.pk}/"),
        "member": ("member", "accountability-supervised", f"/accountability/tasks/{task.pk}/"),
        "evaluator": ("evaluator", "accountability-evaluate", f"/accountability/consultations/{posted.pk}/evaluate/"),
        "resident": ("alice", "consultations-invitations", f"/public/consultations/{invited.pk}/take-part/"),
        "expert": ("expert", "consultations-invitations", f"/public/consultations/{invited.pk}/take-part/"),
    }
    assert {"cppcc_staff" if r == "staff" else r for r in cases} == set(Role.values)  # every role of the domain
    for role, (username, section, address) in cases.items():
        page = _context(chromium, phone=role in ("resident", "liaison"))
        login(page, live_server, username)
        assert page.url.rstrip("/") == live_server.url, role  # signing in lands on the desk
        assert page.locator("#desk-summary").is_visible(), role
        first = page.locator(f"#desk-{section} a.desk-item").first
        first.click()
        page.wait_for_load_state()
        assert address in page.url, (role, page.url)
        assert page.locator("h1").count() and "无权访问" not in page.content(), role
        if role in ("resident", "liaison"):
            assert_fits(page)
        page.context.close()


def test_a_resident_has_the_residents_menu_and_opens_their_village(chromium, live_server, world):
    page = _context(chromium, phone=True)
    login(page, live_server, "resident")
    nav = page.get_by_role("navigation", name="主导航")
    for label in ("我的议题", "我的邀请", "关注的结果", "公开信息"):
        assert nav.get_by_role("link", name=label).count() == 1, label
    for label in ("单元与阵地", "统计", "协商活动", "转化落实"):
        assert nav.get_by_role("link", name=label).count() == 0, label
    page.get_by_role("link", name="一村").click()
    assert "无权访问" not in page.content()
    assert "一村" in page.locator("h1").inner_text()
    assert_fits(page)
    page.context.close()


def test_the_evaluators_path_from_the_message_to_the_score(
    chromium,
    live_server,
    world,
    people,  # noqa: F811
):
    acc.evaluation_form_save(
        actor=fresh(world.users["staff"]),
        county=world.a,
        name="质效评估表",
        items=[
            {"kind": ItemKind.PROCESS, "text": "程序规范", "weight": 30},
            {"kind": ItemKind.OUTCOME, "text": "群众受益", "weight": 70},
        ],
    )
    consultation = make(world, people, C.CLOSED_CONSENSUS)

    page = _context(chromium)
    login(page, live_server, "evaluator")
    nav = page.get_by_role("navigation", name="主导航")
    assert "1" in nav.get_by_role("link", name="第三方评估").inner_text()  # the count in the menu
    nav.get_by_role("link", name="消息").click()
    page.locator("button", has_text=f"协商成果已公示，请进行第三方评估：“{consultation.title}”").click()
    assert "第三方评估" in page.locator("h1").inner_text()
    page.get_by_role("group", name="程序规范").get_by_label("5", exact=True).check()
    page.get_by_role("group", name="群众受益").get_by_label("4", exact=True).check()
    page.get_by_role("button", name="提交评估").click()
    page.wait_for_selector("text=已提交评估，得分 82.5。")

    page.goto(f"{live_server.url}/accountability/evaluations/")
    assert "82.5" in page.locator("#evaluations-done").inner_text()
    assert page.locator("#to-evaluate a").count() == 0
    page.goto(f"{live_server.url}/public/consultations/{consultation.pk}/")
    assert "综合得分 82.5" in page.locator("#evaluation-link").inner_text()
    page.context.close()


def test_the_tracking_page_at_each_stage_of_the_loop(
    chromium,
    live_server,
    world,
    people,  # noqa: F811
):
    topic = topic_services.topic_submit(
        actor=fresh(world.users["resident"]),
        room=world.rooms["一镇"],
        title="小区停车难",
        description="晚上车位不够。",
        anonymous=True,
    )
    page = _context(chromium, phone=True)
    track = f"{live_server.url}/public/track/{topic.tracking_code}/"

    def current() -> str:
        page.goto(track)
        assert_fits(page)
        return page.locator("#story-stages [aria-current=step] .stage-label").inner_text()

    assert current() == "提交"
    topic_services.topic_screen(
        topic=topic, actor=fresh(world.users["convenor"]), decision="accept", category="livelihood"
    )
    assert current() == "筛选"
    topic_services.topic_decide(topic=fresh_topic(topic), actor=fresh(world.users["approver"]), decision="approve")
    assert current() == "审定"
    consultation = make(world, people, C.SUBMITTED, topic=fresh_topic(topic))
    assert current() == "协商"
    assert "在小区东侧划设 40 个停车位" in page.locator("#story-consultation").inner_text()
    task = _assign(world, consultation, "在小区东侧划设 40 个停车位并设置标识")
    assert current() == "落实"
    assert "王科长" in page.locator("#story-tasks").inner_text()
    task = walk(world, task, "done")
    assert current() == "落实"
    page.locator("#story-tasks a.rate-link").click()
    assert "#rating" in page.url and page.locator("#rate-title").is_visible()
    acc.rating_submit(task=task, actor=fresh(world.users["stranger"]), score=5)
    assert current() == "评价"
    acc.follow_up_record(actor=fresh(world.users["convenor"]), check=FollowUpCheck.objects.get(task=task), lasted=True)
    assert current() == "回访"
    assert "成效持续" in page.locator("#story-tasks").inner_text()
    page.context.close()


def fresh_topic(topic):
    return Topic.objects.get(pk=topic.pk)


def test_the_supervisor_picker_searches_as_one_types(
    chromium,
    live_server,
    world,
    people,  # noqa: F811
):
    from shangliang.accountability.models import Supervision
    from tests.factories import UserFactory, assign

    task = _assign(world, make(world, people, C.SUBMITTED), "在小区东侧划设 40 个停车位")
    for i in range(230):
        member = UserFactory(username=f"m{i:03d}", full_name=f"委员{i:03d}")
        assign(member, Role.MEMBER, world.a)
    page = _context(chromium)
    login(page, live_server, "convenor")
    page.goto(f"{live_server.url}/accountability/tasks/{task.pk}/")
    assert "共 231 项" in page.locator("#picker-member").inner_text()
    page.get_by_label("搜索督办委员").fill("委员229")
    page.wait_for_selector("#picker-member-options label:has-text('委员229')")
    assert page.locator("#picker-member-options label").count() == 1
    page.get_by_label("委员229").check()
    page.get_by_role("button", name="指派督办").click()
    page.wait_for_selector("text=已指派督办委员。")
    assert Supervision.objects.filter(task=task, member__username="m229").exists()
    page.context.close()
