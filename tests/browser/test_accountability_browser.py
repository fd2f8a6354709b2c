"""Issue 5's main path in a real browser, at phone width: a task assigned to the housing department → its staff sign
and report progress with a photo, then completion with evidence → the town's convenor verifies → a resident without
an account opens the publication page, verifies a mobile number by SMS code and rates the result."""

from datetime import timedelta

from django.utils import timezone

from shangliang.accountability import services
from shangliang.accountability.models import Rating, ResponsibilityTask, TaskStatus
from shangliang.notifications import sms
from tests.browser.conftest import PHONE, assert_fits, login
from tests.conftest import fresh
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)
from tests.uploads import png_bytes

PHOTO = png_bytes((64, 48), (30, 120, 200))


def _phone(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_assigned_task_to_residents_rating_on_a_phone(chromium, live_server, world, people, settings):  # noqa: F811
    settings.SITE_URL = live_server.url
    settings.SMS_BACKEND = "shangliang.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    consultation = make(world, people, "submitted")
    task = services.task_assign(
        actor=fresh(world.users["convenor"]),
        suggestion=consultation.suggestions.get(),
        department=world.department,
        owner_name="王科长",
        owner=world.users["department"],
        owner_phone="13800001111",
        action="在小区东侧划设 40 个停车位",
        deadline=timezone.localdate() + timedelta(days=20),
    )

    # The department's staff member, on a phone: signs, reports progress with a photo, then completion.
    staff = _phone(chromium)
    login(staff, live_server, "department")
    staff.goto(f"{live_server.url}/accountability/")
    assert_fits(staff)
    staff.get_by_role("link", name="在小区东侧划设 40 个停车位").first.click()
    assert "待签收" in staff.locator("#task-status").inner_text()
    assert_fits(staff)
    staff.get_by_role("button", name="签收").click()
    staff.wait_for_selector("text=已签收。")
    assert "办理中" in staff.locator("#task-status").inner_text()
    staff.get_by_label("进展情况").fill("已完成现场勘测放线。")
    staff.get_by_label("进度（%）").fill("60")
    staff.set_input_files(
        "#progress input[name=files]",
        files=[{"name": "现场.png", "mimeType": "image/png", "buffer": PHOTO}],
    )
    staff.get_by_role("button", name="提交进展").click()
    staff.wait_for_selector("text=已报告进展。")
    assert staff.locator("#task-percent").inner_text() == "60%"
    staff.locator("summary", has_text="报告办结").click()
    staff.locator("#done-text").fill("40 个车位已划设完成，并设置了标识。")
    staff.set_input_files(
        "#done-files",
        files=[{"name": "完工.png", "mimeType": "image/png", "buffer": PHOTO}],
    )
    staff.locator("form[action$='/complete/'] button[type=submit]").click()
    staff.wait_for_selector("text=已报告办结，等待验收。")
    assert_fits(staff)
    staff.context.close()

    # The town's convenor verifies the result on a phone.
    convenor = _phone(chromium)
    login(convenor, live_server, "convenor")
    convenor.goto(f"{live_server.url}/accountability/tasks/{task.pk}/")
    assert "13800001111" in convenor.locator("#owner-phone").inner_text()
    convenor.get_by_label("验收意见").fill("现场查看，合格。")
    convenor.get_by_role("button", name="验收通过").click()
    convenor.wait_for_selector("text=已验收办结。")
    assert_fits(convenor)
    convenor.context.close()
    assert ResponsibilityTask.objects.get(pk=task.pk).status == TaskStatus.DONE

    # A resident without an account: the town's public page → the posted results → the task → verify → rate.
    resident = _phone(chromium)
    resident.goto(f"{live_server.url}/public/units/{world.t1.pk}/")
    resident.locator(f"a[href='/public/consultations/{consultation.pk}/']").click()
    assert "协商成果公示" in resident.locator("h1").inner_text()
    assert "13800001111" not in resident.content() and "138****1111" not in resident.content()
    assert_fits(resident)
    resident.get_by_role("link", name="在小区东侧划设 40 个停车位").click()
    assert "已办结" in resident.locator("#task-status").inner_text()
    resident.get_by_role("link", name="用手机号验证").first.click()
    resident.get_by_role("textbox", name="手机号").fill("13912345678")
    resident.get_by_label("我已阅读隐私告知，同意本平台为验证身份处理我的手机号").check()
    assert_fits(resident)
    resident.get_by_role("button", name="获取验证码").click()
    resident.wait_for_selector("text=验证码已发送到 139****5678，请查看短信。")
    code = "".join(ch for ch in sms.outbox[-1].text.split("验证码是")[1][:8] if ch.isdigit())
    resident.get_by_label("短信验证码").fill(code)
    resident.get_by_role("button", name="验证", exact=True).click()
    resident.wait_for_selector("text=手机号 139****5678 已验证，本次访问中可以评价、表态、提意见和附议。")
    assert "已办结" in resident.locator("#task-status").inner_text()
    resident.get_by_label("4 分 · 满意").check()
    resident.get_by_label("评价意见（选填）").fill("车位划好了，晚上好停车了。")
    assert_fits(resident)
    resident.get_by_role("button", name="提交评价").click()
    resident.wait_for_selector("text=感谢您的评价！")
    assert "1 人评价，平均 4.0 分" in resident.locator("#rating-summary").inner_text()
    assert_fits(resident)
    # A second rating by the same number is refused in Chinese.
    resident.get_by_label("5 分 · 很满意").check()
    resident.get_by_role("button", name="提交评价").click()
    resident.wait_for_selector("text=您已评价过该事项，每人只能评价一次。")
    resident.context.close()
    rating = Rating.objects.get(task=task)
    assert (rating.score, rating.mobile_masked, rating.user) == (4, "139****5678", None)
