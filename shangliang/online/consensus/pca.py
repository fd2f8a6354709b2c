"""The opinion map: two principal components of the centred vote matrix, kept sparse (docs/consensus.md, "Projection").

Missing votes take the statement's mean, so after centring every unvoted cell is exactly zero: the centred matrix has
the votes' sparsity pattern and is never densified. The components come from a truncated sparse SVD (ARPACK Lanczos),
optionally warm-started from the previous run's components.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import ArpackNoConvergence, svds

from .votes import VoteMatrix

N_COMPONENTS = 2


@dataclass(frozen=True)
class Projection:
    means: np.ndarray  # μⱼ over observed votes (0 for a statement nobody voted on)
    components: np.ndarray  # (2, n_statements), unit rows, deterministic signs
    singular_values: np.ndarray  # (2,)
    participant_positions: np.ndarray  # (n_participants, 2)
    statement_positions: np.ndarray  # (n_statements, 2): a virtual participant who agreed with that statement alone
    n_statements: int  # statements with at least one vote: the numerator of the sparsity factor


def column_means(matrix: VoteMatrix) -> np.ndarray:
    n_cols = matrix.shape[1]
    counts = np.bincount(matrix.indices, minlength=n_cols)
    sums = np.bincount(matrix.indices, weights=matrix.values, minlength=n_cols)
    return np.divide(sums, counts, out=np.zeros(n_cols), where=counts > 0)


def centred(matrix: VoteMatrix, means: np.ndarray) -> sp.csr_matrix:
    """vᵢⱼ − μⱼ on voted cells, nothing elsewhere: the mean-filled, centred matrix, exactly as sparse as the votes."""
    return matrix.csr(matrix.values.astype(np.float64) - means[matrix.indices])


def _dense_top(centred_matrix: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    _, s, vt = np.linalg.svd(centred_matrix.toarray(), full_matrices=False)
    return vt[:N_COMPONENTS], s[:N_COMPONENTS]


def _start_vector(centred_matrix: sp.csr_matrix, warm: np.ndarray | None, rng: np.random.Generator) -> np.ndarray:
    """ARPACK's starting vector: the previous components when there are some, a seeded random one otherwise.

    ARPACK iterates on the smaller side of the matrix, so a statement-side warm start is carried to the participant
    side when there are fewer participants than statements.
    """
    n_rows, n_cols = centred_matrix.shape
    noise = rng.standard_normal(min(n_rows, n_cols))
    if warm is None or not np.any(warm):
        return noise
    guess = warm[0] + 0.5 * warm[1]
    if n_rows < n_cols:
        guess = centred_matrix @ guess
    scale = np.linalg.norm(guess)
    if scale == 0:
        return noise
    # a little noise keeps the start from being orthogonal to a component that is new since the last run
    return guess / scale + 1e-3 * noise / np.linalg.norm(noise)


def principal_components(
    centred_matrix: sp.csr_matrix,
    *,
    warm_start: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """Top two right singular vectors (rows) and singular values of the centred matrix, largest first.

    Zero rows are returned for components the matrix does not have (fewer than two statements or participants, or
    no variation at all).
    """
    n_rows, n_cols = centred_matrix.shape
    components = np.zeros((N_COMPONENTS, n_cols))
    values = np.zeros(N_COMPONENTS)
    if n_rows == 0 or n_cols == 0 or not np.any(centred_matrix.data):
        return components, values
    if min(n_rows, n_cols) <= N_COMPONENTS + 1:
        # ARPACK needs k < min(shape); a matrix this thin is tiny on one side, so dense is exact and cheap.
        top, s = _dense_top(centred_matrix)
    else:
        v0 = _start_vector(centred_matrix, warm_start, np.random.default_rng(seed))
        try:
            _, s, vt = svds(centred_matrix, k=N_COMPONENTS, v0=v0, solver="arpack")
        except ArpackNoConvergence:
            if n_rows * n_cols > 50_000_000:
                raise
            top, s = _dense_top(centred_matrix)
        else:
            order = np.argsort(-s, kind="stable")
            top, s = vt[order], s[order]
    count = min(len(s), N_COMPONENTS)
    components[:count] = top[:count]
    values[:count] = s[:count]
    # a numerically zero singular value has no direction worth drawing
    tiny = values <= max(values[0], 1.0) * 1e-12
    components[tiny] = 0.0
    values[tiny] = 0.0
    return components, values


def normalise_signs(components: np.ndarray, previous: np.ndarray | None = None) -> np.ndarray:
    """Fix each component's sign, which an SVD leaves arbitrary.

    With a previous result, keep the map from flipping between runs (positive overlap with the previous component);
    otherwise make the largest-magnitude loading positive (first one on ties), which depends only on the matrix.
    """
    out = components.copy()
    for i, row in enumerate(out):
        if not np.any(row):
            continue
        if previous is not None:
            overlap = float(row @ previous[i])
            if abs(overlap) > 1e-6:
                if overlap < 0:
                    out[i] = -row
                continue
        if row[int(np.argmax(np.abs(row)))] < 0:
            out[i] = -row
    return out


def align_previous(
    previous_ids: np.ndarray | None, previous_components: np.ndarray | None, statement_ids: np.ndarray
) -> np.ndarray | None:
    """The previous run's components laid out on this run's statements (zeros for new statements)."""
    if previous_ids is None or previous_components is None or len(previous_ids) == 0 or len(statement_ids) == 0:
        return None
    previous_ids = np.asarray(previous_ids)
    aligned = np.zeros((N_COMPONENTS, len(statement_ids)))
    try:
        order = np.argsort(previous_ids, kind="stable")
        ranked = previous_ids[order]
        where = np.searchsorted(ranked, statement_ids)
    except TypeError:  # ids changed type between runs: start cold
        return None
    where = np.clip(where, 0, len(ranked) - 1)
    found = ranked[where] == statement_ids
    aligned[:, found] = np.asarray(previous_components)[:, order[where[found]]]
    return aligned if np.any(aligned) else None


def project(
    matrix: VoteMatrix,
    *,
    previous_components: np.ndarray | None = None,
    seed: int = 0,
) -> Projection:
    """Means, components and the positions of participants and statements."""
    means = column_means(matrix)
    centred_matrix = centred(matrix, means)
    raw, values = principal_components(centred_matrix, warm_start=previous_components, seed=seed)
    components = normalise_signs(raw, previous_components)
    n_statements = int(np.count_nonzero(matrix.votes_per_statement()))
    n_votes = matrix.votes_per_participant()
    # sqrt(n_statements / nᵢ): a participant who voted on few statements is not pulled into the centre
    scale = np.sqrt(n_statements / np.maximum(n_votes, 1))
    participants = (centred_matrix @ components.T) * scale[:, None]
    statements = components.T * ((1.0 - means) * np.sqrt(n_statements))[:, None]
    return Projection(
        means=means,
        components=components,
        singular_values=values,
        participant_positions=participants,
        statement_positions=statements,
        n_statements=n_statements,
    )
