"""Per-group vote statistics: representative statements, common ground, divisive statements and the next-statement
priority (docs/consensus.md, "Representative statements", "Common ground", "Which statement to show next").

All counts come from bincounts over the sparse vote entries, never from a dense matrix.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .votes import VoteMatrix

Z_90 = 1.2816  # one-sided 90% significance, as docs/consensus.md writes it
PICK_MAX = 5


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python value (JSON-ready); other ids unchanged."""
    return value.item() if isinstance(value, np.generic) else value


@dataclass(frozen=True)
class VoteCounts:
    """Agrees, disagrees and all votes (passes included), per group × statement (or per statement)."""

    agree: np.ndarray
    disagree: np.ndarray
    total: np.ndarray

    @property
    def passes(self) -> np.ndarray:
        return self.total - self.agree - self.disagree


def count_votes(matrix: VoteMatrix, labels: np.ndarray | None, n_groups: int = 1) -> VoteCounts:
    """Counts per group (rows labelled −1 are left out) and statement: arrays of shape (n_groups, n_statements).

    Without labels every participant is in group 0. One bincount of (cell, vote) codes does all three counts.
    """
    n_cols = matrix.shape[1]
    code = matrix.values.astype(np.int64) + 1  # 0 disagree, 1 pass, 2 agree
    if labels is None:
        code += matrix.indices * 3
    else:
        group = np.asarray(labels, dtype=np.int64)[matrix.row_of_each_vote()]
        inside = group >= 0
        code += (group * n_cols + matrix.indices) * 3
        code = code[inside] if not inside.all() else code
    tally = np.bincount(code, minlength=n_groups * n_cols * 3).reshape(n_groups, n_cols, 3)
    return VoteCounts(agree=tally[:, :, 2], disagree=tally[:, :, 0], total=tally.sum(axis=2))


