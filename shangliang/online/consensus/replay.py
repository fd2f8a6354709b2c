"""A conversation replayed as it happened: its votes fed in arrival order, in batches, each analysis warm-started from
the one before, as a live room (or Pol.is) computes it. Groups and their number then come out as they settled over
time, not as one cold run on everything would put them (docs/consensus.md: exported group ids come from
incremental runs).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .analysis import AnalysisResult, analyse
from .votes import VoteLog

DEFAULT_UPDATES = 20


@dataclass(frozen=True)
class Update:
    votes: int  # votes fed so far
    k: int  # the number of groups shown after this update
    best_k: int  # the silhouette winner of this update


def replay(
    log: VoteLog,
    *,
    updates: int = DEFAULT_UPDATES,
    moderated_out: Iterable[Any] = (),
    statement_ids: Iterable[Any] | None = None,
    seed: int = 0,
) -> tuple[AnalysisResult, list[Update]]:
    """Analyse the log `updates` times on growing prefixes of equal size, in time order (file order without times).

    Returns the last analysis (of every vote) and what each update showed.
    """
    if updates < 1:
        raise ValueError("updates must be at least 1")
    n = len(log)
    order = np.arange(n) if log.timestamps is None else np.argsort(log.timestamps, kind="stable")
    removed = list(moderated_out)
    declared = None if statement_ids is None else list(statement_ids)
    ends = sorted({int(e) for e in np.linspace(0, n, updates + 1)[1:]} | {n})
    state = None
    result = None
    history: list[Update] = []
    for end in ends:
        chosen = order[:end]
        part = VoteLog(
            log.participant_ids[chosen],
            log.statement_ids[chosen],
            log.values[chosen],
            None if log.timestamps is None else log.timestamps[chosen],
        )
        result = analyse(part, moderated_out=removed, statement_ids=declared, previous_state=state, seed=seed)
        state = result.state
        history.append(Update(votes=end, k=result.k, best_k=result.best_k))
    assert result is not None  # ends always holds n
    return result, history
