"""Village affairs fixtures on top of the `world` of tests/conftest.py: the county's micro-power list, a draft and a
published disclosure in village 一村 (V1), and the county's monthly-meeting norm."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from shangliang.villageaffairs import services
from shangliang.villageaffairs.models import ExerciseKind, MeetingNorm, PowerCategory, PowerItem


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def make_power_items(county):
    items = {}
    for category, name in [
        (PowerCategory.MAJOR_DECISION, "村级重大项目立项"),
        (PowerCategory.DAILY_MANAGEMENT, "村级财务收支"),
        (PowerCategory.CONVENIENCE_SERVICE, "证明材料出具"),
        (PowerCategory.BENEFIT_FUND, "低保对象评议"),
    ]:
        items[category] = PowerItem.objects.create(
            unit=county,
            category=category,
            name=name,
            procedure="村党支部提议\n村“两委”商议\n村民代表会议决议\n结果公示",
        )
    return items


def disclosure_data(power_item, **overrides):
    today = timezone.localdate()
    data = {
        "power_item": power_item,
        "kind": ExerciseKind.PROJECT,
        "title": "村道硬化工程",
        "content": "硬化村道1.2公里，由村民代表会议决议实施。",
        "amount": "128000.50",
        "decided_on": today - timedelta(days=3),
        "period_start": today - timedelta(days=1),
        "period_end": today + timedelta(days=6),
    }
    data.update(overrides)
    return data


@pytest.fixture
def va(world):
    items = make_power_items(world.a)
    MeetingNorm.objects.create(county=world.a, started_on=date(2020, 1, 1), interval_months=1)
    staff = world.users["staff"]
    draft = services.disclosure_create(
        actor=staff, unit=world.v1, **disclosure_data(items[PowerCategory.MAJOR_DECISION], title="文化广场建设")
    )
    published = services.disclosure_create(
        actor=staff, unit=world.v1, **disclosure_data(items[PowerCategory.BENEFIT_FUND])
    )
    services.disclosure_publish(actor=staff, disclosure=published)
    return SimpleNamespace(world=world, items=items, draft=draft, published=published)
