"""Reads on tasks that encode visibility, and the lists and figures the pages show."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Avg, Count, Exists, F, OuterRef, Prefetch, Q

from shangliang.accountability.models import (
    OPEN_STATUSES,
    EvaluationResponse,
    Evidence,
    ExtensionRequest,
    ExtensionStatus,
    FollowUpCheck,
    ProgressReport,
    PublicNotice,
    Rating,
    ResponsibilityTask,
    TaskStatus,
)
from shangliang.accountability.rules import supervised_task_ids
from shangliang.consultations.models import CLOSED, Consultation, Suggestion, SuggestionStatus
from shangliang.core import clock
from shangliang.core.events import timeline
from shangliang.people.models import Department, Role, User
from shangliang.people.selectors import (
    department_ids,
    holders,
    in_subtrees_or,
    people_matching,
    scope_paths,
    subtree_filter,
    user_scopes,
    view_paths,
)
from shangliang.units.models import Unit

S = TaskStatus
TASKS = ResponsibilityTask.objects.select_related(
    "unit", "unit__county", "department", "owner_unit", "owner", "consultation", "suggestion"
)
# Queues of the office: the body waits for an answer.
OFFICE_QUEUE = (S.HAND_BACK_REQUESTED, S.EXTENSION_REQUESTED, S.COMPLETION_REPORTED, S.HANDED_BACK)


def _body_q(user) -> Q:
    q = Q(owner_id=user.pk)
    departments = department_ids(user)
    if departments:
        q |= Q(department_id__in=departments)
    units = [s.unit_id for s in user_scopes(user) if s.role in (Role.CONVENOR, Role.APPROVER)]
    if units:
        q |= Q(owner_unit_id__in=units)
    return q


def tasks_visible_to(user):
    if user.is_superuser:
        return TASKS.all()
    q = _body_q(user)
    supervised = supervised_task_ids(user)
    if supervised:
        q |= Q(pk__in=supervised)
    return in_subtrees_or(TASKS, view_paths(user), q, prefix="unit__")


@dataclass(frozen=True)
class TaskFilters:
    unit: object = None
    status: str = ""
    overdue: bool = False
    query: str = ""


def task_list(user, filters: TaskFilters = TaskFilters()):
    today = clock.today()
    qs = tasks_visible_to(user)
    if filters.unit is not None:
        qs = qs.filter(unit__path__startswith=filters.unit.path)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(status__in=OPEN_STATUSES, deadline__lt=today)
    if filters.query:
        text = filters.query.strip()[:50]
        qs = qs.filter(
            Q(action__icontains=text)
            | Q(owner_name__icontains=text)
            | Q(department__name__icontains=text)
            | Q(owner_unit__name__icontains=text)
            | Q(consultation__title__icontains=text)
        )
    return qs.order_by("deadline", "id")


def my_tasks(user):
    """Tasks the user's body must act on (sign, work on, report)."""
    return TASKS.filter(_body_q(user), status__in=[*OPEN_STATUSES]).order_by("deadline", "id")


def office_queue(user):
    """Tasks waiting for the office's decision, in the units where the user is the office."""
    if user.is_superuser:
        return TASKS.filter(status__in=OFFICE_QUEUE).order_by("updated_at", "id")
    scopes = user_scopes(user)
    q = subtree_filter([s.path for s in scopes if s.role == Role.CPPCC_STAFF], prefix="unit__")
    own = [s.unit_id for s in scopes if s.role in (Role.CONVENOR, Role.APPROVER)]
    if own:
        q |= Q(unit_id__in=own)
    return TASKS.filter(q, status__in=OFFICE_QUEUE).order_by("updated_at", "id")


def due_follow_ups(user):
    """Follow-up checks (行而不久) whose date has come, on tasks where the user is the office or a supervisor."""
    today = clock.today()
    if user.is_superuser:
        q = Q()
    else:
        scopes = user_scopes(user)
        q = subtree_filter([s.path for s in scopes if s.role == Role.CPPCC_STAFF], prefix="task__unit__")
        own = [s.unit_id for s in scopes if s.role in (Role.CONVENOR, Role.APPROVER)]
        if own:
            q |= Q(task__unit_id__in=own)
        supervised = supervised_task_ids(user)
        if supervised:
            q |= Q(task_id__in=supervised)
    return (
        FollowUpCheck.objects.filter(q, status="pending", due_on__lte=today, task__status=S.DONE)
        .select_related("task", "task__unit", "task__department", "task__owner_unit")
        .order_by("due_on", "id")
    )


