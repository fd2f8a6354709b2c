"""Reads on village affairs that encode visibility or compute figures. The figure functions take a unit and a year
and count over the unit's subtree; dashboards and duty records call them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import Substr

from shangliang.consultations.models import Consultation, ConsultationForm, ConsultationStatus
from shangliang.consultations.selectors import approved_topics_for
from shangliang.core import clock
from shangliang.units.models import Unit, UnitKind
from shangliang.villageaffairs.models import (
    PUBLIC_DISCLOSURE_STATUSES,
    AgendaItem,
    AgendaSource,
    AgendaStatus,
    Attendance,
    AttendeeCapacity,
    Disclosure,
    DisclosureStatus,
    Dispute,
    DisputeStatus,
    Feedback,
    FeedbackKind,
    MeetingNorm,
    MeetingStatus,
    MonthlyMeeting,
    Petition,
    PetitionStatus,
    PowerCategory,
    PowerItem,
)

VILLAGE_KINDS = (UnitKind.VILLAGE, UnitKind.COMMUNITY)


def is_village(unit: Unit) -> bool:
    return unit.kind in VILLAGE_KINDS


def latest_year(unit: Unit) -> int:
    """The latest year, up to this one, in which the subtree held a meeting or disclosed something (the year the
    pages show first); this year when there is nothing yet."""
    this_year = clock.today().year
    last_meeting = MonthlyMeeting.objects.filter(
        unit__path__startswith=unit.path, status=MeetingStatus.HELD, month__year__lte=this_year
    ).aggregate(m=Max("month"))["m"]
    last_disclosure = Disclosure.objects.filter(
        unit__path__startswith=unit.path, status=DisclosureStatus.PUBLISHED, period_start__year__lte=this_year
    ).aggregate(m=Max("period_start"))["m"]
    years = [d.year for d in (last_meeting, last_disclosure) if d is not None]
    return max(years) if years else this_year


# --- the micro-power list ----------------------------------------------------------------------------------------


def power_list_for(unit: Unit, *, active_only: bool = True):
    """The items that apply to a unit: its county's list and its own additions (and any level in between)."""
    qs = PowerItem.objects.filter(unit__path__in=unit.ancestor_paths()).select_related("unit")
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("category", "unit__depth", "order", "id")


def power_list_by_category(unit: Unit, *, active_only: bool = True) -> list[tuple[str, str, list[PowerItem]]]:
    items = list(power_list_for(unit, active_only=active_only))
    return [(c.value, c.label, [i for i in items if i.category == c.value]) for c in PowerCategory]


# --- disclosures -------------------------------------------------------------------------------------------------


def disclosures_of_unit(unit: Unit, *, status: str = "", query: str = ""):
    """Inside the app: every version of the village's disclosures, drafts included."""
    qs = Disclosure.objects.filter(unit=unit).select_related("power_item")
    if status:
        qs = qs.filter(status=status)
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(content__icontains=query))
    return qs.annotate(
        objections=Count("feedback", filter=Q(feedback__kind=FeedbackKind.OBJECTION)),
    ).order_by("-period_start", "-id")


def public_disclosures(unit: Unit, *, include_corrected: bool = False):
    """The public list: current versions; with `include_corrected`, the versions they corrected too."""
    statuses = PUBLIC_DISCLOSURE_STATUSES if include_corrected else (DisclosureStatus.PUBLISHED,)
    return (
        Disclosure.objects.filter(unit=unit, status__in=statuses)
        .select_related("power_item")
        .order_by("-period_start", "-id")
    )


def current_disclosures(unit: Unit, *, limit: int = 5) -> list[Disclosure]:
    return list(public_disclosures(unit)[:limit])


def version_chain(disclosure: Disclosure, *, public_only: bool = False) -> list[Disclosure]:
    """Every version of the disclosure's series, first to latest (drafts and discarded ones only inside the app)."""
    root = disclosure.series_id
    qs = Disclosure.objects.filter(Q(pk=root) | Q(root_id=root))
    if public_only:
        qs = qs.filter(status__in=PUBLIC_DISCLOSURE_STATUSES)
    return list(qs.order_by("version", "id"))


def feedback_of(disclosure: Disclosure):
    return (
        Feedback.objects.filter(disclosure=disclosure)
        .select_related("author", "agenda_item__meeting")
        .order_by("-created_at", "-id")
    )


