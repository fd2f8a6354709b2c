"""The flow counters are kept by delta in the transaction of each change: a rolled-back change leaves them as they
were, two transactions adding to the same counter both count, random sequences of changes leave them equal to the
live computation, and the repair command reports a counter that was wrong and puts it right."""

import json
import threading
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shangliang.core.events import record_event
from shangliang.dashboards import counters, periods
from shangliang.dashboards.models import Contribution, FigureCount
from shangliang.dashboards.scope import Scope
from shangliang.topics import services as ts
from shangliang.topics.models import Topic, TopicCategory, TopicSource
from shangliang.topics.services import screening
from shangliang.units import services as us
from shangliang.units.models import Unit
from tests.conftest import fresh
from tests.factories import UserFactory

TODAY_YEAR = periods.parse().start.year


def stored():
    return set(FigureCount.objects.values_list("anchor_id", "kind", "key", "part", "name", "value")), {
        (subject, pk, json.dumps(figures, sort_keys=True))
        for subject, pk, figures in Contribution.objects.values_list("subject", "subject_id", "figures")
    }


def assert_flows_equal_live():
    period = periods.year(TODAY_YEAR)
    for unit in Unit.objects.order_by("path"):
        if not (unit.county_id is None or unit.county_id == unit.pk):
            continue
        cached, live = Scope(unit, period), Scope(unit, period, cached=False)
        assert cached.flows == live.flows, unit.name
        assert cached.flows_by_child == live.flows_by_child, unit.name
        assert cached.flows_by_month == live.flows_by_month, unit.name
    report = counters.repair(fix=False)
    assert report["counters_differed"] == []
    assert report["contributions_differed"] == 0


def enter(actor, unit, title="村口积水"):
    return ts.topic_enter(
        actor=actor, unit=unit, source=TopicSource.GRID, title=title, description="雨后积水", name="王大妈"
    )


class Boom(Exception):
    pass


def test_a_change_rolled_back_leaves_the_counters_as_they_were(world):
    staff = fresh(world.users["staff"])
    enter(staff, world.v1, "镇上路灯不亮")
    before = stored()
    assert before[0]
    with pytest.raises(Boom), transaction.atomic():
        enter(staff, world.v1)
        assert stored() != before  # counted inside the change's transaction
        raise Boom
    assert stored() == before
    assert_flows_equal_live()


def test_the_repair_command_reports_a_wrong_counter_and_puts_it_right(world):
    staff = fresh(world.users["staff"])
    enter(staff, world.v1)
    enter(staff, world.v2, "集市占道经营")
    row = FigureCount.objects.filter(anchor=world.a, kind="month", part=0, name="topics").first()
    FigureCount.objects.filter(pk=row.pk).update(value=7)
    out = StringIO()
    call_command("refresh_dashboards", stdout=out)
    assert f"{world.a.pk} month {row.key} 0 topics: stored 7, computed 2" in out.getvalue()
    assert "1 counters differed" in out.getvalue()
    assert FigureCount.objects.get(anchor=world.a, kind="month", part=0, name="topics", key=row.key).value == 2
    again = StringIO()
    call_command("refresh_dashboards", stdout=again)
    assert "0 counters differed" in again.getvalue()
    assert_flows_equal_live()


ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(["enter", "accept", "reject", "merge", "delete", "move"]),
        st.integers(min_value=0, max_value=9),
        st.integers(min_value=0, max_value=9),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=ACTIONS)
