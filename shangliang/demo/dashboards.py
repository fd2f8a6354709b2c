"""The demo county's dashboard settings: its rollout plan (as Dongning's: pilots in 2021, 66% in 2022, every unit in
2023) set against the coverage reached on the norms page, and its own weighting of the members' duty-record formula
(supervising tasks counts more than the default), so the assessment pages show a county's formula beside the defaults.

One loader step, `build_dashboard_settings`, through the dashboards' services (each change has its event)."""

from __future__ import annotations

from shangliang.dashboards import services
from shangliang.dashboards.models import CoverageTarget, ScoreSubject
from shangliang.people.models import User

from .county import require_county

PLAN = [(2021, 10), (2022, 66), (2023, 100), (2024, 100), (2025, 100), (2026, 100)]
# (item, points each, at most): supervising tasks and public-opinion reports weigh more in 东宁市.
MEMBER_RULES = [("supervisions", 4, 20), ("opinion_reports", 3, 15)]


def build_dashboard_settings(ctx) -> bool:
    county = require_county()
    if CoverageTarget.objects.filter(county=county).exists():
        return False
    staff = User.objects.get(username="demo_staff")
    for year, percent in PLAN:
        services.coverage_target_save(actor=staff, county=county, year=year, percent=percent)
    for item, points, cap in MEMBER_RULES:
        services.scoring_rule_save(
            actor=staff, county=county, subject=ScoreSubject.MEMBER, item=item, points=points, cap=cap
        )
    return True
