"""Reads on public-opinion reports that encode visibility, and the counts (submitted, adopted per level, endorsed,
answered) per member and per unit subtree that duty records (履职档案) and dashboards call."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from shangliang.consultations.selectors import consultations_visible_to
from shangliang.opinions.models import (
    HANDED_STATES,
    Adoption,
    AdoptionLevel,
    Endorsement,
    OpinionReport,
    ReportStatus,
)
from shangliang.people.models import Role, User
from shangliang.people.selectors import department_ids, linked_paths, scope_paths, subtree_filter
from shangliang.topics.selectors import topics_visible_to
from shangliang.units.models import Unit, UnitKind

REPORTS = OpinionReport.objects.select_related("unit", "county", "author", "department")


def _contributed(user) -> QuerySet:
    return OpinionReport.contributors.through.objects.filter(user_id=user.pk).values("opinionreport_id")


def reports_visible_to(user) -> QuerySet:
    """Every report the user may open (the same rule as `opinions.view_report`, as one query)."""
    if not getattr(user, "is_authenticated", False):
        return OpinionReport.objects.none()
    mine = Q(author_id=user.pk) | Q(pk__in=_contributed(user))
    if user.is_superuser:
        return REPORTS.filter(mine | ~Q(status=ReportStatus.DRAFT))
    office = subtree_filter(scope_paths(user, {Role.CPPCC_STAFF}), "county__")
    convenor = subtree_filter(scope_paths(user, {Role.CONVENOR}), "unit__")
    body = Q(department_id__in=list(department_ids(user)), status__in=HANDED_STATES)
    return REPORTS.filter(mine | (~Q(status=ReportStatus.DRAFT) & (office | convenor)) | body)


def report_list(user, *, status: str = "", level: str = "", query: str = "", unit=None, mine: bool = False):
    qs = reports_visible_to(user)
    if mine:
        qs = qs.filter(Q(author_id=user.pk) | Q(pk__in=_contributed(user)))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(pk__in=Adoption.objects.filter(level=level).values("report_id"))
    if query:
        qs = qs.filter(Q(title__icontains=query) | Q(body__icontains=query))
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("-submitted_at", "-created_at", "-id")


def writable_units(user):
    """Units a member or informant may write about (their county or subtree, and their linked units), all of them:
    the form's picker searches them (a city's member writes about any of thousands of villages)."""

    paths = [*scope_paths(user, {Role.MEMBER, Role.LIAISON}), *linked_paths(user)]
    kinds = [k for k in UnitKind.values if k not in (UnitKind.PROVINCE, UnitKind.CITY)]
    return Unit.objects.filter(subtree_filter(paths), kind__in=kinds, is_active=True).order_by("path")


def may_write(user) -> bool:
    return bool(scope_paths(user, {Role.MEMBER, Role.LIAISON}) or linked_paths(user))


def linkable_topics(user, *, limit: int = 50):
    """Topics the author may cite: those of the units they see or entered themselves, newest first."""

    return topics_visible_to(user).order_by("-created_at", "-id")[:limit]


def linkable_consultations(user, *, limit: int = 50):

    return consultations_visible_to(user).order_by("-created_at", "-id")[:limit]


def merge_candidates(report: OpinionReport, *, limit: int = 100):
    """Other submitted reports of the same county that the office may merge into this one."""
    return (
        OpinionReport.objects.filter(county_id=report.county_id, status=ReportStatus.SUBMITTED)
        .exclude(pk=report.pk)
        .select_related("author")
        .order_by("-submitted_at", "-id")[:limit]
    )


# --- figures -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFigures:
    submitted: int = 0
    adopted: dict[str, int] = field(default_factory=dict)  # level -> reports adopted at that level
    adopted_any: int = 0  # reports adopted at any level
    endorsed: int = 0  # reports with a leader's endorsement
    answered: int = 0  # reports answered by the body they were handed to

    def adopted_at(self, level: str) -> int:
        return self.adopted.get(level, 0)

    @property
    def by_level(self) -> list[tuple[str, str, int]]:
        return [(lvl.value, lvl.label, self.adopted_at(lvl.value)) for lvl in AdoptionLevel]


def _figures(reports: QuerySet, year: int | None) -> ReportFigures:
    """Counts over a set of reports. With a year: submitted in it, adopted (at each level) in it, endorsed in it,
    answered in it; each is counted by the date of that step, so one report can count in several years."""
    submitted = reports.exclude(submitted_at__isnull=True)
    adoptions = Adoption.objects.filter(report__in=reports)
    endorsements = Endorsement.objects.filter(report__in=reports)
    answered = reports.exclude(answered_at__isnull=True)
    if year:
        submitted = submitted.filter(submitted_at__year=year)
        adoptions = adoptions.filter(adopted_on__year=year)
        endorsements = endorsements.filter(endorsed_on__year=year)
        answered = answered.filter(answered_at__year=year)
    levels = dict(adoptions.values("level").annotate(n=Count("report_id", distinct=True)).values_list("level", "n"))
    return ReportFigures(
        submitted=submitted.count(),
        adopted=levels,
        adopted_any=adoptions.values("report_id").distinct().count(),
        endorsed=endorsements.values("report_id").distinct().count(),
        answered=answered.count(),
    )


def member_report_figures(member, *, year: int | None = None) -> ReportFigures:
    """A member's or informant's own record: reports they wrote, and for adoption, endorsement and answer also
    the reports theirs were merged into."""
    written = OpinionReport.objects.filter(author=member)
    credited = OpinionReport.objects.filter(Q(author=member) | Q(pk__in=_contributed(member)))
    base = _figures(credited, year)
    return ReportFigures(
        submitted=_submitted(written, year),
        adopted=base.adopted,
        adopted_any=base.adopted_any,
        endorsed=base.endorsed,
        answered=base.answered,
    )


def _submitted(reports: QuerySet, year: int | None) -> int:
    qs = reports.exclude(submitted_at__isnull=True)
    return qs.filter(submitted_at__year=year).count() if year else qs.count()


def unit_report_figures(unit, *, year: int | None = None) -> ReportFigures:
    """Reports about the unit's subtree."""
    return _figures(OpinionReport.objects.filter(unit__path__startswith=unit.path), year)


