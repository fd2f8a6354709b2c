"""Read and write conversations in the Pol.is open-data CSV format.

comments.csv: `timestamp, datetime, comment-id, author-id, agrees, disagrees, moderated, comment-body` (newer exports
drop `datetime` and add `is-meta, is-seed, group-informed-consensus`); `moderated` −1 means moderated out.
votes.csv: `timestamp, datetime, comment-id, voter-id, vote`, every vote ever cast (agree 1, disagree −1, pass 0);
the latest row per voter and comment counts. participants-votes.csv: the wide matrix, one row per participant and
one column per comment, each cell that participant's latest vote; it is read when votes.csv is missing or empty
(some published exports have only it). Columns are found by name, so every layout loads.

Reading (polis_read) is forgiving: a blemish of a row or column is a warning and the rest is imported; only a file
that cannot be read at all refuses the export, each problem named by file and line, Chinese first.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shangliang.core.spreadsheets import cell

from .analysis import analyse
from .polis_read import Report, RowError, read_comments, read_votes, read_wide
from .votes import VoteLog

VOTES_FILE = "votes.csv"
COMMENTS_FILE = "comments.csv"
WIDE_FILE = "participants-votes.csv"
VOTE_COLUMNS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
COMMENT_COLUMNS = [
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
]
MODERATED_OUT = -1
SHOWN_ERRORS = 20

__all__ = ["PolisExport", "PolisExportError", "PolisStatement", "RowError", "load_polis_export", "write_polis_export"]


class PolisExportError(ValueError):
    """The export cannot be read; `errors` lists every problem found."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        lines = [str(e) for e in errors[:SHOWN_ERRORS]]
        if len(errors) > SHOWN_ERRORS:
            lines.append(f"……另有 {len(errors) - SHOWN_ERRORS} 处错误（{len(errors) - SHOWN_ERRORS} more errors）")
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class PolisStatement:
    statement_id: int
    body: str  # may be empty in a real export (a warning says so)
    moderated: int = 1  # 1 accepted, 0 pending, −1 moderated out
    author_id: int | None = None
    timestamp: int | None = None  # epoch milliseconds
    is_meta: bool = False
    exported_gac: float | None = None  # `group-informed-consensus` when the export has that column


@dataclass(frozen=True)
class PolisExport:
    votes: VoteLog
    statements: list[PolisStatement]
    warnings: list[RowError] = field(default_factory=list)  # the first MAX_KEPT blemishes, by file and line
    warning_count: int = 0  # all of them
    vote_source: str = VOTES_FILE  # which file the votes came from

    @property
    def statement_ids(self) -> list[int]:
        return [s.statement_id for s in self.statements]

    @property
    def moderated_out(self) -> list[int]:
        return [s.statement_id for s in self.statements if s.moderated == MODERATED_OUT]

    def analyse(self, **options: Any) -> Any:
        return analyse(self.votes, moderated_out=self.moderated_out, statement_ids=self.statement_ids, **options)


