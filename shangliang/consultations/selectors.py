"""Reads on consultations that encode visibility, and the figures pages show (tallies, the sign-in list)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q

from shangliang.consultations.models import (
    PREPARING,
    Consultation,
    InvitationStatus,
    Participant,
    Suggestion,
    SuggestionStatus,
    SuggestionVote,
    VoteChoice,
)
from shangliang.consultations.rules import invited_consultation_ids
from shangliang.core import clock
from shangliang.people.models import MemberLink, Role, RoleAssignment, Talent, User
from shangliang.people.selectors import active_q, county_path, in_subtrees_or, user_scopes, view_paths
from shangliang.topics.models import Topic, TopicStatus

LIST = Consultation.objects.select_related("unit", "room").prefetch_related("topics")


def consultations_visible_to(user):
    """What a user may open: the units they see, plus the consultations they are invited to."""
    if user.is_superuser:
        return LIST.all()
    other = Q(pk__in=sorted(invited_consultation_ids(user)))
    approver_units = [s.unit_id for s in _scopes(user) if s.role == Role.APPROVER]
    if approver_units:
        other |= Q(submission__receiver_unit_id__in=approver_units)
    return in_subtrees_or(LIST, view_paths(user), other, prefix="unit__")


def _scopes(user):

    return user_scopes(user)


def consultation_list(user, *, unit=None, status: str = "", form: str = ""):
    qs = consultations_visible_to(user)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    if status:
        qs = qs.filter(status=status)
    if form:
        qs = qs.filter(form=form)
    return qs.order_by("-created_at", "-id")


def my_invitations(user):
    """The consultations a person is on the list of, newest first, with their own row."""
    rows = (
        Participant.objects.filter(user=user)
        .exclude(status=InvitationStatus.PENDING)
        .select_related("consultation", "consultation__unit", "consultation__room")
        .order_by("-consultation__created_at", "-id")
    )
    return rows


def approved_topics_for(unit, *, include=()):
    """Approved topics of the unit that no open consultation is already working on (the create form's choices)."""
    busy = Consultation.objects.filter(status__in=[*PREPARING, "in_session"]).values("topics")
    qs = Topic.objects.filter(unit=unit, status=TopicStatus.APPROVED).exclude(pk__in=busy)
    if include:
        qs = qs | Topic.objects.filter(pk__in=[t.pk for t in include])
    return qs.order_by("-urgent", "-created_at", "-id").distinct()


def participants_of(consultation):
    return Participant.objects.filter(consultation=consultation).select_related("user", "talent").order_by("kind", "id")


def own_row(consultation, user) -> Participant | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Participant.objects.filter(consultation=consultation, user=user).first()


# Which kind a person's role suggests when they are picked (the convenor can change it).
KIND_FOR_ROLE = {
    Role.RESIDENT: "stakeholder",
    Role.LIAISON: "resident_rep",
    Role.MEMBER: "member",
    Role.DEPARTMENT: "department",
    Role.EXPERT: "expert",
    Role.CONVENOR: "party_member",
    Role.APPROVER: "party_member",
    Role.CPPCC_STAFF: "party_member",
    Role.EVALUATOR: "expert",
}
KIND_FOR_TALENT = {"expert": "expert", "lawyer": "expert", "department_head": "department", "skilled": "resident_rep"}


@dataclass
class Candidate:
    user: User
    role_label: str
    unit_name: str
    kind: str


def candidate_people(consultation, *, query: str = "", limit: int = 40) -> list[Candidate]:
    """People to pick from: without a search, the unit's own people, members linked to it and the departments of the
    county; with a search, anyone of the county by name. People already on the list are left out."""
    unit = consultation.unit
    today = clock.today()
    taken = Participant.objects.filter(consultation=consultation, user__isnull=False).values("user_id")
    assignments = RoleAssignment.objects.active().filter(user__is_active=True).exclude(user_id__in=taken)
    query = (query or "").strip()[:50]
    if query:
        assignments = assignments.filter(unit__path__startswith=county_path(unit)).filter(
            Q(user__full_name__icontains=query) | Q(user__username__iexact=query)
        )
    else:
        linked = MemberLink.objects.filter(active_q(today, "started_on", "ended_on"), unit=unit).values("member_id")
        assignments = assignments.filter(
            Q(unit=unit)
            | Q(user_id__in=linked, role=Role.MEMBER)
            | Q(role=Role.DEPARTMENT, unit__path__startswith=county_path(unit))
        )
    seen: dict[int, Candidate] = {}
    for a in assignments.select_related("user", "unit").order_by("unit__depth", "role", "user_id")[: limit * 3]:
        if a.user_id not in seen:
            seen[a.user_id] = Candidate(
                a.user, a.get_role_display(), a.unit.name, KIND_FOR_ROLE.get(a.role, "stakeholder")
            )
        if len(seen) >= limit:
            break
    return list(seen.values())


def candidate_talents(consultation, *, query: str = "", limit: int = 60):
    """The county's talent pool, less those already on the list (as the entry, or as the person behind it); with a
    search, those whose name, organisation or title contains it."""
    on_list = Participant.objects.filter(consultation=consultation)
    taken = on_list.filter(talent__isnull=False).values("talent_id")
    taken_users = on_list.filter(user__isnull=False).values("user_id")
    qs = Talent.objects.filter(county_id=consultation.unit.county_id, is_active=True)
    query = (query or "").strip()[:50]
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(organisation__icontains=query) | Q(title__icontains=query))
    return list(qs.exclude(pk__in=taken).exclude(user_id__in=taken_users).order_by("kind", "id")[:limit])


