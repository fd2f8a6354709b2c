"""Reads on online rooms: which statements people see, the next statement to show, the stored results.

Nothing here runs the analysis: results are read from the latest AnalysisRun written by the background task.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.db.models import BigIntegerField, Count, FilteredRelation, Max, Q, Value
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.events import timeline
from shangliang.online.consensus import NEW_STATEMENT_PRIORITY, choose_next_statement
from shangliang.online.consensus.votes import MIN_VOTES
from shangliang.online.models import (
    AnalysisRun,
    OnlineParticipant,
    OnlineRoom,
    RoomStatus,
    Statement,
    StatementStatus,
    Vote,
    VoteValue,
)

ROOMS = OnlineRoom.objects.select_related("consultation", "unit", "unit__county")
# Colour-blind-safe (Okabe–Ito), one per opinion group (Pol.is allows at most 5 groups).
GROUP_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9"]
MAP_MAX_POINTS = 4000
SHOWN = 5


def group_label(g: int) -> str:
    return _("%(letter)s 组") % {"letter": chr(ord("A") + g)}


OPEN_ROOMS_LISTED = 10


def open_rooms_in(unit) -> list[OnlineRoom]:
    """Rooms taking part now (open and inside their period) of the unit and the units below it, closing soonest
    first: what the unit's public page lists. Drafts and closed rooms are not listed."""
    now = clock.now()
    return list(
        OnlineRoom.objects.filter(status=RoomStatus.OPEN, unit__path__startswith=unit.path)
        .filter(Q(opens_at__isnull=True) | Q(opens_at__lte=now), Q(closes_at__isnull=True) | Q(closes_at__gt=now))
        .select_related("unit")
        .order_by("closes_at", "id")[:OPEN_ROOMS_LISTED]
    )


def public_room_of(consultation) -> OnlineRoom | None:
    """The consultation's online room when the public may see it (open or closed), else None."""
    room = OnlineRoom.objects.filter(consultation=consultation).first()
    return room if room is not None and room.is_public else None


def live_marker(room: OnlineRoom) -> str:
    """What the live pages follow, as an event id: the latest analysis run and the moderation queue (its size and
    newest statement). Two indexed reads, no analysis loaded."""
    run = AnalysisRun.objects.filter(room=room).order_by("-id").values_list("pk", flat=True).first()
    queue = Statement.objects.filter(room=room, status=StatementStatus.PENDING).aggregate(n=Count("pk"), last=Max("pk"))
    return f"r{run or 0}-q{queue['n']}-{queue['last'] or 0}"


def visible_statements(room: OnlineRoom):
    return Statement.objects.filter(room=room, status__in=room.visible_statuses())


def latest_run(room: OnlineRoom, *fields: str):
    """The latest stored analysis (only `fields` loaded when given)."""
    qs = AnalysisRun.objects.filter(room=room).order_by("-id")
    if fields:
        qs = qs.only(*fields)
    return qs.first()


def voted_ids(participant: OnlineParticipant | None) -> set[int]:
    if participant is None:
        return set()
    return set(Vote.objects.filter(participant=participant).values_list("statement_id", flat=True))


@dataclass
class Card:
    statement: Statement | None
    voted: int
    total: int

    @property
    def done(self) -> bool:
        return self.statement is None


def next_card(room: OnlineRoom, participant: OnlineParticipant | None) -> Card:
    """The next statement for this participant, drawn with probability ∝ the engine's priority.

    Priorities come from the latest run; statements published since then get the priority of a statement nobody
    has voted on (docs/consensus.md), so new statements are shown quickly. The draw is seeded by the participant and
    how many votes they have cast, so reloading the page shows the same statement.
    """
    # The visible statements with this participant's vote on each, if any: one query (a left join on the one-vote-
    # per-statement key), however many votes the room holds.
    rows = visible_statements(room).order_by("pk")
    if participant is not None:
        mine = FilteredRelation("votes", condition=Q(votes__participant=participant))
        rows = rows.annotate(mine=mine).values_list("pk", "mine__id")
    else:
        rows = rows.values_list("pk", Value(None, output_field=BigIntegerField()))
    ids, voted = [], set()
    for pk, vote_id in rows:
        ids.append(pk)
        if vote_id is not None:
            voted.add(pk)
    run = latest_run(room, "priorities")
    stored = run.priorities if run is not None else {}
    weights = [float(stored.get(str(pk), NEW_STATEMENT_PRIORITY)) for pk in ids]
    seed = (participant.pk if participant is not None else 0, len(voted))
    chosen = choose_next_statement(ids, weights, exclude=voted, rng=np.random.default_rng(seed))
    statement = Statement.objects.filter(pk=chosen).first() if chosen is not None else None
    return Card(statement=statement, voted=len(voted), total=len(ids))


