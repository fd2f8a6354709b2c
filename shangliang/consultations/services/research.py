"""Research before consulting (商前调研) and door-to-door pre-consultation (上门协商), with attachments.

The first research record moves a consultation whose list is chosen on to "research recorded": only then can it be
scheduled (不调研不协商).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.consultations.models import (
    PREPARING,
    Attachment,
    Consultation,
    ConsultationStatus,
    PreConsultationVisit,
    ResearchKind,
    ResearchRecord,
)
from shangliang.consultations.services.common import not_in_state, own_participant, require_run
from shangliang.consultations.workflow import CONSULTATION_WORKFLOW as FLOW
from shangliang.core import clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.uploads import checked_documents
from shangliang.core.validation import clean_text

S = ConsultationStatus
MAX_FILES = 5  # attachments in one upload
RESEARCH_STATES = (S.PARTICIPANTS_CHOSEN, S.RESEARCH_RECORDED, S.SCHEDULED)


def _past_date(value: date | None, *, label: str, field: str) -> date:
    if value is None:
        raise InvalidInput(_("请填写%(label)s。") % {"label": label}, field=field)
    today = clock.today()
    if value > today:
        raise InvalidInput(_("%(label)s不能晚于今天。") % {"label": label}, field=field)
    if value < today - timedelta(days=3 * 365):
        raise InvalidInput(_("%(label)s过早，请检查年份。") % {"label": label}, field=field)
    return value


def _store(c: Consultation, owner_field: str, owner, files, actor) -> int:
    for doc in files:
        Attachment.objects.create(
            consultation=c,
            file=doc.content,
            original_name=doc.name,
            content_type=doc.content_type,
            size=doc.size,
            uploaded_by=actor,
            **{owner_field: owner},
        )
    return len(files)


def research_add(
    *, actor, consultation: Consultation, kind: str, title: str, text: str, done_on: date | None, files=()
) -> ResearchRecord:
    require_run(actor, consultation)
    if kind not in ResearchKind.values:
        raise InvalidInput(_("请选择调研方式。"), field="kind")
    title = clean_text(title, label=_("标题"), field="title", max_length=100)
    text = clean_text(text, label=_("调研情况"), field="text", max_length=5000)
    done_on = _past_date(done_on, label=_("调研日期"), field="done_on")
    # Every file is checked before anything is written: a bad third file leaves no record and no stored file.
    documents = checked_documents(files, most=MAX_FILES)
    with transaction.atomic():
        c = locked(consultation)
        if c.status == S.DRAFT:
            raise NotPossible(_("请先确定参加人员：商前调研由参加协商的人一起开展。"))
        if c.status not in RESEARCH_STATES:
            raise not_in_state(c, _("记录商前调研"))
        record = ResearchRecord.objects.create(
            consultation=c, kind=kind, title=title, text=text, done_on=done_on, recorded_by=actor
        )
        n = _store(c, "research", record, documents, actor)
        record_event(c, actor=actor, action="add_research", note=title, data={"research_id": record.pk, "files": n})
        if c.status == S.PARTICIPANTS_CHOSEN:
            FLOW.apply(c, action="record_research", actor=actor, data={"research_id": record.pk})
    return record


def visit_add(
    *,
    actor,
    consultation: Consultation,
    party: str,
    visited_on: date | None,
    views: str,
    agreed: str = "",
    participant_id=None,
    files=(),
) -> PreConsultationVisit:
    """上门协商 with one interested party: what they said and what was agreed."""
    require_run(actor, consultation)
    party = clean_text(party, label=_("走访对象"), field="party", max_length=100)
    views = clean_text(views, label=_("对方意见"), field="views", max_length=5000)
    agreed = clean_text(agreed, label=_("达成的共识"), field="agreed", max_length=5000, required=False)
    visited_on = _past_date(visited_on, label=_("走访日期"), field="visited_on")
    documents = checked_documents(files, most=MAX_FILES)
    with transaction.atomic():
        c = locked(consultation)
        if c.status not in PREPARING:
            raise not_in_state(c, _("记录上门协商"))
        participant = own_participant(c, participant_id) if participant_id not in (None, "") else None
        visit = PreConsultationVisit.objects.create(
            consultation=c,
            party=party,
            participant=participant,
            visited_on=visited_on,
            views=views,
            agreed=agreed,
            recorded_by=actor,
        )
        n = _store(c, "visit", visit, documents, actor)
        record_event(c, actor=actor, action="add_visit", note=party, data={"visit_id": visit.pk, "files": n})
    return visit