@dataclass(frozen=True)
class PersonRow:
    user: object
    figures: ReportFigures


def figures_by_person(county, *, year: int | None = None) -> list[PersonRow]:
    """Per author in the county (members and informants), with a fixed number of queries whatever their number."""

    reports = OpinionReport.objects.filter(county=county)
    through = OpinionReport.contributors.through.objects.filter(opinionreport__county=county)

    def per_person(qs_author, qs_contrib, count_field="pk"):
        counts: dict[int, int] = {}
        for uid, n in (
            qs_author.values("author_id").annotate(n=Count(count_field, distinct=True)).values_list("author_id", "n")
        ):
            counts[uid] = counts.get(uid, 0) + n
        if qs_contrib is not None:
            for uid, n in (
                qs_contrib.values("user_id")
                .annotate(n=Count("opinionreport_id", distinct=True))
                .values_list("user_id", "n")
            ):
                counts[uid] = counts.get(uid, 0) + n
        return counts

    def in_year(qs, name):
        return qs.filter(**{f"{name}__year": year}) if year else qs.exclude(**{f"{name}__isnull": True})

    submitted = per_person(in_year(reports, "submitted_at"), None)
    answered = per_person(in_year(reports, "answered_at"), in_year(through, "opinionreport__answered_at"))
    adoption_years = {"adoptions__adopted_on__year": year} if year else {"adoptions__isnull": False}
    endorse_years = {"endorsements__endorsed_on__year": year} if year else {"endorsements__isnull": False}
    adopted: dict[str, dict[int, int]] = {}
    for level in AdoptionLevel.values:
        adopted[level] = per_person(
            reports.filter(adoptions__level=level, **adoption_years),
            through.filter(
                opinionreport__adoptions__level=level,
                **{f"opinionreport__{k}": v for k, v in adoption_years.items()},
            ),
        )
    adopted_any = per_person(
        reports.filter(**adoption_years),
        through.filter(**{f"opinionreport__{k}": v for k, v in adoption_years.items()}),
    )
    endorsed = per_person(
        reports.filter(**endorse_years), through.filter(**{f"opinionreport__{k}": v for k, v in endorse_years.items()})
    )
    ids = set(submitted) | set(adopted_any) | set(answered) | set(endorsed)
    users = {u.pk: u for u in User.objects.filter(pk__in=ids)}
    rows = [
        PersonRow(
            users[uid],
            ReportFigures(
                submitted=submitted.get(uid, 0),
                adopted={lvl: adopted[lvl].get(uid, 0) for lvl in AdoptionLevel.values if adopted[lvl].get(uid)},
                adopted_any=adopted_any.get(uid, 0),
                endorsed=endorsed.get(uid, 0),
                answered=answered.get(uid, 0),
            ),
        )
        for uid in ids
        if uid in users
    ]
    return sorted(rows, key=lambda r: (-r.figures.adopted_any, -r.figures.submitted, r.user.pk))
