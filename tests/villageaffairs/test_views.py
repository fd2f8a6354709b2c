"""Village-affairs pages over HTTP: forms that fail change nothing and say why in Chinese, scripts are shown as text,
forged ids find nothing, a double submit stores one row, a published disclosure cannot be edited through any page,
and list pages with many rows make no N+1 query (the zeal middleware fails the request if they do)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.villageaffairs import services
from shangliang.villageaffairs.models import (
    AgendaItem,
    Disclosure,
    DisclosureStatus,
    Dispute,
    Feedback,
    MonthlyMeeting,
    PowerCategory,
)
from shangliang.villageaffairs.services import meetings
from tests.villageaffairs.conftest import disclosure_data

TODAY = timezone.localdate()


def form_data(va, **overrides):
    data = {
        "power_item": va.items[PowerCategory.BENEFIT_FUND].pk,
        "kind": "payment",
        "title": "2026年临时救助金发放",
        "content": "经村民代表会议评议，向3户困难家庭发放临时救助金。",
        "amount": "6000",
        "decided_on": TODAY.isoformat(),
        "period_start": TODAY.isoformat(),
        "period_end": (TODAY + timedelta(days=7)).isoformat(),
        "idempotency_key": "a" * 32,
    }
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client, va):
    client.force_login(va.world.users["staff"])
    return client


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"amount": "-6000"}, "金额必须大于零。"),
        ({"amount": "六千"}, "金额应为数字。"),
        ({"period_end": (TODAY - timedelta(days=1)).isoformat()}, "不能早于开始日期"),
        ({"title": ""}, "请填写公示标题。"),
        ({"power_item": "999999"}, "选择一个有效的选项"),
        ({"period_start": "2026-02-30"}, "日期"),
        ({"idempotency_key": "<bad key>"}, "表单已失效"),
    ],
)
def test_a_failed_disclosure_form_stores_nothing(staff_client, va, overrides, message):
    before = Disclosure.objects.count()
    response = staff_client.post(
        reverse("villageaffairs:disclosure_new", args=[va.world.v1.pk]), form_data(va, **overrides)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Disclosure.objects.count() == before


def test_the_disclosure_form_sent_twice_stores_one_draft(staff_client, va):
    url = reverse("villageaffairs:disclosure_new", args=[va.world.v1.pk])
    first = staff_client.post(url, form_data(va))
    second = staff_client.post(url, form_data(va))
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Disclosure.objects.filter(title="2026年临时救助金发放").count() == 1


def test_script_tags_are_shown_as_text(staff_client, client, va):
    url = reverse("villageaffairs:disclosure_new", args=[va.world.v1.pk])
    staff_client.post(url, form_data(va, title="<script>alert(1)</script>", content="<img src=x onerror=alert(2)>"))
    d = Disclosure.objects.get(title="<script>alert(1)</script>")
    html = staff_client.get(reverse("villageaffairs:disclosure", args=[d.pk])).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    staff_client.post(reverse("villageaffairs:disclosure_publish", args=[d.pk]))
    public = client.get(reverse("villageaffairs:public_disclosure", args=[d.pk])).content.decode()
    assert "&lt;script&gt;" in public and "<script>alert(1)" not in public


def test_editing_a_published_disclosure_is_refused_on_every_path(staff_client, va):
    before = Disclosure.objects.filter(pk=va.published.pk).values().get()
    url = reverse("villageaffairs:disclosure_edit", args=[va.published.pk])
    page = staff_client.get(url)
    assert page.status_code == 409
    assert "已公示的内容不能修改" in page.content.decode() and "发布更正版本" in page.content.decode()
    posted = staff_client.post(url, form_data(va, title="悄悄改掉", amount="1"))
    assert posted.status_code == 409
    assert Disclosure.objects.filter(pk=va.published.pk).values().get() == before
    # Publishing it again or attaching to it is refused with a message too.
    again = staff_client.post(reverse("villageaffairs:disclosure_publish", args=[va.published.pk]))
    assert again.status_code == 409 and "不能执行“发布公示”" in again.content.decode()


def test_correcting_through_the_pages_keeps_both_versions_public(staff_client, client, va):
    url = reverse("villageaffairs:disclosure_correct", args=[va.published.pk])
    data = form_data(va, amount="127000", correction_reason="金额笔误", keep_documents="on")
    data.pop("idempotency_key")
    response = staff_client.post(url, data)
    assert response.status_code == 302
    correction = Disclosure.objects.get(previous=va.published)
    staff_client.post(reverse("villageaffairs:disclosure_publish", args=[correction.pk]))
    old = client.get(reverse("villageaffairs:public_disclosure", args=[va.published.pk])).content.decode()
    assert "本公示已被更正" in old and "128,000.50" in old
    new = client.get(reverse("villageaffairs:public_disclosure", args=[correction.pk])).content.decode()
    assert "第 2 版" in new and "金额笔误" in new and "127,000.00" in new and "查看原公示" in new
    listing = client.get(reverse("villageaffairs:public_village", args=[va.world.v1.pk])).content.decode()
    assert "127,000.00" in listing and "128,000.50" not in listing


def test_forged_ids_find_nothing(staff_client, va):
    for name in ("villageaffairs:disclosure", "villageaffairs:public_disclosure", "villageaffairs:meeting"):
        assert staff_client.get(reverse(name, args=[999999])).status_code == 404, name
    for name in ("villageaffairs:disclosure_publish", "villageaffairs:agenda_resolve", "villageaffairs:dispute_decide"):
        assert staff_client.post(reverse(name, args=[999999]), {"resolution": "x"}).status_code == 404, name
    assert staff_client.get(reverse("villageaffairs:receipt", args=["NOSUCHCODE22"])).status_code == 404
    # A unit that is not a village has no disclosures to add.
    assert staff_client.get(reverse("villageaffairs:disclosure_new", args=[va.world.t1.pk])).status_code == 404
    assert staff_client.get(reverse("villageaffairs:public_village", args=[va.world.t1.pk])).status_code == 404


def test_the_residents_form_on_the_public_page(client, va, verify_mobile):
    url = reverse("villageaffairs:public_disclosure", args=[va.published.pk])
    page = client.get(url).content.decode()
    assert 'id="feedback-form"' not in page and reverse("residents:verify") in page  # verify first
    bad = client.post(url, {"kind": "objection", "text": "有问题", "idempotency_key": "b" * 32})
    assert bad.status_code == 403 and "手机号验证或登录" in bad.content.decode()
    assert not Feedback.objects.exists()
    verify_mobile(client, "13512345678", next_url=url)
    page = client.get(url).content.decode()
    assert 'id="feedback-form"' in page and "135****5678" in page and "异议将列入本村下一次月例会议程" in page
    data = {"kind": "objection", "text": "<b>名单有误</b>", "contact_consent": "on", "idempotency_key": "c" * 32}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    feedback = Feedback.objects.get()
    receipt = client.get(first["Location"]).content.decode()
    assert feedback.receipt_code in receipt and "&lt;b&gt;名单有误&lt;/b&gt;" in receipt
    assert "已列入一村" in receipt and "月例会议程（第 1 项）" in receipt
    assert "13512345678" not in receipt


def test_the_public_form_closes_with_the_period(client, va, verify_mobile):
    d = services.disclosure_create(
        actor=va.world.users["staff"],
        unit=va.world.v1,
        **disclosure_data(
            va.items[PowerCategory.BENEFIT_FUND],
            period_start=TODAY - timedelta(days=20),
            period_end=TODAY - timedelta(days=10),
        ),
    )
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=d)
    url = reverse("villageaffairs:public_disclosure", args=[d.pk])
    verify_mobile(client, "13512345678", next_url=url)
    assert 'id="feedback-form"' not in client.get(url).content.decode()
    response = client.post(url, {"kind": "objection", "text": "晚了", "contact_consent": "on"})
    assert response.status_code == 409 and "公示期已于" in response.content.decode()
    assert not Feedback.objects.exists()


def test_rate_limited_post_says_so(client, va, settings, verify_mobile):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "objection": {"each": (1, 3600), "network": (10, 3600)}}
    url = reverse("villageaffairs:public_disclosure", args=[va.published.pk])
    verify_mobile(client, "13500000001", next_url=url)
    assert client.post(url, {"kind": "comment", "text": "一", "contact_consent": "on"}).status_code == 302
    response = client.post(url, {"kind": "comment", "text": "二", "contact_consent": "on"})
    assert response.status_code == 429 and "提交意见或异议过于频繁" in response.content.decode()
    assert Feedback.objects.count() == 1


def test_meeting_pages_hold_and_forged_attendance(client, va):
    w = va.world
    client.force_login(w.users["convenor"])
    response = client.post(
        reverse("villageaffairs:meeting_plan", args=[w.v1.pk]),
        {"month": TODAY.strftime("%Y-%m"), "scheduled_on": TODAY.isoformat(), "place": "村部会议室"},
    )
    meeting = MonthlyMeeting.objects.get(unit=w.v1)
    assert response["Location"] == reverse("villageaffairs:meeting", args=[meeting.pk])
    page = client.get(response["Location"]).content.decode()
    assert "村道硬化工程" in page and "权力事项公示审议" in page
    hold_url = reverse("villageaffairs:meeting_hold", args=[meeting.pk])
    forged = client.post(hold_url, {"held_on": TODAY.isoformat(), "minutes": "纪要", "present": ["999999"]})
    assert forged.status_code == 400
    meeting.refresh_from_db()
    assert meeting.status == "planned"
    present = list(meeting.attendance.values_list("pk", flat=True))
    done = client.post(hold_url, {"held_on": TODAY.isoformat(), "minutes": "纪要", "present": present})
    assert done.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == "held"
    assert client.get(hold_url).status_code == 409


def test_dispute_page_records_and_refuses_bad_input(client, va):
    w = va.world
    client.force_login(w.users["convenor"])
    url = reverse("villageaffairs:disputes", args=[w.v1.pk])
    bad = client.post(
        url, {"received_on": (TODAY + timedelta(days=3)).isoformat(), "kind": "land", "summary": "界址", "parties": 2}
    )
    assert bad.status_code == 400 and "受理日期不能晚于今天" in bad.content.decode()
    assert not Dispute.objects.exists()
    ok = client.post(url, {"received_on": TODAY.isoformat(), "kind": "land", "summary": "<i>界址</i>", "parties": 2})
    assert ok.status_code == 302
    assert "&lt;i&gt;界址&lt;/i&gt;" in client.get(url).content.decode()
    # The approver sees the list but cannot record.
    client.force_login(w.users["approver"])
    assert client.get(url).status_code == 200
    assert (
        client.post(url, {"received_on": TODAY.isoformat(), "kind": "land", "summary": "x", "parties": 2}).status_code
        == 403
    )
    assert Dispute.objects.count() == 1


def test_lists_with_many_rows_make_no_n_plus_one(staff_client, va):
    """Many disclosures, objections, meetings, items and attendees: every page renders under the zeal guard."""
    w = va.world
    staff = w.users["staff"]
    for i in range(4):
        d = services.disclosure_create(
            actor=staff, unit=w.v1, **disclosure_data(va.items[PowerCategory.BENEFIT_FUND], title=f"事项{i}")
        )
        services.disclosure_publish(actor=staff, disclosure=d)
        for j in range(2):
            services.feedback_submit(
                actor=w.users["resident"], disclosure=d, kind="objection" if j else "comment", text=f"意见{j}"
            )
    meeting = MonthlyMeeting.objects.get(unit=w.v1)
    meetings.meeting_compose(actor=staff, meeting=meeting)
    for month in range(1, 4):
        MonthlyMeeting.objects.create(
            unit=w.v1, month=TODAY.replace(year=TODAY.year - 1, month=month, day=1), status="held"
        )
    assert AgendaItem.objects.count() >= 8
    pages = [
        reverse("villageaffairs:overview", args=[w.v1.pk]),
        reverse("villageaffairs:overview", args=[w.a.pk]),
        reverse("villageaffairs:overview", args=[w.t1.pk]),
        reverse("villageaffairs:powers", args=[w.v1.pk]),
        reverse("villageaffairs:disclosures", args=[w.v1.pk]),
        reverse("villageaffairs:disclosure", args=[d.pk]),
        reverse("villageaffairs:meetings", args=[w.v1.pk]),
        reverse("villageaffairs:meetings", args=[w.a.pk]),
        reverse("villageaffairs:meeting", args=[meeting.pk]),
        reverse("villageaffairs:public_village", args=[w.v1.pk]),
        reverse("villageaffairs:public_disclosure", args=[d.pk]),
        reverse("public:unit", args=[w.v1.pk]),
        reverse("units:detail", args=[w.v1.pk]),
    ]
    for url in pages:
        assert staff_client.get(url).status_code == 200, url


def test_the_unit_pages_link_here(staff_client, client, va):
    w = va.world
    html = staff_client.get(reverse("units:detail", args=[w.v1.pk])).content.decode()
    assert reverse("villageaffairs:overview", args=[w.v1.pk]) in html
    county = staff_client.get(reverse("units:detail", args=[w.a.pk])).content.decode()
    assert reverse("villageaffairs:powers", args=[w.a.pk]) in county
    public = client.get(reverse("public:unit", args=[w.v1.pk])).content.decode()
    assert "村道硬化工程" in public and "文化广场建设" not in public  # the draft is not public
    assert "村务公开" not in client.get(reverse("public:unit", args=[w.v2.pk])).content.decode()


def test_admin_pages_open(system_admin_client, va):
    services.feedback_submit(actor=va.world.users["resident"], disclosure=va.published, kind="objection", text="异议")
    for model in ("poweritem", "disclosure", "feedback", "meetingnorm", "monthlymeeting", "dispute", "petition"):
        assert system_admin_client.get(reverse(f"admin:villageaffairs_{model}_changelist")).status_code == 200, model
    assert (
        system_admin_client.get(
            reverse("admin:villageaffairs_monthlymeeting_change", args=[MonthlyMeeting.objects.get().pk])
        ).status_code
        == 200
    )
    # A published disclosure is read-only in the admin as well.
    url = reverse("admin:villageaffairs_disclosure_change", args=[va.published.pk])
    page = system_admin_client.get(url).content.decode()
    assert 'name="title"' not in page
    assert va.published.status == DisclosureStatus.PUBLISHED


@pytest.mark.parametrize(
    ("when", "state"), [("start", "公示中"), ("after_end", "公示期已满"), ("before_start", "待公示")]
)
def test_staff_and_public_pages_say_the_same_state(client, va, freeze, when, state):
    """One computation (Disclosure.state_on): the day decides 待公示 / 公示中 / 公示期已满, on every page."""
    d = va.published
    day = {
        "start": d.period_start,
        "after_end": d.period_end + timedelta(days=1),
        "before_start": d.period_start - timedelta(days=1),
    }[when]
    freeze(day)
    public = client.get(reverse("villageaffairs:public_disclosure", args=[d.pk])).content.decode()
    village = client.get(reverse("villageaffairs:public_village", args=[d.unit_id])).content.decode()
    client.force_login(va.world.users["staff"])
    staff = client.get(reverse("villageaffairs:disclosure", args=[d.pk])).content.decode()
    listing = client.get(reverse("villageaffairs:disclosures", args=[d.unit_id])).content.decode()
    for page in (public, village, staff, listing):
        badges = [s for s in ("待公示", "公示中", "公示期已满") if f">{s}</span>" in page]
        assert badges == [state]
