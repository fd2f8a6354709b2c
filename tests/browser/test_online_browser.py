"""Issue 7's main path in a real browser, at phone width: a resident opens the online room, proves a mobile number
by SMS code, votes on several statements one card at a time; the analysis is recomputed in the background after
the votes, and the results page that was already open updates by itself through its event stream (server-sent
events; the fallback poll is switched off here): the opinion map is drawn and the common ground (最大公约数) is
listed. The resident sees each vote counted at once. No Content-Security-Policy violations on the way."""

import numpy as np

from shangliang.online.models import AnalysisRun, OnlineRoom, Vote
from shangliang.online.views import public as public_views
from tests.browser.conftest import PHONE, assert_fits
from tests.online.rooms import SEEDS, make_room, participant, statements


def _phone(chromium):
    context = chromium.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _planted(room, n=30):
    """`n` residents in two opinion groups, voted before the test: statements 0–2 everybody agrees with."""
    rng = np.random.default_rng(7)
    ids = [s.pk for s in statements(room)]
    rows = []
    for i in range(n):
        p = participant(room, number=f"1330000{i:04d}")
        for j, sid in enumerate(ids):
            lean = 1 if j < 3 else (1 if (j + i) % 2 else -1)
            rows.append(Vote(room=room, participant=p, statement_id=sid, value=lean if rng.random() < 0.85 else 0))
    Vote.objects.bulk_create(rows)
    # Not analysed yet: as if the votes had just arrived and no run had been stored.
    AnalysisRun.objects.filter(room=room).delete()
    OnlineRoom.objects.filter(pk=room.pk).update(change_seq=room.change_seq + 1, recompute_queued_at=None)


def _is_error(message) -> bool:
    return message.type == "error" and "Failed to load" not in message.text  # failed loads: see "response"


def test_vote_at_phone_width_and_see_the_results_update(chromium, live_server, world, monkeypatch, settings):
    monkeypatch.setattr(public_views, "LIVE_POLL_SECONDS", 600)  # only the event stream can bring the results
    settings.ONLINE_LIVE_RETRY_SECONDS = 1
    room = make_room(world)
    _planted(room)
    problems = []

    def watch(page):
        # Console errors (a CSP refusal shows here), script errors, and failed requests (but the browser's favicon).
        page.on("console", lambda m: problems.append(f"{m.text} on {page.url}") if _is_error(m) else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 and "favicon" not in r.url else None,
        )

    # The results page is open on one phone: nothing analysed yet.
    results = _phone(chromium)
    watch(results)
    results.goto(f"{live_server.url}/public/online/{room.pk}/results/")
    assert "还没有分析结果" in results.content()
    assert_fits(results)

    # A resident opens the room on another phone and proves their mobile number.
    phone = _phone(chromium)
    watch(phone)
    phone.goto(f"{live_server.url}/public/online/{room.pk}/")
    assert phone.locator("h1").inner_text() == room.question
    assert_fits(phone)
    phone.get_by_role("link", name="验证手机号").first.click()
    phone.get_by_role("textbox", name="手机号").fill("13945310021")
    phone.get_by_label("我已阅读隐私告知，同意本平台为验证身份处理我的手机号").check()
    phone.get_by_role("button", name="获取验证码").click()
    notice = phone.locator(".messages li", has_text="验证码是").inner_text()
    code = notice.rsplit(" ", 1)[-1].strip()
    phone.get_by_label("短信验证码").fill(code)
    phone.get_by_role("button", name="验证", exact=True).click()
    phone.wait_for_selector("text=已验证，本次访问中可以评价、表态、提意见和附议")
    assert_fits(phone)

    # One statement at a time: agree, disagree, pass, agree; each answer brings the next card (htmx).
    voted = []
    for value in ("同意", "不同意", "跳过", "同意"):
        text = phone.locator("#statement-text").inner_text()
        assert text in SEEDS and text not in voted
        voted.append(text)
        phone.locator("#vote-card").get_by_role("button", name=value, exact=True).click()
        phone.wait_for_function(
            "t => { const e = document.getElementById('statement-text'); return e && e.innerText !== t; }", arg=text
        )
        # the next statement takes the focus (keyboard and screen-reader users follow the card)
        phone.wait_for_function("() => document.activeElement && document.activeElement.id === 'statement-text'")
        # and the vote just cast is acknowledged at once, with the running count
        counted = phone.locator("#vote-card .counted").inner_text()
        assert f"已记下您的表态：{value}" in counted and f"您已表态 {len(voted)} 条" in counted
    assert f"第 5 条，共 {len(SEEDS)} 条" in phone.locator("#vote-card").inner_text()
    assert_fits(phone)
    mine = Vote.objects.filter(participant__mobile_masked="139****0021")
    assert sorted(mine.values_list("value", flat=True)) == [-1, 0, 1, 1]

    # The votes were analysed in the background; the open results page updates by itself.
    results.wait_for_selector(".opinion-map[data-rendered]", timeout=20_000)
    assert int(results.get_attribute(".opinion-map", "data-rendered")) >= 30
    assert results.locator(".opinion-map canvas").count() >= 1
    summary = results.locator(".summary").inner_text()
    assert "31 人参与" in summary and "形成 2 个意见群组" in summary
    common = results.locator("#common-ground").inner_text()
    assert SEEDS[0] in common or SEEDS[1] in common or SEEDS[2] in common
    assert all(seed not in common for seed in SEEDS[3:])
    assert results.locator(".groups-table tbody tr").count() == 2
    assert_fits(results)

    # The resident's own results page: not on the map until 7 votes; three more votes, and there they are.
    phone.get_by_role("link", name="看看大家的意见分布").click()
    phone.wait_for_selector(".opinion-map[data-rendered]")
    assert "计入您 4 条表态；表态满 7 条后" in phone.locator("p.me").inner_text()
    phone.go_back()
    for value in ("同意", "同意", "不同意"):
        text = phone.locator("#statement-text").inner_text()
        phone.locator("#vote-card").get_by_role("button", name=value, exact=True).click()
        phone.wait_for_function(
            "t => { const e = document.getElementById('statement-text'); return !e || e.innerText !== t; }", arg=text
        )
    phone.get_by_role("link", name="看看大家的意见分布").click()
    phone.wait_for_selector(".opinion-map[data-rendered]")
    assert "您属于" in phone.locator("p.me").inner_text()
    assert phone.evaluate("JSON.parse(document.querySelector('[id^=map-data]').textContent).you !== null")
    assert_fits(phone)

    assert not [p for p in problems if "Content Security Policy" in p or "Refused" in p], problems
    assert not problems, problems
    phone.context.close()
    results.context.close()
