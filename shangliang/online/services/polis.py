"""A room's conversation in the Pol.is open-data CSV format (votes.csv, comments.csv): export and import.

The files themselves are read and written by the engine (consensus.polis_io). A real export's blemishes (an empty
comment, an unknown column, a vote on a comment that is not there, …) are imported with a warning per line in the
import report; a file that cannot be read at all changes nothing and is named with its line. An export that
publishes only the wide matrix (participants-votes.csv) imports from it. Ids: comment-id is Statement.polis_id,
voter-id / author-id is OnlineParticipant.polis_id, so an export imported into an empty room and exported again
gives the same files. Seeded statements have no
author-id. Only statements participants can see are exported (approved; pending too in a post-moderated room):
hidden and rejected ones, and the votes on them, never leave the room.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from django.db import connection, transaction
from django.utils.translation import gettext as _

from shangliang.core import clock
from shangliang.core.db import locked
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import record_event
from shangliang.core.permissions import require_perm
from shangliang.online.consensus import PolisExport, PolisExportError, VoteLog, load_polis_export, write_polis_export
from shangliang.online.consensus.polis_io import COMMENTS_FILE, VOTES_FILE, WIDE_FILE, PolisStatement
from shangliang.online.consensus.votes import latest_votes
from shangliang.online.models import (
    IMPORTED_STATEMENT_MAX,
    AnalysisRun,
    OnlineParticipant,
    OnlineRoom,
    ParticipantKind,
    Statement,
    StatementStatus,
    Vote,
)
from shangliang.online.services.rooms import mark_changed

BATCH = 5000
MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # each file, and the unpacked total of a zip
SHOWN_WARNINGS = 50  # warnings listed in the import report (all are counted)
MODERATED = {1: StatementStatus.APPROVED, 0: StatementStatus.PENDING, -1: StatementStatus.REJECTED}


class ImportRejected(InvalidInput):
    """The files cannot be imported; `errors` lists every problem (file, line, message)."""

    def __init__(self, message, errors: list[str]):
        super().__init__(message, field="file")
        self.errors = errors


@dataclass(frozen=True)
class ImportSummary:
    participants: int
    statements: int
    votes: int
    warnings: tuple[str, ...] = ()  # the first SHOWN_WARNINGS, by file and line
    warning_count: int = 0
    source: str = VOTES_FILE  # the file the votes came from


@dataclass(frozen=True)
class CheckedExport:
    """An export ready for a room, with what was left out or corrected on the way, by file and line."""

    export: PolisExport
    warnings: tuple[str, ...]
    warning_count: int


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
MILLISECOND = dt.timedelta(milliseconds=1)


def _ms(moment: dt.datetime) -> int:
    """Epoch milliseconds, exactly (no float rounding: an export imported and exported again is the same)."""
    return (moment - EPOCH) // MILLISECOND


def _moment(milliseconds: int | None, default: dt.datetime) -> dt.datetime:
    if milliseconds is None:
        return default
    return EPOCH + milliseconds * MILLISECOND


# --- export --------------------------------------------------------------------------------------------------------


def export_room(room: OnlineRoom, folder: str | Path) -> dict:
    """Write votes.csv and comments.csv of the room's visible statements into `folder`; returns counts."""
    statements = list(
        Statement.objects.filter(room=room, status__in=room.visible_statuses())
        .select_related("author")
        .order_by("polis_id")
    )
    polis = [
        PolisStatement(
            statement_id=s.polis_id,
            body=s.text,
            moderated=1 if s.status == StatementStatus.APPROVED else 0,
            author_id=s.author.polis_id if s.author_id else None,
            timestamp=_ms(s.created_at),
        )
        for s in statements
    ]
    rows = list(
        Vote.objects.filter(room=room, statement__in=[s.pk for s in statements])
        .order_by("updated_at", "id")
        .values_list("participant__polis_id", "statement__polis_id", "value", "updated_at")
    )
    votes = VoteLog(
        participant_ids=np.asarray([r[0] for r in rows], dtype=np.int64),
        statement_ids=np.asarray([r[1] for r in rows], dtype=np.int64),
        values=np.asarray([r[2] for r in rows], dtype=np.int8),
        timestamps=np.asarray([_ms(r[3]) for r in rows], dtype=np.int64),
    )
    gac = _latest_gac(room, {s.pk: s.polis_id for s in statements})
    write_polis_export(folder, statements=polis, votes=votes, group_informed_consensus=gac)
    return {"statements": len(polis), "votes": len(rows)}


