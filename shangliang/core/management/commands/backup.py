"""Write one encrypted backup of the database and the uploaded files (core.backup), then keep the newest --keep."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shangliang.core.backup import BackupError, create_backup, prune


class Command(BaseCommand):
    help = "备份数据库和上传文件：一致、压缩、加密（BACKUP_KEY），附 SHA-256 校验文件。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="备份目录，默认 BACKUP_DIR")
        parser.add_argument("--keep", type=int, default=None, help="只保留最新的这么多份，默认 BACKUP_KEEP")

    def handle(self, *args, **options):
        directory = Path(options["dir"]) if options["dir"] else None
        try:
            result = create_backup(directory=directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        keep = options["keep"] or settings.BACKUP_KEEP
        removed = prune(keep=keep, directory=directory)
        self.stdout.write(
            _("已备份：%(path)s（%(size)s 字节，%(tables)s 张表 %(rows)s 行，%(files)s 个文件），SHA-256 %(sha)s")
            % {
                "path": result.path,
                "size": result.size,
                "tables": result.tables,
                "rows": result.rows,
                "files": result.files,
                "sha": result.sha256,
            }
        )
        if removed:
            self.stdout.write(_("已删除较旧的备份 %(n)s 份，保留 %(keep)s 份。") % {"n": len(removed), "keep": keep})