def feedback_counts(disclosure: Disclosure) -> dict[str, int]:
    rows = Feedback.objects.filter(disclosure=disclosure).values("kind").annotate(n=Count("id"))
    counts = {row["kind"]: row["n"] for row in rows}
    return {kind: counts.get(kind, 0) for kind in FeedbackKind.values}


def latest_agenda_item(feedback: Feedback) -> AgendaItem | None:
    """Where an objection stands now: its agenda item, followed through the meetings it was carried to."""
    item = AgendaItem.objects.filter(feedback=feedback).select_related("meeting__unit").first()
    if item is None:
        return None
    chain = {item.pk: item}
    current = item
    # Carried items form a short chain (one per month an objection stays open); a few queries at most.
    while True:
        following = AgendaItem.objects.filter(carried_from=current).select_related("meeting__unit").first()
        if following is None or following.pk in chain:
            return current
        chain[following.pk] = following
        current = following


# --- monthly meetings --------------------------------------------------------------------------------------------


def meetings_of_unit(unit: Unit, *, year: int | None = None):
    qs = MonthlyMeeting.objects.filter(unit=unit)
    if year:
        qs = qs.filter(month__year=year)
    return qs.annotate(
        items=Count("agenda_items", distinct=True),
        open_items=Count("agenda_items", filter=Q(agenda_items__status=AgendaStatus.OPEN), distinct=True),
        present=Count("attendance", filter=Q(attendance__present=True), distinct=True),
    ).order_by("-month", "-id")


def meeting_agenda(meeting: MonthlyMeeting) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("disclosure", "feedback", "carried_from__meeting")
        .order_by("order", "id")
    )


def meeting_attendance(meeting: MonthlyMeeting) -> list[Attendance]:
    return list(Attendance.objects.filter(meeting=meeting).select_related("user").order_by("capacity", "id"))


def upcoming_meeting(unit: Unit) -> MonthlyMeeting | None:
    return MonthlyMeeting.objects.filter(unit=unit, status=MeetingStatus.PLANNED).order_by("month").first()


def _months_due(year: int, start: date, today: date) -> int:
    """Months of `year` since the norm started that have ended (the current month counts once it is over)."""
    if year > today.year:
        return 0
    last = 12 if year < today.year else today.month - 1
    if start.year > year:
        return 0
    first = start.month if start.year == year else 1
    return max(0, last - first + 1)


@dataclass(frozen=True)
class NormRow:
    unit: Unit
    expected: int
    held: int

    @property
    def behind(self) -> bool:
        return self.held < self.expected


@dataclass(frozen=True)
class NormStatus:
    year: int
    rows: list[NormRow]

    @property
    def villages(self) -> int:
        return len(self.rows)

    @property
    def expected(self) -> int:
        return sum(r.expected for r in self.rows)

    @property
    def held(self) -> int:
        return sum(min(r.held, r.expected) for r in self.rows)

    @property
    def behind(self) -> list[NormRow]:
        return [r for r in self.rows if r.behind]

    @property
    def percent(self) -> float | None:
        return None if self.expected == 0 else 100.0 * self.held / self.expected


