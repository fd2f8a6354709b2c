"""Disclosures (公示): recording, bad input refused with a clear Chinese message and nothing stored, publication,
the published text never edited (corrections are new versions, the original kept), documents checked by content,
and residents' comments and objections (identified, rate-limited, once per form, objections on the next agenda)."""

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.models import Event
from shangliang.core.ratelimit import RateLimited
from shangliang.villageaffairs import services
from shangliang.villageaffairs.models import (
    AgendaItem,
    AgendaSource,
    Disclosure,
    DisclosureDocument,
    DisclosureStatus,
    Feedback,
    MonthlyMeeting,
    PowerCategory,
)
from tests.conftest import mobile_visitor
from tests.uploads import docx, pdf, png
from tests.villageaffairs.conftest import disclosure_data, make_power_items

TODAY = timezone.localdate()


def create(va, **overrides):
    data = disclosure_data(va.items[PowerCategory.BENEFIT_FUND], **overrides)
    return services.disclosure_create(actor=va.world.users["staff"], unit=va.world.v1, **data)


# --- recording and bad input -------------------------------------------------------------------------------------


def test_a_recorded_exercise_is_a_draft_with_its_amount_in_yuan(va):
    d = create(va, amount="1,234.50")
    assert d.status == DisclosureStatus.DRAFT and d.version == 1
    assert d.amount == Decimal("1234.50")
    assert Event.objects.filter(object_id=d.pk, action="create").exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount": "-500"}, "amount", "金额必须大于零。"),
        ({"amount": "0"}, "amount", "金额必须大于零。"),
        ({"amount": "十万元"}, "amount", "金额应为数字。"),
        ({"amount": "12.345"}, "amount", "金额最多保留两位小数。"),
        ({"amount": "NaN"}, "amount", "金额应为数字。"),
        ({"amount": ""}, "amount", "项目和资金支付须公示金额（元）。"),
        ({"title": "   "}, "title", "请填写公示标题。"),
        ({"title": "长" * 101}, "title", "公示标题不能超过 100 个字（现有 101 个）。"),
        ({"kind": "bribe"}, "kind", "请选择事项类型。"),
        ({"period_start": "2026-13-01"}, "period_start", "公示开始日期格式不正确。"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_stored(va, overrides, field, message):
    before = Disclosure.objects.count()
    with pytest.raises(InvalidInput) as caught:
        create(va, **overrides)
    assert caught.value.field == field
    assert str(caught.value.message) == message
    assert Disclosure.objects.count() == before


def test_a_period_ending_before_it_starts_is_refused(va):
    before = Disclosure.objects.count()
    with pytest.raises(InvalidInput) as caught:
        create(va, period_start=TODAY, period_end=TODAY - timedelta(days=1))
    assert caught.value.field == "period_end"
    assert "公示截止日期" in str(caught.value.message) and "不能早于开始日期" in str(caught.value.message)
    assert Disclosure.objects.count() == before


def test_a_decision_may_have_no_amount(va):
    d = create(va, kind="decision", amount="")
    assert d.amount is None


def test_the_power_item_must_apply_to_the_village(va):
    other = make_power_items(va.world.b)[PowerCategory.BENEFIT_FUND]
    with pytest.raises(InvalidInput) as caught:
        services.disclosure_create(actor=va.world.users["staff"], unit=va.world.v1, **disclosure_data(other))
    assert caught.value.field == "power_item"


def test_only_villages_disclose(va):
    with pytest.raises(InvalidInput):
        services.disclosure_create(
            actor=va.world.users["staff"], unit=va.world.t1, **disclosure_data(va.items[PowerCategory.BENEFIT_FUND])
        )


def test_the_same_form_sent_twice_stores_one_disclosure(va):
    key = "k" * 32
    first = create(va, idempotency_key=key)
    again = create(va, idempotency_key=key)
    assert first.pk == again.pk
    assert Disclosure.objects.filter(idempotency_key=key).count() == 1


def test_recording_needs_the_right_to_manage_the_village(va):
    with pytest.raises(NotAllowed):
        services.disclosure_create(
            actor=va.world.users["liaison"], unit=va.world.v1, **disclosure_data(va.items[PowerCategory.BENEFIT_FUND])
        )


# --- publication and the rule that a published disclosure is final ----------------------------------------------


def test_publishing_is_a_transition_with_an_event(va):
    services.disclosure_publish(actor=va.world.users["convenor"], disclosure=va.draft)
    va.draft.refresh_from_db()
    assert va.draft.status == DisclosureStatus.PUBLISHED and va.draft.published_at is not None
    event = Event.objects.get(object_id=va.draft.pk, action="publish")
    assert (event.from_state, event.to_state, event.public) == ("draft", "published", True)


def test_publishing_twice_is_not_possible(va):
    with pytest.raises(NotPossible) as caught:
        services.disclosure_publish(actor=va.world.users["staff"], disclosure=va.published)
    assert "已发布" in str(caught.value.message)


def test_publishing_is_not_allowed_for_a_member(va):
    with pytest.raises(NotAllowed):
        services.disclosure_publish(actor=va.world.users["member"], disclosure=va.draft)


def test_editing_a_published_disclosure_is_refused_and_the_original_kept(va):
    before = Disclosure.objects.filter(pk=va.published.pk).values().get()
    data = disclosure_data(va.items[PowerCategory.BENEFIT_FUND], title="改过的标题", amount="1")
    with pytest.raises(NotPossible) as caught:
        services.disclosure_update(actor=va.world.users["staff"], disclosure=va.published, **data)
    assert "已公示的内容不能修改" in str(caught.value.message)
    assert Disclosure.objects.filter(pk=va.published.pk).values().get() == before


def test_the_model_itself_refuses_to_change_a_published_disclosure(va):
    d = Disclosure.objects.get(pk=va.published.pk)
    d.amount = Decimal("1.00")
    with pytest.raises(NotPossible):
        d.save()
    d.title = "x"
    with pytest.raises(NotPossible):
        d.save(update_fields=["title"])
    assert Disclosure.objects.get(pk=va.published.pk).amount == Decimal("128000.50")


def test_a_draft_can_be_edited_and_discarded(va):
    data = disclosure_data(va.items[PowerCategory.MAJOR_DECISION], title="文化广场建设（调整）")
    services.disclosure_update(actor=va.world.users["convenor"], disclosure=va.draft, **data)
    va.draft.refresh_from_db()
    assert va.draft.title == "文化广场建设（调整）"
    with pytest.raises(InvalidInput):
        services.disclosure_discard(actor=va.world.users["convenor"], disclosure=va.draft, note="  ")
    services.disclosure_discard(actor=va.world.users["convenor"], disclosure=va.draft, note="重复登记")
    va.draft.refresh_from_db()
    assert va.draft.status == DisclosureStatus.DISCARDED
    with pytest.raises(NotPossible):
        services.disclosure_publish(actor=va.world.users["staff"], disclosure=va.draft)


def correct(va, original, **overrides):
    data = disclosure_data(va.items[PowerCategory.BENEFIT_FUND], **overrides)
    return services.disclosure_correct(
        actor=va.world.users["staff"], original=original, correction_reason="金额笔误，应为 12.8 万元", **data
    )


def test_a_correction_is_a_new_version_and_the_original_is_kept(va):
    original_row = Disclosure.objects.filter(pk=va.published.pk).values().get()
    correction = correct(va, va.published, amount="128000.00")
    assert (correction.version, correction.previous_id, correction.root_id) == (2, va.published.pk, va.published.pk)
    va.published.refresh_from_db()
    assert va.published.status == DisclosureStatus.PUBLISHED  # still the public version until the correction is out
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=correction)
    va.published.refresh_from_db()
    assert va.published.status == DisclosureStatus.SUPERSEDED
    assert va.published.superseded_by_id == correction.pk
    after = Disclosure.objects.filter(pk=va.published.pk).values().get()
    changed = {k for k in after if after[k] != original_row[k]}
    assert changed == {"status", "superseded_by_id", "updated_at"}
    assert Event.objects.filter(object_id=va.published.pk, action="supersede").exists()
    # A third version corrects the second; the chain keeps all three.
    third = correct(va, correction, amount="127500.00")
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=third)
    from shangliang.villageaffairs.selectors import version_chain

    assert [v.version for v in version_chain(third)] == [1, 2, 3]
    assert [v.status for v in version_chain(va.published)] == ["superseded", "superseded", "published"]


