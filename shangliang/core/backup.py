"""Backup and restore (等保 2.0: 数据备份与恢复): the database and the uploaded files in one encrypted file.

A backup is `shangliang-<local time>.slbk` in settings.BACKUP_DIR, with `<name>.sha256` beside it (sha256sum's format,
so an operator can check a copy with `sha256sum -c` without the key). Inside, once decrypted, a gzip-compressed tar:

    database/db.sqlite3 | database/db.pgdump   the database, consistent at one moment
    media/<path>                                 every uploaded file (settings.MEDIA_ROOT)
    manifest.json                                format, engine, time, row counts per table, SHA-256 of every member

Consistency: SQLite is copied with its online backup API (one snapshot, writers wait); on PostgreSQL a REPEATABLE READ
transaction exports its snapshot, the row counts are taken in it and pg_dump reads the same snapshot (--snapshot), so
the counts describe exactly what was dumped. Uploaded files are written once and never changed in place, so copying
them after the database snapshot can only add files that no row names yet.

Encryption: SM4-GCM (core.crypto) under settings.BACKUP_KEY, in 1 MiB chunks, each with its own nonce (a random prefix
and the chunk's number) and its number and a last-chunk flag as authenticated data, so a chunk cannot be altered,
reordered, dropped or the file cut short without the restore noticing.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils.translation import gettext as _

from shangliang.core import audit, clock, crypto

FORMAT = 1
MAGIC = b"SHANGLIANG-BACKUP-1\n"
SUFFIX = ".slbk"
CHUNK = 1 << 20
PREFIX_BYTES = 8
LAST = b"\x01"
MORE = b"\x00"


class BackupError(Exception):
    """A backup that cannot be written, read or restored; the message says why, for the operator."""


def backup_key() -> bytes:
    raw = (settings.BACKUP_KEY or "").strip()
    if not raw:
        if not settings.DEBUG:
            raise BackupError(_("未设置 BACKUP_KEY（32 位十六进制的 SM4 密钥），无法加密或解密备份。"))
        return crypto.derived_development_key(b"shangliang.backup-key")
    try:
        key = bytes.fromhex(raw)
    except ValueError:
        key = b""
    if len(key) != 16:
        raise BackupError(_("BACKUP_KEY 应为 32 位十六进制数字（SM4 密钥）。"))
    return key


# ---- the encrypted stream -------------------------------------------------------------------------------------------


class EncryptingWriter:
    """A write-only file object: what is written goes out as SM4-GCM chunks. `finish()` seals the last chunk."""

    def __init__(self, out, key: bytes):
        self.out, self.key = out, key
        self.prefix = os.urandom(PREFIX_BYTES)
        self.number = 0
        self.buffer = bytearray()
        out.write(MAGIC + self.prefix)

    def write(self, data) -> int:
        self.buffer += data
        while len(self.buffer) >= CHUNK:
            self._seal(bytes(self.buffer[:CHUNK]), MORE)
            del self.buffer[:CHUNK]
        return len(data)

    def flush(self) -> None:
        self.out.flush()

    def finish(self) -> None:
        self._seal(bytes(self.buffer), LAST)
        self.buffer.clear()
        self.out.flush()

    def _seal(self, data: bytes, flag: bytes) -> None:
        nonce = self.prefix + self.number.to_bytes(4, "big")
        sealed = crypto.sm4_gcm_seal(self.key, nonce, data, aad=MAGIC + nonce + flag)
        self.out.write(flag + len(sealed).to_bytes(4, "big") + sealed)
        self.number += 1


class DecryptingReader:
    """A read-only file object over an encrypted backup; raises BackupError on any alteration or truncation."""

    def __init__(self, source, key: bytes):
        self.source, self.key = source, key
        if source.read(len(MAGIC)) != MAGIC:
            raise BackupError(_("这不是本系统的备份文件。"))
        self.prefix = source.read(PREFIX_BYTES)
        self.number = 0
        self.buffer = b""
        self.done = False

    def read(self, size: int = -1) -> bytes:
        while not self.done and (size < 0 or len(self.buffer) < size):
            self._open_next()
        if size < 0:
            data, self.buffer = self.buffer, b""
        else:
            data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data

    def _open_next(self) -> None:
        head = self.source.read(5)
        if len(head) < 5:
            raise BackupError(_("备份文件不完整（被截断）。"))
        flag, length = head[:1], int.from_bytes(head[1:], "big")
        sealed = self.source.read(length)
        if flag not in (LAST, MORE) or len(sealed) != length:
            raise BackupError(_("备份文件不完整（被截断）。"))
        nonce = self.prefix + self.number.to_bytes(4, "big")
        try:
            self.buffer += crypto.sm4_gcm_open(self.key, nonce, sealed, aad=MAGIC + nonce + flag)
        except crypto.DecryptionError as exc:
            raise BackupError(_("备份无法解密：密钥不对，或文件已被改动。")) from exc
        self.number += 1
        if flag == LAST:
            if self.source.read(1):
                raise BackupError(_("备份文件末尾有多余的数据。"))
            self.done = True


# ---- the database -----------------------------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """pg_dump/pg_restore of the server's major version where installed (a newer client refuses nothing, an older one
    refuses a newer server)."""
    if settings.PG_BIN_DIR:
        return str(Path(settings.PG_BIN_DIR) / name)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    for candidate in (
        Path(f"/usr/lib/postgresql/{major}/bin") / name,
        *sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True),
    ):
        if candidate.exists():
            return str(candidate)
    found = shutil.which(name)
    if not found:
        raise BackupError(_("找不到 PostgreSQL 的 %(tool)s（可用 PG_BIN_DIR 指定目录）。") % {"tool": name})
    return found


LIBPQ_VARIABLES = {
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "host": "PGHOST",
    "port": "PGPORT",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def pg_environment() -> dict[str, str]:
    """The connection Django uses, as libpq's variables (the password stays off the command line)."""
    env = dict(os.environ)
    for param, value in connection.get_connection_params().items():
        if param in LIBPQ_VARIABLES and value not in (None, ""):
            env[LIBPQ_VARIABLES[param]] = str(value)
    return env


