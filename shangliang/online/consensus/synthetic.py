"""Synthetic conversations with planted opinion groups, for the benchmark and the tests."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .votes import VoteLog


@dataclass(frozen=True)
class SyntheticConversation:
    votes: VoteLog
    planted_groups: np.ndarray  # planted group of participant id i (ids are 0 … n_participants − 1)
    common_ground: np.ndarray  # statement ids every planted group leans to agree with (planted or by chance)


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique hashes int64 slowly at 10^7)."""
    ordered = np.sort(values)
    keep = np.ones(len(ordered), dtype=bool)
    keep[1:] = ordered[1:] != ordered[:-1]
    return ordered[keep]


def planted_conversation(
    n_votes: int,
    n_participants: int,
    n_statements: int,
    *,
    group_shares: tuple[float, ...] = (0.4, 0.3, 0.2, 0.1),
    consensus_share: float = 0.1,
    follow: float = 0.75,
    oppose: float = 0.10,
    seed: int = 0,
) -> SyntheticConversation:
    """`n_votes` distinct (participant, statement) votes in random time order.

    Each planted group leans agree or disagree on each statement (a `consensus_share` of statements: everyone
    leans agree); a participant follows the lean with probability `follow`, opposes it with `oppose`, else passes.
    """
    if n_votes > n_participants * n_statements:
        raise ValueError("more votes than participant × statement cells")
    rng = np.random.default_rng(seed)
    cells = n_participants * n_statements
    if n_votes > cells // 4:
        keys = rng.permutation(cells)[:n_votes]
    else:
        keys = _distinct(rng.integers(0, cells, int(n_votes * 1.05) + 100))
        while len(keys) < n_votes:
            keys = _distinct(np.concatenate([keys, rng.integers(0, cells, n_votes)]))
        keys = rng.permutation(keys)[:n_votes]
    participants = keys // n_statements
    statements = keys - participants * n_statements
    shares = np.asarray(group_shares) / np.sum(group_shares)
    groups = rng.choice(len(shares), size=n_participants, p=shares)
    lean = rng.choice(np.array([-1, 1], dtype=np.int8), size=(len(shares), n_statements))
    consensus = np.flatnonzero(rng.random(n_statements) < consensus_share)
    lean[:, consensus] = 1
    stance = lean[groups[participants], statements]
    draw = rng.random(n_votes)
    values = np.where(draw < follow, stance, np.where(draw < follow + oppose, -stance, 0)).astype(np.int8)
    return SyntheticConversation(
        votes=VoteLog(participant_ids=participants, statement_ids=statements, values=values),
        planted_groups=groups,
        common_ground=np.flatnonzero((lean == 1).all(axis=0)),
    )


def adjusted_rand_index(first: np.ndarray, second: np.ndarray) -> float:
    """Adjusted Rand index of two labellings (1 = same partition, about 0 = chance), without scikit-learn."""
    first, second = np.asarray(first), np.asarray(second)
    if len(first) != len(second):
        raise ValueError("labellings differ in length")
    n = len(first)
    if n < 2:
        return 1.0
    _, a = np.unique(first, return_inverse=True)
    _, b = np.unique(second, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1), dtype=np.int64)
    np.add.at(table, (a, b), 1)

    def pairs(x: np.ndarray) -> float:
        return float((x * (x - 1) // 2).sum())

    index, rows, cols = pairs(table), pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    if maximum == expected:  # both labellings put everyone together (or everyone apart)
        return 1.0
    return (index - expected) / (maximum - expected)
