"""Import and export in the Pol.is open-data CSV format; malformed rows are reported by line and change nothing."""

import shutil

import numpy as np
import pytest

from shangliang.online.consensus import (
    PolisExportError,
    analyse,
    build_vote_matrix,
    load_polis_export,
    write_polis_export,
)

from .conftest import load, require_conversation

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


def test_blemished_vote_rows_are_left_out_with_a_warning_each_and_the_rest_imported(tmp_path):
    votes = VOTES + (
        "2000,x,0,7,1\n"  # line 2: fine
        "2001,x,0,8,2\n"  # line 3: bad vote
        "2002,x,0,abc,1\n"  # line 4: bad voter
        "2003,x,9,7,1\n"  # line 5: unknown comment
        "2004,x,0,7\n"  # line 6: a column short
        "later,x,1,7,1\n"  # line 7: bad timestamp
        "2005,x,1,8,-1\n"  # line 8: fine
    )
    export = load_polis_export(write(tmp_path / "bad", votes=votes))
    assert [(w.file, w.line) for w in export.warnings] == [("votes.csv", n) for n in (3, 4, 5, 6, 7)]
    text = "\n".join(str(w) for w in export.warnings)
    assert "votes.csv 第 3 行：投票值不是 -1、0 或 1，已跳过" in text
    assert "第 4 行：voter-id 不是整数，已跳过" in text
    assert "第 5 行：comment-id 9 不在 comments.csv 中，已跳过" in text
    assert "第 6 行：列数不对（应为 5 列，实为 4 列），已跳过" in text
    assert "第 7 行：timestamp 不是整数（毫秒），已跳过" in text
    assert export.warning_count == 5
    assert export.votes.participant_ids.tolist() == [7, 8]
    assert export.votes.timestamps.tolist() == [2000, 2005]


def test_the_fast_reader_finds_range_and_unknown_comment_blemishes_by_line(tmp_path):
    votes = VOTES + "2000,x,0,7,1\n2001,x,0,8,5\n2002,x,9,7,1\n2003,x,9,8,1\n2004,x,1,8,-1\n"
    export = load_polis_export(write(tmp_path / "fast", votes=votes))
    assert [(w.line, w.message_en) for w in export.warnings] == [
        (3, "vote is not -1, 0 or 1; skipped"),
        (4, "comment-id 9 not in comments.csv"),
        (5, "comment-id 9 not in comments.csv"),
    ]
    assert len(export.votes) == 2


def test_blemished_comment_rows_are_imported_with_warnings_counting_multi_line_bodies(tmp_path):
    comments = COMMENTS + "1003,x,1,3,0,0,1,重复的编号\n1004,x,4,3,0,0,7,\n"
    export = load_polis_export(write(tmp_path / "bad", comments=comments, votes=VOTES + "2000,x,4,7,1\n"))
    found = [(w.line, w.message_zh) for w in export.warnings]
    # the body on lines 3-4 spans two lines, so the duplicate is on line 6 and the last row on line 7
    assert found == [
        (6, "comment-id 1 与第 3 行重复，已跳过"),
        (7, "moderated 不是 -1、0 或 1，按待审核导入"),
        (7, "comment-id 4 的内容为空"),
    ]
    last = export.statements[-1]
    assert (last.statement_id, last.body, last.moderated) == (4, "", 0)
    assert export.statements[1].body == "第二条，\n跨两行"  # the first comment-id 1 is kept


def test_unknown_columns_are_a_warning_on_the_header_line(tmp_path):
    comments = "comment-id,moderated,comment-body,extra\n0,1,第一条,e\n1,1,第二条,e\n"
    export = load_polis_export(write(tmp_path / "cols", comments=comments, votes=VOTES + "2000,x,0,7,1\n"))
    assert [(w.file, w.line, w.message_en) for w in export.warnings] == [
        ("comments.csv", 1, "unknown column 'extra' ignored")
    ]


