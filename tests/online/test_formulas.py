"""docs/consensus.md's formulas on cases small enough to work out by hand."""

import json
from math import sqrt

import numpy as np
import pytest
from sklearn.metrics import silhouette_score

from shangliang.online.consensus import VoteLog, build_vote_matrix, choose_next_statement, importance, priority
from shangliang.online.consensus.clustering import (
    BaseClusters,
    KState,
    clean_start,
    first_distinct,
    group_clusters,
    silhouette,
    smooth_k,
)
from shangliang.online.consensus.pca import normalise_signs, project
from shangliang.online.consensus.stats import (
    NEW_STATEMENT_PRIORITY,
    Repness,
    VoteCounts,
    count_votes,
    group_informed_consensus,
    plain_consensus,
    repness,
    representative_statements,
    two_proportion_test,
)

# Statement 100. Group 0 (participants 1-5): agree, agree, agree, disagree, pass -> na 3, nd 1, ns 5.
# Group 1 (participants 6-9): disagree, disagree, pass, pass -> na 0, nd 2, ns 4.
HAND_LOG = VoteLog.from_records(
    [
        (1, 100, 1),
        (2, 100, 1),
        (3, 100, 1),
        (4, 100, -1),
        (5, 100, 0),
        (6, 100, -1),
        (7, 100, -1),
        (8, 100, 0),
        (9, 100, 0),
    ]
)
HAND_LABELS = np.array([0, 0, 0, 0, 0, 1, 1, 1, 1])


@pytest.fixture
def hand() -> tuple[VoteCounts, Repness]:
    counts = count_votes(build_vote_matrix(HAND_LOG), HAND_LABELS, 2)
    return counts, repness(counts)


def test_counts_include_passes_in_the_total(hand):
    counts, _ = hand
    assert counts.agree[:, 0].tolist() == [3, 0]
    assert counts.disagree[:, 0].tolist() == [1, 2]
    assert counts.total[:, 0].tolist() == [5, 4]
    assert counts.passes[:, 0].tolist() == [1, 2]


def test_repness_of_the_first_group_by_hand(hand):
    _, r = hand
    # pa = (3+1)/(5+2), pd = (1+1)/(5+2)
    assert r.pa[0, 0] == pytest.approx(4 / 7, abs=1e-12)
    assert r.pd[0, 0] == pytest.approx(2 / 7, abs=1e-12)
    # pat = 2·sqrt(6)·(4/6 − ½) = sqrt(6)/3, pdt = 2·sqrt(6)·(2/6 − ½) = −sqrt(6)/3
    assert r.pat[0, 0] == pytest.approx(sqrt(6) / 3, abs=1e-12)
    assert r.pdt[0, 0] == pytest.approx(-sqrt(6) / 3, abs=1e-12)
    # ra = (4/7) / ((1+0)/(2+4)) = 24/7, rd = (2/7) / ((1+2)/(2+4)) = 4/7
    assert r.ra[0, 0] == pytest.approx(24 / 7, abs=1e-12)
    assert r.rd[0, 0] == pytest.approx(4 / 7, abs=1e-12)
    # rat: π1 = 4/6, π2 = 1/5, π̂ = 5/11, sqrt(5/11 · 6/11 · (1/6 + 1/5)) = sqrt(1/11) -> (2/3 − 1/5)·sqrt(11)
    assert r.rat[0, 0] == pytest.approx(7 / 15 * sqrt(11), abs=1e-12)
    # rdt: π1 = 2/6, π2 = 3/5, same π̂ -> (1/3 − 3/5)·sqrt(11)
    assert r.rdt[0, 0] == pytest.approx(-4 / 15 * sqrt(11), abs=1e-12)