def _latest_gac(room: OnlineRoom, polis_ids: dict[int, int]) -> dict[int, float] | None:
    """The group-informed consensus of the latest analysis, by comment-id (None before the first analysis)."""
    run = AnalysisRun.objects.filter(room=room).order_by("-id").values_list("result", flat=True).first()
    if not run:
        return None
    statements = run.get("statements", {})
    return {
        polis_ids[pk]: float(value)
        for pk, value in zip(statements.get("ids", []), statements.get("gac_agree", []), strict=False)
        if pk in polis_ids
    }


def export_zip(room: OnlineRoom) -> bytes:
    """The two files in one zip archive (the download of the UI)."""
    with tempfile.TemporaryDirectory() as folder:
        export_room(room, folder)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in (VOTES_FILE, COMMENTS_FILE):
                archive.write(Path(folder) / name, arcname=name)
    return out.getvalue()


# --- import --------------------------------------------------------------------------------------------------------


def _rejected(errors: list[str]) -> ImportRejected:
    return ImportRejected(_("文件有 %(n)d 处错误，未导入任何数据。") % {"n": len(errors)}, errors)


def read_export(folder: str | Path) -> CheckedExport:
    """Load an export for a room. A file that cannot be read raises ImportRejected (every problem by file and line);
    blemishes come back as warnings: the engine's, and the room's own (a comment too long for a statement is
    shortened, an empty one gets a placeholder text, invisible control characters are removed)."""
    try:
        export = load_polis_export(folder)
    except PolisExportError as exc:
        raise _rejected([str(e) for e in exc.errors]) from exc
    warnings = [str(w) for w in export.warnings]
    count = export.warning_count
    statements = []
    for s in export.statements:
        body = "".join(ch for ch in s.body if ch in "\n\t" or ch.isprintable())
        where = _("%(file)s：comment-id %(id)d") % {"file": COMMENTS_FILE, "id": s.statement_id}
        if body != s.body:
            warnings.append(_("%(where)s 含有不可见的控制字符，已去掉") % {"where": where})
        if not body.strip():  # the engine has warned already; the room needs some text to show
            body = _("（原评论 #%(id)d 内容为空）") % {"id": s.statement_id}
        if len(body) > IMPORTED_STATEMENT_MAX:
            body = body[: IMPORTED_STATEMENT_MAX - 1] + "…"
            warnings.append(_("%(where)s 超过 %(max)d 字，已截短") % {"where": where, "max": IMPORTED_STATEMENT_MAX})
        statements.append(replace(s, body=body) if body != s.body else s)
    count += len(warnings) - len(export.warnings)
    return CheckedExport(
        export=replace(export, statements=statements), warnings=tuple(warnings[:SHOWN_WARNINGS]), warning_count=count
    )


def unpack_upload(folder: Path, *, archive=None, votes=None, comments=None, wide=None) -> None:
    """Put the uploaded files into `folder`: a zip holding comments.csv and votes.csv (or participants-votes.csv),
    or those files one by one."""
    if archive:
        try:
            with zipfile.ZipFile(archive) as z:
                members = {Path(i.filename).name: i for i in z.infolist() if not i.is_dir()}
                if COMMENTS_FILE not in members or not ({VOTES_FILE, WIDE_FILE} & set(members)):
                    missing = [COMMENTS_FILE] if COMMENTS_FILE not in members else []
                    if not {VOTES_FILE, WIDE_FILE} & set(members):
                        missing.append(_("%(a)s 或 %(b)s") % {"a": VOTES_FILE, "b": WIDE_FILE})
                    raise InvalidInput(_("压缩包中缺少 %(files)s。") % {"files": "、".join(missing)}, field="archive")
                wanted = [n for n in (VOTES_FILE, COMMENTS_FILE, WIDE_FILE) if n in members]
                if sum(members[n].file_size for n in wanted) > MAX_UPLOAD_BYTES:
                    raise InvalidInput(_("压缩包解压后过大（上限 50 MB）。"), field="archive")
                for name in wanted:
                    (folder / name).write_bytes(z.read(members[name]))
        except zipfile.BadZipFile as exc:
            raise InvalidInput(_("无法读取压缩包，请上传 zip 格式的文件。"), field="archive") from exc
        return
    if not comments or not (votes or wide):
        raise InvalidInput(
            _("请上传 zip 压缩包，或上传 comments.csv 和 votes.csv（或 participants-votes.csv）。"), field="archive"
        )
    for upload, name, field in (
        (votes, VOTES_FILE, "votes"),
        (comments, COMMENTS_FILE, "comments"),
        (wide, WIDE_FILE, "wide"),
    ):
        if not upload:
            continue
        if upload.size > MAX_UPLOAD_BYTES:
            raise InvalidInput(_("%(name)s 过大（上限 50 MB）。") % {"name": name}, field=field)
        with (folder / name).open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)