def statements_for_moderation(room: OnlineRoom):
    """Every statement of the room with its vote counts, for the convenor's page (one query)."""
    return (
        Statement.objects.filter(room=room)
        .select_related("author", "suggestion")
        .annotate(
            n_agree=Count("votes", filter=Q(votes__value=VoteValue.AGREE)),
            n_disagree=Count("votes", filter=Q(votes__value=VoteValue.DISAGREE)),
            n_pass=Count("votes", filter=Q(votes__value=VoteValue.PASS)),
        )
        .order_by("polis_id")
    )


def room_counts(room: OnlineRoom) -> dict:
    by_status = dict(
        Statement.objects.filter(room=room).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {
        "statements": by_status,
        "pending": by_status.get(StatementStatus.PENDING, 0),
        "participants": OnlineParticipant.objects.filter(room=room).count(),
        "votes": Vote.objects.filter(room=room).count(),
    }


def room_timeline(room: OnlineRoom):
    return timeline(room).order_by("-created_at", "-id")[:50]


# --- results -------------------------------------------------------------------------------------------------------


@dataclass
class GroupShare:
    label: str
    colour: str
    agree: int
    disagree: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.agree / self.total) if self.total else 0


@dataclass
class StatementResult:
    statement: Statement
    agree: int
    disagree: int
    passes: int
    gac: float
    groups: list[GroupShare] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.agree + self.disagree + self.passes


@dataclass
class Representative:
    result: StatementResult
    direction: str
    n_success: int
    n_trials: int

    @property
    def percent(self) -> int:
        return round(100 * self.n_success / self.n_trials) if self.n_trials else 0


@dataclass
class Group:
    id: int
    label: str
    colour: str
    size: int
    x: float
    y: float
    representative: list[Representative]


@dataclass
class Silhouette:
    k: int
    value: float
    shown: bool

    @property
    def strength(self) -> str:
        """Rousseeuw's reading of a silhouette: > 0.5 a clear structure, > 0.25 a weak one, below that none."""
        if self.value > 0.5:
            return _("分组清楚")
        if self.value > 0.25:
            return _("分组较弱")
        return _("看不出明显分组")


@dataclass
class Results:
    run: AnalysisRun
    groups: list[Group]
    common_ground: list[StatementResult]
    divisive: list[StatementResult]
    statements: list[StatementResult]
    map_data: dict
    my_group: str | None
    pending_since: int  # statements published since this run (not yet in it)
    my_votes: int | None = None  # the viewing participant's votes counted in this run (None: not a participant)
    votes_to_group: int = MIN_VOTES  # votes a participant needs to be placed in a group
    silhouettes: list[Silhouette] = field(default_factory=list)  # how sure the choice of the number of groups is
    best_k: int = 0  # the number of groups this run's silhouettes favour (the shown k may lag: K_SWITCH_STREAK)

    @property
    def k_held(self) -> bool:
        """The shown number of groups is held although another scored better this time (groups settle)."""
        return bool(self.best_k) and self.best_k != len(self.groups)

    @property
    def created_at(self) -> datetime:
        return self.run.created_at

    @property
    def map_id(self) -> str:
        """The id of the map's JSON, new with each run (see _results.html)."""
        return f"map-data-{self.run.pk}"


