"""Periodic work of implementation (deadlines, reminders, public notices, follow-up checks). Safe to run often."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from shangliang.accountability.periodic import run_periodic


class Command(BaseCommand):
    help = "到期提醒、逾期催办、宽限期后通报、回访到期提醒；重复运行不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from exc
        result = run_periodic(today=today)
        self.stdout.write(result.line())