def test_only_the_latest_version_can_be_corrected_and_only_once_at_a_time(va):
    correction = correct(va, va.published)
    with pytest.raises(NotPossible) as caught:
        correct(va, va.published)
    assert "更正草稿" in str(caught.value.message)
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=correction)
    with pytest.raises(NotPossible) as caught:
        correct(va, va.published)
    assert "最新版本" in str(caught.value.message)
    with pytest.raises(NotPossible):
        correct(va, va.draft)


def test_a_correction_needs_a_reason(va):
    data = disclosure_data(va.items[PowerCategory.BENEFIT_FUND])
    with pytest.raises(InvalidInput) as caught:
        services.disclosure_correct(actor=va.world.users["staff"], original=va.published, correction_reason="", **data)
    assert caught.value.field == "correction_reason"
    assert Disclosure.objects.count() == 2


# --- documents ---------------------------------------------------------------------------------------------------


def test_documents_are_checked_by_content_and_frozen_once_published(va):
    count = services.disclosure_attach(
        actor=va.world.users["staff"],
        disclosure=va.draft,
        documents=[pdf("合同.pdf"), docx("会议记录.docx"), png("../../etc/现场.png")],
    )
    assert count == 3
    docs = {d.kind: d for d in va.draft.documents.all()}
    assert set(docs) == {"pdf", "docx", "image"}
    assert docs["image"].name == "现场.png"
    assert not docs["pdf"].file.name.endswith("合同.pdf")  # stored under a generated name
    with pytest.raises(InvalidInput) as caught:
        services.disclosure_attach(
            actor=va.world.users["staff"],
            disclosure=va.draft,
            documents=[SimpleUploadedFile("发票.pdf", b"<html><script>alert(1)</script>", "application/pdf")],
        )
    assert "不是可接收的文件类型" in str(caught.value.message)
    assert va.draft.documents.count() == 3
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=va.draft)
    with pytest.raises(NotPossible):
        services.disclosure_attach(actor=va.world.users["staff"], disclosure=va.draft, documents=[pdf("合同.pdf")])
    with pytest.raises(NotPossible):
        services.disclosure_detach(actor=va.world.users["staff"], document=va.draft.documents.first())
    assert va.draft.documents.count() == 3
    # A correction lists the original's documents too, the same stored files.
    correction = correct(va, va.draft, title="文化广场建设")
    assert sorted(correction.documents.values_list("file", flat=True)) == sorted(
        va.draft.documents.values_list("file", flat=True)
    )