def room_results(room: OnlineRoom, *, participant: OnlineParticipant | None = None) -> Results | None:
    """The latest stored analysis, as the results page shows it, or None before the first one.

    Statements hidden or rejected since that run are left out everywhere (they never appear in results).
    """
    run = latest_run(room)
    if run is None:
        return None
    data = run.result
    shown = {s.pk: s for s in visible_statements(room).select_related("suggestion")}
    st = data.get("statements", {})
    ids = st.get("ids", [])
    k = int(data.get("k", 0))
    group_votes = data.get("group_votes", {"agree": [], "disagree": [], "total": []})
    labels = [group_label(g) for g in range(k)]
    colours = [GROUP_COLOURS[g % len(GROUP_COLOURS)] for g in range(k)]

    by_id: dict[int, StatementResult] = {}
    for col, pk in enumerate(ids):
        statement = shown.get(pk)
        if statement is None:
            continue
        shares = [
            GroupShare(
                labels[g],
                colours[g],
                group_votes["agree"][g][col],
                group_votes["disagree"][g][col],
                group_votes["total"][g][col],
            )
            for g in range(min(k, len(group_votes["agree"])))
        ]
        by_id[pk] = StatementResult(
            statement=statement,
            agree=st["agree"][col],
            disagree=st["disagree"][col],
            passes=st["pass"][col],
            gac=st["gac_agree"][col],
            groups=shares,
        )

    groups = []
    for g, info in enumerate(data.get("groups", [])):
        reps = [
            Representative(by_id[r["statement_id"]], r["direction"], r["n_success"], r["n_trials"])
            for r in info.get("representative", [])
            if r["statement_id"] in by_id
        ]
        centre = info.get("centre") or [0.0, 0.0]
        groups.append(Group(g, labels[g], colours[g], info["size"], centre[0], centre[1], reps))

    return Results(
        run=run,
        groups=groups,
        common_ground=common_ground(by_id.values(), k),
        divisive=[by_id[d["statement_id"]] for d in data.get("divisive", []) if d["statement_id"] in by_id][:SHOWN],
        statements=sorted(by_id.values(), key=lambda r: r.statement.polis_id),
        map_data=_map_data(data, labels, colours, participant),
        my_group=_my_group(data, labels, participant),
        pending_since=len(set(shown) - set(ids)),
        my_votes=_my_votes(data, participant),
        votes_to_group=min(MIN_VOTES, max(len(ids), 1)),
        silhouettes=_silhouettes(data, k),
        best_k=int(data.get("best_k") or k),
    )


def _silhouettes(data: dict, k: int) -> list[Silhouette]:
    found = []
    for key, value in (data.get("silhouettes") or {}).items():
        try:
            found.append(Silhouette(int(key), float(value), int(key) == k))
        except (TypeError, ValueError):
            continue
    return sorted(found, key=lambda s: s.k)


def common_ground(results, k: int, limit: int = SHOWN) -> list[StatementResult]:
    """最大公约数: statements a majority of every opinion group agrees with (smoothed share (A+1)/(S+2) > ½ in each),
    ranked by group-informed consensus, best first."""
    chosen = []
    for r in results:
        if not r.total or not r.groups or len(r.groups) < k:
            continue
        if all((g.agree + 1) / (g.total + 2) > 0.5 for g in r.groups):
            chosen.append(r)
    chosen.sort(key=lambda r: (-r.gac, r.statement.polis_id))
    return chosen[:limit]


def _analysed_points(data: dict) -> tuple[list, list, list, list]:
    p = data.get("participants", {})
    ids, xs, ys, gs = p.get("ids", []), p.get("x", []), p.get("y", []), p.get("group", [])
    rows = [(i, x, y, g) for i, x, y, g in zip(ids, xs, ys, gs, strict=False) if g is not None]
    if len(rows) > MAP_MAX_POINTS:  # an even sample keeps the picture and the page light
        step = len(rows) / MAP_MAX_POINTS
        rows = [rows[int(i * step)] for i in range(MAP_MAX_POINTS)]
    return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows], [r[3] for r in rows]


def _map_data(data: dict, labels, colours, participant) -> dict:
    _ids, xs, ys, gs = _analysed_points(data)
    series = [
        {
            "name": labels[g],
            "colour": colours[g],
            "points": [[round(x, 4), round(y, 4)] for x, y, gg in zip(xs, ys, gs, strict=True) if gg == g],
        }
        for g in range(len(labels))
    ]
    you = None
    if participant is not None:
        p = data.get("participants", {})
        try:
            index = p.get("ids", []).index(participant.pk)
        except ValueError:
            index = None
        if index is not None and p["group"][index] is not None:
            you = [round(p["x"][index], 4), round(p["y"][index], 4)]
    return {"series": series, "you": you, "you_label": _("我的位置")}


def _my_votes(data: dict, participant) -> int | None:
    if participant is None:
        return None
    p = data.get("participants", {})
    try:
        return p.get("n_votes", [])[p.get("ids", []).index(participant.pk)]
    except (ValueError, IndexError):
        return 0


def _my_group(data: dict, labels, participant) -> str | None:
    if participant is None:
        return None
    p = data.get("participants", {})
    try:
        index = p.get("ids", []).index(participant.pk)
    except ValueError:
        return None
    g = p["group"][index]
    return labels[g] if g is not None and g < len(labels) else None
