"""Residents' feedback and evaluation: ratings (群众评价) with automatic reopening,
following an item, follow-up checks (行而不久), third-party evaluation (第三方评估)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from shangliang.accountability.models import (
    EvaluationAnswer,
    EvaluationForm,
    EvaluationResponse,
    Follower,
    FollowUpCheck,
    FollowUpStatus,
    ItemKind,
    Rating,
    ResponsibilityTask,
    TaskStatus,
)
from shangliang.accountability.rules import SYSTEM
from shangliang.accountability.services.common import MAX_EVIDENCE_FILES, settings_for
from shangliang.accountability.services.tasks import store_checked, task_reopen
from shangliang.accountability.workflow import FOLLOW_UP_WORKFLOW
from shangliang.consultations.models import CLOSED, Consultation
from shangliang.core import clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.core.uploads import checked_documents
from shangliang.core.validation import clean_text
from shangliang.people.models import mask_phone
from shangliang.residents.services import mobile_hash
from shangliang.residents.visitor import Visitor


def _authenticated(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _person(actor, visitor: Visitor | None) -> dict:
    """Who is rating or following: an account (with its mobile's hash, if it has one), or a number verified on the
    residents' verification page in this session (request.visitor)."""
    if _authenticated(actor):
        phone = actor.phone or ""
        return {"user": actor, "mobile_hash": mobile_hash(phone) if phone else "", "mobile_masked": mask_phone(phone)}
    if visitor is None or visitor.mobile is None:
        raise NotAllowed(_("请先登录，或用手机号获取验证码完成验证。"))
    return {"user": None, "mobile_hash": visitor.mobile.mobile_hash, "mobile_masked": visitor.mobile.masked}


def _already_rated(task: ResponsibilityTask, round_: int, person: dict) -> bool:
    q = Q(pk__in=[])
    if person["user"] is not None:
        q |= Q(user=person["user"])
    if person["mobile_hash"]:
        q |= Q(mobile_hash=person["mobile_hash"])
    return Rating.objects.filter(q, task=task, round=round_).exists()


def dissatisfaction(task: ResponsibilityTask) -> tuple[int, int]:
    """(ratings, ratings of 1 or 2) in the task's current round."""
    row = Rating.objects.filter(task=task, round=task.round).aggregate(
        n=Count("pk"), unhappy=Count("pk", filter=Q(score__lte=2))
    )
    return row["n"], row["unhappy"]


def rating_submit(
    *, task: ResponsibilityTask, actor, score, comment: str = "", visitor: Visitor | None = None
) -> Rating:
    """A resident rates a finished task, once per round. Too many 1–2 scores reopen it (重办)."""
    try:
        score = int(score)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("请选择 1—5 分的满意度。"), field="score") from exc
    if not 1 <= score <= 5:
        raise InvalidInput(_("请选择 1—5 分的满意度。"), field="score")
    comment = clean_text(comment, label=_("评价意见"), field="comment", max_length=500, required=False)
    person = _person(actor, visitor)
    refused = _("您已评价过该事项，每人只能评价一次。")
    with transaction.atomic():
        # The task's row lock queues concurrent ratings of one task; the unique constraints stop a second rating of
        # the same person even without it (another round, another process).
        t = locked(task)
        if t.status != TaskStatus.DONE:
            raise NotPossible(
                _("该事项当前状态为“%(state)s”：办结验收后才能评价。") % {"state": t.get_status_display()}
            )
        if _already_rated(t, t.round, person):
            raise InvalidInput(refused)
        if visitor is not None:
            visitor.hit("rating")
        try:
            with transaction.atomic():
                rating = Rating.objects.create(task=t, round=t.round, score=score, comment=comment, **person)
        except IntegrityError as exc:
            raise InvalidInput(refused) from exc
        record_event(t, actor=actor, action="rated", data={"score": score, "rating": rating.pk})
        _maybe_reopen(t)
    return rating


def _maybe_reopen(task: ResponsibilityTask) -> None:
    rules = settings_for(task.unit.county)
    n, unhappy = dissatisfaction(task)
    # Integers: unhappy / n > threshold%  ⇔  unhappy × 100 > threshold × n.
    if n >= rules.min_ratings and unhappy * 100 > rules.dissatisfaction_percent * n:
        task_reopen(
            actor=SYSTEM,
            task=task,
            cause="dissatisfaction",
            note=_("群众评价 %(n)d 人，其中不满意（1—2 分）%(u)d 人，超过 %(p)d%% 的重办线，自动重办。")
            % {"n": n, "u": unhappy, "p": rules.dissatisfaction_percent},
            data={"ratings": n, "dissatisfied": unhappy},
        )


def task_follow(*, task: ResponsibilityTask, actor, visitor: Visitor | None = None) -> Follower:
    """Follow an item: changes arrive in the app and by email (account) or by SMS (verified mobile, whose number is
    kept encrypted for the texts)."""
    person = _person(actor, visitor)
    if task.consultation.status not in CLOSED:
        raise NotPossible(_("该事项尚未公示。"))
    if person["user"] is not None:
        lookup, extra = {"user": person["user"]}, {}
    else:
        number = visitor.mobile.number()
        if not number:
            raise NotAllowed(_("请重新验证手机号后再关注。"))
        lookup, extra = {"mobile_hash": person["mobile_hash"]}, {"mobile": number}
    existing = Follower.objects.filter(task=task, **lookup).first()
    if existing is not None:
        return existing
    if visitor is not None:
        visitor.hit("follow")
    try:
        with transaction.atomic():
            return Follower.objects.create(task=task, **lookup, **extra)
    except IntegrityError:
        return Follower.objects.get(task=task, **lookup)


