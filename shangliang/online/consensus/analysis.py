"""The single entry point: votes in, opinion groups and common ground out, plus the state for the next run."""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .clustering import KState, base_clusters, group_clusters
from .pca import align_previous, project
from .stats import (
    ConsensusStatement,
    DivisiveStatement,
    Repness,
    RepresentativeStatement,
    VoteCounts,
    choose_next_statement,
    count_votes,
    divisive_statements,
    group_informed_consensus,
    plain_consensus,
    priority,
    repness,
    representative_statements,
)
from .votes import VoteLog, VoteMatrix, analysed_participants, build_vote_matrix

STATE_VERSION = 2  # 2: every candidate k's centres (a state of version 1 means a cold start)


def _plain_list(values: Any) -> list[Any]:
    return np.asarray(values).tolist()


@dataclass(frozen=True)
class AnalysisState:
    """What one run hands to the next (stored as JSON by the caller): the components to warm-start the SVD, the
    base centres and every candidate k's group centres to warm-start k-means, the shown groups' centres to keep
    group ids stable, and the k-smoothing memory."""

    statement_ids: list[Any] = field(default_factory=list)
    components: list[list[float]] = field(default_factory=list)  # 2 rows aligned with statement_ids
    base_centres: list[list[float]] = field(default_factory=list)
    group_centres: list[list[float]] = field(default_factory=list)
    clusterings: dict[int, list[list[float]]] = field(default_factory=dict)  # k → that k's centres
    k: int | None = None
    k_candidate: int | None = None
    k_candidate_streak: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "statement_ids": list(self.statement_ids),
            "components": [list(row) for row in self.components],
            "base_centres": [list(c) for c in self.base_centres],
            "group_centres": [list(c) for c in self.group_centres],
            "clusterings": {str(k): [list(c) for c in centres] for k, centres in self.clusterings.items()},
            "k": self.k,
            "k_candidate": self.k_candidate,
            "k_candidate_streak": self.k_candidate_streak,
        }

    @classmethod
    def from_json(cls, data: AnalysisState | Mapping[str, Any] | str | None) -> AnalysisState:
        """Read a stored state; anything missing, unreadable or from another version means a cold start."""
        if isinstance(data, AnalysisState):
            return data
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                return cls()
        if not isinstance(data, Mapping) or data.get("version") != STATE_VERSION:
            return cls()
        try:
            components = [[float(x) for x in row] for row in data.get("components", [])]
            ids = list(data.get("statement_ids", []))
            if components and (len(components) != 2 or any(len(row) != len(ids) for row in components)):
                return cls()
            return cls(
                statement_ids=ids,
                components=components,
                base_centres=[[float(x), float(y)] for x, y in data.get("base_centres", [])],
                group_centres=[[float(x), float(y)] for x, y in data.get("group_centres", [])],
                clusterings={
                    int(k): [[float(x), float(y)] for x, y in centres]
                    for k, centres in dict(data.get("clusterings", {})).items()
                },
                k=None if data.get("k") is None else int(data["k"]),
                k_candidate=None if data.get("k_candidate") is None else int(data["k_candidate"]),
                k_candidate_streak=int(data.get("k_candidate_streak", 0)),
            )
        except (TypeError, ValueError):
            return cls()

    @property
    def k_state(self) -> KState:
        return KState(current=self.k, candidate=self.k_candidate, streak=self.k_candidate_streak)