def run_tool(args: list[str]) -> None:
    done = subprocess.run(args, env=pg_environment(), capture_output=True, text=True, check=False)  # noqa: S603 (fixed tool, our arguments)
    if done.returncode != 0:
        raise BackupError(
            _("%(tool)s 失败：%(error)s") % {"tool": Path(args[0]).name, "error": done.stderr.strip()[-2000:]}
        )


def count_rows(cursor, tables: list[str]) -> dict[str, int]:
    qn = connection.ops.quote_name
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {qn(table)}")  # noqa: S608 (names from the database's own catalogue, quoted)
        counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_tables(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()
    return [r[0] for r in rows]


def dump_database(folder: Path) -> tuple[Path, dict[str, int]]:
    """The database at one moment into `folder`, and the number of rows of every table at that moment."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        target = folder / "db.sqlite3"
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
            counts = {t: copy.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in sorted(sqlite_tables(copy))}  # noqa: S608
        finally:
            copy.close()
        return target, counts
    if connection.vendor == "postgresql":
        if connection.in_atomic_block:
            raise BackupError(_("备份不能在事务中进行。"))
        target = folder / "db.pgdump"
        tool = pg_tool("pg_dump")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = count_rows(cursor, connection.introspection.table_names(cursor))
            # -Z0: the whole backup is compressed once, afterwards.
            run_tool([tool, "--format=custom", "-Z0", f"--snapshot={snapshot}", f"--file={target}"])
        return target, counts
    raise BackupError(_("不支持的数据库：%(vendor)s") % {"vendor": connection.vendor})


def load_database(dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
        return
    tool = pg_tool("pg_restore")
    connection.close()
    run_tool(
        [
            tool,
            "--no-owner",
            "--no-privileges",
            "--clean",
            "--if-exists",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={pg_environment()['PGDATABASE']}",
            str(dump),
        ]
    )


def current_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return count_rows(cursor, connection.introspection.table_names(cursor))


# ---- files ------------------------------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def media_files(root: Path) -> list[Path]:
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# ---- backup -----------------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    size: int
    sha256: str
    tables: int
    rows: int
    files: int


def backup_name() -> str:
    return f"shangliang-{clock.localtime():%Y%m%d-%H%M%S}{SUFFIX}"


def create_backup(*, directory: Path | None = None) -> BackupResult:
    directory = Path(directory or settings.BACKUP_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    key = backup_key()
    final = directory / backup_name()
    partial = final.with_name(final.name + ".partial")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=directory, prefix=".backup-") as tmp:
        dump, counts = dump_database(Path(tmp))
        members = {f"database/{dump.name}": sha256_file(dump)}
        with open(partial, "wb") as raw:
            writer = EncryptingWriter(raw, key)
            with tarfile.open(fileobj=writer, mode="w|gz") as tar:
                tar.add(dump, arcname=f"database/{dump.name}")
                for path in media_files(media_root):
                    data = path.read_bytes()  # read once: the checksum is of exactly what goes in
                    name = "media/" + path.relative_to(media_root).as_posix()
                    members[name] = hashlib.sha256(data).hexdigest()
                    add_bytes(tar, name, data)
                manifest = {
                    "format": FORMAT,
                    "engine": connection.vendor,
                    "created_at": clock.now().isoformat(),
                    "tables": counts,
                    "members": members,
                }
                add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            writer.finish()
            os.fsync(raw.fileno())
    digest = sha256_file(partial)
    partial.rename(final)
    final.with_name(final.name + ".sha256").write_text(f"{digest}  {final.name}\n")
    audit.record(audit.BACKUP, detail={"file": final.name, "sha256": digest, "rows": sum(counts.values())})
    return BackupResult(
        path=final,
        size=final.stat().st_size,
        sha256=digest,
        tables=len(counts),
        rows=sum(counts.values()),
        files=sum(1 for m in members if m.startswith("media/")),
    )


def add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(clock.now().timestamp())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def backups(directory: Path | None = None) -> list[Path]:
    """The finished backups in the folder, oldest first (the names sort by time)."""
    directory = Path(directory or settings.BACKUP_DIR)
    return sorted(directory.glob(f"shangliang-*{SUFFIX}")) if directory.exists() else []


def prune(*, keep: int, directory: Path | None = None) -> list[Path]:
    """Delete all but the newest `keep` backups (and their checksum files); returns what was deleted."""
    old = backups(directory)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".sha256").unlink(missing_ok=True)
    return old


def nightly_line(today) -> str:
    """run_periodic's job: with BACKUP_NIGHTLY on, one backup a day at or after BACKUP_HOUR; keeps BACKUP_KEEP."""
    if not settings.BACKUP_NIGHTLY:
        return "backup: nightly backups off (BACKUP_NIGHTLY)"
    if any(p.name.startswith(f"shangliang-{today:%Y%m%d}-") for p in backups()):
        return f"backup: {today} already backed up"
    if clock.localtime().hour < settings.BACKUP_HOUR:
        return f"backup: waits until {settings.BACKUP_HOUR:02d}:00"
    result = create_backup()
    removed = prune(keep=settings.BACKUP_KEEP)
    return (
        f"backup: {result.path.name}, {result.size} bytes, {result.rows} rows in {result.tables} tables, "
        f"{result.files} files; {len(removed)} old removed, {settings.BACKUP_KEEP} kept"
    )


# ---- restore ----------------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    manifest: dict
    tables: int = 0
    rows: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_checksum(path: Path) -> None:
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.exists():
        raise BackupError(_("缺少校验文件 %(name)s。") % {"name": sidecar.name})
    expected = sidecar.read_text().split()[0] if sidecar.read_text().split() else ""
    if sha256_file(path) != expected:
        raise BackupError(_("备份文件的 SHA-256 与校验文件不符：文件已损坏或被改动。"))


def installation_in_use() -> str:
    """Why this installation is not empty ("" when it is): accounts in the database, or uploaded files."""
    tables = set(connection.introspection.table_names())
    user_table = get_user_model()._meta.db_table
    if user_table in tables:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(user_table)}")  # noqa: S608
            if cursor.fetchone()[0]:
                return _("数据库中已有账号")
    if media_files(Path(settings.MEDIA_ROOT)):
        return _("上传文件目录不为空")
    return ""


