"""Votes in, one sparse participant × statement matrix out (docs/consensus.md, "Votes" and "Who is analysed").

Everything here is vectorised: a 10-million-vote log is turned into a CSR matrix with two sorts of int64 keys,
because numpy's vectorised `np.sort` is an order of magnitude faster than `argsort` or `np.unique` at that size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp

AGREE, DISAGREE, PASS = 1, -1, 0
MIN_VOTES = 7  # a participant is analysed after min(7, n_statements) votes
MIN_ANALYSED = 15  # ... and the most active voters top the analysed set up to 15

_INT64_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class VoteLog:
    """The raw vote log, one entry per vote cast, in columns.

    `timestamps` orders the votes (the latest vote of a participant on a statement wins; equal timestamps keep array
    order). Without timestamps, array order is time order.
    """

    participant_ids: np.ndarray
    statement_ids: np.ndarray
    values: np.ndarray
    timestamps: np.ndarray | None = None

    def __post_init__(self) -> None:
        n = len(self.participant_ids)
        if len(self.statement_ids) != n or len(self.values) != n:
            raise ValueError("participant_ids, statement_ids and values must have the same length")
        if self.timestamps is not None and len(self.timestamps) != n:
            raise ValueError("timestamps must have one entry per vote")
        values = np.asarray(self.values)
        whole = np.issubdtype(values.dtype, np.integer) or np.array_equal(values, np.rint(values))
        if n and (values.min() < -1 or values.max() > 1 or not whole):
            raise ValueError("投票值必须是 -1、0 或 1 (votes must be -1, 0 or 1)")

    def __len__(self) -> int:
        return len(self.participant_ids)

    @classmethod
    def from_records(cls, records: Iterable[Sequence[Any]]) -> VoteLog:
        """Build from (participant, statement, vote) or (participant, statement, vote, timestamp) tuples."""
        rows = list(records)
        if not rows:
            empty = np.zeros(0, dtype=np.int64)
            return cls(empty, empty, np.zeros(0, dtype=np.int8))
        widths = {len(r) for r in rows}
        if widths - {3, 4} or len(widths) != 1:
            raise ValueError("each vote must be (participant, statement, vote) or (participant, statement, vote, time)")
        columns = list(zip(*rows, strict=True))
        return cls(
            participant_ids=np.asarray(columns[0]),
            statement_ids=np.asarray(columns[1]),
            values=np.asarray(columns[2], dtype=np.int8),
            timestamps=np.asarray(columns[3], dtype=np.int64) if len(columns) == 4 else None,
        )


@dataclass(frozen=True)
class VoteMatrix:
    """Latest votes on the statements still in the analysis, participants × statements.

    The CSR arrays are kept as-is (passes are explicit zeros in `values`, so never call `eliminate_zeros` on a
    matrix built from them): an entry exists exactly where a vote was cast.
    """

    participant_ids: np.ndarray  # sorted, unique: rows
    statement_ids: np.ndarray  # sorted, unique: columns (moderated-out statements removed)
    indptr: np.ndarray
    indices: np.ndarray
    values: np.ndarray  # int8 in {-1, 0, 1}

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.participant_ids), len(self.statement_ids)

    @property
    def n_votes(self) -> int:
        return len(self.values)

    def csr(self, data: np.ndarray | None = None) -> sp.csr_matrix:
        """The matrix with `data` (default: the votes as float64) on the vote pattern."""
        payload = self.values.astype(np.float64) if data is None else data
        return sp.csr_matrix((payload, self.indices, self.indptr), shape=self.shape)

    def votes_per_participant(self) -> np.ndarray:
        return np.diff(self.indptr)

    def votes_per_statement(self) -> np.ndarray:
        return np.bincount(self.indices, minlength=self.shape[1])

    def row_of_each_vote(self) -> np.ndarray:
        return np.repeat(np.arange(self.shape[0], dtype=np.int64), self.votes_per_participant())

    def dense(self) -> np.ndarray:
        """Dense copy with NaN for 'not voted': for tests and small exports only."""
        out = np.full(self.shape, np.nan)
        out[self.row_of_each_vote(), self.indices] = self.values
        return out


def _codes(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted unique ids and each entry's index into them.

    Database keys are small non-negative integers: a lookup table is O(n). Other integers go through one packed
    (id, position) sort; only non-integer ids (strings) use np.unique, which is much slower at 10^7.
    """
    if len(ids) and np.issubdtype(ids.dtype, np.integer):
        low, high = int(ids.min()), int(ids.max())
        if low >= 0 and high <= max(4 * len(ids), 1_000_000):
            present = np.zeros(high + 1, dtype=bool)
            present[ids] = True
            table = np.cumsum(present, dtype=np.int64) - 1
            return np.flatnonzero(present), table[ids]
        n = len(ids)
        pos_bits = max(int(n - 1).bit_length(), 1)
        if (high - low).bit_length() + pos_bits <= 63:
            packed = np.sort(((ids.astype(np.int64) - low) << pos_bits) | np.arange(n, dtype=np.int64))
            position = packed & ((1 << pos_bits) - 1)
            packed >>= pos_bits
            first = np.empty(n, dtype=bool)
            first[0] = True
            np.not_equal(packed[1:], packed[:-1], out=first[1:])
            inverse = np.empty(n, dtype=np.int64)
            inverse[position] = np.cumsum(first) - 1
            return packed[first] + low, inverse
    unique, inverse = np.unique(ids, return_inverse=True)
    return unique, inverse.astype(np.int64).reshape(-1)