def norm_status(unit: Unit, *, year: int) -> NormStatus:
    """For every village and community of the subtree under a county norm: meetings due in `year` so far (months
    ended since the norm started, divided by its interval) and meetings held; who is behind."""
    today = clock.today()
    norms = {
        n.county_id: n
        for n in MeetingNorm.objects.filter(
            Q(county__path__startswith=unit.path) | Q(county__path__in=unit.ancestor_paths())
        )
    }
    if not norms:
        return NormStatus(year, [])
    villages = list(
        Unit.objects.filter(
            path__startswith=unit.path, kind__in=VILLAGE_KINDS, is_active=True, county_id__in=list(norms)
        ).order_by("path")
    )
    meetings = MonthlyMeeting.objects.filter(unit__in=villages, status=MeetingStatus.HELD, month__year=year)
    if year == today.year:
        meetings = meetings.filter(month__lt=today.replace(day=1))
    held = dict(meetings.values("unit_id").annotate(n=Count("id")).values_list("unit_id", "n"))
    rows = []
    for village in villages:
        norm = norms[village.county_id]
        due = _months_due(year, norm.started_on, today)
        expected = -(-due // norm.interval_months)
        rows.append(NormRow(village, expected, held.get(village.pk, 0)))
    return NormStatus(year, rows)


def member_meeting_attendance(member, *, year: int | None = None) -> int:
    """Monthly meetings a member attended as a member (for the duty record)."""
    qs = Attendance.objects.filter(
        user=member, capacity=AttendeeCapacity.MEMBER, present=True, meeting__status=MeetingStatus.HELD
    )
    if year:
        qs = qs.filter(meeting__month__year=year)
    return qs.count()


# --- figures -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearOnYear:
    current: int | Decimal
    previous: int | Decimal

    @property
    def change(self):
        return self.current - self.previous

    @property
    def percent(self) -> float | None:
        """Change against last year in percent; None when last year had none (no base to compare with)."""
        if not self.previous:
            return None
        return float((self.current - self.previous) * 100 / self.previous)


@dataclass(frozen=True)
class CaseFigures:
    year: int
    disputes: YearOnYear
    disputes_resolved: YearOnYear
    petitions: YearOnYear
    collective_petitions: YearOnYear
    petitions_concluded: YearOnYear

    @property
    def resolution_percent(self) -> float | None:
        n = self.disputes.current
        return None if not n else 100.0 * self.disputes_resolved.current / n


def _case_counts(year: int) -> tuple[dict, dict]:
    def both(name, condition=None):
        condition = condition if condition is not None else Q()
        return {
            f"{name}_now": Count("pk", filter=condition & Q(received_on__year=year)),
            f"{name}_before": Count("pk", filter=condition & Q(received_on__year=year - 1)),
        }

    disputes = {**both("disputes"), **both("resolved", Q(status=DisputeStatus.RESOLVED))}
    petitions = {
        **both("petitions"),
        **both("collective", Q(collective=True)),
        **both("concluded", Q(status=PetitionStatus.CONCLUDED)),
    }
    return disputes, petitions


def _yoy(row: dict, name: str) -> YearOnYear:
    return YearOnYear(row.get(f"{name}_now", 0) or 0, row.get(f"{name}_before", 0) or 0)


def _case_figures(year: int, d: dict, p: dict) -> CaseFigures:
    return CaseFigures(
        year=year,
        disputes=_yoy(d, "disputes"),
        disputes_resolved=_yoy(d, "resolved"),
        petitions=_yoy(p, "petitions"),
        collective_petitions=_yoy(p, "collective"),
        petitions_concluded=_yoy(p, "concluded"),
    )


def case_figures(unit: Unit, *, year: int) -> CaseFigures:
    """Disputes mediated and petitions received in `year` over the unit's subtree, each against the year before
    (counted by the day a case was received; resolved/concluded: those of the year's cases that ended so)."""
    dispute_counts, petition_counts = _case_counts(year)
    years = [year - 1, year]
    d = Dispute.objects.filter(unit__path__startswith=unit.path, received_on__year__in=years).aggregate(
        **dispute_counts
    )
    p = Petition.objects.filter(unit__path__startswith=unit.path, received_on__year__in=years).aggregate(
        **petition_counts
    )
    return _case_figures(year, d, p)


def case_figures_by_child(unit: Unit, *, year: int) -> list[tuple[Unit, CaseFigures]]:
    """The same figures for each child of the unit (one grouped query per kind of case, not one per child)."""
    children = list(Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1).order_by("path"))
    if not children:
        return []
    prefix_len = len(unit.path) + Unit.steplen
    dispute_counts, petition_counts = _case_counts(year)
    years = [year - 1, year]

    def grouped(model, counts):
        rows = (
            model.objects.filter(unit__path__startswith=unit.path, received_on__year__in=years)
            .annotate(child=Substr("unit__path", 1, prefix_len))
            .order_by()
            .values("child")
            .annotate(**counts)
        )
        return {row["child"]: row for row in rows}

    d, p = grouped(Dispute, dispute_counts), grouped(Petition, petition_counts)
    return [(c, _case_figures(year, d.get(c.path, {}), p.get(c.path, {}))) for c in children]


@dataclass(frozen=True)
class DisclosureFigures:
    year: int
    disclosures: YearOnYear  # exercises disclosed (current versions), by the start of their disclosure period
    amount: YearOnYear  # yuan, over those
    corrections: int  # corrections (versions after the first) of the year's disclosures that were published
    objections: int  # residents' objections to the year's disclosures
    by_category: list[tuple[str, str, int, Decimal]]  # (category, label, disclosures, yuan) in the year


