"""Print GB/T 22239-2019 8.1.4's level-3 application controls and whether this installation meets each."""

from django.core.management.base import BaseCommand, CommandError

from shangliang.security.checks import DEPLOY, FAIL, PASS, run_checks


class Command(BaseCommand):
    help = "等保 2.0（GB/T 22239-2019 8.1.4）三级应用控制点自查：逐项列出是否满足及需要修改的设置。"

    def handle(self, *args, **options):
        checks = run_checks()
        for c in checks:
            line = f"[{c.status:6}] {c.control:18} {c.title}"
            self.stdout.write(line + (f"\n         → {c.detail}" if c.detail else ""))
        counts = {s: sum(1 for c in checks if c.status == s) for s in (PASS, FAIL, DEPLOY)}
        self.stdout.write(f"\n{counts[PASS]} 项满足，{counts[FAIL]} 项不满足，{counts[DEPLOY]} 项由部署环境负责。")
        if counts[FAIL]:
            raise CommandError(f"{counts[FAIL]} 项应用控制点不满足")