def test_repness_of_the_second_group_by_hand(hand):
    _, r = hand
    assert r.pa[1, 0] == pytest.approx(1 / 6, abs=1e-12)
    assert r.pd[1, 0] == pytest.approx(1 / 2, abs=1e-12)
    assert r.pat[1, 0] == pytest.approx(2 * sqrt(5) * (1 / 5 - 1 / 2), abs=1e-12)
    assert r.pdt[1, 0] == pytest.approx(2 * sqrt(5) * (3 / 5 - 1 / 2), abs=1e-12)
    assert r.ra[1, 0] == pytest.approx((1 / 6) / (4 / 7), abs=1e-12)
    assert r.rd[1, 0] == pytest.approx((1 / 2) / (2 / 7), abs=1e-12)
    assert r.rat[1, 0] == pytest.approx(-7 / 15 * sqrt(11), abs=1e-12)
    assert r.rdt[1, 0] == pytest.approx(4 / 15 * sqrt(11), abs=1e-12)


def test_two_proportion_test_is_zero_when_everyone_agrees():
    # group 3/3, rest 2/2: with +1 everywhere the pooled share is 1
    assert two_proportion_test(np.array(3.0), np.array(3.0), np.array(2.0), np.array(2.0)) == 0.0


def test_group_informed_consensus_by_hand(hand):
    counts, _ = hand
    agree, disagree = group_informed_consensus(counts)
    assert agree[0] == pytest.approx(4 / 7 * 1 / 6, abs=1e-15)  # Π (A+1)/(S+2)
    assert disagree[0] == pytest.approx(2 / 7 * 3 / 6, abs=1e-15)


def _counts(agree, disagree, total):
    return VoteCounts(np.array(agree), np.array(disagree), np.array(total))


def test_plain_consensus_needs_a_majority_and_significance():
    ids = np.array([1, 2, 3, 4])
    # 1: 9/10 agree (pa 10/12, pat 2·sqrt(11)·(10/11 − ½) = 2.71); 2: 6/10 agree (pat 0.90, not significant);
    # 3: 7/8 agree (pa 0.8, pat 2.33); 4: 5/5 disagree (pd 6/7, pdt sqrt(6))
    found = plain_consensus(np.array([9, 6, 7, 0]), np.array([1, 4, 1, 5]), np.array([10, 10, 8, 5]), ids)
    assert [c.statement_id for c in found["agree"]] == [1, 3]  # pa·pat: 2.26 > 1.87
    assert found["agree"][0].p_success == pytest.approx(10 / 12)
    assert found["agree"][0].p_test == pytest.approx(2 * sqrt(11) * (10 / 11 - 0.5))
    assert [c.statement_id for c in found["disagree"]] == [4]
    assert found["disagree"][0].p_test == pytest.approx(sqrt(6))


def test_plain_consensus_keeps_the_top_five():
    ids = np.arange(8)
    agree = np.array([20, 19, 18, 17, 16, 15, 14, 13])
    found = plain_consensus(agree, np.zeros(8, int), np.full(8, 20), ids)
    assert [c.statement_id for c in found["agree"]] == [0, 1, 2, 3, 4]


def test_representative_statements_best_agree_first_then_by_metric():
    # Two groups of 20 on six statements; group 0 agrees with 0-3 far more than group 1, and rejects 4-5.
    na = np.array([[18, 17, 16, 15, 1, 2], [2, 3, 4, 5, 15, 19]])
    nd = np.array([[1, 2, 3, 4, 18, 17], [17, 16, 15, 14, 4, 0]])
    ns = np.full((2, 6), 20)
    r = repness(VoteCounts(na, nd, ns))
    picked = representative_statements(r, np.array([10, 11, 12, 13, 14, 15]))
    first = picked[0]
    assert first[0].statement_id == 10 and first[0].best_agree and first[0].direction == "agree"
    assert len(first) == 5
    rest = first[1:]
    assert all(not s.best_agree for s in rest)
    assert [s.metric for s in rest] == sorted((s.metric for s in rest), reverse=True)
    for s in first:
        assert s.p_test > 1.2816 and s.repness_test > 1.2816
        assert s.metric == pytest.approx(s.repness * s.repness_test * s.p_success * s.p_test)
    # group 1's best agree statement is 15 (19 of 20 agree, against 2 of 20 in group 0)
    assert picked[1][0].statement_id == 15 and picked[1][0].direction == "agree"


