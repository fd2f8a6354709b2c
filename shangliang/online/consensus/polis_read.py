"""Reading the CSV files of a Pol.is export: fast on clean files, forgiving of real exports' blemishes, exact about
what it could not read.

- comments.csv is small: Python's csv module reads it row by row, so every problem is named by its line (a comment
  body may span lines).
- votes.csv can hold ten million rows: pandas' C parser reads the four integer columns at once (about 5 s and
  0.5 GB for 10M rows). Range checks and unknown statements are found vectorised, a warning per line. Only when the
  C parser cannot take the file as a regular table of integers (a cell that is not a number, a row with a column
  more or less, a blank line, a byte that is not UTF-8) is it read again row by row, which names each such line.
- participants-votes.csv (the wide matrix: one row per participant, one column per comment, each cell that
  participant's latest vote) is read in blocks of rows and turned into the same vote log, without times.

Problems come in two kinds. A blemish of one row or column (an empty comment body, an unknown column, a vote on a
comment not in comments.csv, a value out of range) is a warning: the row is skipped or the value left out, and the
rest is imported. A file that cannot be read as CSV at all (missing, empty, no header, required columns missing, not
UTF-8, binary) is an error, and nothing is imported.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from shangliang.core.spreadsheets import uncell
from shangliang.core.validation import DATE_MAX, DATE_MIN

from .votes import VoteLog

MAX_KEPT = 1000  # warnings kept with their text; beyond that only counted
WIDE_BLOCK_CELLS = 20_000_000  # cells of participants-votes.csv read at once (80 MB as float32)

COMMENT_COLUMNS = {
    "timestamp",
    "datetime",
    "comment-id",
    "author-id",
    "agrees",
    "disagrees",
    "moderated",
    "comment-body",
    "is-meta",
    "is-seed",
    "group-informed-consensus",
}
VOTE_COLUMNS = {"timestamp", "datetime", "comment-id", "voter-id", "vote"}
WIDE_COLUMNS = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}


@dataclass(frozen=True)
class RowError:
    """One problem, where it is: `line` 1 is the header, 0 the file as a whole."""

    file: str
    line: int
    message_zh: str
    message_en: str

    def __str__(self) -> str:
        where = f"{self.file} 第 {self.line} 行：" if self.line else f"{self.file}："
        return f"{where}{self.message_zh}（{self.message_en}）"


@dataclass
class Report:
    """Errors (the export is refused) and warnings (a row or column left out) found while reading."""

    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    warning_count: int = 0

    def error(self, file: str, line: int, zh: str, en: str) -> None:
        self.errors.append(RowError(file, line, zh, en))

    def warn(self, file: str, line: int, zh: str, en: str) -> None:
        self.warning_count += 1
        if len(self.warnings) < MAX_KEPT:
            self.warnings.append(RowError(file, line, zh, en))

    def warn_lines(self, file: str, lines: np.ndarray, zh: str, en: str) -> None:
        """The same warning on many lines (found vectorised)."""
        room = max(0, MAX_KEPT - len(self.warnings))
        self.warnings.extend(RowError(file, int(n), zh, en) for n in lines[:room])
        self.warning_count += len(lines)


def _undecodable_line(path: Path) -> int:
    """The first physical line that is not UTF-8 (text IO decodes ahead in blocks, so its error has no line)."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


# The moments every reader assumes (core.validation's dates), in epoch milliseconds: a timestamp outside them is
# left out with a warning (the database would refuse it, and a page adding days to it would fail).
MS_MIN = int(datetime(DATE_MIN.year, DATE_MIN.month, DATE_MIN.day, tzinfo=UTC).timestamp() * 1000)
MS_MAX = int(datetime(DATE_MAX.year, DATE_MAX.month, DATE_MAX.day, 23, 59, 59, tzinfo=UTC).timestamp() * 1000)
FAR_ZH = f"timestamp 不在 {DATE_MIN.year}—{DATE_MAX.year} 年之间"
FAR_EN = f"timestamp is not within {DATE_MIN.year}–{DATE_MAX.year}"


