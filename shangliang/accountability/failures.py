"""The three failures the seeds warn of, per unit subtree (dashboards call these; the failures page shows them):

- 议而不决 (`undecided`): consultations closed without consensus (with whether they were reconvened);
- 决而不行 (`unassigned_suggestions`, `overdue_tasks`): agreed suggestions with no live task, and tasks past their
  deadline that the body still owes;
- 行而不久 (`not_lasting`): follow-up checks that found the result did not last.

Each returns a queryset (paginate it); `failure_counts` gives the four numbers in four queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from shangliang.accountability.models import (
    LIVE_STATUSES,
    OPEN_STATUSES,
    FollowUpCheck,
    FollowUpStatus,
    ResponsibilityTask,
)
from shangliang.accountability.services.tasks import ASSIGNABLE
from shangliang.consultations.models import Consultation, ConsultationStatus, Outcome, Suggestion, SuggestionStatus
from shangliang.core import clock


def undecided(unit):
    return (
        Consultation.objects.filter(unit__path__startswith=unit.path, outcome=Outcome.NO_CONSENSUS)
        .filter(status__in=[ConsultationStatus.CLOSED_NO_CONSENSUS, ConsultationStatus.RECONVENED])
        .select_related("unit", "reconvened_as")
        .order_by("-closed_at", "-id")
    )


def unassigned_suggestions(unit):
    live = ResponsibilityTask.objects.filter(suggestion=OuterRef("pk"), status__in=LIVE_STATUSES)
    return (
        Suggestion.objects.filter(
            consultation__unit__path__startswith=unit.path,
            consultation__status__in=ASSIGNABLE,
            status=SuggestionStatus.ACTIVE,
        )
        .filter(~Exists(live))
        .select_related("consultation", "consultation__unit")
        .order_by("consultation__closed_at", "consultation_id", "order")
    )


def overdue_tasks(unit):
    today = clock.today()
    return (
        ResponsibilityTask.objects.filter(
            unit__path__startswith=unit.path, status__in=OPEN_STATUSES, deadline__lt=today
        )
        .select_related("unit", "department", "owner_unit", "consultation")
        .order_by("deadline", "id")
    )


def not_lasting(unit):
    return (
        FollowUpCheck.objects.filter(task__unit__path__startswith=unit.path, status=FollowUpStatus.NOT_LASTED)
        .select_related("task", "task__unit", "task__department", "task__owner_unit", "checked_by")
        .order_by("-checked_at", "-id")
    )


@dataclass(frozen=True)
class FailureCounts:
    undecided: int
    unassigned: int
    overdue: int
    not_lasting: int

    @property
    def not_done(self) -> int:
        return self.unassigned + self.overdue


def failure_counts(unit) -> FailureCounts:
    return FailureCounts(
        undecided=undecided(unit).count(),
        unassigned=unassigned_suggestions(unit).count(),
        overdue=overdue_tasks(unit).count(),
        not_lasting=not_lasting(unit).count(),
    )
