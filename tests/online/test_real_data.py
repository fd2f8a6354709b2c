"""The three real Pol.is conversations: the method's correctness checks against Pol.is's own output.

What the exports can check: participants-votes.csv is Pol.is's latest-vote matrix and the group it showed each
participant; comments.csv counts every vote row. These three exports predate Pol.is's `group-informed-consensus`
column in comments.csv, so GAC is recomputed from the exported group ids two independent ways and compared; the
comparison with the exported value runs when an export has that column.
"""

import csv
from collections import Counter

import numpy as np
import pytest

from shangliang.online.consensus import VoteLog, analyse, build_vote_matrix
from shangliang.online.consensus.replay import replay
from shangliang.online.consensus.stats import count_votes, group_informed_consensus
from shangliang.online.consensus.synthetic import adjusted_rand_index

from .conftest import CONVERSATIONS, analysed, cosine, load, require_conversation, wide


def active_matrix(name):
    export = load(name)
    return build_vote_matrix(export.votes, moderated_out=export.moderated_out)


def test_latest_votes_equal_pol_is_own_vote_matrix(conversation):
    matrix = active_matrix(conversation)
    reference = wide(conversation)
    active = set(matrix.statement_ids.tolist())
    expected = {cell: vote for cell, vote in reference.votes.items() if cell[1] in active}
    rows = matrix.row_of_each_vote()
    mine = {
        (int(matrix.participant_ids[r]), int(matrix.statement_ids[c])): int(v)
        for r, c, v in zip(rows, matrix.indices, matrix.values, strict=True)
    }
    assert mine == expected