def task_unfollow(*, token: str) -> int:
    deleted, _rows = Follower.objects.filter(token=str(token or "")[:64]).delete()
    return deleted


def follow_up_record(
    *, actor, check: FollowUpCheck, lasted: bool, note: str = "", files: Sequence = ()
) -> FollowUpCheck:
    """回访: did the result last? If not, the task reopens for another round."""
    task = check.task
    require_perm(actor, "accountability.record_follow_up", task, _("只有交办单位和督办委员可以记录回访。"))
    note = clean_text(note, label=_("回访情况"), field="note", max_length=2000, required=not lasted)
    checked = checked_documents(files, field="files", most=MAX_EVIDENCE_FILES)
    with transaction.atomic():
        t = locked(task)
        c = locked(check)
        if c.status != FollowUpStatus.PENDING:
            raise NotPossible(_("该回访已记录。"))
        FOLLOW_UP_WORKFLOW.move(c, action="lasted" if lasted else "not_lasted")
        c.note, c.checked_by, c.checked_at = note, actor, clock.now()
        c.save(update_fields=["status", "note", "checked_by", "checked_at"])
        store_checked(t, checked, actor, follow_up=c)
        record_event(
            t,
            actor=actor,
            action="follow_up",
            note=note or str(c.get_status_display()),
            public=True,
            data={"check": c.pk, "lasted": bool(lasted)},
        )
        if not lasted and t.status == TaskStatus.DONE and c.round == t.round:
            task_reopen(
                actor=SYSTEM,
                task=t,
                cause="follow_up",
                note=_("回访发现成效未持续（行而不久）：%(note)s") % {"note": note},
                data={"check": c.pk},
            )
    check.refresh_from_db()
    return check


def active_form(county) -> EvaluationForm | None:
    if county is None:
        return None
    return EvaluationForm.objects.filter(county=county, is_active=True).prefetch_related("items").first()


def weighted(answers: list[tuple[int, int]]) -> Decimal | None:
    """Σ weight × (score − 1) / 4 ÷ Σ weight × 100, one decimal: 1 point is 0, 5 points are 100. None if empty."""
    total = sum(w for w, _s in answers)
    if not total:
        return None
    value = Decimal(sum(w * (s - 1) for w, s in answers)) * 100 / (4 * total)
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def evaluation_submit(
    *, actor, consultation: Consultation, answers: dict, comment: str = "", organisation: str = ""
) -> EvaluationResponse:
    """第三方评估: every active item of the county's form scored 1–5; the weighted score is kept with the answers."""
    require_perm(actor, "accountability.evaluate", consultation, _("只有本县（区）的第三方评估人员可以评估。"))
    if consultation.status not in CLOSED:
        raise NotPossible(_("协商结束后才能评估。"))
    form = active_form(consultation.unit.county)
    if form is None:
        raise NotPossible(_("本县（区）尚未设置第三方评估表，请联系政协机关。"))
    comment = clean_text(comment, label=_("总体评价"), field="comment", max_length=2000, required=False)
    organisation = clean_text(organisation, label=_("评估机构"), field="organisation", max_length=100, required=False)
    items = [i for i in form.items.all() if i.is_active]
    scores: dict[int, int] = {}
    for key, value in (answers or {}).items():
        try:
            item_id, score = int(key), int(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(_("评分应为 1—5 的整数。")) from exc
        scores[item_id] = score
    known = {i.pk for i in items}
    if set(scores) - known:
        raise InvalidInput(_("评估条目不属于本县的评估表，请刷新页面后重新填写。"))
    for item in items:
        if scores.get(item.pk) not in (1, 2, 3, 4, 5):
            raise InvalidInput(_("请为“%(item)s”评 1—5 分。") % {"item": item.text}, field=f"item_{item.pk}")
    process = weighted([(i.weight, scores[i.pk]) for i in items if i.kind == ItemKind.PROCESS])
    outcome = weighted([(i.weight, scores[i.pk]) for i in items if i.kind == ItemKind.OUTCOME])
    overall = weighted([(i.weight, scores[i.pk]) for i in items]) or Decimal("0.0")
    try:
        with transaction.atomic():
            response = EvaluationResponse.objects.create(
                consultation=consultation,
                form=form,
                evaluator=actor,
                organisation=organisation,
                comment=comment,
                process_score=process,
                outcome_score=outcome,
                score=overall,
            )
            EvaluationAnswer.objects.bulk_create(
                EvaluationAnswer(response=response, item=i, score=scores[i.pk]) for i in items
            )
            record_event(response, actor=actor, action="evaluate", unit=consultation.unit, data={"score": str(overall)})
    except IntegrityError as exc:
        raise InvalidInput(_("您已评估过该协商，每位评估人员只评估一次。")) from exc
    return response
