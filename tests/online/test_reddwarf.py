"""Cross-checks against red-dwarf (MPL-2.0, a dense Python reimplementation of Pol.is; test-only dependency) on
the steps both implement: the PCA projection with its sparsity scaling, the per-group statistics, group-informed
consensus, plain consensus and the comment priority. Both run on the same real vote matrices."""

import warnings

import numpy as np
import pandas as pd
import pytest

from shangliang.online.consensus import build_vote_matrix

from .conftest import analysed, cosine, load

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    reddwarf = pytest.importorskip("reddwarf", reason="red-dwarf is in the dev dependency group only")
    from reddwarf.utils.consensus import select_consensus_statements
    from reddwarf.utils.reducer.base import run_reducer
    from reddwarf.utils.stats import calculate_comment_statistics_dataframes, priority_metric


def vote_frame(name, rows=None):
    """The analysed vote matrix as red-dwarf wants it: participants × statements, NaN where nobody voted."""
    export = load(name)
    matrix = build_vote_matrix(export.votes, moderated_out=export.moderated_out)
    frame = pd.DataFrame(
        matrix.dense(),
        index=pd.Index(matrix.participant_ids, name="participant_id"),
        columns=pd.Index(matrix.statement_ids, name="statement_id"),
    )
    return frame if rows is None else frame.iloc[rows]


@pytest.fixture
def pair(conversation):
    return conversation, analysed(conversation)


def test_pca_projection_matches_red_dwarf(pair):
    name, ours = pair
    frame = vote_frame(name)
    participants, statements, pca = run_reducer(vote_matrix=frame.values, n_components=2)
    assert np.allclose(pca.mean_, ours.means, atol=1e-12)
    for i in range(2):
        assert cosine(pca.components_[i], ours.components[i]) >= 0.9999
        sign = np.sign(pca.components_[i] @ ours.components[i])
        scale = np.abs(participants[:, i]).max()
        assert np.abs(sign * participants[:, i] - ours.participant_positions[:, i]).max() <= 1e-6 * scale
        assert np.abs(sign * statements[:, i] - ours.statement_positions[:, i]).max() <= 1e-6 * scale


def test_group_statistics_and_consensus_match_red_dwarf(pair):
    name, ours = pair
    rows = np.flatnonzero(ours.analysed)
    frame = vote_frame(name, rows)
    stats, gac = calculate_comment_statistics_dataframes(frame, cluster_labels=ours.participant_groups[rows])
    for name in ("na", "nd", "ns", "pa", "pd", "pat", "pdt", "ra", "rd", "rat", "rdt"):
        theirs = stats[name].to_numpy().reshape(ours.k, -1)  # (group, statement) order
        assert np.allclose(theirs, getattr(ours.repness, name), rtol=1e-12, atol=1e-12), name
    assert np.allclose(gac["group-aware-consensus-agree"].to_numpy(), ours.gac_agree, rtol=1e-12, atol=0)
    assert np.allclose(gac["group-aware-consensus-disagree"].to_numpy(), ours.gac_disagree, rtol=1e-12, atol=0)


def test_plain_consensus_matches_red_dwarf(pair):
    name, ours = pair
    theirs = select_consensus_statements(vote_frame(name), pick_max=5, confidence=0.9)
    for direction in ("agree", "disagree"):
        mine = ours.consensus[direction]
        assert len(theirs[direction]) == len(mine)
        for a, b in zip(theirs[direction], mine, strict=True):
            # exact ties (london.youth.policing has two statements with 19 agree of 22) may come in either order
            assert a["tid"] == b.statement_id or a["p-success"] * a["p-test"] == pytest.approx(b.p_success * b.p_test)
            assert a["p-success"] * a["p-test"] == pytest.approx(b.p_success * b.p_test, rel=1e-12)


def test_priority_matches_red_dwarf(pair):
    _, ours = pair
    counts = ours.group_counts
    agree, disagree, total = (x.sum(axis=0) for x in (counts.agree, counts.disagree, counts.total))
    theirs = priority_metric(
        is_meta=np.zeros(len(agree), dtype=bool),
        n_agree=agree,
        n_disagree=disagree,
        n_total=total,
        extremity=ours.extremity,
    )
    assert np.allclose(theirs, ours.priority, rtol=1e-12, atol=0)