@pytest.mark.parametrize(
    ("comments", "line", "message"),
    [
        ("", 1, "文件为空，缺少表头"),
        ("comment-id,comment\n1,x\n", 1, "表头缺少列：comment-body"),
        (COMMENTS.encode("gbk"), 2, "不是 UTF-8 编码的文本"),  # the header is ASCII, line 2 is not UTF-8
        (COMMENTS.encode() + "1003,x,3,2,0,0,1,编码错了\n".encode("gbk"), 6, "不是 UTF-8 编码的文本"),
        (COMMENTS.encode() + b"1003,x,3,2,0,0,1,\x00\x01\x02\n", 6, "含有 NUL 字符"),
        ("comment-id,comment-body\nx,y\n", 0, "没有一条可读的评论"),
    ],
)
def test_a_file_that_cannot_be_read_refuses_the_export_naming_the_line(tmp_path, comments, line, message):
    folder = write(tmp_path / "broken", votes=VOTES + "2000,x,0,7,1\n")
    path = folder / "comments.csv"
    path.write_bytes(comments if isinstance(comments, bytes) else comments.encode())
    with pytest.raises(PolisExportError) as caught:
        load_polis_export(folder)
    [error] = caught.value.errors
    assert (error.file, error.line) == ("comments.csv", line)
    assert message in error.message_zh


def test_a_vote_file_not_in_utf8_is_refused_with_its_line(tmp_path):
    votes = (VOTES + "2000,x,0,7,1\n").encode() + "2001,x,0,8,编\n".encode("gbk")
    folder = write(tmp_path / "gbk")
    (folder / "votes.csv").write_bytes(votes)
    with pytest.raises(PolisExportError) as caught:
        load_polis_export(folder)
    assert [(e.file, e.line) for e in caught.value.errors] == [("votes.csv", 3)]


def test_missing_files_are_named(tmp_path):
    folder = tmp_path / "partial"
    folder.mkdir()
    with pytest.raises(PolisExportError, match="comments.csv：缺少文件 comments.csv"):
        load_polis_export(folder)
    (folder / "comments.csv").write_text(COMMENTS, encoding="utf-8")
    with pytest.raises(PolisExportError, match="votes.csv：文件不存在，也没有可读的 participants-votes.csv"):
        load_polis_export(folder)
    (folder / "votes.csv").write_text("", encoding="utf-8")
    with pytest.raises(PolisExportError, match="votes.csv 第 1 行：文件为空，也没有可读的 participants-votes.csv"):
        load_polis_export(folder)
    with pytest.raises(PolisExportError, match="文件夹不存在"):
        load_polis_export(tmp_path / "nowhere")


WIDE = "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2,7\n"


def test_the_wide_matrix_is_read_when_the_vote_log_is_empty(tmp_path):
    wide = WIDE + "7,0,0,3,1,1,1,-1,,1\n8,,0,1,0,0,,,0,\n9,1,0,1,0,0,2,,,\n"
    folder = write(tmp_path / "wide", votes="")
    (folder / "participants-votes.csv").write_text(wide, encoding="utf-8")
    export = load_polis_export(folder)
    assert export.vote_source == "participants-votes.csv"
    assert export.votes.timestamps is None
    cells = sorted(
        zip(
            export.votes.participant_ids.tolist(),
            export.votes.statement_ids.tolist(),
            export.votes.values.tolist(),
            strict=True,
        )
    )
    assert cells == [(7, 0, 1), (7, 1, -1), (8, 2, 0)]
    assert [(w.line, w.message_en) for w in export.warnings] == [
        (1, "column 7 is not in comments.csv; ignored"),
        (4, "vote is not -1, 0 or 1; skipped"),
    ]


def test_a_wide_only_export_gives_the_same_matrix_and_groups_as_the_long_log(tmp_path, conversation):
    source = require_conversation(conversation)
    folder = tmp_path / conversation
    folder.mkdir()
    shutil.copy(source / "comments.csv", folder)
    shutil.copy(source / "participants-votes.csv", folder)
    (folder / "votes.csv").write_text("", encoding="utf-8")  # as in the exports that publish only the wide matrix
    wide_only = load_polis_export(folder)
    original = load(conversation)
    assert wide_only.vote_source == "participants-votes.csv" and wide_only.warning_count == 0
    before = build_vote_matrix(original.votes, moderated_out=original.moderated_out)
    after = build_vote_matrix(wide_only.votes, moderated_out=wide_only.moderated_out)
    assert np.array_equal(before.participant_ids, after.participant_ids)
    assert np.array_equal(before.statement_ids, after.statement_ids)
    assert np.array_equal(before.dense(), after.dense(), equal_nan=True)
    first, second = original.analyse(), wide_only.analyse()
    assert first.k == second.k
    assert np.array_equal(first.participant_groups, second.participant_groups)


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