def _far(stamp: int | None) -> bool:
    return stamp is not None and not MS_MIN <= stamp <= MS_MAX


def _integer(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


class CsvRows:
    """Rows of one CSV file as dicts, each with the line it starts on. A row with a column more or less is a
    warning (skipped); an unreadable file (not UTF-8, binary, broken quoting) stops at the line, as an error."""

    def __init__(
        self,
        path: Path,
        required: list[str],
        known: set[str],
        report: Report,
        *,
        numbered_columns: bool = False,
        check_header: bool = True,
    ) -> None:
        self.path, self.required, self.known, self.report = path, required, known, report
        self.numbered_columns = numbered_columns  # the wide matrix: a column per comment-id
        self.check_header = check_header  # False when the header was checked (and warned about) already
        self.name = path.name
        self.header: list[str] = []
        self.failed = False

    def _fail(self, line: int, zh: str, en: str) -> None:
        self.failed = True
        self.report.error(self.name, line, zh, en)

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            line = 1
            try:
                self.header = [h.strip() for h in next(reader)]
            except StopIteration:
                self._fail(1, "文件为空，缺少表头", "empty file, no header")
                return
            except UnicodeDecodeError:
                self._fail(_undecodable_line(self.path), "不是 UTF-8 编码的文本", "not UTF-8 text")
                return
            except csv.Error as exc:
                self._fail(1, f"不是 CSV 文件：{exc}", f"not a CSV file: {exc}")
                return
            missing = [c for c in self.required if c not in self.header]
            if missing:
                self._fail(1, f"表头缺少列：{'、'.join(missing)}", f"header lacks columns: {', '.join(missing)}")
                return
            for name in self.header if self.check_header else ():
                if name not in self.known and not (self.numbered_columns and name.isdigit()):
                    self.report.warn(self.name, 1, f"不认识的列“{name}”，已忽略", f"unknown column {name!r} ignored")
            line = reader.line_num + 1
            while True:
                try:
                    record = next(reader)
                except StopIteration:
                    return
                except UnicodeDecodeError:
                    self._fail(_undecodable_line(self.path), "不是 UTF-8 编码的文本", "not UTF-8 text")
                    return
                except csv.Error as exc:
                    self._fail(line, f"无法解析：{exc}", f"cannot parse: {exc}")
                    return
                if any("\x00" in cell for cell in record):
                    self._fail(line, "含有 NUL 字符，不是文本文件", "contains NUL characters: not a text file")
                    return
                if record and len(record) != len(self.header):
                    self.report.warn(
                        self.name,
                        line,
                        f"列数不对（应为 {len(self.header)} 列，实为 {len(record)} 列），已跳过",
                        f"expected {len(self.header)} columns, found {len(record)}; skipped",
                    )
                elif record:
                    yield line, dict(zip(self.header, record, strict=True))
                line = reader.line_num + 1


# --- comments.csv ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentRow:
    statement_id: int
    body: str
    moderated: int
    author_id: int | None
    timestamp: int | None
    is_meta: bool
    exported_gac: float | None


def read_comments(path: Path, report: Report) -> list[CommentRow] | None:
    """The comments, or None when the file cannot be read (the report says why)."""
    name = path.name
    if not path.is_file():
        report.error(name, 0, f"缺少文件 {name}", f"missing file {name}")
        return None
    reader = CsvRows(path, ["comment-id", "comment-body"], COMMENT_COLUMNS, report)
    comments: list[CommentRow] = []
    seen: dict[int, int] = {}
    for line, row in reader.rows():
        sid = _integer(row["comment-id"])
        if sid is None or sid < 0:
            report.warn(
                name, line, "comment-id 不是非负整数，已跳过", "comment-id is not a non-negative integer; skipped"
            )
            continue
        if sid in seen:
            report.warn(
                name,
                line,
                f"comment-id {sid} 与第 {seen[sid]} 行重复，已跳过",
                f"comment-id {sid} repeats line {seen[sid]}",
            )
            continue
        seen[sid] = line
        moderated = _integer(row["moderated"]) if "moderated" in row else 1
        if moderated not in (-1, 0, 1):
            report.warn(name, line, "moderated 不是 -1、0 或 1，按待审核导入", "moderated is not -1, 0 or 1; pending")
            moderated = 0
        body = uncell(row["comment-body"]).strip()
        if not body:
            report.warn(name, line, f"comment-id {sid} 的内容为空", f"comment-id {sid} has an empty body")
        author = _integer(row.get("author-id"))
        if (row.get("author-id") or "").strip() and author is None:
            report.warn(name, line, "author-id 不是整数，已略去", "author-id is not an integer; left out")
        timestamp = _integer(row.get("timestamp"))
        if _far(timestamp):
            report.warn(name, line, f"{FAR_ZH}，按导入时间记", f"{FAR_EN}; the import time is used")
            timestamp = None
        gac: float | None = None
        if (row.get("group-informed-consensus") or "").strip():
            try:
                gac = float(row["group-informed-consensus"])
            except ValueError:
                report.warn(
                    name, line, "group-informed-consensus 不是数字，已略去", "group-informed-consensus is not a number"
                )
        comments.append(
            CommentRow(
                statement_id=sid,
                body=body,
                moderated=moderated,  # type: ignore[arg-type]
                author_id=author if author is None or author >= 0 else None,
                timestamp=timestamp,
                is_meta=(row.get("is-meta") or "").strip().lower() in ("true", "1", "t"),
                exported_gac=gac,
            )
        )
    if reader.failed:
        return None
    if not comments:
        report.error(name, 0, "没有一条可读的评论", "no readable comment")
        return None
    return comments


# --- votes.csv (the long log) -----------------------------------------------------------------------------------------


def _empty(path: Path) -> bool:
    """No bytes, or only a byte-order mark and white space."""
    with path.open("rb") as handle:
        return not handle.read(4096).strip(b"\xef\xbb\xbf \r\n\t")


def _known_mask(ids: np.ndarray, known: np.ndarray) -> np.ndarray:
    """ids ∈ known, by a lookup table when the ids are small non-negative integers (np.isin sorts otherwise)."""
    if len(known) and known.min() >= 0 and known.max() <= 50_000_000:
        table = np.zeros(int(known.max()) + 2, dtype=bool)
        table[known] = True
        return table[np.clip(ids, 0, len(table) - 1)] & (ids >= 0) & (ids <= known.max())
    return np.isin(ids, known)


def _checked_log(
    name: str,
    lines: np.ndarray | None,
    pids: np.ndarray,
    sids: np.ndarray,
    votes: np.ndarray,
    times: np.ndarray | None,
    known: np.ndarray,
    report: Report,
) -> VoteLog:
    """Leave out, with a warning per line, votes whose values are out of range or whose comment is unknown.

    `lines`: each row's line in the file; None when row i is on line i + 2 (a regular file after its header).
    """

    def line_of(rows: np.ndarray) -> np.ndarray:
        """The lines of the rows at these positions."""
        return rows + 2 if lines is None else lines[rows]

    keep = np.ones(len(pids), dtype=bool)
    for bad, zh, en in (
        ((pids < 0) | (sids < 0), "编号为负数，已跳过", "negative id; skipped"),
        ((votes < -1) | (votes > 1), "投票值不是 -1、0 或 1，已跳过", "vote is not -1, 0 or 1; skipped"),
        (
            np.zeros(len(pids), dtype=bool) if times is None else (times < MS_MIN) | (times > MS_MAX),
            f"{FAR_ZH}，已跳过",
            f"{FAR_EN}; skipped",
        ),
    ):
        bad &= keep
        if bad.any():
            report.warn_lines(name, line_of(np.flatnonzero(bad)), zh, en)
            keep &= ~bad
    unknown = keep & ~_known_mask(sids, known)
    if unknown.any():
        # one message per missing comment, on every line that votes on it (rows grouped by comment with one sort)
        rows = np.flatnonzero(unknown)
        rows = rows[np.argsort(sids[rows], kind="stable")]
        missing, starts = np.unique(sids[rows], return_index=True)
        for sid, group in zip(missing.tolist(), np.split(rows, starts[1:]), strict=True):
            report.warn_lines(
                name,
                line_of(group),
                f"comment-id {sid} 不在 comments.csv 中，已跳过",
                f"comment-id {sid} not in comments.csv",
            )
        keep &= ~unknown
    if not keep.all():
        pids, sids, votes = pids[keep], sids[keep], votes[keep]
        times = None if times is None else times[keep]
    return VoteLog(participant_ids=pids, statement_ids=sids, values=votes.astype(np.int8), timestamps=times)


def _votes_fast(path: Path, header: list[str]) -> tuple[np.ndarray, ...] | None:
    """The integer columns through pandas' C parser, or None when the file is not a regular table of integers."""
    columns = ["comment-id", "voter-id", "vote"] + (["timestamp"] if "timestamp" in header else [])
    try:
        frame = pd.read_csv(
            path,
            usecols=columns,
            dtype=dict.fromkeys(columns, np.int64),
            encoding="utf-8-sig",
            engine="c",
            skip_blank_lines=False,
        )
    except (ValueError, OverflowError, UnicodeDecodeError, pd.errors.ParserError):
        return None
    arrays = tuple(frame[c].to_numpy(dtype=np.int64) for c in columns)
    del frame
    return arrays


def _votes_slow(path: Path, report: Report) -> tuple[list[int], ...] | None:
    """Row by row, each problem named by its line (the fast parser could not take the file)."""
    name = path.name
    reader = CsvRows(path, ["comment-id", "voter-id", "vote"], VOTE_COLUMNS, report, check_header=False)
    lines: list[int] = []
    pids: list[int] = []
    sids: list[int] = []
    votes: list[int] = []
    times: list[int] = []
    has_time = None
    for line, row in reader.rows():
        sid, pid, vote = _integer(row["comment-id"]), _integer(row["voter-id"]), _integer(row["vote"])
        stamp = _integer(row.get("timestamp")) if "timestamp" in row else None
        if sid is None or pid is None or vote is None:
            which = [c for c, v in (("comment-id", sid), ("voter-id", pid), ("vote", vote)) if v is None]
            report.warn(
                name, line, f"{'、'.join(which)} 不是整数，已跳过", f"{', '.join(which)} not an integer; skipped"
            )
            continue
        if "timestamp" in row and stamp is None:
            report.warn(name, line, "timestamp 不是整数（毫秒），已跳过", "timestamp is not an integer (ms); skipped")
            continue
        if _far(stamp):
            report.warn(name, line, f"{FAR_ZH}，已跳过", f"{FAR_EN}; skipped")
            continue
        has_time = "timestamp" in row
        lines.append(line)
        pids.append(pid)
        sids.append(sid)
        votes.append(vote)
        if stamp is not None:
            times.append(stamp)
    if reader.failed:
        return None
    return lines, pids, sids, votes, (times if has_time else [])


def read_votes(path: Path, known: np.ndarray, report: Report) -> VoteLog | None:
    """The long vote log; None when the file is missing or empty (the caller falls back on the wide matrix) or
    unreadable (an error in the report)."""
    name = path.name
    if not path.is_file() or _empty(path):
        return None
    header_check = CsvRows(path, ["comment-id", "voter-id", "vote"], VOTE_COLUMNS, report)
    header_rows = header_check.rows()
    next(header_rows, None)  # reads and checks the header (and warns about unknown columns) only
    header_rows.close()
    if header_check.failed:
        return None
    header = header_check.header
    warned = report.warning_count
    fast = _votes_fast(path, header)
    if fast is not None:
        sids, pids, votes = fast[0], fast[1], fast[2]
        times = fast[3] if len(fast) == 4 else None
        lines = None
    else:
        slow = _votes_slow(path, report)
        if slow is None:
            return None
        lines, pids, sids, votes, times = (np.asarray(c, dtype=np.int64) for c in slow)
        times = times if "timestamp" in header else None
    if len(pids) == 0 and report.warning_count == warned:
        return None  # a header and nothing else: the same as an empty file
    log = _checked_log(name, lines, pids, sids, votes, times, known, report)
    if len(log) == 0:
        report.error(name, 0, "没有一条可读的表态", "no readable vote")
        return None
    return log


# --- participants-votes.csv (the wide matrix) -------------------------------------------------------------------------


def read_wide(path: Path, known: np.ndarray, report: Report) -> VoteLog | None:
    """Each participant's latest votes from the wide matrix, in file order; None when missing or unreadable."""
    name = path.name
    if not path.is_file():
        return None
    reader = CsvRows(path, ["participant"], WIDE_COLUMNS, report, numbered_columns=True)
    first = reader.rows()
    next(first, None)
    first.close()
    if reader.failed:
        return None
    header = reader.header
    comment_columns = [c for c in header if c.isdigit()]
    ids = np.asarray([int(c) for c in comment_columns], dtype=np.int64)
    wanted = _known_mask(ids, known) if len(ids) else np.zeros(0, dtype=bool)
    for column in np.asarray(comment_columns)[~wanted].tolist():
        report.warn(
            name, 1, f"列 {column} 不在 comments.csv 中，已忽略", f"column {column} is not in comments.csv; ignored"
        )
    columns = ["participant"] + [c for c, w in zip(comment_columns, wanted, strict=True) if w]
    ids = ids[wanted]
    block = max(1, WIDE_BLOCK_CELLS // max(len(columns), 1))
    parts: list[tuple[np.ndarray, ...]] = []
    try:
        chunks = pd.read_csv(
            path,
            usecols=columns,
            dtype={c: (np.int64 if c == "participant" else np.float32) for c in columns},
            encoding="utf-8-sig",
            engine="c",
            skip_blank_lines=False,
            chunksize=block,
        )
        offset = 2
        for chunk in chunks:
            participants = chunk["participant"].to_numpy(dtype=np.int64)
            cells = chunk[columns[1:]].to_numpy(dtype=np.float32)
            rows, cols = np.nonzero(~np.isnan(cells))
            values = cells[rows, cols]
            parts.append((rows + offset, participants[rows], ids[cols], values))
            offset += len(chunk)
    except (ValueError, OverflowError, UnicodeDecodeError, pd.errors.ParserError):
        return _wide_slow(path, columns, ids, report)
    if not parts:
        return None
    lines, pids, sids, values = (np.concatenate(c) for c in zip(*parts, strict=True))
    whole = np.rint(values) == values
    if not whole.all():
        report.warn_lines(name, lines[~whole], "投票值不是 -1、0 或 1，已跳过", "vote is not -1, 0 or 1; skipped")
        lines, pids, sids, values = lines[whole], pids[whole], sids[whole], values[whole]
    return _wide_log(name, lines, pids, sids, values.astype(np.int64), known, report)


def _wide_slow(path: Path, columns: list[str], ids: np.ndarray, report: Report) -> VoteLog | None:
    name = path.name
    reader = CsvRows(path, ["participant"], WIDE_COLUMNS, report, numbered_columns=True, check_header=False)
    found: list[tuple[int, int, int, int]] = []
    for line, row in reader.rows():
        pid = _integer(row["participant"])
        if pid is None:
            report.warn(name, line, "participant 不是整数，已跳过", "participant is not an integer; skipped")
            continue
        for column, sid in zip(columns[1:], ids.tolist(), strict=True):
            cell = row[column].strip()
            if not cell:
                continue
            vote = _integer(cell)
            if vote is None:
                report.warn(
                    name, line, f"列 {column} 的值不是整数，已略去", f"column {column} is not an integer; left out"
                )
                continue
            found.append((line, pid, sid, vote))
    if reader.failed or not found:
        return None
    lines, pids, sids, votes = (np.asarray(c, dtype=np.int64) for c in zip(*found, strict=True))
    return _wide_log(name, lines, pids, sids, votes, ids, report)


def _wide_log(
    name: str,
    lines: np.ndarray,
    pids: np.ndarray,
    sids: np.ndarray,
    votes: np.ndarray,
    known: np.ndarray,
    report: Report,
) -> VoteLog | None:
    log = _checked_log(name, lines, pids, sids, votes, None, known, report)
    return log if len(log) else None