def test_nothing_is_representative_without_significance(hand):
    _, r = hand
    # group 0's agree share 4/7 has pat = sqrt(6)/3 ≈ 0.82 < 1.2816; group 1's pdt = 0.2·sqrt(5) < 1.2816
    assert representative_statements(r, np.array([100])) == [[], []]


def test_importance_and_priority_by_hand():
    # A = 3, P = 1, S = 5, E = 0.5: (1 − 2/7)·1.5·(4/7) = 30/49; newness 1 + 8·2^(−1) = 5
    assert importance(3, 1, 5, 0.5) == pytest.approx(30 / 49, abs=1e-15)
    assert priority(3, 1, 5, 0.5) == pytest.approx((30 / 49 * 5) ** 2, abs=1e-12)
    # an unvoted statement: (½ · 1 · ½ · 9)² = 5.0625
    assert NEW_STATEMENT_PRIORITY == priority(0, 0, 0, 0) == pytest.approx(5.0625, abs=1e-15)


def test_priority_favours_new_statements_over_well_voted_ones():
    assert priority(0, 0, 0, 0) > priority(30, 5, 50, 0.0)
    # well voted: the one further from the centre of the map comes more often
    assert priority(30, 5, 50, 2.0) > priority(30, 5, 50, 0.5)


def test_the_next_statement_is_drawn_in_proportion_to_priority_and_skips_voted_ones():
    ids, weights = ["a", "b", "c", "d"], [1.0, 3.0, 6.0, 100.0]
    rng = np.random.default_rng(7)
    draws = [choose_next_statement(ids, weights, exclude={"d"}, rng=rng) for _ in range(20_000)]
    shares = {s: draws.count(s) / len(draws) for s in "abc"}
    assert "d" not in draws
    assert shares == pytest.approx({"a": 0.1, "b": 0.3, "c": 0.6}, abs=0.015)
    # seeded: the same seed gives the same statement
    assert choose_next_statement(ids, weights, rng=3) == choose_next_statement(ids, weights, rng=3)
    assert choose_next_statement(ids, weights, exclude=ids) is None


def test_k_switches_only_after_four_consecutive_wins():
    allowed = [2, 3, 4]
    state = smooth_k(3, KState(), allowed)
    assert state.current == 3  # the first run adopts its winner
    shown = []
    for best in [4, 4, 2, 4, 4, 4, 4, 3]:
        state = smooth_k(best, state, allowed)
        shown.append(state.current)
    # 4 wins twice, 2 interrupts, then 4 wins four times in a row: shown from the fourth
    assert shown == [3, 3, 3, 3, 3, 3, 4, 4]
    # the shown k is no longer possible (fewer base clusters): the winner is adopted at once
    assert smooth_k(2, KState(current=5), [2, 3]).current == 2


def test_silhouette_scores_each_base_cluster_once_as_scikit_learn_does():
    rng = np.random.default_rng(0)
    centres = np.concatenate([rng.normal(0, 1, (12, 2)), rng.normal(5, 1, (9, 2)), [[20.0, 20.0]]])
    labels = np.array([0] * 12 + [1] * 9 + [2])
    labels[3] = 1
    # a point alone in its group scores 0, as in scikit-learn
    assert silhouette(centres, labels) == pytest.approx(silhouette_score(centres, labels), abs=1e-12)
    assert silhouette(centres, np.zeros(len(centres), dtype=int)) == 0.0


def test_without_a_previous_run_k_means_starts_from_the_first_distinct_points():
    points = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 1.0], [5.0, 5.0], [6.0, 6.0]])
    assert first_distinct(points, 3).tolist() == [[1.0, 1.0], [0.0, 0.0], [5.0, 5.0]]
    assert first_distinct(points, 10).tolist() == [[1.0, 1.0], [0.0, 0.0], [5.0, 5.0], [6.0, 6.0]]


