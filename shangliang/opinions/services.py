"""Every write on public-opinion reports: keyword-only, permission checked, Chinese messages, one transaction, event
written. Status changes go through the one transition table (`workflow.REPORT_WORKFLOW`)."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.models import TimeLimitStep
from shangliang.core.permissions import require_perm
from shangliang.core.validation import clean_date, clean_key, clean_text
from shangliang.core.workdays import Calendar
from shangliang.opinions.models import (
    ADOPTED_STATES,
    AUTHOR_EDITABLE,
    Adoption,
    AdoptionLevel,
    AuthorKind,
    Endorsement,
    OpinionReport,
    ReportSource,
    ReportStatus,
)
from shangliang.opinions.workflow import OFFICE, REPORT_WORKFLOW
from shangliang.people.models import Department, Role
from shangliang.people.selectors import scope_paths, within
from shangliang.units.models import Unit

TITLE_MAX = 100
BODY_MAX = 8000
MAX_MERGE = 20
# A handed report is answered within this many days unless the office sets a date: counted as the county counts the
# step "社情民意答复" (working days unless it says calendar days). Fifteen working days, three weeks, is the usual
# time a county gives a department for a written reply.
ANSWER_DAYS = 15
S = ReportStatus


def _text(title, body) -> tuple[str, str]:
    return (
        clean_text(title, label=_("标题"), field="title", max_length=TITLE_MAX),
        clean_text(body, label=_("正文"), field="body", max_length=BODY_MAX),
    )


def _links(actor, county: Unit, source: str, topic, consultation) -> dict:
    """The topic or consultation a report came from: one the author may see, in the report's county."""
    if source not in ReportSource.values:
        raise InvalidInput(_("请选择信息来源。"), field="source")
    for obj, perm, field, label in (
        (topic, "topics.view_topic", "topic", _("议题")),
        (consultation, "consultations.view_consultation", "consultation", _("协商活动")),
    ):
        if obj is None:
            continue
        if not actor.has_perm(perm, obj) or not obj.unit.path.startswith(county.path):
            raise InvalidInput(_("所选%(label)s不存在或您无权查看。") % {"label": label}, field=field)
    return {"source": source, "topic": topic, "consultation": consultation}


def report_create(
    *,
    actor,
    unit: Unit,
    title: str,
    body: str,
    source: str = ReportSource.RESEARCH,
    topic=None,
    consultation=None,
    idempotency_key: str = "",
) -> OpinionReport:
    """A member or invited informant drafts a report about a place (nothing is sent until it is submitted)."""
    require_perm(actor, "opinions.write_report", unit, _("只有政协委员和特邀信息员可以撰写社情民意信息。"))
    key = clean_key(idempotency_key)
    if key:
        earlier = OpinionReport.objects.filter(idempotency_key=key).first()
        if earlier is not None:
            if earlier.author_id != actor.pk:
                raise InvalidInput(_("表单已失效，请刷新页面后重新填写。"))
            return earlier
    if unit.county_id is None:
        raise InvalidInput(_("所选单元不属于任何区县。"), field="unit")
    county = unit.county
    title, body = _text(title, body)
    links = _links(actor, county, source, topic, consultation)
    is_member = within(unit.path, scope_paths(actor, {Role.MEMBER})) or not within(
        unit.path, scope_paths(actor, {Role.LIAISON})
    )
    report = OpinionReport(
        county=county,
        unit=unit,
        author=actor,
        author_kind=AuthorKind.MEMBER if is_member else AuthorKind.INFORMANT,
        title=title,
        body=body,
        idempotency_key=key,
        **links,
    )
    try:
        with transaction.atomic():
            report.save()
            record_event(report, actor=actor, action="create", to_state=report.status)
    except IntegrityError:
        earlier = OpinionReport.objects.filter(idempotency_key=key).first() if key else None
        if earlier is None:
            raise
        return earlier
    return report


def report_update(
    *, actor, report: OpinionReport, title: str, body: str, source: str, topic=None, consultation=None
) -> OpinionReport:
    """The author changes a draft or a returned report."""
    require_perm(actor, "opinions.author_report", report)
    title, body = _text(title, body)
    links = _links(actor, report.county, source, topic, consultation)
    with transaction.atomic():
        current = locked(report)
        if current.status not in AUTHOR_EDITABLE:
            raise NotPossible(_("信息当前状态为“%(s)s”，撰稿人不能再修改。") % {"s": current.get_status_display()})
        current.title, current.body = title, body
        for name, value in links.items():
            setattr(current, name, value)
        current.save(update_fields=["title", "body", "source", "topic", "consultation", "updated_at"])
        record_event(current, actor=actor, action="edit")
    return current


