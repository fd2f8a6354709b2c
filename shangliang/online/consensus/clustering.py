"""Opinion groups on the map (docs/consensus.md, "Groups"), the way Pol.is's published method finds them.

Two levels: up to 100 base clusters of the analysed participants (k-means), then weighted k-means of the base-cluster
centres (each weighted by its members) for every k = 2 … min(5, 2 + n_base // 12). Each candidate k is scored by
the silhouette of its partition of the base clusters (one point per base cluster, as Pol.is computes it from the
distances between base-cluster centres), and the best k is only shown after it has won 4 consecutive updates.

What makes groups settle as Pol.is's do is the warm start, for every candidate k separately: each k-means starts
from that k's centres of the previous update (recentred on today's points, duplicates merged, topped up with the
point farthest from any centre); only a k seen for the first time starts afresh (see `_partition`). Nothing is
random, so the same votes in the same updates give the same groups. Measured on the Pol.is open data
(tests/online/test_real_data.py, README): replayed in arrival order, the shown k equals the k Pol.is published on the
three shared conversations; a cold start (one run on everything) agrees less often, so the results page shows the
silhouettes the choice was made on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from scipy.cluster.vq import vq
from scipy.optimize import linear_sum_assignment

MAX_BASE_CLUSTERS = 100
MAX_GROUPS = 5
K_SWITCH_STREAK = 4  # a new k must win this many consecutive updates before it is shown
MAX_ITERATIONS = 20  # Lloyd rounds per update: a warm start needs few, and Pol.is stops at 20 too


@dataclass(frozen=True)
class KState:
    """The k-smoothing memory: the k shown, and the challenger with its consecutive wins."""

    current: int | None = None
    candidate: int | None = None
    streak: int = 0


@dataclass(frozen=True)
class BaseClusters:
    centres: np.ndarray  # (n_base, 2)
    weights: np.ndarray  # members per base cluster
    labels: np.ndarray  # base cluster of each analysed participant


@dataclass(frozen=True)
class Groups:
    k: int
    best_k: int  # the silhouette winner of this update (k may lag behind it)
    silhouettes: dict[int, float]
    base_labels: np.ndarray  # group of each base cluster
    centres: np.ndarray  # (k, 2), weighted means of member base centres
    sizes: np.ndarray  # participants per group
    k_state: KState
    clusterings: dict[int, np.ndarray] = field(default_factory=dict)  # every candidate k's centres, for the next run


def _assign(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels, distances = vq(points, centres, check_finite=False)
    return labels.astype(np.int64), distances


def first_distinct(points: np.ndarray, k: int) -> np.ndarray:
    """The first k distinct points, in the order given: Pol.is's deterministic start without a previous run."""
    if len(points) == 0:
        return np.zeros((0, points.shape[1] if points.ndim == 2 else 2))
    _, first = np.unique(points, axis=0, return_index=True)
    return points[np.sort(first)[:k]].astype(np.float64)


