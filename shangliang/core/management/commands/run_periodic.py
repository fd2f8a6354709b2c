"""The one periodic command: every app's scheduled job (core.periodic) — implementation's deadlines, reminders, public
notices and follow-up checks, then the dashboards' missing figures. Safe to run often."""

from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError

from shangliang.core import clock
from shangliang.core.periodic import run_all


class Command(BaseCommand):
    help = "到期提醒、逾期催办、宽限期后通报、回访到期提醒，补算统计缓存；重复运行不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, **options):
        if not options["today"]:
            lines = run_all()
        else:
            try:
                day = date.fromisoformat(options["today"])
            except ValueError as exc:
                raise CommandError("--today 应为 YYYY-MM-DD 格式的日期") from exc
            # That day at this time of day: the clock stands there while every job runs.
            with clock.frozen(datetime.combine(day, clock.localtime().time())):
                lines = run_all()
        for line in lines:
            self.stdout.write(line)