def _insert_votes(rows: list[tuple]) -> None:
    """Insert checked vote rows with executemany: the ORM's bulk_create compiles every value of every row, which
    made a 1,000,000-vote import take minutes; this is the same INSERT without that overhead."""
    qn = connection.ops.quote_name
    names = ("room", "participant", "statement", "value", "created_at", "updated_at")
    columns = ", ".join(qn(Vote._meta.get_field(name).column) for name in names)
    # Only model metadata is formatted into the statement; every value goes in as a parameter.
    sql = f"INSERT INTO {qn(Vote._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(names))})"  # noqa: S608
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(
                sql, [(r, p, s, v, adapt(c), adapt(u)) for r, p, s, v, c, u in rows[start : start + BATCH]]
            )


def import_into_room(
    *, actor, room: OnlineRoom, export: PolisExport | CheckedExport, require_permission: bool = True
) -> ImportSummary:
    """Load a checked export into an empty room (no statements, participants or votes yet): all or nothing.

    `require_permission=False` is for the management command (an operator on the server).
    """
    if require_permission:
        require_perm(actor, "online.run_room", room, _("只有本单元的召集人可以导入数据。"))
    checked = export if isinstance(export, CheckedExport) else CheckedExport(export, (), 0)
    export = checked.export
    now = clock.now()
    log = export.votes
    keep = latest_votes(log).tolist()
    timestamps = None if log.timestamps is None else log.timestamps.tolist()
    with transaction.atomic():
        room = locked(room)
        if Statement.objects.filter(room=room).exists() or OnlineParticipant.objects.filter(room=room).exists():
            raise NotPossible(_("只能导入到还没有观点和表态的议事室：请新开一个议事室再导入。"))
        voter_ids = {int(log.participant_ids[i]) for i in keep}
        voter_ids |= {s.author_id for s in export.statements if s.author_id is not None}
        OnlineParticipant.objects.bulk_create(
            [
                OnlineParticipant(room=room, polis_id=pid, kind=ParticipantKind.IMPORTED, created_at=now)
                for pid in sorted(voter_ids)
            ],
            batch_size=BATCH,
        )
        participants = dict(OnlineParticipant.objects.filter(room=room).values_list("polis_id", "pk"))
        Statement.objects.bulk_create(
            [
                Statement(
                    room=room,
                    polis_id=s.statement_id,
                    text=s.body,
                    status=MODERATED[s.moderated],
                    is_seed=s.author_id is None,
                    author_id=participants.get(s.author_id) if s.author_id is not None else None,
                    added_by=actor if s.author_id is None and getattr(actor, "pk", None) else None,
                    created_at=_moment(s.timestamp, now),
                )
                for s in export.statements
            ],
            batch_size=BATCH,
        )
        statements = dict(Statement.objects.filter(room=room).values_list("polis_id", "pk"))
        votes = []
        for i in keep:
            moment = _moment(timestamps[i], now) if timestamps is not None else now
            votes.append(
                (
                    room.pk,
                    participants[int(log.participant_ids[i])],
                    statements[int(log.statement_ids[i])],
                    int(log.values[i]),
                    moment,
                    moment,
                )
            )
        _insert_votes(votes)
        summary = ImportSummary(
            participants=len(participants),
            statements=len(statements),
            votes=len(votes),
            warnings=checked.warnings,
            warning_count=checked.warning_count,
            source=export.vote_source,
        )
        mark_changed(room)
        record_event(
            room,
            actor=actor,
            action="import",
            data={
                "participants": summary.participants,
                "statements": summary.statements,
                "votes": summary.votes,
                "warnings": summary.warning_count,
                "source": summary.source,
            },
        )
    return summary
