"""Import and export in the Pol.is open-data CSV format; malformed rows are reported by line and change nothing."""

import numpy as np
import pytest

from shangliang.online.consensus import (
    PolisExportError,
    analyse,
    build_vote_matrix,
    load_polis_export,
    write_polis_export,
)

from .conftest import load

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1000,x,0,1,0,0,1,第一条\n"
    '1001,x,1,1,0,0,1,"第二条，\n跨两行"\n'
    "1002,x,2,2,0,0,-1,被隐藏的一条\n"
)
VOTES = "timestamp,datetime,comment-id,voter-id,vote\n"


def write(folder, comments=COMMENTS, votes=VOTES):
    folder.mkdir(exist_ok=True)
    (folder / "comments.csv").write_text(comments, encoding="utf-8")
    (folder / "votes.csv").write_text(votes, encoding="utf-8")
    return folder


def test_a_good_export_loads(tmp_path):
    folder = write(tmp_path / "ok", votes=VOTES + "2000,x,0,7,1\n2001,x,1,7,-1\n2002,x,2,8,0\n2003,x,0,7,0\n")
    export = load_polis_export(folder)
    assert export.statement_ids == [0, 1, 2]
    assert export.moderated_out == [2]
    assert export.statements[1].body == "第二条，\n跨两行"
    assert len(export.votes) == 4
    result = export.analyse()
    assert result.statement_ids.tolist() == [0, 1]
    assert result.statement_counts.total.tolist() == [1, 1]  # participant 7 re-voted on 0; 8 only voted on 2


def test_malformed_vote_rows_are_reported_with_their_line_numbers(tmp_path):
    votes = VOTES + (
        "2000,x,0,7,1\n"  # line 2: fine
        "2001,x,0,8,2\n"  # line 3: bad vote
        "2002,x,0,abc,1\n"  # line 4: bad voter
        "2003,x,9,7,1\n"  # line 5: unknown comment
        "2004,x,0,7\n"  # line 6: a column short
        "later,x,1,7,1\n"  # line 7: bad timestamp
    )
    with pytest.raises(PolisExportError) as caught:
        load_polis_export(write(tmp_path / "bad", votes=votes))
    errors = caught.value.errors
    assert [(e.file, e.line) for e in errors] == [("votes.csv", n) for n in (3, 4, 5, 6, 7)]
    message = str(caught.value)
    assert "votes.csv 第 3 行：投票值必须是 -1、0 或 1（vote must be -1, 0 or 1）" in message
    assert "第 4 行：voter-id 必须是非负整数" in message
    assert "第 5 行：comment-id 9 不在 comments.csv 中" in message
    assert "第 6 行：列数不对：应为 5 列，实为 4 列" in message
    assert "第 7 行：timestamp 必须是整数（毫秒）" in message


def test_malformed_comment_rows_count_lines_after_a_multi_line_body(tmp_path):
    comments = COMMENTS + "1003,x,1,3,0,0,1,重复的编号\n1004,x,4,3,0,0,7,\n"
    with pytest.raises(PolisExportError) as caught:
        load_polis_export(write(tmp_path / "bad", comments=comments))
    found = [(e.line, e.message_zh) for e in caught.value.errors]
    # the body on lines 3-4 spans two lines, so the duplicate is on line 6 and the last row on line 7
    assert found == [
        (6, "comment-id 1 与第 3 行重复"),
        (7, "moderated 必须是 -1、0 或 1"),
        (7, "评论内容为空"),
    ]


def test_missing_files_and_columns_are_named(tmp_path):
    folder = tmp_path / "partial"
    folder.mkdir()
    (folder / "comments.csv").write_text("comment-id,comment-body\n1,x\n", encoding="utf-8")
    with pytest.raises(PolisExportError) as caught:
        load_polis_export(folder)
    text = str(caught.value)
    assert "comments.csv 第 1 行：表头缺少列：moderated" in text
    assert "votes.csv：缺少文件 votes.csv" in text
    with pytest.raises(PolisExportError, match="文件夹不存在"):
        load_polis_export(tmp_path / "nowhere")


def test_export_round_trip_keeps_the_analysis_and_drops_hidden_statements(tmp_path, conversation):
    original = load(conversation)
    write_polis_export(tmp_path, statements=original.statements, votes=original.votes)
    again = load_polis_export(tmp_path)
    assert again.moderated_out == []  # hidden statements are not published
    assert set(again.statement_ids) == set(original.statement_ids) - set(original.moderated_out)
    before = build_vote_matrix(original.votes, moderated_out=original.moderated_out)
    after = build_vote_matrix(again.votes)
    assert np.array_equal(before.dense(), after.dense(), equal_nan=True)
    first = analyse(original.votes, moderated_out=original.moderated_out)
    second = analyse(again.votes)
    assert np.array_equal(first.participant_groups, second.participant_groups)
    assert np.array_equal(first.gac_agree, second.gac_agree)


def test_export_can_carry_the_group_informed_consensus_column(tmp_path):
    original = load("london.youth.policing")
    result = original.analyse()
    gac = dict(zip(result.statement_ids.tolist(), result.gac_agree.tolist(), strict=True))
    write_polis_export(tmp_path, statements=original.statements, votes=original.votes, group_informed_consensus=gac)
    header = (tmp_path / "comments.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.endswith("moderated,group-informed-consensus,comment-body")
    again = load_polis_export(tmp_path)
    assert {s.statement_id: s.exported_gac for s in again.statements if s.exported_gac is not None} == gac
