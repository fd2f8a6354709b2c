"""Shared fixtures: a small two-county world for permission matrices.

The N+1 guard: django-zeal's middleware (tests/settings.py) fails every request of the suite that repeats a query
per object; selectors called directly are guarded in their tests with `zeal_context()` or query-count asserts.
"""

from contextlib import ExitStack
from types import SimpleNamespace

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from shangliang.core import clock
from shangliang.people.models import Role
from shangliang.security.models import AdminKind, AdminRole
from shangliang.units.models import UnitKind
from tests.factories import UserFactory, assign, link, make_room, make_standard, make_unit

# Hypothesis judges "too slow" and deadlines by wall time, which a busy 2-core CI machine cannot promise; the tests
# check properties, not speed (benchmarks are commands).
hypothesis_settings.register_profile("shangliang", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("shangliang")


@pytest.fixture
def freeze():
    """Stop the clock for the test: `freeze("2026-02-16 09:00")` (a date is 09:00, a naive time is local); call it
    again to move the clock. Returns the frozen clock (`.move_to()`, `.today()`). Released after the test."""
    stack = ExitStack()
    frozen = []

    def at(moment: clock.Moment) -> clock.FrozenClock:
        if frozen:
            frozen[0].move_to(moment)
        else:
            frozen.append(stack.enter_context(clock.frozen(moment)))
        return frozen[0]

    with stack:
        yield at


@pytest.fixture
def world(db):
    """Two counties. County A: town T1 (villages V1, V2), town T2 (village V3). County B: town TB (village VB).

    Users (`world.users[role]`), one per role: staff at county A, convenor, approver and liaison at T1, a member
    of county A linked to T1 (area link); department, expert and evaluator at county A and a resident at V1, none of
    whom reaches units inside the app; and a stranger with no role.
    """
    a = make_unit("甲县", UnitKind.COUNTY)
    t1 = make_unit("一镇", UnitKind.TOWN, a)
    t2 = make_unit("二镇", UnitKind.TOWN, a)
    v1 = make_unit("一村", UnitKind.VILLAGE, t1)
    v2 = make_unit("二村", UnitKind.VILLAGE, t1)
    v3 = make_unit("三村", UnitKind.VILLAGE, t2)
    b = make_unit("乙县", UnitKind.COUNTY)
    tb = make_unit("乙镇", UnitKind.TOWN, b)
    vb = make_unit("乙村", UnitKind.VILLAGE, tb)
    standard_a = make_standard(a)
    make_standard(b)
    rooms = {u.name: make_room(u) for u in (t1, t2, v1, v2, v3, tb, vb)}

    users = {}
    users["staff"] = UserFactory(username="staff")
    assign(users["staff"], Role.CPPCC_STAFF, a)
    users["convenor"] = UserFactory(username="convenor")
    assign(users["convenor"], Role.CONVENOR, t1, position="first")
    users["approver"] = UserFactory(username="approver")
    assign(users["approver"], Role.APPROVER, t1)
    users["liaison"] = UserFactory(username="liaison")
    assign(users["liaison"], Role.LIAISON, t1)
    users["member"] = UserFactory(username="member")
    assign(users["member"], Role.MEMBER, a)
    link(users["member"], t1, kind="area")
    users["department"] = UserFactory(username="department")
    users["expert"] = UserFactory(username="expert")
    users["evaluator"] = UserFactory(username="evaluator")
    users["resident"] = UserFactory(username="resident")
    from tests.factories import DepartmentFactory

    dept = DepartmentFactory(county=a, name="住建局")
    assign(users["department"], Role.DEPARTMENT, a, department=dept)
    assign(users["expert"], Role.EXPERT, a)
    assign(users["evaluator"], Role.EVALUATOR, a)
    assign(users["resident"], Role.RESIDENT, v1)
    users["stranger"] = UserFactory(username="stranger")
    return SimpleNamespace(
        a=a,
        t1=t1,
        t2=t2,
        v1=v1,
        v2=v2,
        v3=v3,
        b=b,
        tb=tb,
        vb=vb,
        rooms=rooms,
        standard_a=standard_a,
        users=users,
        department=dept,
    )


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters live in the (per-process) cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def sms_outbox(settings):
    """Text messages sent during the test (SMS_BACKEND = the in-memory backend)."""
    from shangliang.notifications import sms

    settings.SMS_BACKEND = "shangliang.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def verify_mobile(sms_outbox):
    """Prove `mobile` by SMS code through the one verification page, as a resident's browser does."""
    from django.urls import reverse

    def verify(client, mobile: str = "13912345678", *, next_url: str = "/") -> str:
        url = reverse("residents:verify") + "?next=" + next_url
        sent = client.post(url, {"step": "send", "mobile": mobile, "consent": "on"})
        assert sent.status_code == 302, sent.content.decode()[:2000]
        code = "".join(ch for ch in sms_outbox[-1].text.split("验证码是")[1][:8] if ch.isdigit())
        checked = client.post(url, {"step": "check", "code": code, "next": next_url})
        assert checked.status_code == 302, checked.content.decode()[:2000]
        return code

    return verify


def mobile_visitor(mobile: str = "", *, user=None, network: str = "10.0.0.1", browser: str = ""):
    """request.visitor of a browser that verified `mobile` this session (or of `user`, or an anonymous browser whose
    cookie id is `browser`), for calling services as the views do."""
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser

    from shangliang.residents.visitor import BROWSER_COOKIE, SESSION_MOBILE, VerifiedMobile, Visitor

    session = {SESSION_MOBILE: VerifiedMobile.of(mobile).to_session()} if mobile else {}
    cookies = {BROWSER_COOKIE: browser.ljust(16, "0")} if browser else {}
    request = SimpleNamespace(user=user or AnonymousUser(), session=session, COOKIES=cookies)
    return Visitor(request=request, network=network)


@pytest.fixture
def system_admin_client(client, db):
    """The Django admin's one user: the system administrator (三员之一; no superuser), signed in with both factors."""
    user = UserFactory(username="sysadmin")
    AdminRole.objects.create(user=user, kind=AdminKind.SYSTEM, granted_at=clock.now())
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def fresh(user):
    """The same user without cached scopes (as on a new request)."""
    from shangliang.people.models import User

    return User.objects.get(pk=user.pk)


# The demo county (tests/demo, the sweeps) --------------------------------------------------------------------------

# Test modules (or packages) that run on the loaded demo county: they share one load (DemoCounty), run one after the
# other on one worker (pytest_xdist_make_scheduler) and come first in the run (pytest_collection_modifyitems).
DEMO_COUNTY_GROUP = ("tests/demo/", "tests/test_sweep_access.py", "tests/test_sweep_input.py")
# A module of the demo package that loads the county on its own (on a later day) and the determinism check with it: a
# scope of its own, so that under xdist it runs on the other worker, beside the group, not after it.
OWN_DEMO_LOAD = "tests/demo/test_anchored_to_the_day_of_loading.py"
# The longest scopes after the group (measured: its own demo load and a subprocess's; each figure after every change;
# a province; the permission matrix), handed out first so that no long one is left for the end of the run while the
# other worker idles. The others follow, the largest first (xdist's own order).
LONG_SCOPES = (
    OWN_DEMO_LOAD,
    "tests/dashboards/test_cache.py",
    "tests/bench/test_province.py",
    "tests/units/test_rules.py",
    "tests/dashboards/test_counters.py",
)


def uses_the_demo_county(nodeid: str) -> bool:
    return nodeid.startswith(DEMO_COUNTY_GROUP) and not nodeid.startswith(OWN_DEMO_LOAD)


def scope_of(nodeid: str) -> str:
    """The xdist scope of a test: the demo county's group, or its module (or class)."""
    return "demo-county" if uses_the_demo_county(nodeid) else nodeid.rsplit("::", 1)[0]


class DemoCounty:
    """The demo county loaded once per worker for every test of DEMO_COUNTY_GROUP, inside a transaction that is rolled
    back after the group's last test (pytest_runtest_teardown), so the other tests start on an empty database as
    before; each test (and each module's own fixture) runs in a savepoint on top. Loading takes tens of seconds, most
    on PostgreSQL: it was loaded three times per pass (the demo package and each sweep module)."""

    def __init__(self, blocker):
        self.blocker = blocker
        self.summary = None
        self._atomic = None

    def ensure(self):
        """Load the demo county if it is not loaded; its load summary."""
        from django.db import transaction
        from django.test import TestCase

        from shangliang.demo.loader import load_demo

        if self._atomic is None:
            with self.blocker.unblock():
                atomic = transaction.atomic()
                atomic.__enter__()
                try:
                    # Notifications and figure-cache updates run after commit: run them as a commit would, inside
                    # this transaction.
                    with TestCase.captureOnCommitCallbacks(execute=True):
                        self.summary = load_demo()
                except BaseException:
                    transaction.set_rollback(True)
                    atomic.__exit__(None, None, None)
                    raise
                self._atomic = atomic
        return self.summary

    def release(self):
        from django.core.cache import cache
        from django.db import transaction

        if self._atomic is not None:
            atomic, self._atomic, self.summary = self._atomic, None, None
            with self.blocker.unblock():
                transaction.set_rollback(True)
                atomic.__exit__(None, None, None)
            cache.clear()


_demo_counties: list[DemoCounty] = []


@pytest.fixture(scope="session")
def demo_county(django_db_setup, django_db_blocker) -> DemoCounty:
    """The shared demo county (DemoCounty): call `.ensure()` in a fixture of a module of DEMO_COUNTY_GROUP."""
    shared = DemoCounty(django_db_blocker)
    _demo_counties.append(shared)
    return shared


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After the group's last test and its fixtures are torn down, roll the demo county back."""
    try:
        return (yield)
    finally:
        if nextitem is None or not uses_the_demo_county(nextitem.nodeid):
            for shared in _demo_counties:
                shared.release()


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """The demo county's group first (one load, and under xdist its long scope starts first instead of last), then the
    LONG_SCOPES, then the other scopes, the largest first; each scope's tests together, in their own order.

    `make test-browser` and `make test-prod` collect only their folders: a test marked for them elsewhere is refused
    here (the SQLite and PostgreSQL passes collect everything), rather than left out of every pass."""
    for item in items:
        for marker, folder in (("browser", "tests/browser/"), ("prod", "tests/ops/")):
            if item.get_closest_marker(marker) and not item.nodeid.startswith(folder):
                raise pytest.UsageError(f"{item.nodeid} is marked {marker}: move it to {folder} (Makefile)")
    scopes: dict[str, list] = {}
    for item in items:
        scopes.setdefault(scope_of(item.nodeid), []).append(item)

    def rank(scope: str) -> tuple:
        if scope == "demo-county":
            return (0, 0, 0)
        long = [i for i, prefix in enumerate(LONG_SCOPES) if scope.startswith(prefix)]
        return (1, long[0], 0) if long else (2, 0, -len(scopes[scope]))

    items[:] = [item for scope in sorted(scopes, key=rank) for item in scopes[scope]]


def pytest_xdist_make_scheduler(config, log):
    """`--dist loadscope`, with the demo county's group (DEMO_COUNTY_GROUP) as one scope: its modules share one loaded
    demo county, so they run one after the other on one worker. Scopes are handed out in the order of the collection
    (pytest_collection_modifyitems), not xdist's largest-first. (xdist's own `loadgroup` would do, but it ignores the
    groups under pytest 9.)"""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            return scope_of(nodeid)

    config.option.loadscopereorder = False
    return Scheduling(config, log)


# How busy each xdist worker was (the sum of its tests' setup, call and teardown times), printed after the run: a pass
# is as long as its busiest worker, and the balance shows which scope to move (LONG_SCOPES, DEMO_COUNTY_GROUP).
_busy: dict[str, list[float]] = {}


def pytest_runtest_logreport(report):
    node = getattr(report, "node", None)  # set by xdist on the controller's copy of a worker's report
    if node is not None:
        busy = _busy.setdefault(node.gateway.id, [0.0, 0])
        busy[0] += report.duration
        busy[1] += report.when == "call"


def pytest_terminal_summary(terminalreporter):
    if _busy:
        terminalreporter.write_line(
            "busy time per worker: "
            + ", ".join(f"{gw} {busy:.0f} s ({tests} tests)" for gw, (busy, tests) in sorted(_busy.items()))
        )
