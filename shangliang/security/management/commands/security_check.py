"""Print GB/T 22239-2019 8.1.4's level-3 application controls and whether this installation meets each."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shangliang.security.checks import DEPLOY, FAIL, PASS, run_checks


class Command(BaseCommand):
    help = "等保 2.0（GB/T 22239-2019 8.1.4）三级应用控制点自查：逐项列出是否满足及需要修改的设置。"

    def handle(self, *args, **options):
        checks = run_checks()
        for c in checks:
            self.stdout.write(f"[{c.status:6}] {c.control:22} {c.title}")
            if c.detail:
                self.stdout.write(f"         → {c.detail}")
        counts = {s: sum(1 for c in checks if c.status == s) for s in (PASS, FAIL, DEPLOY)}
        self.stdout.write(
            "\n"
            + _("%(ok)s 项满足，%(bad)s 项不满足，%(deploy)s 项由部署环境负责。")
            % {"ok": counts[PASS], "bad": counts[FAIL], "deploy": counts[DEPLOY]}
        )
        if counts[FAIL]:
            raise CommandError(_("%(n)s 项应用控制点不满足。") % {"n": counts[FAIL]})