def _time_order(timestamps: np.ndarray) -> np.ndarray | None:
    """Permutation putting votes in time order (stable), or None when they already are."""
    ts = np.asarray(timestamps, dtype=np.int64)
    if len(ts) < 2 or bool(np.all(ts[1:] >= ts[:-1])):
        return None
    n = len(ts)
    span = int(ts.max()) - int(ts.min())
    if span < _INT64_MAX // max(n, 1) - 1:
        # (time, position) packed in one int64 and sorted with the fast vectorised sort; stable by construction.
        packed = np.sort((ts - ts.min()) * n + np.arange(n, dtype=np.int64))
        return packed % n
    return np.argsort(ts, kind="stable")


def latest_votes(log: VoteLog) -> np.ndarray:
    """Positions in the log of each participant's latest vote on each statement, in time order (equal times keep
    log order): the votes a room keeps when it imports a log with re-votes."""
    n = len(log)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = None if log.timestamps is None else _time_order(log.timestamps)
    position = np.arange(n, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64)
    _, rows = _codes(np.asarray(log.participant_ids)[position])
    statements, cols = _codes(np.asarray(log.statement_ids)[position])
    cell = rows * len(statements) + cols
    # the first of each cell counted from the end is its last in time
    _, first_from_end = np.unique(cell[::-1], return_index=True)
    return position[np.sort(n - 1 - first_from_end)]


def build_vote_matrix(
    log: VoteLog,
    *,
    moderated_out: Iterable[Any] = (),
    statement_ids: Iterable[Any] | None = None,
) -> VoteMatrix:
    """Keep each participant's latest vote per statement, drop moderated-out statements, build CSR.

    `statement_ids` may declare statements that have no votes yet (they become empty columns, so the sampler can
    offer them); statements that only appear in votes are added.
    """
    pids = np.asarray(log.participant_ids)
    sids = np.asarray(log.statement_ids)
    values = np.asarray(log.values, dtype=np.int8)
    if log.timestamps is not None:
        order = _time_order(log.timestamps)
        if order is not None:
            pids, sids, values = pids[order], sids[order], values[order]

    removed = np.asarray(list(moderated_out))
    if len(removed) and len(sids):
        keep = ~np.isin(sids, removed)
        pids, sids, values = pids[keep], sids[keep], values[keep]
    declared = None if statement_ids is None else np.asarray(list(statement_ids))
    if declared is not None and len(declared) and len(removed):
        declared = declared[~np.isin(declared, removed)]
    if declared is not None and len(declared) == 0:
        declared = None

    if len(pids) == 0:
        return VoteMatrix(
            participant_ids=np.zeros(0, dtype=pids.dtype if len(pids) else np.int64),
            statement_ids=np.unique(declared) if declared is not None else np.zeros(0, dtype=np.int64),
            indptr=np.zeros(1, dtype=np.int64),
            indices=np.zeros(0, dtype=np.int64),
            values=np.zeros(0, dtype=np.int8),
        )

    participants, rows = _codes(pids)
    statements, cols = _codes(sids)
    if declared is not None:
        # declared statements without votes become empty columns; renumber the voted ones among them
        voted = statements
        statements = np.union1d(voted, declared.astype(voted.dtype))
        cols = np.searchsorted(statements, voted)[cols]
    n_rows, n_cols, n = len(participants), len(statements), len(pids)
    rows, cols = rows.astype(np.int64, copy=False), cols.astype(np.int64, copy=False)

    # Pack (row, column, position in time) into one int64 with shifts (divisions are slow at 10^7): one fast sort
    # then groups each cell's votes in time order.
    col_bits = max(int(n_cols - 1).bit_length(), 1)
    pos_bits = max(int(n - 1).bit_length(), 1)
    if int(n_rows - 1).bit_length() + col_bits + pos_bits <= 63:
        # in-place steps: at 10^7 votes every fresh temporary costs more in page faults than in arithmetic
        packed = np.left_shift(rows, col_bits)
        packed |= cols
        packed <<= pos_bits
        packed |= np.arange(n, dtype=np.int64)
        packed.sort()
        position = np.bitwise_and(packed, (1 << pos_bits) - 1)
        packed >>= pos_bits
        cell_sorted = packed
        del packed
    else:  # astronomically large id spaces: slower but exact
        cell = (rows << col_bits) | cols
        position = np.lexsort((np.arange(n), cell))
        cell_sorted = cell[position]
    last = np.empty(n, dtype=bool)
    last[-1] = True
    np.not_equal(cell_sorted[1:], cell_sorted[:-1], out=last[:-1])
    cell_kept = cell_sorted[last]
    kept_values = values[position[last]]
    del position, cell_sorted
    kept_rows = cell_kept >> col_bits
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(kept_rows, minlength=n_rows), out=indptr[1:])
    return VoteMatrix(
        participant_ids=participants,
        statement_ids=statements,
        indptr=indptr,
        indices=np.bitwise_and(cell_kept, (1 << col_bits) - 1, out=cell_kept),
        values=kept_values,
    )


def analysed_participants(matrix: VoteMatrix, n_statements: int | None = None) -> np.ndarray:
    """Boolean mask of participants taking part in grouping.

    At least min(7, n_statements) votes (passes count); if fewer than 15 qualify, the most active voters (ties by
    participant id, so the rule does not depend on vote order) are added until 15 do. Nobody without a vote is added.
    """
    counts = matrix.votes_per_participant()
    if n_statements is None:
        n_statements = int(np.count_nonzero(matrix.votes_per_statement()))
    threshold = min(MIN_VOTES, n_statements)
    mask = (counts >= threshold) & (counts > 0)
    missing = MIN_ANALYSED - int(mask.sum())
    if missing > 0:
        # rows are sorted by participant id, so a stable sort on -count breaks ties by id.
        candidates = np.flatnonzero(~mask & (counts > 0))
        ranked = candidates[np.argsort(-counts[candidates], kind="stable")]
        mask[ranked[:missing]] = True
    return mask