def report_submit(*, actor, report: OpinionReport, note: str = "") -> OpinionReport:
    """The author sends a draft (or a returned report, revised) to the county's CPPCC office."""
    # The text sent is what is stored now (the page may have been open while it was edited elsewhere).
    report.refresh_from_db(fields=["title", "body", "status", "submitted_at"])
    action = "resubmit" if report.status == S.RETURNED else "submit"
    REPORT_WORKFLOW.check(report, action=action, actor=actor)
    note = clean_text(note, label=_("说明"), field="note", max_length=500, required=False)
    with transaction.atomic():
        report.submitted_title, report.submitted_body = report.title, report.body
        report.submitted_at = report.submitted_at or clock.now()
        REPORT_WORKFLOW.apply(
            report,
            action=action,
            actor=actor,
            note=note,
            extra_update_fields=["submitted_title", "submitted_body", "submitted_at"],
        )
    return report


def report_edit(*, actor, report: OpinionReport, title: str, body: str, note: str = "") -> OpinionReport:
    """The office edits a submitted report before adopting it (编辑加工); the author's text stays on record."""
    require_perm(actor, OFFICE, report)
    title, body = _text(title, body)
    note = clean_text(note, label=_("修改说明"), field="note", max_length=500, required=False)
    with transaction.atomic():
        current = locked(report)
        if current.status != S.SUBMITTED:
            raise NotPossible(_("只有待处理（已报送）的信息可以编辑加工。"))
        current.title, current.body = title, body
        current.save(update_fields=["title", "body", "updated_at"])
        record_event(current, actor=actor, action="office_edit", note=note)
    return current


def report_transition(*, actor, report: OpinionReport, action: str, note: str = "") -> OpinionReport:
    """The steps that carry only a note: return, decline, sign, hand back, accept, send back."""
    if action not in ("return", "decline", "sign", "hand_back", "accept", "send_back"):
        raise NotPossible(_("未知操作：%(action)s") % {"action": action})
    note = clean_text(note, label=_("说明"), field="note", max_length=2000, required=False)
    extra, data = [], {}
    if action == "accept":
        report.closed_at = clock.now()
        extra = ["closed_at"]
    elif action == "send_back":
        report.answered_at = None  # not answered until the body answers again
        extra = ["answered_at"]
    elif action == "hand_back":
        data = {"department": report.department_id}
    with transaction.atomic():
        REPORT_WORKFLOW.apply(report, action=action, actor=actor, note=note, data=data, extra_update_fields=extra)
        if action == "hand_back":
            # Back with the office, who may hand it to another body. Cleared after the step: the permission to
            # hand it back is the body's, read from this field.
            report.department = None
            report.save(update_fields=["department", "updated_at"])
    return report


def report_merge(*, actor, target: OpinionReport, sources, note: str = "") -> OpinionReport:
    """Merge submitted reports on the same matter into one: they become `merged`, their authors contributors of the
    target (adoption, endorsement and answer count for them too)."""
    require_perm(actor, OFFICE, target)
    sources = [s for s in dict.fromkeys(sources or []) if s.pk != target.pk]
    if not sources:
        raise InvalidInput(_("请选择要并入的信息。"), field="sources")
    if len(sources) > MAX_MERGE:
        raise InvalidInput(_("一次最多合并 %(n)d 篇信息。") % {"n": MAX_MERGE}, field="sources")
    note = clean_text(note, label=_("说明"), field="note", max_length=500, required=False)
    with transaction.atomic():
        current = locked(target)
        if current.status not in (S.SUBMITTED, *ADOPTED_STATES):
            raise NotPossible(_("只能并入待处理或已采用的信息。"))
        contributors = set()
        for source in sorted(sources, key=lambda r: r.pk):
            if source.county_id != current.county_id:
                raise InvalidInput(_("只能合并本区县的信息。"), field="sources")
            source.merged_into = current
            REPORT_WORKFLOW.apply(
                source,
                action="merge",
                actor=actor,
                note=note,
                data={"into": current.pk},
                extra_update_fields=["merged_into"],
            )
            contributors.add(source.author_id)
            contributors |= set(source.contributors.values_list("pk", flat=True))
        contributors.discard(current.author_id)
        current.contributors.add(*contributors)
        record_event(current, actor=actor, action="merge_in", note=note, data={"from": [s.pk for s in sources]})
    return current


def _clean_level(level: str) -> str:
    if level not in AdoptionLevel.values:
        raise InvalidInput(_("请选择级别。"), field="level")
    return level


def report_adopt(
    *, actor, report: OpinionReport, level: str, adopted_on=None, body: str = "", publication: str = ""
) -> Adoption:
    """Record an adoption (采用): the first one moves a submitted report to `adopted`; later ones record that a city,
    provincial or national CPPCC took it up as well."""
    require_perm(actor, OFFICE, report)
    today = clock.today()
    level = _clean_level(level)
    adopted_on = clean_date(adopted_on, label=_("采用日期"), field="adopted_on", required=False, not_after=today)
    adoption = Adoption(
        report=report,
        level=level,
        adopted_on=adopted_on or today,
        body=clean_text(body, label=_("采用单位"), field="body", max_length=100, required=False),
        publication=clean_text(publication, label=_("刊发期号"), field="publication", max_length=100, required=False),
        recorded_by=actor,
    )
    with transaction.atomic():
        current = locked(report)
        if current.status == S.SUBMITTED:
            REPORT_WORKFLOW.apply(current, action="adopt", actor=actor, data={"level": level})
        elif current.status in ADOPTED_STATES:
            if Adoption.objects.filter(report=current, level=level).exists():
                raise InvalidInput(
                    _("该信息已有%(level)s采用记录。") % {"level": AdoptionLevel(level).label}, field="level"
                )
            record_event(current, actor=actor, action="adopt_level", data={"level": level})
        else:
            raise NotPossible(_("信息当前状态为“%(s)s”，不能记录采用。") % {"s": current.get_status_display()})
        adoption.save()
    report.status = current.status
    return adoption