def restore_backup(path: Path, *, force: bool = False) -> RestoreResult:
    """Bring a backup back into an empty installation and verify it (row counts and file checksums)."""
    path = Path(path)
    if not path.exists():
        raise BackupError(_("找不到备份文件 %(path)s。") % {"path": path})
    check_checksum(path)
    key = backup_key()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="shangliang-restore-") as tmp:
        folder = Path(tmp)
        with open(path, "rb") as raw, tarfile.open(fileobj=DecryptingReader(raw, key), mode="r|gz") as tar:
            tar.extractall(folder, filter="data")
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise BackupError(_("备份中缺少清单（manifest.json）。")) from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(_("不认识的备份格式：%(format)s") % {"format": manifest.get("format")})
        if manifest.get("engine") != connection.vendor:
            raise BackupError(
                _("这份备份来自 %(source)s 数据库，不能恢复到 %(target)s。")
                % {"source": manifest.get("engine"), "target": connection.vendor}
            )
        for name, digest in manifest["members"].items():
            member = folder / name
            if not member.is_file() or sha256_file(member) != digest:
                raise BackupError(_("备份中的 %(name)s 缺失或校验不符。") % {"name": name})
        if not force:
            reason = installation_in_use()
            if reason:
                raise BackupError(_("只能恢复到空的安装：%(reason)s（确需覆盖请加 --force）。") % {"reason": reason})
        dumps = [n for n in manifest["members"] if n.startswith("database/")]
        load_database(folder / dumps[0])
        files = [n for n in manifest["members"] if n.startswith("media/")]
        for name in files:
            target = media_root / name.removeprefix("media/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(folder / name, target)
    result = RestoreResult(manifest=manifest, tables=len(manifest["tables"]), rows=sum(manifest["tables"].values()))
    counts = current_counts()
    for table, expected in sorted(manifest["tables"].items()):
        if counts.get(table) != expected:
            result.problems.append(
                _("表 %(table)s：备份中 %(expected)s 行，恢复后 %(actual)s 行")
                % {"table": table, "expected": expected, "actual": counts.get(table)}
            )
    for name in files:
        target = media_root / name.removeprefix("media/")
        if not target.is_file() or sha256_file(target) != manifest["members"][name]:
            result.problems.append(_("文件 %(name)s 恢复后校验不符") % {"name": name})
    result.files = len(files)
    return result
