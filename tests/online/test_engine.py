"""The whole analysis on synthetic conversations: planted groups are found, state carries over, edge cases hold."""

import json

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from shangliang.online.consensus import AnalysisState, VoteLog, analyse
from shangliang.online.consensus.synthetic import adjusted_rand_index, planted_conversation


@pytest.fixture(scope="module")
def planted():
    return planted_conversation(12_000, 400, 60, group_shares=(0.6, 0.4), seed=3)


def test_planted_groups_are_found(planted):
    result = analyse(planted.votes)
    truth = planted.planted_groups[result.participant_ids[result.analysed]]
    found = result.participant_groups[result.analysed]
    assert result.k == 2
    assert adjusted_rand_score(truth, found) > 0.95
    assert (result.participant_groups[~result.analysed] == -1).all()
    # the largest group is group 0
    assert result.group_sizes[0] >= result.group_sizes[1]


def test_common_ground_is_what_every_planted_group_leans_to(planted):
    result = analyse(planted.votes)
    top = result.statement_ids[np.argsort(-result.gac_agree)[: len(planted.common_ground)]]
    assert set(top.tolist()) == set(planted.common_ground.tolist())
    assert {c.statement_id for c in result.consensus["agree"]} <= set(planted.common_ground.tolist())
    divisive = {d.statement_id for d in result.divisive}
    assert not divisive & set(planted.common_ground.tolist())
    for group in result.representative:
        assert group and group[0].best_agree


def test_the_same_votes_in_another_order_give_the_same_result(planted):
    log = planted.votes
    order = np.random.default_rng(5).permutation(len(log))
    timestamps = np.arange(len(log))  # each vote its own time, so the shuffle changes only the arrival order
    first = analyse(VoteLog(log.participant_ids, log.statement_ids, log.values, timestamps))
    shuffled = analyse(
        VoteLog(log.participant_ids[order], log.statement_ids[order], log.values[order], timestamps[order])
    )
    assert np.array_equal(first.participant_groups, shuffled.participant_groups)
    assert np.array_equal(first.components, shuffled.components)


def test_warm_start_keeps_groups_and_their_ids(planted):
    log = planted.votes
    half = len(log) // 2
    early = analyse(VoteLog(log.participant_ids[:half], log.statement_ids[:half], log.values[:half]))
    stored = json.loads(json.dumps(early.state.to_json()))
    later = analyse(log, previous_state=stored)
    cold = analyse(log)
    both = later.analysed & cold.analysed
    assert adjusted_rand_index(later.participant_groups[both], cold.participant_groups[both]) > 0.95
    # the group ids follow the groups: each later centre is nearest the earlier centre with the same id
    for g, centre in enumerate(later.group_centres):
        assert np.argmin(np.linalg.norm(early.group_centres - centre, axis=1)) == g
    # and the map does not flip: the components keep their orientation
    shared = np.isin(later.statement_ids, early.statement_ids)
    assert (
        np.sum(
            later.components[:, shared] * early.components[:, np.isin(early.statement_ids, later.statement_ids)], axis=1
        )
        > 0
    ).all()


def test_state_round_trips_through_json_and_bad_state_means_cold_start(planted):
    result = analyse(planted.votes)
    state = result.state.to_json()
    assert AnalysisState.from_json(json.dumps(state)) == result.state
    assert set(state) == {
        "version",
        "statement_ids",
        "components",
        "base_centres",
        "group_centres",
        "clusterings",
        "k",
        "k_candidate",
        "k_candidate_streak",
    }
    short = {"version": 2, "components": [[1.0]], "statement_ids": [1, 2]}
    for bad in (None, "not json", {"version": 999}, {"version": 1}, short):
        assert AnalysisState.from_json(bad) == AnalysisState()
    assert analyse(planted.votes, previous_state="garbage").k == result.k


def test_our_adjusted_rand_index_matches_scikit_learn():
    rng = np.random.default_rng(1)
    a, b = rng.integers(0, 3, 200), rng.integers(0, 4, 200)
    b[:120] = a[:120]
    assert adjusted_rand_index(a, b) == pytest.approx(adjusted_rand_score(a, b), abs=1e-12)


@pytest.mark.parametrize(
    "records",
    [
        [],
        [(1, 1, 1)],
        [(1, 1, 1), (2, 1, 1), (3, 1, -1)],  # one statement
        [(p, s, 1) for p in range(30) for s in range(5)],  # everybody agrees on everything: no variation
        [(p, s, (p + s) % 3 - 1) for p in range(3) for s in range(20)],  # three participants
    ],
)
def test_degenerate_conversations_do_not_break(records):
    result = analyse(records, statement_ids=[1, 2, 3])
    data = json.loads(json.dumps(result.to_json()))
    assert data["n_votes"] == len({(p, s) for p, s, _ in records})
    assert np.isfinite(result.participant_positions).all()
    assert np.isfinite(result.priority).all()
    assert result.k <= max(result.n_analysed, 0)
    choice = result.next_statement(voted=[1])
    assert choice is None or choice != 1