def load_polis_export(folder: str | Path) -> PolisExport:
    """Read comments.csv and votes.csv (or participants-votes.csv) of a Pol.is export.

    Raises PolisExportError listing every problem when a file cannot be read; blemishes come back as warnings.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise PolisExportError([RowError(str(folder), 0, "文件夹不存在", "folder does not exist")])
    report = Report()
    comments = read_comments(folder / COMMENTS_FILE, report)
    if comments is None:
        raise PolisExportError(report.errors)
    known = np.asarray(sorted(c.statement_id for c in comments), dtype=np.int64)
    source = VOTES_FILE
    votes = read_votes(folder / VOTES_FILE, known, report)
    if votes is None and not report.errors:
        source = WIDE_FILE
        votes = read_wide(folder / WIDE_FILE, known, report)
        if votes is None and not report.errors:
            long_state = "为空" if (folder / VOTES_FILE).is_file() else "不存在"
            long_state_en = "is empty" if (folder / VOTES_FILE).is_file() else "is missing"
            report.error(
                VOTES_FILE,
                0 if long_state_en == "is missing" else 1,
                f"文件{long_state}，也没有可读的 {WIDE_FILE}",
                f"the file {long_state_en} and there is no readable {WIDE_FILE}",
            )
    if report.errors or votes is None:
        raise PolisExportError(report.errors)
    statements = [
        PolisStatement(
            statement_id=c.statement_id,
            body=c.body,
            moderated=c.moderated,
            author_id=c.author_id,
            timestamp=c.timestamp,
            is_meta=c.is_meta,
            exported_gac=c.exported_gac,
        )
        for c in comments
    ]
    files = {COMMENTS_FILE: 0, VOTES_FILE: 1, WIDE_FILE: 2}
    return PolisExport(
        votes=votes,
        statements=statements,
        warnings=sorted(report.warnings, key=lambda w: (files.get(w.file, 3), w.line)),
        warning_count=report.warning_count,
        vote_source=source,
    )


def _java_datetime(milliseconds: int) -> str:
    """The `datetime` column as Pol.is writes it (Java's Date.toString), in UTC."""
    moment = dt.datetime.fromtimestamp(milliseconds / 1000, tz=dt.UTC)
    return moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def write_polis_export(
    folder: str | Path,
    *,
    statements: Iterable[PolisStatement],
    votes: VoteLog,
    include_moderated_out: bool = False,
    group_informed_consensus: Mapping[int, float] | None = None,
) -> None:
    """Write votes.csv and comments.csv in the layout of the Pol.is open data.

    Moderated-out statements and the votes on them are left out unless `include_moderated_out` (the room never
    publishes hidden statements). `agrees`/`disagrees` count every vote row, re-votes included, as Pol.is does.
    With `group_informed_consensus`, comments.csv gets that column (as newer Pol.is exports have).
    """
    if votes.timestamps is None:
        raise ValueError("votes need timestamps to be exported")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    kept = [s for s in statements if include_moderated_out or s.moderated != MODERATED_OUT]
    kept_ids = np.asarray([s.statement_id for s in kept], dtype=np.int64)
    sids = np.asarray(votes.statement_ids, dtype=np.int64)
    keep = np.isin(sids, kept_ids)
    unknown = set(np.unique(sids[~keep]).tolist()) - {s.statement_id for s in statements}
    if unknown:
        raise ValueError(f"votes on unknown statements: {sorted(unknown)[:10]}")
    order = np.flatnonzero(keep)
    order = order[np.argsort(np.asarray(votes.timestamps)[order], kind="stable")]
    agrees: dict[int, int] = {}
    disagrees: dict[int, int] = {}
    with (folder / VOTES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(VOTE_COLUMNS)
        for i in order.tolist():
            sid, vote, stamp = int(sids[i]), int(votes.values[i]), int(votes.timestamps[i])
            if vote == 1:
                agrees[sid] = agrees.get(sid, 0) + 1
            elif vote == -1:
                disagrees[sid] = disagrees.get(sid, 0) + 1
            writer.writerow([stamp, _java_datetime(stamp), sid, int(votes.participant_ids[i]), vote])
    columns = list(COMMENT_COLUMNS)
    if group_informed_consensus is not None:
        columns.insert(columns.index("comment-body"), "group-informed-consensus")
    with (folder / COMMENTS_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for s in sorted(kept, key=lambda s: s.statement_id):
            row: list[Any] = [
                "" if s.timestamp is None else s.timestamp,
                "" if s.timestamp is None else _java_datetime(s.timestamp),
                s.statement_id,
                "" if s.author_id is None else s.author_id,
                agrees.get(s.statement_id, 0),
                disagrees.get(s.statement_id, 0),
                s.moderated,
            ]
            if group_informed_consensus is not None:
                value = group_informed_consensus.get(s.statement_id)
                row.append("" if value is None or math.isnan(value) else repr(float(value)))
            row.append(cell(s.body))  # a statement is never a live formula when the file is opened
            writer.writerow(row)
