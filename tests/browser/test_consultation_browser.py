"""Issue 4's main path in a real browser: a convenor runs a whole meeting on a desktop screen while two participants
sign in by the meeting's QR link and vote on the suggestion list from phone-sized pages."""

import re

from shangliang.consultations.models import Consultation, ConsultationStatus, Participant
from tests.browser.conftest import PHONE, assert_fits, login
from tests.consultations.conftest import S, make, people  # noqa: F401, F811  (people: the participants’ fixture)


def phone_page(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30_000)  # generous: CI machines run the suite in parallel
    return context, page


def test_convenor_runs_a_meeting_while_two_participants_vote_from_phones(page, chromium, live_server, world, people):  # noqa: F811
    c = make(world, people, S.SCHEDULED)
    page.set_default_timeout(30_000)
    contexts = []
    try:
        # The convenor opens the meeting: the QR code and the sign-in list appear.
        login(page, live_server, "convenor")
        page.goto(f"{live_server.url}/consultations/{c.pk}/")
        page.get_by_role("button", name="开始协商（开放签到）").click()
        page.wait_for_url(re.compile(r"/meeting/$"))
        assert page.locator("img.qr").is_visible()
        page.wait_for_function("document.querySelector('img.qr').complete")
        assert page.evaluate("document.querySelector('img.qr').naturalWidth") > 100  # the code is drawn, not broken
        signin_url = page.locator(".signin-url").inner_text().strip()
        assert signin_url.endswith(f"/public/signin/{c.signin_code}/")
        path = signin_url[signin_url.index("/public/") :]

        # Two participants scan the code with their phones (log in first, then land on the sign-in page).
        phones = {}
        for username in ("alice", "bob"):
            context, phone = phone_page(chromium)
            contexts.append(context)
            phone.goto(f"{live_server.url}{path}")
            phone.fill("#id_username", username)
            phone.fill("#id_password", "test-password-123")
            phone.click("#login-form button[type=submit]")
            phone.get_by_role("button", name="确认签到").click()
            phone.wait_for_selector("text=签到成功")
            assert_fits(phone)
            phones[username] = phone
        # Scanning again is refused politely: already signed in.
        phones["bob"].goto(f"{live_server.url}{path}")
        assert "无需重复签到" in phones["bob"].locator("main").inner_text()

        # The convenor's list refreshes by itself (htmx) and shows both; the convenor ticks 赵大姐, who has no phone.
        page.wait_for_selector("#signin-list >> text=已签到 2 / 4 人", timeout=30_000)
        page.get_by_role("button", name="代为签到：赵大姐").click()
        page.wait_for_selector("#signin-list >> text=已签到 3 / 4 人")

        # Agenda: a briefing, then questions; the meeting moves from one to the next.
        page.select_option("#id_segment-kind", "briefing")
        page.fill("#id_segment-title", "通报停车位规划方案")
        page.get_by_role("button", name="增加", exact=True).click()
        page.get_by_role("button", name="进入此环节").first.click()
        page.wait_for_selector("#agenda >> text=进行中")

        # Minutes and two suggestions.
        page.fill("#minutes textarea[name=minutes-text]", "镇里通报方案，住户代表提问，大家讨论车位位置。")
        page.get_by_role("button", name="保存会议记录").click()
        page.wait_for_selector("text=已保存会议记录")
        for text in ("在小区东侧划设 40 个停车位", "夜间禁止外来车辆停放"):
            page.fill("#suggestions textarea[name=suggestion-text]", text)
            page.get_by_role("button", name="加入建议清单").click()
            page.wait_for_selector(f"#suggestions >> text={text}")

        # The participants vote from their phones; Bob disagrees with the first in his own words.
        for username, choice, dissent in (("alice", "同意", ""), ("bob", "不同意", "东侧是老人活动区，应该放在西侧。")):
            phone = phones[username]
            phone.goto(f"{live_server.url}/public/consultations/{c.pk}/take-part/")
            cards = phone.locator(".vote-card")
            assert cards.count() == 2
            for i in range(2):
                card = phone.locator(".vote-card").nth(i)
                card.get_by_label(choice if i == 0 else "同意", exact=True).check()
                if i == 0 and dissent:
                    card.locator("textarea").fill(dissent)
                card.get_by_role("button", name="提交表决").click()
                phone.wait_for_selector("text=已记录您的表决")
            assert_fits(phone)
            assert "我的表决" in phone.locator(".vote-card").first.inner_text()

        # Back on the convenor's screen: the tallies and the dissent verbatim; then the meeting closes with consensus.
        page.goto(f"{live_server.url}/consultations/{c.pk}/meeting/")
        first = page.locator("#suggestions li").first
        assert "同意 1" in first.inner_text() and "不同意 1" in first.inner_text()
        assert "东侧是老人活动区，应该放在西侧。" in first.inner_text()
        page.locator("#close").get_by_label("达成共识", exact=True).check()
        page.fill("#conclusion", "同意划设停车位，位置另行勘察。")
        page.get_by_role("button", name="结束协商").click()
        page.wait_for_selector("text=协商结束：达成共识")
        c.refresh_from_db()
        assert c.status == ConsultationStatus.CLOSED_CONSENSUS
        assert Participant.objects.filter(consultation=c, signed_in_at__isnull=False).count() == 3
        assert Consultation.objects.get(pk=c.pk).suggestions.get(order=1).votes.count() == 2
    finally:
        for context in contexts:
            context.close()


def test_convenor_pages_fit_a_phone(phone, live_server, world, people):  # noqa: F811
    c = make(world, people, S.IN_SESSION)
    login(phone, live_server, "convenor")
    for path in ("", "participants/", "research/", "meeting/"):
        phone.goto(f"{live_server.url}/consultations/{c.pk}/{path}")
        assert phone.locator("h1").first.is_visible()
        assert_fits(phone)
    phone.goto(f"{live_server.url}/units/{world.t1.pk}/")
    assert "下次协商应于" in phone.locator("#norm-status").inner_text()
    assert_fits(phone)