@dataclass
class Tally:
    suggestion: Suggestion
    counts: dict[str, int] = field(default_factory=dict)
    dissents: list[SuggestionVote] = field(default_factory=list)
    votes: list[SuggestionVote] = field(default_factory=list)

    @property
    def voted(self) -> int:
        return sum(self.counts.values())

    def count(self, choice: str) -> int:
        return self.counts.get(choice, 0)

    @property
    def agree(self) -> int:
        return self.count(VoteChoice.AGREE)

    @property
    def abstain(self) -> int:
        return self.count(VoteChoice.ABSTAIN)

    @property
    def disagree(self) -> int:
        return self.count(VoteChoice.DISAGREE)

    @property
    def block(self) -> int:
        return self.count(VoteChoice.BLOCK)


def suggestion_tallies(consultation, *, include_withdrawn: bool = True) -> list[Tally]:
    """Each suggestion with its counts and the dissent, word for word, in two queries."""
    suggestions = Suggestion.objects.filter(consultation=consultation).prefetch_related(
        Prefetch("votes", queryset=SuggestionVote.objects.select_related("participant").order_by("id"))
    )
    if not include_withdrawn:
        suggestions = suggestions.filter(status=SuggestionStatus.ACTIVE)
    tallies = []
    for s in suggestions.order_by("order"):
        t = Tally(suggestion=s, counts=dict.fromkeys(VoteChoice.values, 0))
        for v in s.votes.all():
            t.counts[v.choice] += 1
            t.votes.append(v)
            if v.dissent:
                t.dissents.append(v)
        tallies.append(t)
    return tallies


def eligible_voters(consultation) -> int:
    qs = Participant.objects.filter(consultation=consultation)
    if consultation.in_person:
        return qs.filter(signed_in_at__isnull=False).count()
    return qs.filter(status__in=[InvitationStatus.INVITED, InvitationStatus.CONFIRMED]).count()


def sign_in_counts(consultation) -> dict[str, int]:
    return Participant.objects.filter(consultation=consultation).aggregate(
        total=Count("pk", filter=~Q(status=InvitationStatus.DECLINED)),
        confirmed=Count("pk", filter=Q(status=InvitationStatus.CONFIRMED)),
        declined=Count("pk", filter=Q(status=InvitationStatus.DECLINED)),
        present=Count("pk", filter=Q(signed_in_at__isnull=False)),
    )


def my_votes(participant) -> dict[int, SuggestionVote]:
    if participant is None:
        return {}
    return {v.suggestion_id: v for v in SuggestionVote.objects.filter(participant=participant)}