def test_comment_counts_are_every_vote_row_re_votes_included(conversation):
    export = load(conversation)
    agrees = Counter(export.votes.statement_ids[export.votes.values == 1].tolist())
    disagrees = Counter(export.votes.statement_ids[export.votes.values == -1].tolist())
    with (require_conversation(conversation) / "comments.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            sid = int(row["comment-id"])
            assert (int(row["agrees"]), int(row["disagrees"])) == (agrees[sid], disagrees[sid])


def _gac_by_hand(name, statements):
    """Π over Pol.is's groups of (A+1)/(S+2), straight from participants-votes.csv: every participant with a
    group id counts, passes are in S."""
    reference = wide(name)
    group_ids = sorted(set(reference.groups.values()))
    agree = {g: Counter() for g in group_ids}
    seen = {g: Counter() for g in group_ids}
    for (pid, sid), vote in reference.votes.items():
        if pid in reference.groups:
            seen[reference.groups[pid]][sid] += 1
            agree[reference.groups[pid]][sid] += vote == 1
    gac = {}
    for sid in statements:
        value = 1.0
        for g in group_ids:
            value *= (agree[g][sid] + 1) / (seen[g][sid] + 2)
        gac[sid] = value
    return gac


def test_group_informed_consensus_from_the_exported_groups(conversation):
    matrix = active_matrix(conversation)
    reference = wide(conversation)
    labels = np.array([reference.groups.get(int(p), -1) for p in matrix.participant_ids])
    counts = count_votes(matrix, labels, int(labels.max()) + 1)
    gac, _ = group_informed_consensus(counts)
    by_hand = _gac_by_hand(conversation, matrix.statement_ids.tolist())
    errors = [abs(gac[i] - by_hand[int(s)]) for i, s in enumerate(matrix.statement_ids)]
    print(f"{conversation}: max |GAC(engine) − GAC(by hand)| = {max(errors):.2e} over {len(errors)} statements")
    assert max(errors) <= 1e-12


def test_group_informed_consensus_equals_the_exported_column(conversation):
    export = load(conversation)
    exported = {s.statement_id: s.exported_gac for s in export.statements if s.exported_gac is not None}
    if not exported:
        pytest.skip(
            f"{conversation}/comments.csv has no group-informed-consensus column (an older Pol.is export); "
            "GAC is checked against the exported group ids instead"
        )
    by_hand = _gac_by_hand(conversation, list(exported))
    assert max(abs(by_hand[s] - v) for s, v in exported.items()) <= 1e-12


def _dense_reference(name):
    """The mean-filled, centred matrix built straight from participants-votes.csv (not from our CSR)."""
    export = load(name)
    reference = wide(name)
    out = set(export.moderated_out)
    statements = sorted({s for _, s in reference.votes if s not in out})
    participants = sorted({p for p, s in reference.votes if s not in out})
    column = {s: j for j, s in enumerate(statements)}
    row = {p: i for i, p in enumerate(participants)}
    dense = np.full((len(participants), len(statements)), np.nan)
    for (p, s), v in reference.votes.items():
        if s not in out:
            dense[row[p], column[s]] = v
    means = np.nanmean(dense, axis=0)
    return participants, statements, dense, np.nan_to_num(dense - means)


def test_components_agree_with_an_exact_dense_svd(conversation):
    participants, statements, dense, centred = _dense_reference(conversation)
    result = analysed(conversation)
    assert result.participant_ids.tolist() == participants
    columns = np.searchsorted(result.statement_ids, statements)
    exact = np.linalg.svd(centred, full_matrices=False)[2][:2]
    cosines = [cosine(result.components[i, columns], exact[i]) for i in range(2)]
    print(f"{conversation}: 1 − |cos| with the exact SVD = {1 - cosines[0]:.1e}, {1 - cosines[1]:.1e}")
    assert min(cosines) >= 0.9999
    # and the positions follow the formula on that dense matrix
    signs = np.sign(np.sum(result.components[:, columns] * exact, axis=1))
    counts = (~np.isnan(dense)).sum(axis=1)
    expected = np.sqrt(len(statements) / counts)[:, None] * (centred @ (exact * signs[:, None]).T)
    scale = np.abs(expected).max()
    assert np.abs(result.participant_positions - expected).max() <= 1e-4 * scale


def _replay(name, order, batches, seed=0):
    """Votes arriving in `order`, the analysis rerun after each batch with the previous state, as the room will."""
    export = load(name)
    log = export.votes
    state = None
    result = None
    for end in np.linspace(0, len(order), batches + 1).astype(int)[1:]:
        idx = order[:end]
        part = VoteLog(log.participant_ids[idx], log.statement_ids[idx], log.values[idx], log.timestamps[idx])
        result = analyse(part, moderated_out=export.moderated_out, previous_state=state, seed=seed)
        state = result.state
    return result


def test_groups_do_not_depend_on_the_order_of_the_vote_log(conversation):
    export = load(conversation)
    log = export.votes
    order = np.random.default_rng(11).permutation(len(log))
    shuffled = VoteLog(log.participant_ids[order], log.statement_ids[order], log.values[order], log.timestamps[order])
    result = analyse(shuffled, moderated_out=export.moderated_out, statement_ids=export.statement_ids)
    reference = analysed(conversation)
    ari = adjusted_rand_index(reference.participant_groups, result.participant_groups)
    print(f"{conversation}: ARI, same votes analysed from a shuffled log = {ari:.3f}")
    assert ari == 1.0
    assert np.array_equal(reference.participant_groups, result.participant_groups)


# Measured with this protocol (20 updates; arrival in time order against two seeded random orders), ARI over the
# participants analysed in both: vtaiwan.uberx 0.947 and 0.918; brexit-consensus 0.555 and 0.540 (k 2 in time order,
# 3 in both random orders); london.youth.policing 0.891 and 0.326 (k 3, then 3 and 2). The runs are seeded, so these
# repeat exactly. Warm starts make groups depend on the path the votes took, as Pol.is's do: on a conversation of 24
# analysed participants whose silhouettes for k = 2, 3 and 4 lie within 0.06, another arrival order settles on
# another k, and partitions with different k cannot agree closely.
INCREMENTAL_ARI_FLOOR = {"vtaiwan.uberx": 0.9, "brexit-consensus": 0.5, "london.youth.policing": 0.3}


def test_groups_are_stable_when_votes_arrive_in_another_order(conversation):
    log = load(conversation).votes
    in_time = _replay(conversation, np.argsort(log.timestamps, kind="stable"), 20)
    scores = []
    for seed in (1, 2):
        shuffled = _replay(conversation, np.random.default_rng(seed).permutation(len(log)), 20)
        both = in_time.analysed & shuffled.analysed
        scores.append(adjusted_rand_index(in_time.participant_groups[both], shuffled.participant_groups[both]))
        print(f"{conversation}: k {in_time.k} (time order) vs {shuffled.k} (shuffled {seed}), ARI {scores[-1]:.3f}")
    assert min(scores) >= INCREMENTAL_ARI_FLOOR[conversation]


@pytest.mark.parametrize("name", CONVERSATIONS)
def test_representative_statements_are_significant_and_ranked(name):
    require_conversation(name)
    result = analysed(name)
    for group in result.representative:
        assert len(group) <= 5
        for statement in group:
            assert statement.p_test > 1.2816 and statement.repness_test > 1.2816
        rest = [s.metric for s in group if not s.best_agree]
        assert rest == sorted(rest, reverse=True)


def test_replayed_in_arrival_order_the_number_of_groups_is_the_one_pol_is_published(conversation):
    """Votes fed in time order in 20 updates, each warm-started from the last (engine.replay), settle on the k that
    Pol.is showed (the distinct group ids of participants-votes.csv). A cold start need not: it reports the
    silhouettes it chose on. Measured (README): replayed 3 of 3 (also with 10 and 50 updates), cold 1 of 3."""
    export = load(conversation)
    published = len(set(wide(conversation).groups.values()))
    result, updates = replay(export.votes, updates=20, moderated_out=export.moderated_out)
    cold = analysed(conversation)
    winners = "".join(str(u.best_k) for u in updates)
    silhouettes = ", ".join(f"{k}: {s:.3f}" for k, s in cold.silhouettes.items())
    print(f"{conversation}: published k {published}; replayed {result.k} ({winners}); cold {cold.k} ({silhouettes})")
    assert result.k == published
    assert len(updates) == 20 and updates[-1].votes == len(export.votes)
    assert sorted(cold.silhouettes) == list(range(2, 2 + len(cold.silhouettes)))
    assert cold.k == cold.best_k == max(cold.silhouettes, key=cold.silhouettes.get)
