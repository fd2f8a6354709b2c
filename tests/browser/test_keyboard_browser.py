"""Every action works by keyboard (issue 14, WCAG 2.1.1): a convenor at 1366 px signs in, opens the first topic of
their desk, screens it, and assigns a task with the htmx unit and person pickers, using only Tab, Shift+Tab, Enter,
Space, the arrow keys and typing — never a click. Each step asserts where the focus is (a visible focus on the
element a sighted keyboard user would reach) and the test asserts the result in the database."""

from datetime import timedelta

from django.utils import timezone

from shangliang.accountability.models import ResponsibilityTask
from shangliang.consultations.models import ConsultationStatus as C
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)

TABS = 150  # more than any page here has stops before its main action


def _desktop(chromium):
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _focused(page, selector: str) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def tab_to(page, selector: str, *, back: bool = False) -> None:
    """Press Tab (Shift+Tab) until the focused element matches `selector`; fails if it is never reached."""
    for _ in range(TABS):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if _focused(page, selector):
            # The focus is visible: the element has a non-empty focus outline or box shadow (no `outline: none`
            # without a replacement).
            style = page.evaluate(
                """() => { const s = getComputedStyle(document.activeElement);
                   return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"""
            )
            assert style[0] != "none" or style[2] != "none", (selector, style)
            return
    raise AssertionError(f"{selector} is not reachable by keyboard")


def _settled(page) -> None:
    """htmx has swapped its answer in and no request is in flight."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-settling, .htmx-swapping')")


def keyboard_login(page, live_server, username, password="test-password-123"):
    page.goto(f"{live_server.url}/accounts/login/")
    tab_to(page, "#id_username")
    page.keyboard.type(username)
    tab_to(page, "#id_password")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_convenor_screens_a_topic_from_the_desk_by_keyboard(chromium, live_server, world):
    topic = Topic.objects.create(
        unit=world.v1, source=TopicSource.RESIDENT, title="村口路灯不亮", description="晚上看不见路。"
    )
    page = _desktop(chromium)
    keyboard_login(page, live_server, "convenor")
    assert page.locator("#desk-topics-screen").is_visible()

    # The desk's first item: its action button (筛选) opens the screening part of the topic's page.
    tab_to(page, f"#desk-topics-screen a[href$='/topics/{topic.pk}/#screening'].button")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/topics/{topic.pk}/#screening")

    # 受理（三议）: open the disclosure with Enter, choose the category with the arrow keys, submit with Enter.
    tab_to(page, "#screening details:first-of-type > summary")
    assert page.evaluate("document.activeElement.textContent") == "受理（三议）"
    page.keyboard.press("Enter")
    tab_to(page, "#screening details[open] select")
    page.keyboard.press("ArrowDown")  # from the empty choice to the first category
    chosen = page.evaluate("document.activeElement.selectedOptions[0].textContent")
    assert chosen.strip(), "the arrow key chose no category"
    tab_to(page, "#screening details[open] button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("text=已受理。")
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ACCEPTED and topic.category
    assert "已受理，待审定" in page.locator("#topic-status").inner_text()
    page.context.close()


def test_a_convenor_assigns_a_task_with_the_pickers_by_keyboard(
    chromium,
    live_server,
    world,
    people,  # noqa: F811
):
    consultation = make(world, people, C.SUBMITTED)
    page = _desktop(chromium)
    keyboard_login(page, live_server, "convenor")
    page.goto(f"{live_server.url}/accountability/consultations/{consultation.pk}/assign/")

    # The suggestion: a select, chosen with the arrow keys.
    tab_to(page, "#assign-form select[name=suggestion]")
    if not page.evaluate("document.activeElement.value"):
        page.keyboard.press("ArrowDown")
    tab_to(page, "#assign-form textarea[name=action]")
    page.keyboard.type("在小区东侧划设 40 个停车位")

    # 责任单位: type into the picker's search, wait for htmx to answer, Tab into the options, arrow to the unit.
    body = page.locator("#assign-form fieldset.picker").first
    search = body.locator("input[type=search]")
    tab_to(page, f"#{search.get_attribute('id')}")
    with page.expect_response(lambda r: "/assign/search/" in r.url):
        page.keyboard.type(world.department.name)
    _settled(page)
    options = body.locator(".picker-options input[type=radio]")
    assert body.locator("label", has_text=world.department.name).count() == 1
    page.keyboard.press("Tab")  # into the radio group
    assert _focused(page, f"#{body.get_attribute('id')} input[type=radio]")
    page.keyboard.press("Space")  # a radio group's first stop: Space checks it
    wanted = body.locator("label", has_text=world.department.name).locator("input")
    for _ in range(options.count()):
        if wanted.is_checked():
            break
        page.keyboard.press("ArrowDown")  # arrows move the choice within the group
    assert wanted.is_checked()

    tab_to(page, "#assign-form input[name=owner_name]")
    page.keyboard.type("王科长")

    # 责任人账号: the person picker follows the unit chosen above.
    owner = page.locator("#assign-form fieldset.picker").nth(1)
    tab_to(page, f"#{owner.locator('input[type=search]').get_attribute('id')}")
    name = world.users["department"].display_name
    with page.expect_response(lambda r: "/assign/search/" in r.url):
        page.keyboard.type(name[:2])
    _settled(page)
    assert owner.locator("label", has_text=name).count() == 1
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    person = owner.locator("label", has_text=name).locator("input")
    for _ in range(owner.locator(".picker-options input[type=radio]").count()):
        if person.is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert person.is_checked()

    tab_to(page, "#assign-form input[name=owner_phone]")
    page.keyboard.type("13800001111")
    # The deadline as a number of working days (a date field's segment order follows the browser's own locale).
    tab_to(page, "#assign-form input[name=working_days]")
    page.keyboard.type("15")
    tab_to(page, "#assign-form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/assign/" not in page.url, page.locator("#assign-form .errorlist").all_inner_texts()
    task = ResponsibilityTask.objects.get(consultation=consultation)
    assert task.department_id == world.department.pk
    assert task.owner_id == world.users["department"].pk
    assert task.owner_name == "王科长" and task.deadline_working_days == 15
    assert task.deadline > timezone.localdate() + timedelta(days=15)
    page.context.close()
