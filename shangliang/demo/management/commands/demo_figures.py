"""The demo county's figures next to the seeds' (Dongning: 409 activities and 310 problems solved in three years across
115 units), counted by the dashboards' own metrics over the demo's span (the lived year and a half:
demo.anchor.lived_start to today)."""

from django.core.management.base import BaseCommand

from shangliang.consultations import norms
from shangliang.core import clock
from shangliang.dashboards import periods
from shangliang.dashboards.metrics import METRICS
from shangliang.dashboards.scope import Scope
from shangliang.demo.anchor import lived_start
from shangliang.demo.county import require_county
from shangliang.units.models import Unit

# Dongning city CPPCC, 2024 (seeds/000): three years of its 115 consultation rooms.
SEED_YEARS, SEED_UNITS, SEED_ACTIVITIES, SEED_SOLVED = 3, 115, 409, 310


class Command(BaseCommand):
    help = "演示县的数字（协商活动、问题解决、未达频次的单元）与种子材料（东宁市）对照。"

    def handle(self, *args, **options):
        county = require_county()
        today = clock.today()
        start = lived_start(today)
        scope = Scope(county, periods.custom(start, today), cached=False)
        years = ((today - start).days + 1) / 365.25
        units = [u for u in Unit.objects.filter(path__startswith=county.path, is_active=True) if norms.spec_for(u)]
        held = METRICS["consultations_held"].fn(scope)
        solved = METRICS["problems_solved"].fn(scope)
        behind = len(norms.units_behind(county))
        rows = [
            ("", f"演示县 {start:%Y-%m}—{today:%Y-%m-%d}", "东宁市（种子）"),
            ("期间（年）", f"{years:.1f}", f"{SEED_YEARS}"),
            ("有频次要求的单元", f"{len(units)}", f"{SEED_UNITS}"),
            (
                "协商活动",
                f"{held}（每年 {held / years:.0f}）",
                f"{SEED_ACTIVITIES}（每年 {SEED_ACTIVITIES / SEED_YEARS:.0f}）",
            ),
            (
                "问题解决",
                f"{solved}（每年 {solved / years:.0f}）",
                f"{SEED_SOLVED}（每年 {SEED_SOLVED / SEED_YEARS:.0f}）",
            ),
            ("问题解决 / 协商活动", f"{solved / held:.0%}" if held else "—", f"{SEED_SOLVED / SEED_ACTIVITIES:.0%}"),
            ("今天未达频次的单元", f"{behind}（{behind / len(units):.0%}）" if units else "0", "—"),
        ]
        for label, demo, seed in rows:
            self.stdout.write(f"{label:<12}\t{demo:<28}\t{seed}")