def supervised_tasks(user):
    # The ids first (a member supervises a few dozen tasks): as a subquery, PostgreSQL walked the whole table in
    # deadline order looking for them.
    return TASKS.filter(pk__in=sorted(supervised_task_ids(user))).order_by("deadline", "id")


def task_detail(task: ResponsibilityTask) -> dict:
    """Everything the task page shows, in a fixed number of queries."""
    reports = list(
        ProgressReport.objects.filter(task=task).select_related("author").prefetch_related("files").order_by("-id")
    )
    return {
        "reports": reports,
        "extensions": list(ExtensionRequest.objects.filter(task=task).select_related("requested_by", "decided_by")),
        "pending_extension": ExtensionRequest.objects.filter(task=task, status=ExtensionStatus.PENDING).first(),
        "reminders": list(task.reminders.select_related("sent_by")[:20]),
        "notices": list(task.notices.all()[:10]),
        "supervisions": list(task.supervisions.select_related("member")),
        "comments": list(task.comments.select_related("author")),
        "follow_ups": list(
            FollowUpCheck.objects.filter(task=task).select_related("checked_by").prefetch_related("files")
        ),
        "ratings": rating_summary([task]).get(task.pk),
        "recent_ratings": list(Rating.objects.filter(task=task, round=task.round).order_by("-created_at")[:10]),
    }


def task_timeline(task: ResponsibilityTask, *, public_only: bool = False):
    return timeline(task, public_only=public_only)


@dataclass(frozen=True)
class RatingSummary:
    count: int
    average: float | None
    dissatisfied: int
    satisfied: int = 0

    @property
    def satisfied_percent(self) -> float | None:
        """Share of 4–5 scores."""
        return None if not self.count else 100.0 * self.satisfied / self.count


RATING_CHUNK = 10_000


def rating_summary(tasks) -> dict[int, RatingSummary]:
    """Each task's ratings in its current round, in one query."""
    ids = [t.pk for t in tasks]
    out = {}
    # One OR term per task overflowed SQLite's expression depth for a county's export: the task's current round is
    # a join instead. In chunks, within SQLite's limit on query parameters.
    for start in range(0, len(ids), RATING_CHUNK):
        rows = (
            Rating.objects.filter(task_id__in=ids[start : start + RATING_CHUNK], round=F("task__round"))
            .values("task_id")
            .annotate(
                n=Count("pk"),
                avg=Avg("score"),
                unhappy=Count("pk", filter=Q(score__lte=2)),
                happy=Count("pk", filter=Q(score__gte=4)),
            )
            .order_by()
        )
        for r in rows:
            avg = float(r["avg"]) if r["avg"] is not None else None
            out[r["task_id"]] = RatingSummary(r["n"], avg, r["unhappy"], satisfied=r["happy"])
    return out


def suggestions_with_tasks(consultation: Consultation, *, public: bool = False):
    """The suggestion list with each suggestion's tasks (cancelled ones left out on the public page)."""
    tasks = ResponsibilityTask.objects.select_related("department", "owner_unit", "owner", "consultation").order_by(
        "deadline", "id"
    )
    if public:
        tasks = tasks.exclude(status=S.CANCELLED)
    return list(
        Suggestion.objects.filter(consultation=consultation, status=SuggestionStatus.ACTIVE)
        .prefetch_related(Prefetch("tasks", queryset=tasks))
        .order_by("order", "id")
    )


def public_consultation(pk: int) -> Consultation | None:
    """A consultation is posted (公示) once it has closed; drafts and cancelled ones never are."""
    return (
        Consultation.objects.select_related("unit", "unit__county", "room")
        .prefetch_related("topics")
        .filter(pk=pk, status__in=CLOSED)
        .first()
    )


def public_task(pk: int) -> ResponsibilityTask | None:
    return TASKS.filter(pk=pk, consultation__status__in=CLOSED).exclude(status=S.CANCELLED).first()


def posted_results(unit, *, limit: int | None = None):
    """Consultations of the unit (itself, not below) whose results are posted with their tasks, newest first."""
    has_tasks = Exists(ResponsibilityTask.objects.filter(consultation=OuterRef("pk")))
    qs = (
        Consultation.objects.filter(unit=unit, status__in=CLOSED)
        .annotate(has_tasks=has_tasks)
        .filter(has_tasks=True)
        .annotate(
            task_count=Count("tasks", distinct=True),
            done_count=Count("tasks", filter=Q(tasks__status=S.DONE), distinct=True),
        )
        .order_by("-closed_at", "-id")
    )
    return qs[:limit] if limit else qs