def test_a_zip_that_is_not_an_office_document_is_refused(va):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", "MZ")
    with pytest.raises(InvalidInput):
        services.disclosure_attach(
            actor=va.world.users["staff"],
            disclosure=va.draft,
            documents=[SimpleUploadedFile("a.docx", buffer.getvalue())],
        )
    assert not DisclosureDocument.objects.exists()


# --- residents' comments and objections --------------------------------------------------------------------------


def submit(va, disclosure=None, **overrides):
    """A resident's feedback: `mobile` is the number the browser verified (request.visitor), `client` its network."""
    data = {"kind": "objection", "text": "补助对象名单中有已去世人员", "mobile": "13912345678", "client": "10.0.0.1"}
    data.update(overrides)
    actor = data.pop("actor", AnonymousUser())
    visitor = mobile_visitor(
        data.pop("mobile"), user=actor if actor.is_authenticated else None, network=data.pop("client")
    )
    data.setdefault("contact_consent", True)
    return services.feedback_submit(actor=actor, visitor=visitor, disclosure=disclosure or va.published, **data)


def test_an_objection_goes_onto_the_next_monthly_meeting_agenda(va):
    feedback = submit(va)
    item = AgendaItem.objects.get(feedback=feedback)
    assert item.source == AgendaSource.OBJECTION and item.disclosure_id == va.published.pk
    meeting = item.meeting
    assert meeting.unit_id == va.world.v1.pk and meeting.status == "planned"
    assert meeting.month == TODAY.replace(day=1)
    # A second objection joins the same meeting, after the first.
    second = AgendaItem.objects.get(feedback=submit(va, text="另一条异议", mobile="13912345679"))
    assert second.meeting_id == meeting.pk and second.order > item.order


def test_a_comment_does_not_go_onto_the_agenda(va):
    feedback = submit(va, kind="comment")
    assert not AgendaItem.objects.filter(feedback=feedback).exists()
    assert not MonthlyMeeting.objects.exists()