def kmeans(
    points: np.ndarray,
    initial: np.ndarray,
    weights: np.ndarray | None = None,
    max_iter: int = MAX_ITERATIONS,
    tol: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Lloyd's algorithm until no point changes cluster, the centres move less than `tol` (summed squares),
    or `max_iter` rounds. A cluster left empty is dropped, so fewer centres than asked may come back."""
    w = np.ones(len(points)) if weights is None else np.asarray(weights, dtype=np.float64)
    centres = np.array(initial, dtype=np.float64)
    labels = np.full(len(points), -1, dtype=np.int64)
    for _ in range(max_iter):
        new_labels, _ = _assign(points, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        mass = np.bincount(labels, weights=w, minlength=len(centres))
        filled = mass > 0
        previous = centres[filled]
        sums = np.stack(
            [np.bincount(labels, weights=w * column, minlength=len(centres)) for column in points.T], axis=1
        )
        centres = sums[filled] / mass[filled, None]
        if not filled.all():
            labels = np.full(len(points), -1, dtype=np.int64)  # renumbered: assign again next round
        elif float(((centres - previous) ** 2).sum()) <= tol:
            break
    labels, _ = _assign(points, centres)
    used = np.bincount(labels, minlength=len(centres)) > 0
    if not used.all():
        centres = centres[used]
        labels, _ = _assign(points, centres)
    return centres, labels


def clean_start(points: np.ndarray, previous: np.ndarray, k: int) -> np.ndarray:
    """Starting centres from the previous update's: moved to the mean of today's points nearest them (a centre no
    point is nearest any more goes), duplicates merged, at most k kept, and topped up to k with the point farthest
    from every centre (a new opinion at the edge of the map gets its own start)."""
    centres, _ = kmeans(points, np.asarray(previous, dtype=np.float64)[:k], max_iter=1)
    _, first = np.unique(centres, axis=0, return_index=True)
    centres = centres[np.sort(first)]
    while len(centres) < k:
        _, distances = _assign(points, centres)
        farthest = int(np.argmax(distances))
        if distances[farthest] <= 0:
            break
        centres = np.vstack([centres, points[farthest]])
    return centres


def base_clusters(positions: np.ndarray, *, previous_centres: np.ndarray | None) -> BaseClusters:
    """Up to 100 k-means clusters of the analysed participants, warm-started from the last run's base clusters."""
    if len(positions) == 0:
        return BaseClusters(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    start = first_distinct(positions, MAX_BASE_CLUSTERS)
    k = len(start)
    if previous_centres is not None and len(previous_centres):
        start = clean_start(positions, previous_centres, k)
    # stop once centres settle (as scikit-learn does: 1e-4 of the data's variance)
    tolerance = 1e-4 * float(positions.var(axis=0).mean())
    centres, labels = kmeans(positions, start, tol=tolerance)
    return BaseClusters(centres=centres, weights=np.bincount(labels, minlength=len(centres)), labels=labels)


def silhouette(points: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette of the points (here: base-cluster centres, one each, as Pol.is scores a clustering).

    s = (b − a) / max(a, b), a the mean distance to the other points of its group, b the least mean distance to
    another group; a point alone in its group scores 0.
    """
    k = int(labels.max()) + 1 if len(labels) else 0
    if k < 2:
        return 0.0
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    members = np.zeros((len(points), k))
    members[np.arange(len(points)), labels] = 1.0
    size = members.sum(axis=0)
    summed = distances @ members
    own_size = size[labels]
    inside = np.divide(
        summed[np.arange(len(points)), labels], own_size - 1, out=np.zeros(len(points)), where=own_size > 1
    )
    other = summed / np.where(size > 0, size, np.inf)[None, :]
    other[np.arange(len(points)), labels] = np.inf
    other[:, size == 0] = np.inf
    nearest = other.min(axis=1)
    denominator = np.maximum(inside, nearest)
    scores = np.divide(nearest - inside, denominator, out=np.zeros(len(points)), where=denominator > 0)
    scores[own_size <= 1] = 0.0
    return float(scores.mean())


def candidate_ks(n_base: int) -> list[int]:
    top = min(MAX_GROUPS, 2 + n_base // 12, n_base)
    return list(range(2, top + 1))


def smooth_k(best_k: int, state: KState, allowed: list[int]) -> KState:
    """Show a new k only once the same k has won K_SWITCH_STREAK consecutive updates."""
    if state.current is None or state.current not in allowed:
        return KState(current=best_k)
    if best_k == state.current:
        return KState(current=state.current)
    streak = state.streak + 1 if best_k == state.candidate else 1
    if streak >= K_SWITCH_STREAK:
        return KState(current=best_k)
    return KState(current=state.current, candidate=best_k, streak=streak)


def _inertia(points: np.ndarray, weights: np.ndarray, centres: np.ndarray, labels: np.ndarray) -> float:
    return float((weights * ((points - centres[labels]) ** 2).sum(axis=1)).sum())


def _partition(base: BaseClusters, k: int, previous: np.ndarray | None) -> tuple[np.ndarray, np.ndarray] | None:
    """Weighted k-means of the base centres into k groups, warm-started from this k's previous centres.

    A k seen for the first time tries two deterministic starts and keeps the tighter result (least weighted
    inertia): Pol.is's first k distinct points, which can all fall in one crowd when participants arrived opinion by
    opinion, and the first point topped up with the points farthest from every start, which spreads over the map.
    """
    if previous is not None and len(previous):
        starts = [clean_start(base.centres, previous, k)]
    else:
        starts = [first_distinct(base.centres, k), clean_start(base.centres, first_distinct(base.centres, 1), k)]
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for start in starts:
        if len(start) < k:
            continue
        centres, labels = kmeans(base.centres, start, weights=base.weights)
        if len(centres) < k:  # a group emptied out: no partition from this start
            continue
        inertia = _inertia(base.centres, base.weights, centres, labels)
        if best is None or inertia < best[0] * (1 - 1e-12):
            best = (inertia, centres, labels)
    return None if best is None else (best[1], best[2])


def _order_groups(centres: np.ndarray, sizes: np.ndarray, previous: np.ndarray | None) -> np.ndarray:
    """New id for each found group: matched to the previous run's groups when possible, so colours stay put;
    otherwise the biggest group first (then left to right)."""
    k = len(centres)
    by_size = sorted(range(k), key=lambda g: (-sizes[g], centres[g][0], centres[g][1]))
    if previous is None or len(previous) == 0:
        order = by_size
    else:
        previous = np.asarray(previous, dtype=np.float64)
        cost = np.sqrt(((centres[:, None, :] - previous[None, :, :]) ** 2).sum(axis=2))
        rows, cols = linear_sum_assignment(cost)
        matched = dict(zip(rows.tolist(), cols.tolist(), strict=True))
        order = sorted(matched, key=lambda g: matched[g]) + [g for g in by_size if g not in matched]
    new_id = np.empty(k, dtype=np.int64)
    new_id[order] = np.arange(k)
    return new_id


def _one_group(base: BaseClusters, state: KState) -> Groups:
    n_base = len(base.centres)
    k = 1 if n_base else 0
    if n_base:
        centres = np.average(base.centres, axis=0, weights=base.weights)[None, :]
        sizes = np.asarray([int(base.weights.sum())], dtype=np.int64)
    else:
        centres, sizes = np.zeros((0, 2)), np.zeros(0, dtype=np.int64)
    return Groups(k, k, {}, np.zeros(n_base, dtype=np.int64), centres, sizes, KState(current=state.current))


def group_clusters(
    base: BaseClusters,
    *,
    state: KState,
    previous_centres: np.ndarray | None,
    previous_clusterings: Mapping[int, np.ndarray] | None = None,
) -> Groups:
    """Group the base clusters, choosing k by silhouette with k-smoothing.

    `previous_clusterings` holds every candidate k's centres from the last run (each k is warm-started from its
    own); `previous_centres` are the groups shown last time, to keep group ids (and colours) on the same groups.
    """
    allowed = candidate_ks(len(base.centres))
    previous_clusterings = previous_clusterings or {}
    partitions: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    silhouettes: dict[int, float] = {}
    for k in allowed:
        found = _partition(base, k, previous_clusterings.get(k))
        if found is not None:
            partitions[k] = found
            silhouettes[k] = silhouette(base.centres, found[1])
    if not partitions:  # zero or one base cluster (or no k could be formed): everybody analysed is in one group
        return _one_group(base, state)
    allowed = sorted(partitions)
    best_k = max(allowed, key=lambda k: (silhouettes[k], -k))
    new_state = smooth_k(best_k, state, allowed)
    k = int(new_state.current)  # type: ignore[arg-type]
    labels = partitions[k][1]
    sizes = np.bincount(labels, weights=base.weights, minlength=k).astype(np.int64)
    centres = np.zeros((k, 2))
    for g in range(k):
        inside = labels == g
        centres[g] = np.average(base.centres[inside], axis=0, weights=base.weights[inside])
    new_id = _order_groups(centres, sizes, previous_centres)
    ordered_centres = np.empty_like(centres)
    ordered_centres[new_id] = centres
    ordered_sizes = np.empty_like(sizes)
    ordered_sizes[new_id] = sizes
    return Groups(
        k=k,
        best_k=best_k,
        silhouettes=silhouettes,
        base_labels=new_id[labels],
        centres=ordered_centres,
        sizes=ordered_sizes,
        k_state=new_state,
        clusterings={k: found[0] for k, found in partitions.items()},
    )
