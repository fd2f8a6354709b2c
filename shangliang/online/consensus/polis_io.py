"""Read and write conversations in the Pol.is open-data CSV format (votes.csv, comments.csv).

votes.csv: `timestamp, datetime, comment-id, voter-id, vote`, every vote ever cast (agree 1, disagree −1, pass 0);
the latest row per voter and comment counts. comments.csv: `timestamp, datetime, comment-id, author-id, agrees,
disagrees, moderated, comment-body` (newer exports add `is-meta, is-seed, group-informed-consensus`); `moderated` −1
means moderated out. Columns are found by name, so both layouts load. A malformed file changes nothing: every bad row
is reported with its line number, Chinese first.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .analysis import analyse
from .votes import VoteLog

VOTES_FILE = "votes.csv"
COMMENTS_FILE = "comments.csv"
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


@dataclass(frozen=True)
class RowError:
    file: str
    line: int  # 1 = the header line
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        where = f"{self.file} 第 {self.line} 行：" if self.line else f"{self.file}："
        return f"{where}{self.message_zh}（{self.message_en}）"


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
    body: str
    moderated: int = 1  # 1 accepted, 0 pending, −1 moderated out
    author_id: int | None = None
    timestamp: int | None = None  # epoch milliseconds
    is_meta: bool = False
    exported_gac: float | None = None  # `group-informed-consensus` when the export has that column


@dataclass(frozen=True)
class PolisExport:
    votes: VoteLog
    statements: list[PolisStatement]

    @property
    def statement_ids(self) -> list[int]:
        return [s.statement_id for s in self.statements]

    @property
    def moderated_out(self) -> list[int]:
        return [s.statement_id for s in self.statements if s.moderated == MODERATED_OUT]

    def analyse(self, **options: Any) -> Any:

        return analyse(self.votes, moderated_out=self.moderated_out, statement_ids=self.statement_ids, **options)


class _RowReader:
    """Rows of one CSV file as dicts, each with the line it starts on; problems go to a shared error list."""

    def __init__(self, path: Path, required: list[str], errors: list[RowError]) -> None:
        self.path, self.required, self.errors = path, required, errors
        self.name = path.name

    def error(self, line: int, zh: str, en: str) -> None:
        self.errors.append(RowError(self.name, line, zh, en))

    def rows(self) -> Iterable[tuple[int, dict[str, str]]]:
        try:
            handle = self.path.open(encoding="utf-8-sig", newline="")
        except FileNotFoundError:
            self.error(0, f"缺少文件 {self.name}", f"missing file {self.name}")
            return
        with handle:
            reader = csv.reader(handle)
            try:
                header = [h.strip() for h in next(reader)]
            except StopIteration:
                self.error(1, "文件为空，缺少表头", "empty file, no header")
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                self.error(1, f"无法读取表头：{exc}", f"unreadable header: {exc}")
                return
            missing = [c for c in self.required if c not in header]
            if missing:
                self.error(1, f"表头缺少列：{'、'.join(missing)}", f"header lacks columns: {', '.join(missing)}")
                return
            line = reader.line_num + 1
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except (csv.Error, UnicodeDecodeError) as exc:
                    self.error(line, f"无法解析：{exc}", f"cannot parse: {exc}")
                    return
                if record and len(record) != len(header):
                    self.error(
                        line,
                        f"列数不对：应为 {len(header)} 列，实为 {len(record)} 列",
                        f"expected {len(header)} columns, found {len(record)}",
                    )
                elif record:
                    yield line, dict(zip(header, record, strict=True))
                line = reader.line_num + 1


def _integer(value: str) -> int | None:
    try:
        return int(value.strip())
    except ValueError:
        return None


def _read_comments(path: Path, errors: list[RowError]) -> list[PolisStatement]:
    reader = _RowReader(path, ["comment-id", "moderated", "comment-body"], errors)
    statements: list[PolisStatement] = []
    seen: dict[int, int] = {}
    for line, row in reader.rows():
        sid = _integer(row["comment-id"])
        moderated = _integer(row["moderated"])
        body = row["comment-body"].strip()
        if sid is None or sid < 0:
            reader.error(line, "comment-id 必须是非负整数", "comment-id must be a non-negative integer")
            continue
        if sid in seen:
            reader.error(
                line, f"comment-id {sid} 与第 {seen[sid]} 行重复", f"comment-id {sid} repeats line {seen[sid]}"
            )
            continue
        seen[sid] = line
        if moderated not in (-1, 0, 1):
            reader.error(line, "moderated 必须是 -1、0 或 1", "moderated must be -1, 0 or 1")
        if not body:
            reader.error(line, "评论内容为空", "comment-body is empty")
        author = _integer(row.get("author-id", "") or "")
        timestamp = _integer(row.get("timestamp", "") or "")
        gac: float | None = None
        if (row.get("group-informed-consensus") or "").strip():
            try:
                gac = float(row["group-informed-consensus"])
            except ValueError:
                reader.error(line, "group-informed-consensus 必须是数字", "group-informed-consensus must be a number")
        statements.append(
            PolisStatement(
                statement_id=sid,
                body=body,
                moderated=moderated if moderated in (-1, 0, 1) else 1,
                author_id=author,
                timestamp=timestamp,
                is_meta=(row.get("is-meta") or "").strip().lower() in ("true", "1", "t"),
                exported_gac=gac,
            )
        )
    return statements


def _read_votes(path: Path, known: set[int] | None, errors: list[RowError]) -> VoteLog:
    reader = _RowReader(path, ["comment-id", "voter-id", "vote"], errors)
    participants: list[int] = []
    statements: list[int] = []
    values: list[int] = []
    times: list[int] = []
    has_time = True
    for line, row in reader.rows():
        sid, pid, vote = _integer(row["comment-id"]), _integer(row["voter-id"]), _integer(row["vote"])
        problems = []
        if sid is None or sid < 0:
            problems.append(("comment-id 必须是非负整数", "comment-id must be a non-negative integer"))
        elif known is not None and sid not in known:
            problems.append((f"comment-id {sid} 不在 comments.csv 中", f"comment-id {sid} is not in comments.csv"))
        if pid is None or pid < 0:
            problems.append(("voter-id 必须是非负整数", "voter-id must be a non-negative integer"))
        if vote not in (-1, 0, 1):
            problems.append(("投票值必须是 -1、0 或 1", "vote must be -1, 0 or 1"))
        stamp = _integer(row.get("timestamp", "")) if "timestamp" in row else None
        if "timestamp" in row and stamp is None:
            problems.append(("timestamp 必须是整数（毫秒）", "timestamp must be an integer (milliseconds)"))
        for zh, en in problems:
            reader.error(line, zh, en)
        if problems:
            continue
        participants.append(pid)  # type: ignore[arg-type]
        statements.append(sid)  # type: ignore[arg-type]
        values.append(vote)  # type: ignore[arg-type]
        if stamp is None:
            has_time = False
        else:
            times.append(stamp)
    return VoteLog(
        participant_ids=np.asarray(participants, dtype=np.int64),
        statement_ids=np.asarray(statements, dtype=np.int64),
        values=np.asarray(values, dtype=np.int8),
        timestamps=np.asarray(times, dtype=np.int64) if has_time else None,
    )


def load_polis_export(folder: str | Path) -> PolisExport:
    """Read votes.csv and comments.csv of a Pol.is export; raise PolisExportError listing every malformed row."""
    folder = Path(folder)
    errors: list[RowError] = []
    if not folder.is_dir():
        raise PolisExportError([RowError(str(folder), 0, "文件夹不存在", "folder does not exist")])
    statements = _read_comments(folder / COMMENTS_FILE, errors)
    comments_ok = not any(e.file == COMMENTS_FILE and e.line <= 1 for e in errors)
    votes = _read_votes(folder / VOTES_FILE, {s.statement_id for s in statements} if comments_ok else None, errors)
    if errors:
        raise PolisExportError(errors)
    return PolisExport(votes=votes, statements=statements)


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
            row.append(s.body)
            writer.writerow(row)