def test_objections_after_a_held_meeting_go_to_the_following_month(va):
    MonthlyMeeting.objects.create(unit=va.world.v1, month=TODAY.replace(day=1), status="held", held_on=TODAY)
    item = AgendaItem.objects.get(feedback=submit(va))
    from shangliang.core.months import add_months

    assert item.meeting.month == add_months(TODAY.replace(day=1), 1)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(1, 5, "公示期自"), (-10, -1, "公示期已于")],
)
def test_feedback_only_during_the_disclosure_period(va, start, end, message):
    d = create(va, period_start=TODAY + timedelta(days=start), period_end=TODAY + timedelta(days=end))
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=d)
    with pytest.raises(NotPossible) as caught:
        submit(va, disclosure=d)
    assert message in str(caught.value.message)
    assert not Feedback.objects.exists()


def test_no_feedback_on_a_corrected_version(va):
    correction = correct(va, va.published)
    services.disclosure_publish(actor=va.world.users["staff"], disclosure=correction)
    va.published.refresh_from_db()
    with pytest.raises(NotPossible) as caught:
        submit(va, disclosure=va.published)
    assert "已被更正" in str(caught.value.message)


def test_without_an_account_a_verified_mobile_is_needed(va):
    """Objections land on a meeting's agenda: nobody unidentified may put them there."""
    with pytest.raises(NotAllowed) as caught:
        submit(va, mobile="")
    assert "手机号验证或登录" in str(caught.value.message)
    assert not Feedback.objects.exists() and not AgendaItem.objects.exists()


def test_the_number_is_kept_encrypted_with_a_consent_to_be_called_back(va):
    from shangliang.core.crypto import is_token
    from shangliang.residents.models import Consent

    with pytest.raises(InvalidInput) as caught:
        submit(va, contact_consent=False)
    assert caught.value.field == "contact_consent" and not Feedback.objects.exists()
    feedback = submit(va, name="王大爷")
    stored = Feedback.objects.get(pk=feedback.pk)
    assert stored.mobile == "13912345678" and stored.masked_mobile == "139****5678"
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM villageaffairs_feedback WHERE id = %s", [feedback.pk])
        (column,) = cursor.fetchone()
    assert is_token(column) and "13912345678" not in column
    consent = Consent.objects.get(purpose="contact")
    assert consent.subject_id == feedback.pk and consent.notice_version == "site-1"


def test_with_an_account_no_mobile_is_needed(va):
    feedback = submit(va, actor=va.world.users["resident"], mobile="")
    assert feedback.author == va.world.users["resident"] and feedback.mobile == "" and feedback.mobile_hash == ""


def test_feedback_is_rate_limited_per_verified_number(va, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "objection": {"each": (1, 3600), "network": (2, 3600)}}
    submit(va, kind="comment", text="一")
    submit(va, kind="comment", text="二", mobile="13900000002")
    with pytest.raises(RateLimited) as caught:
        submit(va, kind="comment", text="三")  # the first number again
    assert "提交意见或异议过于频繁" in str(caught.value.message)
    assert Feedback.objects.count() == 2
    # Verified numbers are not held to the network's cap: a third villager on the same Wi-Fi gets through.
    submit(va, kind="comment", text="四", mobile="13900000003")
    assert Feedback.objects.count() == 3


def test_one_person_may_not_flood_a_disclosure(va):
    for i in range(services.MAX_FEEDBACK_PER_PERSON):
        submit(va, text=f"第{i}条")
    with pytest.raises(InvalidInput) as caught:
        submit(va, text="又一条")
    assert "最多提出" in str(caught.value.message)


def test_the_same_feedback_form_sent_twice_stores_one(va):
    key = "f" * 32
    first = submit(va, idempotency_key=key)
    again = submit(va, idempotency_key=key)
    assert first.pk == again.pk
    assert Feedback.objects.count() == 1 and AgendaItem.objects.count() == 1


def test_script_in_feedback_is_kept_as_text(va):
    feedback = submit(va, text="<script>alert('x')</script>")
    assert feedback.text == "<script>alert('x')</script>"


def test_the_convenors_are_told_about_an_objection(va, django_capture_on_commit_callbacks):
    from shangliang.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        feedback = submit(va)
    told = Notification.objects.filter(verb="villageaffairs.objection")
    assert set(told.values_list("user__username", flat=True)) == {"convenor"}  # 一镇's convenor; 一村 has none
    note = told.get()
    assert "一村“村道硬化工程”收到群众异议" in note.text
    assert note.link.endswith(f"#item-{feedback.agenda_item.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        submit(va, kind="comment", mobile="13900000009")
    assert told.count() == 1