def report_endorse(
    *, actor, report: OpinionReport, leader: str, leader_title: str, level: str, endorsed_on, text: str
) -> Endorsement:
    """Record a leader's endorsement (批示) of an adopted report."""
    require_perm(actor, OFFICE, report)
    if report.status not in ADOPTED_STATES:
        raise NotPossible(_("只有已采用的信息才能记录领导批示。"))
    endorsement = Endorsement(
        report=report,
        leader=clean_text(leader, label=_("批示领导"), field="leader", max_length=50),
        leader_title=clean_text(leader_title, label=_("职务"), field="leader_title", max_length=100),
        level=_clean_level(level),
        endorsed_on=clean_date(endorsed_on, label=_("批示日期"), field="endorsed_on", not_after=clock.today()),
        text=clean_text(text, label=_("批示内容"), field="text", max_length=2000),
        recorded_by=actor,
    )
    with transaction.atomic():
        endorsement.save()
        record_event(report, actor=actor, action="endorse", note=endorsement.leader_title, data={"id": endorsement.pk})
    return endorsement


def report_hand(
    *, actor, report: OpinionReport, department: Department | None, answer_due=None, note: str = ""
) -> OpinionReport:
    """Hand an adopted report to a body (a department of the county) to sign for, handle and answer: by the office's
    date, or within ANSWER_DAYS counted as the county counts the reply step."""
    REPORT_WORKFLOW.check(report, action="hand", actor=actor)
    if department is None or not department.is_active or department.county_id != report.county_id:
        raise InvalidInput(_("请选择本区县的承办单位。"), field="department")
    due = clean_date(answer_due, label=_("答复期限"), field="answer_due", required=False)
    if due is not None and due < clock.today():
        raise InvalidInput(_("答复期限不能早于今天。"), field="answer_due")
    if due is None:
        due = Calendar(report.county_id).due(clock.today(), ANSWER_DAYS, step=TimeLimitStep.OPINION_REPLY).day
    note = clean_text(note, label=_("交办意见"), field="note", max_length=500, required=False)
    report.department, report.answer_due, report.handed_at = department, due, clock.now()
    REPORT_WORKFLOW.apply(
        report,
        action="hand",
        actor=actor,
        note=note,
        data={"department": department.pk},
        extra_update_fields=["department", "answer_due", "handed_at"],
    )
    return report


def report_answer(*, actor, report: OpinionReport, answer: str) -> OpinionReport:
    """The body answers: what it did about the matter. The office then accepts or sends it back."""
    REPORT_WORKFLOW.check(report, action="answer", actor=actor)
    report.answer = clean_text(answer, label=_("办理答复"), field="answer", max_length=5000)
    report.answered_at = clock.now()
    REPORT_WORKFLOW.apply(
        report, action="answer", actor=actor, note=report.answer, extra_update_fields=["answer", "answered_at"]
    )
    return report


def remind_overdue_answers() -> int:
    """Once per due date, tell the body of each handed report whose answer is overdue ("逾期 N 个工作日（M 天）").
    Idempotent: a report is claimed by a conditional UPDATE of `answer_reminded_for`, so two runs remind once."""
    today = clock.today()
    late = (
        OpinionReport.objects.filter(status__in=(S.HANDED, S.SIGNED), answer_due__lt=today)
        .exclude(answer_reminded_for=models.F("answer_due"))
        .order_by("answer_due", "id")
    )
    calendars: dict[int, Calendar] = {}
    sent = 0
    for report in late:
        calendar = calendars.setdefault(report.county_id, Calendar(report.county_id))
        with transaction.atomic():
            claimed = (
                OpinionReport.objects.filter(pk=report.pk, answer_due=report.answer_due)
                .exclude(answer_reminded_for=report.answer_due)
                .update(answer_reminded_for=report.answer_due)
            )
            if not claimed:
                continue
            record_event(
                report,
                actor=None,
                action="remind_answer",
                note=_("答复期限 %(d)s 已过（%(late)s），请尽快答复。")
                % {"d": report.answer_due.isoformat(), "late": calendar.overdue(report.answer_due, today)},
                data={"department": report.department_id, "answer_due": report.answer_due.isoformat()},
            )
        sent += 1
    return sent


def periodic_line(today) -> str:
    """This app's job in the one periodic command (core.periodic)."""
    return _("社情民意答复催办 %(n)d 条。") % {"n": remind_overdue_answers()}
