"""Bring a backup (core.backup) back into an empty installation, then verify it: row counts of every table and the
checksum of every file against the backup's manifest, and the audit chain (audit_verify)."""

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shangliang.core import audit
from shangliang.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份恢复到空的安装，并校验行数、文件校验和与审计链。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件（.slbk），同目录下须有它的 .sha256 校验文件")
        parser.add_argument("--force", action="store_true", help="目标已有数据时仍然覆盖")

    def handle(self, *args, **options):
        try:
            result = restore_backup(options["file"], force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _("已恢复 %(created)s 的备份：%(tables)s 张表 %(rows)s 行，%(files)s 个文件。")
            % {
                "created": result.manifest.get("created_at", "?"),
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
            }
        )
        if not result.ok:
            for line in result.problems:
                self.stderr.write(line)
            raise CommandError(_("恢复后的校验发现 %(n)s 处不符。") % {"n": len(result.problems)})
        self.stdout.write(self.style.SUCCESS(_("行数和文件校验和与备份一致。")))
        audit.record(audit.RESTORE, detail={"created_at": result.manifest.get("created_at", ""), "rows": result.rows})
        call_command("audit_verify", stdout=self.stdout, stderr=self.stderr)
