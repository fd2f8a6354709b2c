"""Backup and restore (core.backup): a backup brought back into a fresh database gives the same rows and files."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from shangliang.core import audit, backup
from shangliang.core.backup import BackupError, DecryptingReader, EncryptingWriter
from shangliang.units.models import UnitKind
from tests.factories import UserFactory, make_room, make_unit

KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


def seal(data: bytes) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, KEY)
    writer.write(data)
    writer.finish()
    return out.getvalue()


def test_the_encrypted_stream_reads_back_and_refuses_any_change(monkeypatch):
    monkeypatch.setattr(backup, "CHUNK", 1000)
    data = bytes(range(256)) * 20  # several chunks
    sealed = seal(data)
    assert DecryptingReader(io.BytesIO(sealed), KEY).read() == data
    assert data[:100] not in sealed
    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1
    with pytest.raises(BackupError):
        DecryptingReader(io.BytesIO(bytes(flipped)), KEY).read()
    with pytest.raises(BackupError):  # cut after a whole chunk: the last-chunk mark is missing
        DecryptingReader(io.BytesIO(sealed[: len(backup.MAGIC) + 8 + 5 + 1000 + 16]), KEY).read()
    with pytest.raises(BackupError):
        DecryptingReader(io.BytesIO(sealed), bytes(16)).read()


def test_only_the_newest_backups_are_kept(tmp_path):
    for stamp in ("20260301-020000", "20260302-020000", "20260303-020000"):
        (tmp_path / f"shangliang-{stamp}.slbk").write_bytes(b"x")
        (tmp_path / f"shangliang-{stamp}.slbk.sha256").write_text("x")
    removed = backup.prune(keep=2, directory=tmp_path)
    assert [p.name for p in removed] == ["shangliang-20260301-020000.slbk"]
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "shangliang-20260302-020000.slbk",
        "shangliang-20260302-020000.slbk.sha256",
        "shangliang-20260303-020000.slbk",
        "shangliang-20260303-020000.slbk.sha256",
    ]


def files_under(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def business_counts() -> dict[str, int]:
    """Every table's rows but the audit trail's, which the backup, the restore and its verification each add to."""
    return {t: n for t, n in backup.current_counts().items() if not t.startswith("core_audit")}


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_fresh_database_gives_identical_rows_and_files(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEY = KEY.hex()
    county = make_unit("备份县", UnitKind.COUNTY)
    town = make_unit("备份镇", UnitKind.TOWN, county)
    make_room(town)
    UserFactory.create_batch(3)
    audit.record(audit.CONFIG_CHANGED, detail={"what": "before the backup"})
    evidence = settings.MEDIA_ROOT / "rooms" / "2026" / "照片.png"
    evidence.parent.mkdir(parents=True)
    evidence.write_bytes(b"\x89PNG" + bytes(range(256)) * 40)
    (settings.MEDIA_ROOT / "minutes.pdf").write_bytes(b"%PDF-1.4 minutes")
    files_before = files_under(settings.MEDIA_ROOT)

    call_command("backup", stdout=io.StringIO())
    [made] = backup.backups()
    counts_before = business_counts()
    assert "备份县" not in made.read_bytes().decode("latin-1")  # encrypted

    # A fresh installation: an empty database (migrated, no rows) and no uploaded files.
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(settings.MEDIA_ROOT.rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    assert backup.current_counts()["people_user"] == 0

    out = io.StringIO()
    call_command("restore", str(made), stdout=out, stderr=io.StringIO())
    assert "审计链完整" in out.getvalue()
    assert "行数和文件校验和与备份一致" in out.getvalue()  # every table, the audit trail's included, as in the manifest
    after = business_counts()
    assert after == counts_before
    assert after["people_user"] == 3 and after["units_room"] == 1
    assert files_under(settings.MEDIA_ROOT) == files_before

    with pytest.raises(CommandError, match="只能恢复到空的安装"):  # a second restore would overwrite live data
        call_command("restore", str(made), stdout=io.StringIO())
    made.with_name(made.name + ".sha256").write_text("0" * 64 + "  x\n")
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(made), "--force", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)
def test_run_periodic_takes_one_backup_a_night_and_keeps_the_newest(tmp_path, settings, freeze):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.BACKUP_KEY = KEY.hex()
    settings.BACKUP_NIGHTLY, settings.BACKUP_HOUR, settings.BACKUP_KEEP = True, 2, 1
    clock = freeze("2026-03-02 01:30")
    assert backup.nightly_line(clock.today()) == "backup: waits until 02:00"
    clock.move_to("2026-03-02 02:05")
    assert backup.nightly_line(clock.today()).startswith("backup: shangliang-20260302-020500.slbk")
    assert backup.nightly_line(clock.today()) == "backup: 2026-03-02 already backed up"
    clock.move_to("2026-03-03 02:01")
    assert "1 old removed" in backup.nightly_line(clock.today())
    assert [p.name for p in backup.backups()] == ["shangliang-20260303-020100.slbk"]