@dataclass(frozen=True)
class AnalysisResult:
    """One run's findings. Arrays are aligned with `participant_ids` (rows) and `statement_ids` (columns)."""

    participant_ids: np.ndarray
    statement_ids: np.ndarray  # statements in the analysis (moderated-out ones removed)
    n_votes: int  # latest votes counted
    participant_vote_counts: np.ndarray
    analysed: np.ndarray  # bool: takes part in grouping
    means: np.ndarray
    components: np.ndarray  # (2, n_statements)
    singular_values: np.ndarray
    participant_positions: np.ndarray  # (n_participants, 2)
    statement_positions: np.ndarray  # (n_statements, 2)
    extremity: np.ndarray  # distance of each statement from the centre of the map
    k: int
    best_k: int
    silhouettes: dict[int, float]
    participant_groups: np.ndarray  # group id, −1 when not analysed
    group_sizes: np.ndarray
    group_centres: np.ndarray
    base_centres: np.ndarray
    base_sizes: np.ndarray
    statement_counts: VoteCounts  # every participant's votes, per statement
    group_counts: VoteCounts  # analysed participants, per group × statement
    repness: Repness
    representative: list[list[RepresentativeStatement]]
    gac_agree: np.ndarray  # group-informed consensus: the common ground
    gac_disagree: np.ndarray  # the same for common rejection
    consensus: dict[str, list[ConsensusStatement]]
    divisive: list[DivisiveStatement]
    priority: np.ndarray
    state: AnalysisState
    seconds: float

    @property
    def n_analysed(self) -> int:
        return int(self.analysed.sum())

    def next_statement(
        self,
        *,
        voted: Iterable[Any] = (),
        new_statements: Mapping[Any, float] | None = None,
        rng: np.random.Generator | int | None = None,
    ) -> Any | None:
        """Draw the next statement for a participant who has voted on `voted`, with probability ∝ priority.

        `new_statements` adds statements published after this run (priority, e.g. stats.NEW_STATEMENT_PRIORITY).
        """
        ids_flat = _plain_list(self.statement_ids)
        weights = _plain_list(self.priority)
        for sid, weight in (new_statements or {}).items():
            ids_flat.append(sid)
            weights.append(weight)
        return choose_next_statement(ids_flat, weights, exclude=voted, rng=rng)

    def to_json(self) -> dict[str, Any]:
        """Plain lists and dicts (json.dumps-able), columnar so that 100,000 participants stay compact."""
        groups = self.participant_groups
        agree, disagree, total = (
            self.statement_counts.agree,
            self.statement_counts.disagree,
            self.statement_counts.total,
        )
        return {
            "n_participants": len(self.participant_ids),
            "n_statements": len(self.statement_ids),
            "n_votes": self.n_votes,
            "n_analysed": self.n_analysed,
            "k": self.k,
            "best_k": self.best_k,
            "silhouettes": {str(k): v for k, v in self.silhouettes.items()},
            "singular_values": _plain_list(self.singular_values),
            "participants": {
                "ids": _plain_list(self.participant_ids),
                "n_votes": _plain_list(self.participant_vote_counts),
                "analysed": _plain_list(self.analysed),
                "x": _plain_list(self.participant_positions[:, 0]),
                "y": _plain_list(self.participant_positions[:, 1]),
                "group": [None if g < 0 else g for g in _plain_list(groups)],
            },
            "statements": {
                "ids": _plain_list(self.statement_ids),
                "agree": _plain_list(agree),
                "disagree": _plain_list(disagree),
                "pass": _plain_list(total - agree - disagree),
                "mean": _plain_list(self.means),
                "pc1": _plain_list(self.components[0]),
                "pc2": _plain_list(self.components[1]),
                "x": _plain_list(self.statement_positions[:, 0]),
                "y": _plain_list(self.statement_positions[:, 1]),
                "extremity": _plain_list(self.extremity),
                "gac_agree": _plain_list(self.gac_agree),
                "gac_disagree": _plain_list(self.gac_disagree),
                "priority": _plain_list(self.priority),
            },
            "groups": [
                {
                    "id": g,
                    "size": int(self.group_sizes[g]),
                    "centre": _plain_list(self.group_centres[g]),
                    "representative": [vars(r) for r in self.representative[g]],
                }
                for g in range(self.k)
            ],
            "base_clusters": {
                "x": _plain_list(self.base_centres[:, 0]),
                "y": _plain_list(self.base_centres[:, 1]),
                "size": _plain_list(self.base_sizes),
            },
            "consensus": {d: [vars(c) for c in items] for d, items in self.consensus.items()},
            "divisive": [vars(d) for d in self.divisive],
            "seconds": self.seconds,
            "state": self.state.to_json(),
        }


def _groups_of_analysed(
    matrix: VoteMatrix, positions: np.ndarray, analysed: np.ndarray, state: AnalysisState, warm: bool
) -> tuple[Any, Any, np.ndarray]:
    previous_base = np.asarray(state.base_centres) if warm and state.base_centres else None
    base = base_clusters(positions[analysed], previous_centres=previous_base)
    previous_groups = np.asarray(state.group_centres) if warm and state.group_centres else None
    clusterings = {k: np.asarray(c) for k, c in state.clusterings.items() if c} if warm else {}
    groups = group_clusters(
        base, state=state.k_state, previous_centres=previous_groups, previous_clusterings=clusterings
    )
    labels = np.full(matrix.shape[0], -1, dtype=np.int64)
    if len(base.labels):
        labels[np.flatnonzero(analysed)] = groups.base_labels[base.labels]
    return base, groups, labels


