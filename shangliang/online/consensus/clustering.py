"""Opinion groups on the map (docs/consensus.md, "Groups").

Two levels, as Pol.is does: up to 100 base clusters of analysed participants (plain k-means), then weighted k-means
of the base-cluster centres for k = 2 … min(5, 2 + n_base // 12), the k with the best silhouette winning. A new k
is only adopted after winning 4 consecutive updates, tracked in `KState` which the caller stores between runs.
Everything is seeded and warm-started from the previous centres, so the same input gives the same groups.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.cluster.vq import vq
from scipy.optimize import linear_sum_assignment

MAX_BASE_CLUSTERS = 100
MAX_GROUPS = 5
K_SWITCH_STREAK = 4  # a new k must win this many consecutive updates before it is shown
GROUP_INITS = 10
SEEDING_SAMPLE = 20_000  # seeded k-means++ restarts per k for the (tiny) group clustering


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


def _assign(points: np.ndarray, centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    labels, distances = vq(points, centres, check_finite=False)
    return labels.astype(np.int64), distances


def kmeans_plus_plus(
    points: np.ndarray,
    k: int,
    rng: np.random.Generator,
    weights: np.ndarray | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """k-means++ seeding (probability ∝ weight × squared distance), continuing from `start` centres if given."""
    w = np.ones(len(points)) if weights is None else weights.astype(np.float64)
    centres = [] if start is None else list(np.asarray(start, dtype=np.float64))
    if not centres:
        centres.append(points[rng.choice(len(points), p=w / w.sum())])
    nearest = _assign(points, np.asarray(centres))[1] ** 2
    while len(centres) < k:
        mass = w * nearest
        total = mass.sum()
        if total <= 0:  # every point already sits on a centre
            break
        chosen = points[rng.choice(len(points), p=mass / total)]
        centres.append(chosen)
        nearest = np.minimum(nearest, ((points - chosen) ** 2).sum(axis=1))
    return np.asarray(centres, dtype=np.float64)


def kmeans(
    points: np.ndarray,
    initial: np.ndarray,
    weights: np.ndarray | None = None,
    max_iter: int = 100,
    tol: float = 0.0,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd's algorithm until no point changes cluster, or the centres move less than `tol` (summed squares).

    Empty clusters keep their previous centre.
    """
    w = np.ones(len(points)) if weights is None else weights.astype(np.float64)
    centres = np.array(initial, dtype=np.float64)
    labels = np.full(len(points), -1, dtype=np.int64)
    for _ in range(max_iter):
        new_labels, _ = _assign(points, centres)
        if np.array_equal(new_labels, labels):
            break
        labels = new_labels
        mass = np.bincount(labels, weights=w, minlength=len(centres))
        filled = mass > 0
        previous = centres.copy()
        for axis in range(points.shape[1]):
            sums = np.bincount(labels, weights=w * points[:, axis], minlength=len(centres))
            centres[filled, axis] = sums[filled] / mass[filled]
        if float(((centres - previous) ** 2).sum()) <= tol:
            break
    labels, distances = _assign(points, centres)
    return centres, labels, float(np.sum(w * distances**2))