def test_random_changes_leave_the_counters_equal_to_the_live_computation(world, steps):
    staff = fresh(world.users["staff"])
    convenor = fresh(world.users["convenor"])
    admin = UserFactory(username=f"root{UserFactory._meta.model.objects.count()}", is_superuser=True)
    villages = [world.v1, world.v2, world.v3]
    try:
        with transaction.atomic():
            for action, i, j in steps:
                topics = list(Topic.objects.filter(unit__in=[world.t1, world.v1, world.v2]).order_by("pk"))
                open_topics = [t for t in topics if t.status == "submitted"]
                if action == "enter" or not topics:
                    enter(staff, villages[i % 3] if i % 4 else world.t1, f"议题{i}{j}")
                elif action == "accept" and open_topics:
                    t = open_topics[i % len(open_topics)]
                    screening.topic_screen(
                        topic=t, actor=convenor, decision="accept", category=TopicCategory.LIVELIHOOD
                    )
                elif action == "reject" and open_topics:
                    t = open_topics[i % len(open_topics)]
                    screening.topic_screen(
                        topic=t, actor=convenor, decision="reject", reason="individual_dispute", note="转调解"
                    )
                elif action == "merge" and len(open_topics) > 1:
                    a, b = open_topics[i % len(open_topics)], open_topics[j % len(open_topics)]
                    if a.pk != b.pk:
                        screening.topic_screen(topic=a, actor=convenor, decision="merge", merge_into=b)
                elif action == "delete":
                    t = topics[i % len(topics)]
                    if not Topic.objects.filter(merged_into=t).exists():
                        pk = t.pk
                        t.delete()
                        t.pk = pk
                        record_event(t, actor=staff, action="delete", unit=t.unit)
                elif action == "move":
                    v3 = Unit.objects.get(pk=world.v3.pk)
                    target = [world.t1, world.t2, world.tb][j % 3]
                    if not v3.path.startswith(Unit.objects.get(pk=target.pk).path):
                        us.unit_move(actor=admin, unit=v3, new_parent=Unit.objects.get(pk=target.pk))
            assert_flows_equal_live()
            raise Boom  # each example starts from the same world
    except Boom:
        pass


@pytest.mark.django_db(transaction=True)
def test_two_transactions_adding_to_the_same_counters_both_count(world):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent transactions need PostgreSQL (SQLite writes one at a time)")
    staff_id = world.users["staff"].pk
    per_thread, threads = 6, 3
    start = threading.Barrier(threads)
    errors = []

    def work(n):
        try:
            staff = fresh(UserFactory._meta.model.objects.get(pk=staff_id))
            start.wait(timeout=30)
            for k in range(per_thread):
                with transaction.atomic():
                    enter(staff, world.v1 if k % 2 else world.v2, f"并发{n}-{k}")
                    # Keep the counters' rows locked a moment, so that the others queue behind this one.
                    connection.cursor().execute("SELECT pg_sleep(0.02)")
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    pool = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    assert errors == []
    total = Counter(
        dict(
            FigureCount.objects.filter(anchor=world.a, kind="month", part=0, name="topics").values_list("key", "value")
        )
    )
    assert sum(total.values()) == per_thread * threads
    assert_flows_equal_live()


@pytest.mark.django_db(transaction=True)
def test_the_background_catch_up_passes_over_what_a_change_is_projecting_instead_of_waiting(world):
    """The catch-up (cells.ensure_fresh, in the worker) projects with skip_locked: a subject whose row a change holds
    is left to that change, so the two never wait on each other (under load they deadlocked: bench_load's county mix
    on the production stack, a department's progress report against the worker's refill)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite writes one at a time)")
    topic = enter(fresh(world.users["staff"]), world.v1)
    held, release = threading.Event(), threading.Event()

    def change():
        try:
            with transaction.atomic():
                Contribution.objects.select_for_update().get(subject=counters.TOPIC, subject_id=topic.pk)
                held.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=change)
    holder.start()
    try:
        assert held.wait(timeout=30)
        with transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '3s'")  # a wait would fail here, not hang
            counters.project({counters.TOPIC: [topic.pk]}, skip_locked=True)
        with pytest.raises(Exception, match="lock timeout"), transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '200ms'")
            counters.project({counters.TOPIC: [topic.pk]})  # a change's own projection waits its turn
    finally:
        release.set()
        holder.join()
    assert_flows_equal_live()