def notices_of(unit, *, subtree: bool = False):
    qs = PublicNotice.objects.select_related("task", "unit")
    qs = qs.filter(unit__path__startswith=unit.path) if subtree else qs.filter(unit=unit)
    return qs.order_by("-published_at", "-id")


def public_evidence(pk: int) -> Evidence | None:
    """Photos of progress and completion reports of posted tasks (documents stay inside the app)."""
    return (
        Evidence.objects.select_related("task")
        .filter(pk=pk, content_type__startswith="image/", task__consultation__status__in=CLOSED)
        .exclude(task__status=S.CANCELLED)
        .first()
    )


def unit_tasks(unit):
    """The responsibility list of a unit's subtree (exports, the unit's list page)."""
    return TASKS.filter(unit__path__startswith=unit.path).order_by("unit__path", "consultation_id", "deadline", "id")


# --- the third-party evaluator's and the follower's lists (the desk, their pages) ----------------------------------


def results_to_evaluate(user):
    """Posted results (closed consultations) in the evaluator's area that they have not evaluated yet, oldest first."""
    paths = scope_paths(user, {Role.EVALUATOR})
    done = EvaluationResponse.objects.filter(evaluator_id=user.pk).values("consultation_id")
    return (
        Consultation.objects.filter(subtree_filter(paths, "unit__"), status__in=CLOSED)
        .exclude(pk__in=done)
        .select_related("unit")
        .order_by("closed_at", "id")
    )


def evaluations_by(user):
    """The evaluations the person has done, newest first, with their scores."""
    return (
        EvaluationResponse.objects.filter(evaluator_id=user.pk)
        .select_related("consultation", "consultation__unit", "form")
        .order_by("-created_at", "-id")
    )


def followed_tasks(user):
    """Tasks the person follows with their account (关注的结果), most recently changed first."""
    return (
        TASKS.filter(followers__user_id=user.pk)
        .exclude(status=S.CANCELLED)
        .filter(consultation__status__in=CLOSED)
        .order_by("-updated_at", "-id")
    )


def to_rate(user):
    """Followed tasks done in their current round that the person has not rated yet (the rating link waits)."""
    rated = Rating.objects.filter(user_id=user.pk, task_id=OuterRef("pk"), round=OuterRef("round"))
    return (
        TASKS.filter(followers__user_id=user.pk, status=S.DONE, consultation__status__in=CLOSED)
        .exclude(Exists(rated))
        .order_by("-completed_at", "-id")
    )


# --- who may be named responsible for a task (the assign and reassign forms' pickers) ---------------------------

# Who answers for a unit named as the responsible body: its leaders (who act on its tasks), its office staff and
# its grid workers.
UNIT_BODY_ROLES = (Role.CONVENOR, Role.APPROVER, Role.CPPCC_STAFF, Role.LIAISON)


def body_departments(unit):
    """Departments a task of `unit` may be given to: the county's active departments, by kind."""
    return Department.objects.filter(county_id=unit.county_id, is_active=True).order_by("kind", "id")


def body_units(unit):
    """Units a task of `unit` may be given to: the units from the county down to `unit`, and its children."""
    county_path = unit.county.path if unit.county_id else unit.path
    line = [p for p in unit.ancestor_paths() if p.startswith(county_path)]
    below = Q(path__startswith=unit.path, depth=unit.depth + 1)
    return Unit.objects.filter(Q(path__in=line) | below, is_active=True).order_by("path")


def body_accounts(unit, *, department=None, owner_unit=None, query: str = ""):
    """Accounts that may be named the responsible person (责任人账号): the staff of the chosen department, or the
    leaders, staff and grid workers of the chosen unit; with no body chosen, those of every body on offer.
    Searched by a part of the name or username, or a whole mobile number."""
    if department is not None:
        people = holders([Role.DEPARTMENT], departments=[department])
    elif owner_unit is not None:
        people = holders(UNIT_BODY_ROLES, units=[owner_unit])
    else:
        of_departments = holders([Role.DEPARTMENT], departments=body_departments(unit))
        of_units = holders(UNIT_BODY_ROLES, units=body_units(unit))
        people = User.objects.filter(Q(pk__in=of_departments.values("pk")) | Q(pk__in=of_units.values("pk")))
    return people_matching(people.order_by("full_name", "pk"), query)