def p_success(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """(n + 1) / (n_s + 2): the Laplace-smoothed share."""
    return (successes + 1.0) / (trials + 2.0)


def p_test(successes: np.ndarray, trials: np.ndarray) -> np.ndarray:
    """2·sqrt(n_s + 1)·((n + 1)/(n_s + 1) − ½): is the share above one half?"""
    return 2.0 * np.sqrt(trials + 1.0) * ((successes + 1.0) / (trials + 1.0) - 0.5)


def two_proportion_test(
    successes_in: np.ndarray, trials_in: np.ndarray, successes_out: np.ndarray, trials_out: np.ndarray
) -> np.ndarray:
    """z of the group's share against the rest's, every count + 1; 0 when the pooled share is 1."""
    s1, n1 = successes_in + 1.0, trials_in + 1.0
    s2, n2 = successes_out + 1.0, trials_out + 1.0
    pooled = (s1 + s2) / (n1 + n2)
    spread = np.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    difference = s1 / n1 - s2 / n2
    return np.divide(difference, spread, out=np.zeros(np.broadcast(difference, spread).shape), where=pooled < 1.0)


@dataclass(frozen=True)
class Repness:
    """Everything docs/consensus.md defines per group × statement."""

    na: np.ndarray
    nd: np.ndarray
    ns: np.ndarray
    pa: np.ndarray
    pd: np.ndarray
    pat: np.ndarray
    pdt: np.ndarray
    ra: np.ndarray
    rd: np.ndarray
    rat: np.ndarray
    rdt: np.ndarray


def repness(counts: VoteCounts) -> Repness:
    """Group against the other analysed participants, for every group and statement at once."""
    na, nd, ns = counts.agree, counts.disagree, counts.total
    other_na = na.sum(axis=0, keepdims=True) - na
    other_nd = nd.sum(axis=0, keepdims=True) - nd
    other_ns = ns.sum(axis=0, keepdims=True) - ns
    pa, pd = p_success(na, ns), p_success(nd, ns)
    return Repness(
        na=na,
        nd=nd,
        ns=ns,
        pa=pa,
        pd=pd,
        pat=p_test(na, ns),
        pdt=p_test(nd, ns),
        ra=pa / p_success(other_na, other_ns),
        rd=pd / p_success(other_nd, other_ns),
        rat=two_proportion_test(na, ns, other_na, other_ns),
        rdt=two_proportion_test(nd, ns, other_nd, other_ns),
    )


@dataclass(frozen=True)
class RepresentativeStatement:
    statement_id: Any
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float
    repness_test: float
    metric: float  # repness × repness-test × p × p-test
    best_agree: bool = False


def _representative(
    rep: Repness, group: int, column: int, direction: str, best: bool, sid: Any
) -> RepresentativeStatement:
    agree = direction == "agree"
    r = rep.ra if agree else rep.rd
    rt = rep.rat if agree else rep.rdt
    p = rep.pa if agree else rep.pd
    pt = rep.pat if agree else rep.pdt
    values = [float(a[group, column]) for a in (r, rt, p, pt)]
    return RepresentativeStatement(
        statement_id=sid,
        direction=direction,
        n_success=int((rep.na if agree else rep.nd)[group, column]),
        n_trials=int(rep.ns[group, column]),
        p_success=values[2],
        p_test=values[3],
        repness=values[0],
        repness_test=values[1],
        metric=values[0] * values[1] * values[2] * values[3],
        best_agree=best,
    )


def representative_statements(
    rep: Repness, statement_ids: np.ndarray, pick_max: int = PICK_MAX
) -> list[list[RepresentativeStatement]]:
    """Per group: significant statements ranked by r × rt × p × pt, the best agree one first, at most `pick_max`."""
    agree_metric = rep.ra * rep.rat * rep.pa * rep.pat
    disagree_metric = rep.rd * rep.rdt * rep.pd * rep.pdt
    agree_ok = (rep.pat > Z_90) & (rep.rat > Z_90)
    disagree_ok = (rep.pdt > Z_90) & (rep.rdt > Z_90)
    # a statement significant both ways (only possible with odd smoothing corners) counts where its test is stronger
    use_agree = agree_ok & (~disagree_ok | (rep.rat >= rep.rdt))
    metric = np.where(use_agree, agree_metric, disagree_metric)
    significant = agree_ok | disagree_ok
    out: list[list[RepresentativeStatement]] = []
    for g in range(rep.na.shape[0]):
        chosen: list[RepresentativeStatement] = []
        agreeable = np.flatnonzero(agree_ok[g])
        best = -1
        if len(agreeable):
            # highest metric, lowest statement position on ties (argmax takes the first)
            best = int(agreeable[np.argmax(agree_metric[g, agreeable])])
            chosen.append(_representative(rep, g, best, "agree", True, _plain(statement_ids[best])))
        candidates = np.flatnonzero(significant[g])
        candidates = candidates[candidates != best]
        ranked = candidates[np.argsort(-metric[g, candidates], kind="stable")]
        for column in ranked[: max(pick_max - len(chosen), 0)]:
            direction = "agree" if use_agree[g, column] else "disagree"
            chosen.append(_representative(rep, g, int(column), direction, False, _plain(statement_ids[column])))
        out.append(chosen)
    return out


def group_informed_consensus(counts: VoteCounts) -> tuple[np.ndarray, np.ndarray]:
    """GAC(c) = Π_g (A_g + 1)/(S_g + 2), and the same with disagrees: common ground and common rejection."""
    if counts.total.shape[0] == 0:
        n = counts.total.shape[1]
        return np.zeros(n), np.zeros(n)
    return (
        np.prod(p_success(counts.agree, counts.total), axis=0),
        np.prod(p_success(counts.disagree, counts.total), axis=0),
    )


@dataclass(frozen=True)
class ConsensusStatement:
    statement_id: Any
    direction: str
    n_success: int
    n_trials: int
    p_success: float
    p_test: float


def plain_consensus(
    agree: np.ndarray, disagree: np.ndarray, total: np.ndarray, statement_ids: np.ndarray, pick_max: int = PICK_MAX
) -> dict[str, list[ConsensusStatement]]:
    """Ignoring groups: p > ½ and p-test > 1.2816, ranked by p × p-test, top `pick_max`, for agree and disagree."""
    out: dict[str, list[ConsensusStatement]] = {}
    for direction, successes in (("agree", agree), ("disagree", disagree)):
        p, pt = p_success(successes, total), p_test(successes, total)
        candidates = np.flatnonzero((p > 0.5) & (pt > Z_90))
        ranked = candidates[np.argsort(-(p * pt)[candidates], kind="stable")][:pick_max]
        out[direction] = [
            ConsensusStatement(
                statement_id=_plain(statement_ids[c]),
                direction=direction,
                n_success=int(successes[c]),
                n_trials=int(total[c]),
                p_success=float(p[c]),
                p_test=float(pt[c]),
            )
            for c in ranked
        ]
    return out


@dataclass(frozen=True)
class DivisiveStatement:
    statement_id: Any
    spread: float  # largest minus smallest smoothed agree share across groups
    agree_by_group: list[float]


def divisive_statements(rep: Repness, statement_ids: np.ndarray, pick_max: int = PICK_MAX) -> list[DivisiveStatement]:
    """Statements on which the groups' (smoothed) agree shares lie furthest apart.

    docs/consensus.md does not define "divisive"; this is the plain reading of the results page's "the divisive
    ones": the opposite of GAC, where one group agrees and another does not.
    """
    if rep.pa.shape[0] < 2:
        return []
    spread = rep.pa.max(axis=0) - rep.pa.min(axis=0)
    ranked = np.argsort(-spread, kind="stable")[:pick_max]
    return [
        DivisiveStatement(_plain(statement_ids[c]), float(spread[c]), [float(x) for x in rep.pa[:, c]])
        for c in ranked
        if spread[c] > 0
    ]


def importance(agree: Any, passes: Any, total: Any, extremity: Any) -> np.ndarray:
    """(1 − (P+1)/(S+2)) · (E+1) · (A+1)/(S+2): engaging, far from the centre, agreeable."""
    a, p, s, e = (np.asarray(x, dtype=np.float64) for x in (agree, passes, total, extremity))
    return (1.0 - (p + 1.0) / (s + 2.0)) * (e + 1.0) * (a + 1.0) / (s + 2.0)


def priority(agree: Any, passes: Any, total: Any, extremity: Any) -> np.ndarray:
    """(importance · (1 + 8·2^(−S/5)))²: new statements first, well-voted divisive ones keep coming."""
    s = np.asarray(total, dtype=np.float64)
    return (importance(agree, passes, total, extremity) * (1.0 + 8.0 * np.power(2.0, -s / 5.0))) ** 2


NEW_STATEMENT_PRIORITY = float(priority(0, 0, 0, 0))  # a statement nobody has voted on yet


def choose_next_statement(
    statement_ids: Iterable[Any],
    priorities: Iterable[float],
    *,
    exclude: Iterable[Any] = (),
    rng: np.random.Generator | int | None = None,
) -> Any | None:
    """Draw one statement the participant has not voted on, with probability ∝ priority (None when none is left)."""
    excluded = set(exclude)
    pairs = [(sid, float(p)) for sid, p in zip(statement_ids, priorities, strict=True) if sid not in excluded]
    pairs = [(sid, p) for sid, p in pairs if p > 0 and np.isfinite(p)]
    if not pairs:
        return None
    generator = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
    weights = np.asarray([p for _, p in pairs])
    return pairs[int(generator.choice(len(pairs), p=weights / weights.sum()))][0]
