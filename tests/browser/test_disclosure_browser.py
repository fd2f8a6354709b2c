"""Issue 8's main path in a real browser: a convenor records and publishes a disclosure (公示), a resident without an
account objects to it on a phone, and the objection takes its place on the village's next monthly meeting agenda."""

from datetime import timedelta

from django.utils import timezone

from shangliang.villageaffairs.models import AgendaItem, Disclosure, Feedback
from tests.browser.conftest import assert_fits, login
from tests.villageaffairs.conftest import make_power_items


def test_disclosure_to_objection_to_the_next_monthly_agenda(live_server, world, page, phone):
    make_power_items(world.a)
    today = timezone.localdate()

    # The town convenor finds the village from the unit page and records the payment.
    login(page, live_server, "convenor")
    page.goto(f"{live_server.url}/units/{world.v1.pk}/")
    page.get_by_role("link", name="村务公开与月例会").click()
    page.get_by_role("link", name="登记权力事项并公示").first.click()
    page.select_option("#id_power_item", label="惠民资金 · 低保对象评议")
    page.select_option("#id_kind", "payment")
    page.fill("#id_title", "2026年第四季度低保金发放")
    page.fill("#id_content", "经村民代表会议民主评议，本季度向12户发放低保金。")
    page.fill("#id_amount", "-100")
    page.fill("#id_decided_on", today.isoformat())
    page.fill("#id_period_start", today.isoformat())
    page.fill("#id_period_end", (today + timedelta(days=7)).isoformat())
    page.get_by_role("button", name="保存草稿").click()
    # A negative amount is refused with a clear message, and nothing is stored.
    page.wait_for_selector("text=金额必须大于零。")
    assert not Disclosure.objects.exists()
    page.fill("#id_amount", "18600.50")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_selector("text=已保存为草稿")
    page.get_by_role("button", name="发布公示").click()
    page.wait_for_selector("text=已发布公示。")
    disclosure = Disclosure.objects.get()
    assert disclosure.status == "published"

    # A resident scans the village board's code: the public village page, then the disclosure, on a phone.
    phone.goto(f"{live_server.url}/public/units/{world.v1.pk}/")
    assert_fits(phone)
    phone.get_by_role("link", name="2026年第四季度低保金发放").click()
    assert "18,600.50" in phone.locator(".va-amount").inner_text()
    assert_fits(phone)
    # Objections land on a meeting's agenda: the resident proves a number first (the one verification page).
    phone.get_by_role("link", name="用手机号验证").first.click()
    phone.get_by_role("textbox", name="手机号").fill("139 1234 5678")
    phone.get_by_label("我已阅读隐私告知，同意本平台为验证身份处理我的手机号").check()
    phone.get_by_role("button", name="获取验证码").click()
    notice = phone.locator(".messages li", has_text="验证码是").inner_text()
    phone.get_by_label("短信验证码").fill(notice.rsplit(" ", 1)[-1].strip())
    phone.get_by_role("button", name="验证", exact=True).click()
    phone.wait_for_selector("text=以已验证的手机号 139****5678 提交")
    assert_fits(phone)
    phone.get_by_role("radio", name="异议").check()
    phone.fill("#id_text", "名单中有一户家里开着门市房，不符合低保条件。")
    phone.get_by_label("同意村（社区）工作人员用我的姓名和已验证的手机号联系答复（不公开）").check()
    phone.get_by_role("button", name="提交").click()
    phone.wait_for_selector("#agenda-place")
    month = today.strftime("%Y-%m")
    assert f"已列入一村 {month} 村务民主协商监督月例会议程（第 1 项）" in phone.locator("#agenda-place").inner_text()
    assert_fits(phone)
    feedback = Feedback.objects.get()
    assert (feedback.kind, feedback.mobile) == ("objection", "13912345678")

    # Back at the office: the village's next monthly meeting has the objection on its agenda.
    page.goto(f"{live_server.url}/village/units/{world.v1.pk}/meetings/")
    page.get_by_role("link", name=month).click()
    item = AgendaItem.objects.get(feedback=feedback)
    entry = page.locator(f"#item-{item.pk}")
    assert "群众异议" in entry.inner_text() and "不符合低保条件" in entry.inner_text()
    assert "2026年第四季度低保金发放" in entry.inner_text()
