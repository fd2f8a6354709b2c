"""Delete audit records past the retention period (AUDIT_RETENTION_DAYS, never below 180 days)."""

from datetime import datetime, time, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from shangliang.core import audit


class Command(BaseCommand):
    help = "清理超过保存期限的审计记录（保存期限不少于 180 天）。"

    def add_arguments(self, parser):
        parser.add_argument("--before", help="删除这一天（YYYY-MM-DD）之前的记录；默认为保存期限的起点")

    def handle(self, *args, **options):
        if options["before"]:
            try:
                day = datetime.strptime(options["before"], "%Y-%m-%d").date()
            except ValueError as exc:
                raise CommandError(_("--before 应为 YYYY-MM-DD 格式的日期")) from exc
            before = timezone.make_aware(datetime.combine(day, time.min))
        else:
            before = audit.now() - timedelta(days=audit.retention_days())
        try:
            purged = audit.purge(before=before)
        except audit.RetentionError as exc:
            raise CommandError(
                _("审计记录至少保存 %(days)s 天，不能删除更近的记录。") % {"days": audit.retention_days()}
            ) from exc
        self.stdout.write(_("已删除 %(n)s 条过期审计记录。") % {"n": purged})
