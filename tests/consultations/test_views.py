"""The consultation pages as people meet them, over HTTP (each request under the N+1 guard)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.consultations.models import Consultation, ConsultationStatus, InvitationStatus
from shangliang.core.events import timeline
from tests.consultations.conftest import approved_topic, row
from tests.html import duplicate_ids, labelled

S = ConsultationStatus


def text(response) -> str:
    return response.content.decode()


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def test_convenor_runs_the_whole_flow_over_http(client, world, people, django_capture_on_commit_callbacks):
    topic = approved_topic(world.t1, title="老旧小区加装电梯")
    client.force_login(world.users["convenor"])
    page = client.get(reverse("consultations:create", args=[world.t1.pk]))
    assert page.status_code == 200 and "老旧小区加装电梯" in text(page)
    response = client.post(
        reverse("consultations:create", args=[world.t1.pk]),
        {"topics": [topic.pk], "form": "meeting", "title": "", "room": world.rooms["一镇"].pk, "location": ""},
    )
    c = Consultation.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("consultations:participants", args=[c.pk])
    assert c.title == "老旧小区加装电梯"

    url = reverse("consultations:participants", args=[c.pk])
    page = client.get(url)
    assert page.status_code == 200 and "李阿姨" in text(page)  # the unit's people are offered
    client.post(url, {"source": "person", "person-user": people.alice.pk, "person-kind": "stakeholder"})
    client.post(url, {"source": "person", "person-user": people.carol.pk, "person-kind": "party_member"})
    page = client.get(url)
    assert "参加人员只有 2 人" in text(page)  # the representativeness warning
    # Confirming without a reason is refused and says why; with one it goes on and the reason is kept.
    client.post(reverse("consultations:choose", args=[c.pk]), {"choose-override_reason": ""})
    c.refresh_from_db()
    assert c.status == S.DRAFT
    client.post(reverse("consultations:choose", args=[c.pk]), {"choose-override_reason": "其他住户已书面委托李阿姨"})
    c.refresh_from_db()
    assert c.status == S.PARTICIPANTS_CHOSEN and c.representativeness_override_reason == "其他住户已书面委托李阿姨"

    # Scheduling before research: the refusal says why.
    start = timezone.now() + timedelta(days=2)
    response = client.post(
        reverse("consultations:schedule", args=[c.pk]),
        {"planned_start": local(start)},
        HTTP_REFERER="http://testserver" + reverse("consultations:schedule", args=[c.pk]),
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "不调研不协商" in text(page)

    response = client.post(
        reverse("consultations:research", args=[c.pk]),
        {
            "what": "research",
            "research-kind": "visit",
            "research-title": "入户走访",
            "research-done_on": timezone.localdate().isoformat(),
            "research-text": "走访 12 户，9 户同意加装。",
        },
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("consultations:schedule", args=[c.pk]), {"planned_start": local(start)})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == S.SCHEDULED

    ics = client.get(reverse("consultations:ics", args=[c.pk]))
    assert ics.status_code == 200 and ics["Content-Type"].startswith("text/calendar")
    client.post(reverse("consultations:open", args=[c.pk]))
    meeting = client.get(reverse("consultations:meeting", args=[c.pk]))
    assert meeting.status_code == 200 and reverse("consultations:qr", args=[c.pk]) in text(meeting)
    qr = client.get(reverse("consultations:qr", args=[c.pk]))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert b'<svg xmlns="http://www.w3.org/2000/svg"' in qr.content  # a document an <img> can show
    assert client.get(reverse("consultations:signin_list", args=[c.pk])).status_code == 200

    segment_data = {"segment-kind": "briefing", "segment-title": "通报方案"}
    client.post(reverse("consultations:segment_add", args=[c.pk]), segment_data)
    segment = c.agenda.get()
    client.post(reverse("consultations:segment_start", args=[c.pk, segment.pk]))
    client.post(reverse("consultations:tick", args=[c.pk, row(c, people.carol).pk]))
    client.post(reverse("consultations:suggestion_add", args=[c.pk]), {"suggestion-text": "一楼住户给予补偿"})
    client.post(reverse("consultations:minutes", args=[c.pk]), {"minutes-text": "会议记录：与会人员充分讨论。"})
    client.post(
        reverse("consultations:vote_for", args=[c.pk, c.suggestions.get().pk]),
        {"participant": row(c, people.carol).pk, "choice": "agree", "dissent": ""},
    )
    client.post(reverse("consultations:close", args=[c.pk]), {"consensus": "1", "conclusion": "同意加装"})
    c.refresh_from_db()
    assert c.status == S.CLOSED_CONSENSUS
    page = client.get(reverse("consultations:submit", args=[c.pk]))
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("consultations:submit", args=[c.pk]),
            {"level": "same", "recipients": "一镇党委、镇政府", "note": ""},
        )
    c.refresh_from_db()
    assert c.status == S.SUBMITTED

    client.force_login(world.users["approver"])
    page = client.get(reverse("consultations:detail", args=[c.pk]))
    assert "签收成果" in text(page)
    client.post(reverse("consultations:acknowledge", args=[c.pk]), {"note": "收悉，交镇政府办理"})
    c.refresh_from_db()
    assert c.status == S.ACKNOWLEDGED
    page = client.get(reverse("consultations:detail", args=[c.pk]))
    assert "已签收" in text(page)
    assert timeline(c).filter(action="acknowledge").exists()


def test_participant_confirms_signs_in_twice_and_votes_from_their_page(client, world, people, make_consultation):
    c = make_consultation(S.SCHEDULED)
    client.force_login(people.alice)
    page = client.get(reverse("consultations:take_part", args=[c.pk]))
    assert page.status_code == 200 and "确认参加" in text(page)
    client.post(reverse("consultations:respond", args=[c.pk]), {"answer": "confirm"})
    assert row(c, people.alice).status == InvitationStatus.CONFIRMED
    from shangliang.consultations import services
    from tests.consultations.conftest import convenor

    services.consultation_open(actor=convenor(world), consultation=c)
    services.suggestion_add(actor=convenor(world), consultation=c, text="东侧划线停车")
    signin = reverse("consultations:signin", args=[c.signin_code])
    assert client.get(signin).status_code == 200
    response = client.post(signin, follow=True)
    assert "签到成功" in text(response)
    response = client.post(signin, follow=True)
    assert "无需重复签到" in text(response)
    s = c.suggestions.get()
    response = client.post(
        reverse("consultations:own_vote", args=[c.pk, s.pk]),
        {"choice": "disagree", "dissent": "<script>alert(1)</script>西侧更合适"},
        follow=True,
    )
    html = text(response)
    assert "已记录您的表决" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;西侧更合适" in html and "<script>alert(1)" not in html
    assert s.votes.get().dissent == "<script>alert(1)</script>西侧更合适"


def test_participant_cannot_act_on_someone_elses_invitation(client, world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    client.force_login(world.users["stranger"])
    assert client.get(reverse("consultations:take_part", args=[c.pk])).status_code == 403
    assert client.post(reverse("consultations:respond", args=[c.pk]), {"answer": "decline"}).status_code == 403
    # Alice cannot vote as Bob by forging his participant id on the convenor's form.
    client.force_login(people.alice)
    s = Consultation.objects.get(pk=c.pk)
    from shangliang.consultations import services
    from tests.consultations.conftest import convenor

    suggestion = services.suggestion_add(actor=convenor(world), consultation=s, text="建议一")
    response = client.post(
        reverse("consultations:vote_for", args=[c.pk, suggestion.pk]),
        {"participant": row(c, people.bob).pk, "choice": "block", "dissent": "伪造"},
    )
    assert response.status_code == 403
    assert not suggestion.votes.exists()


def test_unit_page_shows_the_norm_and_a_create_link(client, world):
    client.force_login(world.users["convenor"])
    html = text(client.get(reverse("units:detail", args=[world.t1.pk])))
    assert 'id="norm-status"' in html and "下次协商应于" in html
    assert reverse("consultations:create", args=[world.t1.pk]) in html
    client.force_login(world.users["staff"])
    html = text(client.get(reverse("units:detail", args=[world.t1.pk])))
    assert reverse("consultations:create", args=[world.t1.pk]) not in html
    html = text(client.get(reverse("units:detail", args=[world.a.pk])))
    assert reverse("consultations:rules", args=[world.a.pk]) in html


@pytest.mark.parametrize("state", [S.DRAFT, S.SCHEDULED, S.IN_SESSION, S.CLOSED_NO_CONSENSUS, S.ACKNOWLEDGED])
def test_pages_render_in_every_state(client, world, people, make_consultation, state):
    c = make_consultation(state)
    client.force_login(world.users["convenor"])
    for name in ("detail", "participants", "research", "meeting", "schedule"):
        response = client.get(reverse(f"consultations:{name}", args=[c.pk]))
        assert response.status_code == 200, (name, state)
    for name in ("report", "suggestions_xlsx"):
        assert client.get(reverse(f"consultations:{name}", args=[c.pk])).status_code == 200
    assert client.get(reverse("consultations:index")).status_code == 200
    assert client.get(reverse("consultations:index") + f"?unit={world.t1.pk}").status_code == 200
    client.force_login(people.alice)
    assert client.get(reverse("consultations:mine")).status_code == 200
    assert client.get(reverse("consultations:take_part", args=[c.pk])).status_code == 200


def test_person_without_account_uses_the_personal_link(client, world, people, make_consultation):
    c = make_consultation(S.SCHEDULED)
    zhao = c.participants.get(name="赵大姐")
    assert zhao.user_id is None
    page = client.get(reverse("consultations:invitation", args=[zhao.token]), follow=True)
    assert "赵大姐" in text(page)
    client.post(reverse("consultations:respond", args=[c.pk]), {"answer": "confirm"})
    zhao.refresh_from_db()
    assert zhao.status == InvitationStatus.CONFIRMED
    ics = client.get(reverse("consultations:ics", args=[c.pk]))
    assert ics.status_code == 200 and zhao.token.encode() in ics.content.replace(b"\r\n ", b"")
    from shangliang.consultations import services
    from tests.consultations.conftest import convenor

    services.consultation_open(actor=convenor(world), consultation=c)
    response = client.post(reverse("consultations:signin", args=[c.signin_code]), follow=True)
    assert "签到成功" in text(response)
    zhao.refresh_from_db()
    assert zhao.signed_in_at is not None
    # Another browser without the link is sent to log in; a wrong token is a 404.
    client.logout()
    client.cookies.clear()
    assert client.get(reverse("consultations:take_part", args=[c.pk])).status_code == 302
    assert client.get(reverse("consultations:invitation", args=["x" * 43])).status_code == 404


def test_county_rules_page(client, world):
    url = reverse("consultations:rules", args=[world.a.pk])
    client.force_login(world.users["staff"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "what": "norm",
            "norm-level": "village",
            "norm-min_count": "1",
            "norm-period_months": "1",
            "norm-effective_from": "2024-01-01",
        },
    )
    assert response.status_code == 302
    response = client.post(
        url,
        {
            "what": "rule",
            "rule-min_participants": "5",
            "rule-min_stakeholders": "2",
            "rule-min_resident_reps": "1",
            "rule-max_official_percent": "150",
        },
    )
    assert response.status_code == 400 and "党政人员占比上限（%）应在 0 至 100 之间" in text(response)
    client.force_login(world.users["convenor"])
    assert client.post(url, {"what": "norm"}).status_code == 403
    assert client.get(reverse("consultations:rules", args=[world.b.pk])).status_code == 403


def test_written_consultation_page_closes_at_the_deadline(client, world, people, make_consultation):
    from shangliang.consultations.models import ConsultationForm

    c = make_consultation(S.IN_SESSION, form=ConsultationForm.WRITTEN)
    client.force_login(people.alice)
    url = reverse("consultations:take_part", args=[c.pk])
    html = text(client.get(url))
    assert "我的意见" in html and 'name="text"' in html and "扫描会场的二维码" not in html  # no sign-in needed
    Consultation.objects.filter(pk=c.pk).update(written_deadline=timezone.now() - timedelta(minutes=5))
    html = text(client.get(url))
    assert "意见征求已于" in html and 'name="text"' not in html
    client.force_login(world.users["convenor"])
    html = text(client.get(reverse("consultations:meeting", args=[c.pk])))
    assert "已确认" in html and "代为签到" not in html


def test_meeting_page_ids_are_unique_and_labels_name_their_fields(client, world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    client.force_login(world.users["convenor"])
    client.post(reverse("consultations:tick", args=[c.pk, row(c, people.alice).pk]))  # present: may state an opinion
    page = text(client.get(reverse("consultations:meeting", args=[c.pk])))
    assert duplicate_ids(page) == []
    assert labelled(page, "建议内容") == ("textarea", "suggestion-text")
    assert labelled(page, "会议记录") == ("textarea", "minutes-text")
    assert labelled(page, "意见（原话）") == ("textarea", "opinion-text")
    client.post(reverse("consultations:suggestion_add", args=[c.pk]), {"suggestion-text": "增设充电桩"})
    client.post(
        reverse("consultations:opinion", args=[c.pk]),
        {"opinion-participant": row(c, people.alice).pk, "opinion-text": "同意"},
    )
    assert c.suggestions.get().text == "增设充电桩" and c.opinions.get().text == "同意"


def test_an_online_consultation_shows_its_times_not_unscheduled(client, world, people, make_consultation):
    from shangliang.consultations.models import ConsultationForm

    c = make_consultation(S.SCHEDULED, form=ConsultationForm.ONLINE)
    client.force_login(world.users["convenor"])
    page = text(client.get(reverse("consultations:detail", args=[c.pk])))
    assert "网络协商：" in page and "未安排" not in page
    draft = make_consultation(S.DRAFT)
    assert "未安排" in text(client.get(reverse("consultations:detail", args=[draft.pk])))
