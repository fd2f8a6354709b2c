"""Bad input: each refused with a clear Chinese message, and nothing half-saved (a failed form changes nothing)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from shangliang.consultations import services
from shangliang.consultations.models import (
    Attachment,
    Consultation,
    ConsultationStatus,
    Participant,
    ResearchRecord,
    Suggestion,
)
from shangliang.core.errors import InvalidInput
from shangliang.core.events import timeline
from shangliang.core.uploads import checked_document
from tests.conftest import fresh
from tests.consultations.conftest import approved_topic, convenor, row
from tests.uploads import office_bytes as office
from tests.uploads import pdf, upload
from tests.uploads import png_bytes as png

S = ConsultationStatus


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.pdf", b"%PDF-1.7\n...", "application/pdf"),
        ("报告.docx", office("docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("台账.xlsx", office("xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("照片.png", png(), "image/png"),
    ],
)
def test_accepted_documents_are_recognised_by_content(name, data, kind):
    doc = checked_document(upload(name, data))
    assert doc.content_type == kind and doc.name == name
    assert doc.content.name != name  # stored under a generated name


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("evil.pdf", b"MZ\x90\x00 this is an exe", "不是可接收的文件类型"),
        ("page.docx", b"<html><script>alert(1)</script></html>", "不是可接收的文件类型"),
        ("archive.docx", b"PK\x03\x04 not really a zip", "不是可接收的文件类型"),
        ("macro.docm", office("docx", macro=True), "含宏"),
        ("empty.pdf", b"", "空文件"),
        ("fake.png", b"\x89PNG\r\n\x1a\n broken", "不是有效的图片"),
        ("x.ole", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "不是可接收的文件类型"),
        # Legacy Office containers cannot be checked without parsing them: refused like the disclosures refused them.
        ("旧.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "不是可接收的文件类型"),
        ("旧.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "不是可接收的文件类型"),
    ],
)
def test_refused_documents(name, data, message):
    with pytest.raises(InvalidInput, match=message):
        checked_document(upload(name, data))


def test_oversized_document(settings):
    big = upload("big.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(InvalidInput, match="过大"):
        checked_document(big)


def test_a_bad_file_among_good_ones_saves_nothing(world, make_consultation):
    c = make_consultation(S.PARTICIPANTS_CHOSEN)
    files = [pdf("方案.pdf"), upload("x.exe", b"MZ\x90\x00")]
    with pytest.raises(InvalidInput, match="x.exe"):
        services.research_add(
            actor=convenor(world),
            consultation=c,
            kind="survey",
            title="问卷",
            text="结果",
            done_on=timezone.localdate(),
            files=files,
        )
    c.refresh_from_db()
    assert c.status == S.PARTICIPANTS_CHOSEN
    assert not ResearchRecord.objects.exists() and not Attachment.objects.exists()


def test_research_with_attachments_over_http(client, world, make_consultation):
    c = make_consultation(S.PARTICIPANTS_CHOSEN)
    client.force_login(world.users["convenor"])
    url = reverse("consultations:research", args=[c.pk])
    data = {
        "what": "research",
        "research-kind": "survey",
        "research-title": "问卷调查",
        "research-done_on": timezone.localdate().isoformat(),
        "research-text": "发放 80 份，回收 76 份。",
    }
    response = client.post(url, {**data, "research-files": [upload("恶意.exe", b"MZ\x90\x00")]})
    assert response.status_code == 400 and "“恶意.exe”不是可接收的文件类型" in response.content.decode()
    assert not ResearchRecord.objects.exists()
    response = client.post(url, {**data, "research-files": [pdf("方案.pdf"), upload("照片.png", png())]})
    assert response.status_code == 302
    record = ResearchRecord.objects.get()
    assert record.attachments.count() == 2
    file = record.attachments.get(content_type="application/pdf")
    download = client.get(reverse("consultations:attachment", args=[file.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert "attachment" in download["Content-Disposition"]
    client.force_login(world.users["stranger"])
    assert client.get(reverse("consultations:attachment", args=[file.pk])).status_code == 403


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "请填写标题"),
        ("title", "长" * 101, "标题不能超过 100 个字"),
        ("text", "   ", "请填写调研情况"),
        ("text", "字" * 5001, "调研情况不能超过 5000 个字"),
        ("text", "a\x00b", "含有无效字符"),
    ],
)
def test_empty_and_oversized_text(world, make_consultation, field, value, message):
    c = make_consultation(S.PARTICIPANTS_CHOSEN)
    fields = {"kind": "visit", "title": "走访", "text": "情况", "done_on": timezone.localdate(), field: value}
    with pytest.raises(InvalidInput, match=message):
        services.research_add(actor=convenor(world), consultation=c, **fields)
    assert not ResearchRecord.objects.exists()


def test_future_research_date_is_refused(world, make_consultation):
    from datetime import timedelta

    c = make_consultation(S.PARTICIPANTS_CHOSEN)
    with pytest.raises(InvalidInput, match="调研日期不能晚于今天"):
        services.research_add(
            actor=convenor(world),
            consultation=c,
            kind="visit",
            title="走访",
            text="情况",
            done_on=timezone.localdate() + timedelta(days=1),
        )


def test_script_tags_are_shown_as_text(client, world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    services.suggestion_add(actor=convenor(world), consultation=c, text="<img src=x onerror=alert(1)>加装路灯")
    services.sign_in_by_convenor(actor=convenor(world), consultation=c, participant_id=row(c, people.alice).pk)
    services.opinion_record(
        actor=convenor(world), consultation=c, participant_id=row(c, people.alice).pk, text="<b>重要</b>意见"
    )
    client.force_login(world.users["convenor"])
    html = client.get(reverse("consultations:meeting", args=[c.pk])).content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt;加装路灯" in html and "<img src=x" not in html
    assert "&lt;b&gt;重要&lt;/b&gt;意见" in html


def test_forged_ids_are_refused_without_changes(client, world, people, make_consultation):
    c = make_consultation(S.IN_SESSION)
    other = make_consultation(S.IN_SESSION, topic=approved_topic(world.t1, title="另一个议题"))
    foreign = other.participants.first()
    actor = convenor(world)
    with pytest.raises(InvalidInput, match="不在本次协商名单中"):
        services.sign_in_by_convenor(actor=actor, consultation=c, participant_id=foreign.pk)
    with pytest.raises(InvalidInput, match="不在本次协商名单中"):
        services.opinion_record(actor=actor, consultation=c, participant_id="abc", text="意见")
    s = services.suggestion_add(actor=actor, consultation=other, text="别的建议")
    services.sign_in_by_convenor(actor=actor, consultation=c, participant_id=row(c, people.alice).pk)
    with pytest.raises(InvalidInput, match="不属于本次协商"):
        services.suggestion_vote(
            actor=actor, consultation=c, suggestion_id=s.pk, participant_id=row(c, people.alice).pk, choice="agree"
        )
    assert not foreign.__class__.objects.filter(pk=foreign.pk, signed_in_at__isnull=False).exists()
    # Over HTTP: a convenor's form posted with someone else's row answers with a message, not a 500.
    client.force_login(world.users["convenor"])
    response = client.post(reverse("consultations:tick", args=[c.pk, foreign.pk]))
    assert response.status_code == 400
    response = client.post(
        reverse("consultations:participants", args=[c.pk]),
        {"source": "person", "person-user": 999999, "person-kind": "stakeholder"},
    )
    assert response.status_code in (400, 409)


def test_people_of_another_county_cannot_be_put_on_the_list(world, make_consultation):
    from tests.factories import TalentFactory, UserFactory, assign

    c = make_consultation(S.DRAFT)
    outsider = UserFactory(username="outsider")
    from shangliang.people.models import Role

    assign(outsider, Role.RESIDENT, world.vb)
    with pytest.raises(InvalidInput, match="不属于本县"):
        services.participant_add(actor=convenor(world), consultation=c, kind="stakeholder", user=outsider)
    talent = TalentFactory(county=world.b, name="乙县专家")
    with pytest.raises(InvalidInput, match="不在本县人才库中"):
        services.participant_add(actor=convenor(world), consultation=c, kind="expert", talent=talent)
    with pytest.raises(InvalidInput, match="请选择参加身份"):
        services.participant_add(actor=convenor(world), consultation=c, kind="boss", name="某人")
    with pytest.raises(InvalidInput, match="邮箱格式不正确"):
        services.participant_add(actor=convenor(world), consultation=c, kind="expert", name="某人", email="not-mail")
    assert c.participants.count() == 4


def test_double_submits_change_nothing_twice(client, world, people, make_consultation):
    c = make_consultation(S.DRAFT)
    actor = convenor(world)
    with pytest.raises(InvalidInput, match="已在名单中"):
        services.participant_add(actor=actor, consultation=c, kind="stakeholder", user=people.alice)
    with pytest.raises(InvalidInput, match="已在名单中"):
        services.participant_add(actor=actor, consultation=c, kind="resident_rep", name="赵大姐")
    assert Participant.objects.filter(consultation=c).count() == 4
    c = make_consultation(S.IN_SESSION, topic=approved_topic(world.t1, title="第二个议题"))
    client.force_login(world.users["convenor"])
    for _i in range(2):
        client.post(reverse("consultations:suggestion_add", args=[c.pk]), {"suggestion-text": "增设充电桩"})
    assert Suggestion.objects.filter(consultation=c).count() == 1
    for _i in range(2):
        data = {"segment-kind": "briefing", "segment-title": "通报"}
        client.post(reverse("consultations:segment_add", args=[c.pk]), data)
    # Two agenda segments with the same words are legitimate (two briefings); each is numbered.
    assert list(c.agenda.values_list("order", flat=True)) == [1, 2]
    client.force_login(people.bob)
    services.sign_in_by_code(actor=fresh(people.bob), code=c.signin_code)
    s = c.suggestions.get()
    for _i in range(2):
        client.post(reverse("consultations:own_vote", args=[c.pk, s.pk]), {"choice": "agree", "dissent": ""})
    assert s.votes.count() == 1 and timeline(c).filter(action="vote").count() == 1


def test_failed_forms_change_nothing_over_http(client, world, people, make_consultation):
    c = make_consultation(S.RESEARCH_RECORDED)
    client.force_login(world.users["convenor"])
    before = timeline(c).count()
    response = client.post(reverse("consultations:schedule", args=[c.pk]), {"planned_start": "not a date"})
    assert response.status_code == 400
    response = client.post(reverse("consultations:schedule", args=[c.pk]), {"planned_start": "2001-01-01T10:00"})
    assert response.status_code == 400 and "协商时间不能早于现在" in response.content.decode()
    c.refresh_from_db()
    assert c.status == S.RESEARCH_RECORDED and c.planned_start is None and timeline(c).count() == before
    approved_topic(world.t1, title="可以协商的议题")
    response = client.post(reverse("consultations:create", args=[world.t1.pk]), {"form": "meeting"})
    assert response.status_code == 400 and "请至少选择一个已审定的议题" in response.content.decode()
    response = client.post(
        reverse("consultations:create", args=[world.t1.pk]), {"form": "meeting", "topics": ["999999"]}
    )
    assert response.status_code == 400
    assert Consultation.objects.count() == 1
