"""The one periodic command: every app's scheduled job (core.periodic) — implementation's deadlines, reminders, public
notices and follow-up checks, then the dashboards' missing figures. Safe to run often."""

import time
from datetime import date, datetime

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from shangliang.core import clock
from shangliang.core.periodic import run_all


class Command(BaseCommand):
    help = "到期提醒、逾期催办、宽限期后通报、回访到期提醒，补算统计缓存；重复运行不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按这一天运行（YYYY-MM-DD），默认今天")
        parser.add_argument(
            "--every", type=int, default=0, help="每隔这么多秒运行一次，直到进程被停止（生产环境的周期循环）"
        )

    def handle(self, *args, **options):
        if options["every"] > 0:
            if options["today"]:
                raise CommandError("--every 与 --today 不能同时使用")
            # One process for the loop: Django is loaded once; a broken connection is replaced between runs.
            while True:
                close_old_connections()
                try:
                    self.run_once(options)
                except Exception as exc:  # a database restart must not end the loop; the next run tries again
                    self.stderr.write(f"run_periodic failed: {type(exc).__name__}: {exc}")
                self.stdout.flush()
                time.sleep(options["every"])
        self.run_once(options)

    def run_once(self, options):
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
