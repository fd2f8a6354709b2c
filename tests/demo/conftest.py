"""The demo county, loaded once for this package and the sweeps (tests/conftest.py: DemoCounty), inside a
transaction rolled back when they are done; each test runs in its own savepoint on top.

`make test` runs the suite with `-n 2 --dist loadscope`, and tests/conftest.py makes this package and the sweeps one
scope: their tests run one after the other on one worker and the demo is loaded once per pass (under plain
`--dist load` a module's tests were spread over both workers, and each module loaded it on each)."""

import pytest
from django.core.cache import cache

from shangliang.units.models import Unit, UnitKind


@pytest.fixture(scope="package")
def demo(demo_county):
    """The summary of the demo county's load (tests/conftest.py DemoCounty)."""
    return demo_county.ensure()


@pytest.fixture
def county(demo, demo_county, db):
    """The demo county, 东宁市."""
    demo_county.ensure()
    return Unit.objects.get(kind=UnitKind.COUNTY, code="231086")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()
