"""`manage.py polis_analyse` on a real conversation, without a database; a smoke run of the benchmark command.

pytest-django refuses database access to tests not marked for it, so these pass only if the commands never open a
connection; the subprocess test also points DATABASE_URL at a server that does not exist.
"""

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from .conftest import analysed, load, require_conversation

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def run_polis_analyse(folder, *options) -> dict:
    out, err = StringIO(), StringIO()
    call_command("polis_analyse", str(folder), *options, stdout=out, stderr=err)
    assert "load" in err.getvalue() and "analysis" in err.getvalue()
    return json.loads(out.getvalue())


def test_polis_analyse_prints_the_analysis_as_json():
    name = "brexit-consensus"
    data = run_polis_analyse(require_conversation(name))
    result = analysed(name)
    assert data["participants"] == 204
    assert data["statements"] == 50
    assert data["votes"] == 5303
    assert data["analysed_participants"] == result.n_analysed
    assert data["k"] == result.k and 2 <= data["k"] <= 5
    groups = data["participant_groups"]
    assert len(groups) == 204
    assert sum(g is not None for g in groups.values()) == result.n_analysed
    assert set(groups.values()) - {None} == set(range(data["k"]))
    assert len(data["components"]["pc1"]) == len(data["components"]["pc2"]) == 50
    assert np.allclose(data["components"]["pc1"], result.components[0])
    gac = data["group_informed_consensus"]
    assert len(gac) == 50
    assert gac[str(result.statement_ids[0])]["agree"] == result.gac_agree[0]
    assert [g["size"] for g in data["groups"]] == result.group_sizes.tolist()
    for group in data["groups"]:
        for statement in group["representative"]:
            assert {"statement_id", "direction", "p_success", "repness_test"} <= set(statement)
    assert set(data["seconds"]) == {"load", "analyse", "total"}
    assert data["seconds"]["total"] < 5


def test_polis_analyse_keeps_chinese_text_and_ids_of_moderated_statements_out():
    name = "vtaiwan.uberx"
    data = run_polis_analyse(require_conversation(name))
    assert data["statements_moderated_out"] == len(load(name).moderated_out) == 78
    hidden = {str(s) for s in load(name).moderated_out}
    assert not hidden & set(data["group_informed_consensus"])


def test_polis_analyse_reports_blemishes_and_refuses_unreadable_files(tmp_path):
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n1,x,0,1,0,0,1,好\n",
        encoding="utf-8",
    )
    (tmp_path / "votes.csv").write_text(
        "timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,2,5\n", encoding="utf-8"
    )
    data = run_polis_analyse(tmp_path)
    assert data["votes"] == 1 and data["warning_count"] == 1
    assert data["warnings"] == ["votes.csv 第 3 行：投票值不是 -1、0 或 1，已跳过（vote is not -1, 0 or 1; skipped）"]
    (tmp_path / "votes.csv").write_bytes(b"\xff\xfe" + "投票".encode("utf-16-le"))
    with pytest.raises(CommandError, match="votes.csv 第 1 行：不是 UTF-8 编码的文本"):
        call_command("polis_analyse", str(tmp_path))


def test_polis_analyse_replays_the_votes_in_arrival_order():
    data = run_polis_analyse(require_conversation("london.youth.policing"), "--replay", "20")
    assert len(data["updates"]) == 20 and data["updates"][-1]["votes"] == 640
    assert data["k"] == data["updates"][-1]["k"] == 3  # the k Pol.is published


def test_polis_analyse_runs_without_any_database():
    folder = require_conversation("london.youth.policing")
    env = {**os.environ, "DATABASE_URL": "postgres://nobody:nothing@127.0.0.1:9/none"}
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's default: the real settings
    done = subprocess.run(
        [sys.executable, str(MANAGE), "polis_analyse", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=MANAGE.parent,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["participants"] == 26


def test_bench_consensus_smoke_run_prints_its_figures():
    out = StringIO()
    call_command("bench_consensus", sizes="3000:150x60", skip_reddwarf=True, repeat=1, stdout=out)
    text = out.getvalue()
    assert "3,000 votes: 150 participants × 60 statements" in text
    assert "peak memory during analyse (tracemalloc)" in text
    assert "ARI against them" in text