def disclosure_figures(unit: Unit, *, year: int) -> DisclosureFigures:
    """What the villages of the subtree disclosed in `year` (current versions only: a corrected amount counts once,
    as corrected), with the year before for comparison."""
    base = Disclosure.objects.filter(unit__path__startswith=unit.path)
    current = base.filter(status=DisclosureStatus.PUBLISHED)
    totals = current.filter(period_start__year__in=[year - 1, year]).aggregate(
        now=Count("pk", filter=Q(period_start__year=year)),
        before=Count("pk", filter=Q(period_start__year=year - 1)),
        amount_now=Sum("amount", filter=Q(period_start__year=year)),
        amount_before=Sum("amount", filter=Q(period_start__year=year - 1)),
    )
    rows = (
        current.filter(period_start__year=year)
        .values("power_item__category")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by()
    )
    by = {r["power_item__category"]: r for r in rows}
    zero = Decimal("0.00")

    def yuan(value) -> Decimal:
        # SQLite sums decimals with extra places; amounts are whole fen.
        return (value or zero).quantize(Decimal("0.01"))

    return DisclosureFigures(
        year=year,
        disclosures=YearOnYear(totals["now"], totals["before"]),
        amount=YearOnYear(yuan(totals["amount_now"]), yuan(totals["amount_before"])),
        corrections=base.filter(status__in=PUBLIC_DISCLOSURE_STATUSES, version__gt=1, period_start__year=year).count(),
        objections=Feedback.objects.filter(
            disclosure__unit__path__startswith=unit.path,
            disclosure__period_start__year=year,
            kind=FeedbackKind.OBJECTION,
        ).count(),
        by_category=[
            (c.value, c.label, by.get(c.value, {}).get("n", 0), yuan(by.get(c.value, {}).get("amount")))
            for c in PowerCategory
        ],
    )


@dataclass(frozen=True)
class MeetingFigures:
    year: int
    held: YearOnYear
    cancelled: int
    agenda_items: int
    resolved: int
    objections: int
    member_attendances: int


def meeting_figures(unit: Unit, *, year: int) -> MeetingFigures:
    meetings = MonthlyMeeting.objects.filter(unit__path__startswith=unit.path)
    held = meetings.filter(status=MeetingStatus.HELD, month__year__in=[year - 1, year]).aggregate(
        now=Count("pk", filter=Q(month__year=year)), before=Count("pk", filter=Q(month__year=year - 1))
    )
    items = AgendaItem.objects.filter(
        meeting__unit__path__startswith=unit.path, meeting__month__year=year, meeting__status=MeetingStatus.HELD
    ).aggregate(
        n=Count("pk"),
        resolved=Count("pk", filter=Q(status=AgendaStatus.RESOLVED)),
        objections=Count("pk", filter=Q(source=AgendaSource.OBJECTION)),
    )
    return MeetingFigures(
        year=year,
        held=YearOnYear(held["now"], held["before"]),
        cancelled=meetings.filter(status=MeetingStatus.CANCELLED, month__year=year).count(),
        agenda_items=items["n"],
        resolved=items["resolved"],
        objections=items["objections"],
        member_attendances=Attendance.objects.filter(
            meeting__unit__path__startswith=unit.path,
            meeting__month__year=year,
            meeting__status=MeetingStatus.HELD,
            capacity=AttendeeCapacity.MEMBER,
            present=True,
        ).count(),
    )


# --- disputes and petitions lists --------------------------------------------------------------------------------


def disputes_of(unit: Unit, *, status: str = "", year: int | None = None):
    qs = Dispute.objects.filter(unit__path__startswith=unit.path).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(received_on__year=year)
    return qs.order_by("-received_on", "-id")


def petitions_of(unit: Unit, *, status: str = "", year: int | None = None):
    qs = Petition.objects.filter(unit__path__startswith=unit.path).select_related("unit")
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(received_on__year=year)
    return qs.order_by("-received_on", "-id")


def linkable_consultations(meeting: MonthlyMeeting):
    """The village's consultations of form 月例会 not linked to a meeting yet (the link form's choices)."""

    return (
        Consultation.objects.filter(unit=meeting.unit_id, form=ConsultationForm.MONTHLY, monthly_meeting__isnull=True)
        .exclude(status=ConsultationStatus.CANCELLED)
        .order_by("-created_at", "-id")
    )


def consultable_topics(meeting: MonthlyMeeting):
    """Approved topics of the village that no open consultation works on (what a 月例会 consultation may take up)."""

    return approved_topics_for(meeting.unit)