def analyse(
    votes: VoteLog | Iterable[Sequence[Any]],
    *,
    moderated_out: Iterable[Any] = (),
    statement_ids: Iterable[Any] | None = None,
    previous_state: AnalysisState | Mapping[str, Any] | str | None = None,
    seed: int = 0,
) -> AnalysisResult:
    """Run the whole method of docs/consensus.md on a vote log.

    `votes`: a VoteLog, or (participant, statement, vote[, timestamp]) tuples in time order; the latest vote per
    participant and statement counts. `moderated_out`: statements removed from the analysis. `statement_ids`:
    statements that exist but may have no votes yet (so they can be offered next). `previous_state`: the last run's
    `result.state` (or its JSON) to warm-start from and to smooth k. `seed` makes every random choice repeatable.
    """
    started = time.perf_counter()
    log = votes if isinstance(votes, VoteLog) else VoteLog.from_records(votes)
    matrix = build_vote_matrix(log, moderated_out=moderated_out, statement_ids=statement_ids)
    state = AnalysisState.from_json(previous_state)
    previous_components = align_previous(
        np.asarray(state.statement_ids) if state.statement_ids else None,
        np.asarray(state.components) if state.components else None,
        matrix.statement_ids,
    )
    projection = project(matrix, previous_components=previous_components, seed=seed)
    analysed = analysed_participants(matrix, projection.n_statements)
    base, groups, labels = _groups_of_analysed(
        matrix, projection.participant_positions, analysed, state, previous_components is not None
    )

    group_counts = count_votes(matrix, labels, groups.k)
    group_stats = repness(group_counts)
    gac_agree, gac_disagree = group_informed_consensus(group_counts)
    everyone = count_votes(matrix, None)
    statement_counts = VoteCounts(everyone.agree[0], everyone.disagree[0], everyone.total[0])
    extremity = np.linalg.norm(projection.statement_positions, axis=1)
    # priority counts the analysed participants' votes, as Pol.is's comment priorities do
    analysed_agree = group_counts.agree.sum(axis=0)
    analysed_total = group_counts.total.sum(axis=0)
    analysed_pass = analysed_total - analysed_agree - group_counts.disagree.sum(axis=0)

    new_state = AnalysisState(
        statement_ids=_plain_list(matrix.statement_ids),
        components=projection.components.tolist(),
        base_centres=base.centres.tolist(),
        group_centres=groups.centres.tolist(),
        clusterings={k: centres.tolist() for k, centres in groups.clusterings.items()},
        k=groups.k_state.current,
        k_candidate=groups.k_state.candidate,
        k_candidate_streak=groups.k_state.streak,
    )
    return AnalysisResult(
        participant_ids=matrix.participant_ids,
        statement_ids=matrix.statement_ids,
        n_votes=matrix.n_votes,
        participant_vote_counts=matrix.votes_per_participant(),
        analysed=analysed,
        means=projection.means,
        components=projection.components,
        singular_values=projection.singular_values,
        participant_positions=projection.participant_positions,
        statement_positions=projection.statement_positions,
        extremity=extremity,
        k=groups.k,
        best_k=groups.best_k,
        silhouettes=groups.silhouettes,
        participant_groups=labels,
        group_sizes=groups.sizes,
        group_centres=groups.centres,
        base_centres=base.centres,
        base_sizes=base.weights,
        statement_counts=statement_counts,
        group_counts=group_counts,
        repness=group_stats,
        representative=representative_statements(group_stats, matrix.statement_ids),
        gac_agree=gac_agree,
        gac_disagree=gac_disagree,
        consensus=plain_consensus(
            statement_counts.agree, statement_counts.disagree, statement_counts.total, matrix.statement_ids
        ),
        divisive=divisive_statements(group_stats, matrix.statement_ids),
        priority=priority(analysed_agree, analysed_pass, analysed_total, extremity),
        state=new_state,
        seconds=time.perf_counter() - started,
    )