def base_clusters(
    positions: np.ndarray,
    *,
    previous_centres: np.ndarray | None,
    rng: np.random.Generator,
    max_clusters: int = MAX_BASE_CLUSTERS,
) -> BaseClusters:
    """Up to 100 k-means clusters of the analysed participants, warm-started from the last run's centres."""
    if len(positions) == 0:
        return BaseClusters(np.zeros((0, 2)), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
    distinct = len(np.unique(positions, axis=0))
    k = min(max_clusters, distinct)
    start = None
    if previous_centres is not None and len(previous_centres):
        start = np.asarray(previous_centres, dtype=np.float64)[:k]
    # seeding looks at a sample: it only has to spread the starting centres, and 100 sequential D² draws over
    # 100,000 points would cost more than the clustering itself
    sample = (
        positions
        if len(positions) <= SEEDING_SAMPLE
        else positions[rng.choice(len(positions), SEEDING_SAMPLE, replace=False)]
    )
    initial = kmeans_plus_plus(sample, k, rng, start=start)
    if len(initial) < k:  # the sample had fewer distinct points than the whole
        initial = kmeans_plus_plus(positions, k, rng, start=initial)
    # stop once centres settle (as scikit-learn does: 1e-4 of the data's variance), at most 50 rounds
    tolerance = 1e-4 * float(positions.var(axis=0).mean())
    centres, labels, _ = kmeans(positions, initial, max_iter=50, tol=tolerance)
    # drop clusters that ended up empty and renumber the rest in order
    counts = np.bincount(labels, minlength=len(centres))
    used = np.flatnonzero(counts)
    renumber = np.full(len(centres), -1, dtype=np.int64)
    renumber[used] = np.arange(len(used))
    return BaseClusters(centres=centres[used], weights=counts[used], labels=renumber[labels])


def weighted_silhouette(points: np.ndarray, labels: np.ndarray, weights: np.ndarray) -> float:
    """Silhouette of the participants, each placed at its base-cluster centre.

    A base cluster of weight w is w coincident points: its distance to its own cluster averages over the other
    w − 1 members too, and a single-participant group scores 0, as in the usual definition.
    """
    k = int(labels.max()) + 1 if len(labels) else 0
    if k < 2:
        return 0.0
    w = weights.astype(np.float64)
    distances = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    members = np.zeros((len(points), k))
    members[np.arange(len(points)), labels] = w
    mass = members.sum(axis=0)  # participants per group
    summed = distances @ members  # Σ_j∈B w_j d(i, j) for each point i and group B
    own = labels
    own_mass = mass[own]
    inside = np.divide(summed[np.arange(len(points)), own], own_mass - 1, out=np.zeros(len(points)), where=own_mass > 1)
    other = summed / np.where(mass > 0, mass, np.inf)[None, :]
    other[np.arange(len(points)), own] = np.inf
    other[:, mass == 0] = np.inf
    nearest = other.min(axis=1)
    denominator = np.maximum(inside, nearest)
    scores = np.divide(nearest - inside, denominator, out=np.zeros(len(points)), where=denominator > 0)
    scores[own_mass <= 1] = 0.0
    return float(np.sum(w * scores) / w.sum())


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


def _best_partition(
    centres: np.ndarray, weights: np.ndarray, k: int, warm: np.ndarray | None, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Lowest-inertia weighted k-means of the base centres over seeded restarts; a warm start wins ties."""
    starts = []
    if warm is not None and len(warm) == k:
        starts.append(np.asarray(warm, dtype=np.float64))
    rng = np.random.default_rng([seed, k])
    starts.extend(kmeans_plus_plus(centres, k, rng, weights=weights) for _ in range(GROUP_INITS))
    best: tuple[float, np.ndarray, np.ndarray] | None = None
    for start in starts:
        if len(start) < k:
            continue
        found, labels, inertia = kmeans(centres, start, weights=weights)
        if len(np.unique(labels)) < k:
            continue
        if best is None or inertia < best[0] * (1 - 1e-9):
            best = (inertia, found, labels)
    if best is None:  # fewer distinct base centres than k: cannot happen for k ≤ n_base, kept as a guard
        labels = np.minimum(np.arange(len(centres)), k - 1)
        return np.asarray([centres[labels == g].mean(axis=0) for g in range(k)]), labels
    return best[1], best[2]


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


def group_clusters(
    base: BaseClusters,
    *,
    state: KState,
    previous_centres: np.ndarray | None,
    seed: int,
) -> Groups:
    """Group the base clusters, choosing k by weighted silhouette with k-smoothing."""
    n_base = len(base.centres)
    allowed = candidate_ks(n_base)
    if not allowed:  # zero or one base cluster: everybody analysed is in one group
        k = 1 if n_base else 0
        labels = np.zeros(n_base, dtype=np.int64)
        centres = base.centres[:1].copy() if n_base else np.zeros((0, 2))
        sizes = base.weights[:1].copy() if n_base else np.zeros(0, dtype=np.int64)
        return Groups(k, k, {}, labels, centres, sizes, KState(current=state.current, candidate=None, streak=0))
    partitions: dict[int, np.ndarray] = {}
    silhouettes: dict[int, float] = {}
    for k in allowed:
        _, labels = _best_partition(base.centres, base.weights, k, previous_centres, seed)
        partitions[k] = labels
        silhouettes[k] = weighted_silhouette(base.centres, labels, base.weights)
    best_k = max(allowed, key=lambda k: (silhouettes[k], -k))
    new_state = smooth_k(best_k, state, allowed)
    k = int(new_state.current)  # type: ignore[arg-type]
    labels = partitions[k]
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
    )
