"""The three real Pol.is conversations (Pol.is open data, in SHANGLIANG_POLIS_DATA), loaded once per test session."""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from shangliang.online.consensus import AnalysisResult, PolisExport, load_polis_export

CONVERSATIONS = ["vtaiwan.uberx", "brexit-consensus", "london.youth.policing"]


def polis_data_dir() -> Path:
    configured = os.environ.get("SHANGLIANG_POLIS_DATA")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "data" / "polis-opendata"


def require_conversation(name: str) -> Path:
    folder = polis_data_dir() / name
    if not (folder / "votes.csv").is_file():
        reason = (
            f"Pol.is open data not found at {folder} (set SHANGLIANG_POLIS_DATA to the polis-opendata folder; "
            "the Pol.is open-data export of the three conversations)"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return folder


@dataclass(frozen=True)
class WideExport:
    """participants-votes.csv: the latest-vote matrix and the group Pol.is showed each participant."""

    participants: list[int]
    statements: list[int]
    groups: dict[int, int]  # participant → group, for those Pol.is grouped
    votes: dict[tuple[int, int], int]  # (participant, statement) → latest vote


@functools.cache
def load(name: str) -> PolisExport:
    return load_polis_export(require_conversation(name))


@functools.cache
def analysed(name: str) -> AnalysisResult:
    return load(name).analyse()


@functools.cache
def wide(name: str) -> WideExport:
    path = require_conversation(name) / "participants-votes.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    statements = [int(c) for c in rows[0] if c.isdigit()]
    votes = {}
    groups = {}
    for row in rows:
        pid = int(row["participant"])
        if row["group-id"].strip():
            groups[pid] = int(row["group-id"])
        for sid in statements:
            if row[str(sid)].strip():
                votes[(pid, sid)] = int(row[str(sid)])
    return WideExport([int(r["participant"]) for r in rows], statements, groups, votes)


@pytest.fixture(params=CONVERSATIONS)
def conversation(request: pytest.FixtureRequest) -> str:
    require_conversation(request.param)
    return request.param


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(abs(a @ b) / (np.linalg.norm(a) * np.linalg.norm(b)))