def test_a_warm_start_recentres_merges_and_adds_the_farthest_point():
    points = np.array([[0.0, 0.0], [0.0, 2.0], [10.0, 0.0], [10.0, 2.0]])
    # two previous centres in the same place merge into one, moved to its points' mean; the points farthest from
    # every centre become the new starts
    start = clean_start(points, np.array([[1.0, 1.5], [1.0, 1.5]]), 3)
    assert start.tolist() == [[5.0, 1.0], [0.0, 0.0], [10.0, 0.0]]


def test_each_candidate_k_warm_starts_from_its_own_previous_centres():
    rng = np.random.default_rng(4)
    centres = np.concatenate(
        [rng.normal(-6, 0.4, (15, 2)), rng.normal(6, 0.4, (15, 2)), rng.normal([0, 12], 0.4, (6, 2))]
    )
    base = BaseClusters(centres, np.full(len(centres), 2), np.arange(len(centres)))
    first = group_clusters(base, state=KState(), previous_centres=None)
    assert sorted(first.clusterings) == [2, 3, 4, 5]  # 36 base clusters: k = 2 … min(5, 2 + 36 // 12)
    assert first.k == first.best_k == 3
    assert sorted(first.sizes.tolist()) == [12, 30, 30]
    # started from the last run's centres for each k, k-means stays where it was
    again = group_clusters(
        base, state=first.k_state, previous_centres=first.centres, previous_clusterings=first.clusterings
    )
    for k, found in again.clusterings.items():
        assert found == pytest.approx(first.clusterings[k])
    assert np.array_equal(again.base_labels, first.base_labels)


def test_projection_formula_on_a_small_matrix():
    log = VoteLog.from_records(
        [
            (p, s, v)
            for p, row in enumerate(
                [[1, 1, -1, 0], [1, -1, None, -1], [-1, -1, 1, 1], [0, None, 1, None], [1, 1, -1, -1]]
            )
            for s, v in enumerate(row)
            if v is not None
        ]
    )
    matrix = build_vote_matrix(log)
    projection = project(matrix)
    dense = matrix.dense()
    means = np.nanmean(dense, axis=0)
    centred = np.nan_to_num(dense - means)  # mean-filled, then centred
    counts = (~np.isnan(dense)).sum(axis=1)
    expected = np.sqrt(4 / counts)[:, None] * (centred @ projection.components.T)
    assert projection.means == pytest.approx(means, abs=1e-15)
    assert projection.participant_positions == pytest.approx(expected, abs=1e-12)
    # a statement sits where a participant who agreed with it alone would: sqrt(4/1)·(1 − μⱼ)·pcⱼ
    virtual = np.sqrt(4) * (1 - means)[:, None] * projection.components.T
    assert projection.statement_positions == pytest.approx(virtual, abs=1e-12)
    # and the components are those of the exact SVD
    exact = np.linalg.svd(centred, full_matrices=False)[2][:2]
    for mine, theirs in zip(projection.components, exact, strict=True):
        assert abs(mine @ theirs) == pytest.approx(1.0, abs=1e-9)


def test_signs_are_fixed_by_the_largest_loading_or_by_the_previous_run():
    components = np.array([[0.1, -0.9, 0.3], [0.5, 0.2, -0.1]])
    assert normalise_signs(components).tolist() == [[-0.1, 0.9, -0.3], [0.5, 0.2, -0.1]]
    previous = np.array([[0.1, -0.9, 0.3], [-0.5, -0.2, 0.1]])
    assert normalise_signs(components, previous).tolist() == [[0.1, -0.9, 0.3], [-0.5, -0.2, 0.1]]


def test_result_json_is_plain_json():
    from shangliang.online.consensus import analyse

    result = analyse(HAND_LOG)
    text = json.dumps(result.to_json())
    assert json.loads(text)["statements"]["ids"] == [100]
