"""Which votes count, and who is analysed: docs/consensus.md "Votes" and "Who is analysed", on hand-made logs."""

import numpy as np
import pytest

from shangliang.online.consensus import VoteLog, analyse, analysed_participants, build_vote_matrix


def cells(matrix):
    rows = matrix.row_of_each_vote()
    return {
        (matrix.participant_ids[r].item(), matrix.statement_ids[c].item()): int(v)
        for r, c, v in zip(rows, matrix.indices, matrix.values, strict=True)
    }


def test_latest_vote_wins_by_timestamp_whatever_the_array_order():
    log = VoteLog.from_records(
        [
            (1, 10, 1, 300),  # latest for (1, 10)
            (1, 10, -1, 100),
            (1, 11, 0, 200),
            (2, 10, -1, 50),
            (2, 10, 1, 50),  # same time: the later row wins
        ]
    )
    assert cells(build_vote_matrix(log)) == {(1, 10): 1, (1, 11): 0, (2, 10): 1}


def test_without_timestamps_array_order_is_time_order():
    log = VoteLog.from_records([(1, 10, 1), (1, 10, -1), (2, 10, 0), (1, 10, 0), (2, 10, 1)])
    assert cells(build_vote_matrix(log)) == {(1, 10): 0, (2, 10): 1}


def test_a_pass_is_a_vote_not_a_missing_cell():
    matrix = build_vote_matrix(VoteLog.from_records([(1, 10, 0), (1, 11, 0), (2, 10, 1)]))
    assert matrix.n_votes == 3
    assert matrix.votes_per_participant().tolist() == [2, 1]
    assert np.isnan(matrix.dense()[1, 1])  # participant 2 never saw statement 11
    assert matrix.dense()[0, 1] == 0


def test_string_ids_and_large_integer_ids_work():
    log = VoteLog.from_records([("alice", "s2", 1), ("bob", "s1", -1), ("alice", "s1", 0)])
    assert cells(build_vote_matrix(log)) == {("alice", "s1"): 0, ("alice", "s2"): 1, ("bob", "s1"): -1}
    big = VoteLog.from_records([(10**15, 7, 1), (3, 10**12, -1)])
    assert cells(build_vote_matrix(big)) == {(10**15, 7): 1, (3, 10**12): -1}


def test_moderated_out_statements_leave_the_analysis_entirely():
    log = VoteLog.from_records([(1, 10, 1), (1, 12, -1), (2, 12, 1), (2, 11, 0), (3, 12, 1)])
    matrix = build_vote_matrix(log, moderated_out=[12])
    assert matrix.statement_ids.tolist() == [10, 11]
    assert matrix.participant_ids.tolist() == [1, 2]  # participant 3 only voted on the removed statement
    assert cells(matrix) == {(1, 10): 1, (2, 11): 0}

    result = analyse(log, moderated_out=[12], statement_ids=[10, 11, 12, 13])
    assert result.statement_ids.tolist() == [10, 11, 13]  # 13 exists, unvoted; 12 is gone
    assert len(result.gac_agree) == len(result.priority) == 3
    assert 12 not in result.to_json()["statements"]["ids"]


def test_declared_statements_without_votes_are_empty_columns():
    matrix = build_vote_matrix(VoteLog.from_records([(1, 5, 1)]), statement_ids=[9, 5, 7])
    assert matrix.statement_ids.tolist() == [5, 7, 9]
    assert cells(matrix) == {(1, 5): 1}


def test_votes_outside_minus_one_to_one_are_refused():
    with pytest.raises(ValueError, match="投票值必须是 -1、0 或 1"):
        VoteLog.from_records([(1, 1, 2)])


def _log_with_vote_counts(counts, n_statements):
    return VoteLog.from_records(
        [(pid, s, 1) for pid, c in enumerate(counts) for s in range(c)] + [(99, s, 0) for s in range(n_statements)]
    )


def test_participants_with_seven_votes_are_analysed():
    # participant 99 votes on all 10 statements; 0..15 have 7 or 8 votes; 16..19 have 6
    counts = [7] * 8 + [8] * 8 + [6] * 4
    matrix = build_vote_matrix(_log_with_vote_counts(counts, 10))
    mask = analysed_participants(matrix)
    analysed_ids = set(matrix.participant_ids[mask].tolist())
    assert analysed_ids == set(range(16)) | {99}


def test_the_threshold_is_the_number_of_statements_when_there_are_fewer_than_seven():
    counts = [3] * 16 + [2] * 4
    matrix = build_vote_matrix(_log_with_vote_counts(counts, 3))
    analysed_ids = set(matrix.participant_ids[analysed_participants(matrix)].tolist())
    assert analysed_ids == set(range(16)) | {99}


def test_the_most_active_voters_top_the_group_up_to_fifteen():
    # 10 statements: participants 0-4 qualify (≥ 7 votes); then 6, 6, 6, 5, 5, 4, 4, 4, 4 votes (ids 5-13) and
    # two with 3 votes (ids 14, 15): the tie for the 15th place goes to the lower id.
    counts = [10, 9, 8, 7, 7, 6, 6, 6, 5, 5, 4, 4, 4, 4, 3, 3, 2, 1, 1]
    log = VoteLog.from_records([(pid, s, 1) for pid, c in enumerate(counts) for s in range(c)])
    matrix = build_vote_matrix(log)
    analysed_ids = matrix.participant_ids[analysed_participants(matrix)].tolist()
    assert analysed_ids == list(range(15))


def test_everybody_who_voted_is_analysed_in_a_small_room():
    log = VoteLog.from_records([(1, 1, 1), (2, 1, -1), (2, 2, 1), (3, 2, 0)])
    assert analysed_participants(build_vote_matrix(log)).all()
