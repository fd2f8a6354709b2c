"""The figures read from the counters and cells equal the live computation after every kind of change, each made
through its service (so its event changes the counters in its transaction and drops the cells it touches once it
commits), with no refill in between, and after a bulk load that writes no event."""

from collections import Counter
from datetime import date, timedelta

import pytest
from django.utils import timezone

from shangliang.consultations import services as cs
from shangliang.consultations.models import ConsultationForm, ParticipantKind
from shangliang.dashboards import periods
from shangliang.dashboards.models import FigureCell
from shangliang.dashboards.scope import Scope
from shangliang.topics import services as ts
from shangliang.topics.models import Topic, TopicCategory, TopicSource
from shangliang.topics.services import screening
from shangliang.units import services as us
from shangliang.units.models import RoomStage, Unit, UnitKind
from shangliang.units.services import ItemResult
from tests.conftest import fresh
from tests.consultations.conftest import approved_topic, people, schedule  # noqa: F401 (fixture)
from tests.factories import UserFactory, make_unit

TODAY = timezone.localdate()
# The current year (whole months: cells only) and a range with partial months at both ends (cells and live days).
PERIODS = [periods.year(TODAY.year), periods.custom(TODAY - timedelta(days=40), TODAY + timedelta(days=3))]


def figures(unit, period, cached):
    s = Scope(unit, period, cached=cached)
    return {
        "flows": s.flows,
        "flows_by_child": s.flows_by_child,
        "flows_by_month": s.flows_by_month,
        "coverage": s.coverage,
        "coverage_by_child": s.coverage_by_child,
        "norms": s.norms,
        "norms_by_child": s.norms_by_child,
    }


def assert_cache_equals_live():
    # Below county level both paths are the same live computation: the anchors (counties and above) are what differ.
    anchors = [u for u in Unit.objects.order_by("path") if u.county_id is None or u.county_id == u.pk]
    for unit in anchors:
        for period in PERIODS:
            live = figures(unit, period, cached=False)
            cached = figures(unit, period, cached=True)
            for name in live:
                assert cached[name] == live[name], (unit.name, period.value, name)
    assert anchors
    assert_counters_repaired_as_stored()
    # The unit assessment reads each unit's own flows from the counters kept per unit.
    from shangliang.dashboards import assessment, counters, facts

    for county in (u for u in anchors if u.county_id == u.pk):
        for period in PERIODS:
            live = facts.tally_by_unit(county, period.start, period.end)
            kept = assessment.unit_flows(county, period)
            for uid in live.keys() | kept.keys():
                wanted = {k: v for k, v in live.get(uid, {}).items() if k in counters.UNIT_COUNTERS and v}
                assert dict(+kept.get(uid, Counter())) == wanted, (county.name, period.value, uid)


def assert_counters_repaired_as_stored():
    """The repair's full recomputation finds every stored counter (anchors, children, units) and contribution
    right."""
    from shangliang.dashboards import counters

    report = counters.repair(fix=False)
    assert report["counters_differed"] == []
    assert report["contributions_differed"] == 0


@pytest.fixture
def changes(world, people, django_capture_on_commit_callbacks):  # noqa: F811
    """Run a change the way a request would: its on-commit work (event delivery) runs after it."""

    def run(fn):
        with django_capture_on_commit_callbacks(execute=True):
            result = fn()
        assert_cache_equals_live()
        return result

    assert_cache_equals_live()  # warms every cell first, so that each change must drop what it makes stale
    return run


def test_topic_changes(world, changes):
    staff, convenor, approver = (fresh(world.users[r]) for r in ("staff", "convenor", "approver"))

    def enter(unit, title):
        return ts.topic_enter(
            actor=staff, unit=unit, source=TopicSource.GRID, title=title, description="说明说明", name="王大妈"
        )

    t1 = changes(lambda: enter(world.t1, "镇上路灯不亮"))
    t2 = changes(lambda: enter(world.t1, "镇上路灯坏了"))
    t3 = changes(lambda: enter(world.v1, "集市占道经营"))
    t4 = changes(lambda: enter(world.v1, "邻里宅基地纠纷"))
    changes(
        lambda: screening.topic_screen(topic=t1, actor=convenor, decision="accept", category=TopicCategory.LIVELIHOOD)
    )
    changes(lambda: screening.topic_screen(topic=t2, actor=convenor, decision="merge", merge_into=t1))
    t1.refresh_from_db()
    changes(lambda: screening.topic_decide(topic=t1, actor=approver, decision="approve", note="同意"))
    changes(lambda: screening.topic_screen(topic=t3, actor=convenor, decision="return", note="请补充地点"))
    changes(
        lambda: screening.topic_screen(
            topic=t4, actor=convenor, decision="reject", reason="individual_dispute", note="转调解"
        )
    )


def test_consultation_changes(world, people, changes):  # noqa: F811
    actor = fresh(world.users["convenor"])
    topic = changes(lambda: approved_topic(world.t1))  # written without an event: the watermark catches it
    c = changes(
        lambda: cs.consultation_create(
            actor=actor, unit=world.t1, topics=[topic], form=ConsultationForm.MEETING, room=world.rooms["一镇"]
        )
    )
    for user in (people.alice, people.bob):
        changes(
            lambda u=user: cs.participant_add(actor=actor, consultation=c, kind=ParticipantKind.STAKEHOLDER, user=u)
        )
    changes(lambda: cs.participant_add(actor=actor, consultation=c, kind=ParticipantKind.MEMBER, name="钱委员"))
    changes(lambda: cs.participants_choose(actor=actor, consultation=c))
    changes(
        lambda: cs.research_add(actor=actor, consultation=c, kind="visit", title="走访", text="走访住户", done_on=TODAY)
    )
    changes(lambda: schedule(actor, c))
    changes(lambda: cs.consultation_open(actor=actor, consultation=c))
    alice = c.participants.get(user=people.alice)
    changes(lambda: cs.sign_in_by_convenor(actor=actor, consultation=c, participant_id=alice.pk))
    s1 = changes(lambda: cs.suggestion_add(actor=actor, consultation=c, text="划设停车位"))
    s2 = changes(lambda: cs.suggestion_add(actor=actor, consultation=c, text="错峰停车"))
    changes(lambda: cs.suggestion_withdraw(actor=actor, consultation=c, suggestion_id=s2.pk, note="重复"))
    changes(lambda: cs.consultation_close(actor=actor, consultation=c, consensus=True, conclusion="同意"))
    changes(lambda: cs.consultation_submit(actor=actor, consultation=c, level="same", recipients="一镇党委"))
    changes(lambda: cs.results_acknowledge(actor=fresh(world.users["approver"]), consultation=c, note="收悉"))
    assert s1

    # A written consultation: taking part means giving an opinion; then 议而不决 and reconvened.
    w = changes(
        lambda: cs.consultation_create(
            actor=actor, unit=world.t1, topics=[approved_topic(world.t1)], form=ConsultationForm.WRITTEN
        )
    )
    for user in (people.alice, people.bob, people.carol):
        changes(
            lambda u=user: cs.participant_add(actor=actor, consultation=w, kind=ParticipantKind.STAKEHOLDER, user=u)
        )
    changes(lambda: cs.participants_choose(actor=actor, consultation=w))
    changes(
        lambda: cs.research_add(actor=actor, consultation=w, kind="survey", title="问卷", text="问卷", done_on=TODAY)
    )
    changes(lambda: schedule(actor, w))
    changes(lambda: cs.consultation_open(actor=actor, consultation=w))
    bob = w.participants.get(user=people.bob)
    changes(lambda: cs.opinion_record(actor=actor, consultation=w, participant_id=bob.pk, text="同意"))
    changes(lambda: cs.consultation_close(actor=actor, consultation=w, consensus=False, conclusion="分歧较大"))
    changes(lambda: cs.consultation_reconvene(actor=actor, consultation=w))
    x = changes(
        lambda: cs.consultation_create(
            actor=actor, unit=world.t1, topics=[approved_topic(world.t1)], form=ConsultationForm.MEETING
        )
    )
    changes(lambda: cs.consultation_cancel(actor=actor, consultation=x, note="改期"))


def test_tree_room_and_norm_changes(world, changes):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    staff = fresh(world.users["staff"])
    changes(
        lambda: us.unit_create(
            actor=admin, parent=world.t2, name="新村", kind=UnitKind.VILLAGE, established_on=TODAY - timedelta(days=20)
        )
    )
    changes(lambda: us.unit_update(actor=admin, unit=world.v2, name="二村", established_on=date(TODAY.year, 1, 1)))
    room = changes(
        lambda: us.room_create(
            actor=admin, unit=world.v3, name="议事亭", kind="pavilion", stage=RoomStage.PLANNED, stage_year=TODAY.year
        )
    )
    changes(lambda: us.room_set_stage(actor=admin, room=room, stage=RoomStage.BUILT, year=TODAY.year))
    items = list(world.standard_a.items.all())
    changes(
        lambda: us.room_assess(
            actor=admin, room=room, assessed_on=TODAY, results=[ItemResult(i.pk, i.order != 2) for i in items]
        )
    )
    changes(
        lambda: us.room_assess(
            actor=admin,
            room=world.rooms["一村"],
            assessed_on=TODAY,
            results=[ItemResult(i.pk, True) for i in items],
        )
    )
    changes(lambda: us.standard_item_save(actor=admin, standard=world.standard_a, item=items[0], name="有组织机构"))
    changes(
        lambda: cs.norm_save(
            actor=staff, county=world.a, level="village", min_count=1, period_months=1, effective_from=date(2024, 1, 1)
        )
    )
    # Records of V3 move with it to another county; a county moves under a new province.
    province = changes(lambda: make_unit("某省", UnitKind.PROVINCE))
    changes(lambda: us.unit_move(actor=admin, unit=Unit.objects.get(pk=world.v3.pk), new_parent=world.tb))
    changes(lambda: us.unit_move(actor=admin, unit=Unit.objects.get(pk=world.a.pk), new_parent=province))
    changes(lambda: us.unit_move(actor=admin, unit=Unit.objects.get(pk=world.b.pk), new_parent=province))


def test_bulk_load_without_events_is_caught(world, changes):
    def bulk():
        Topic.objects.bulk_create(
            Topic(
                unit=u, source=TopicSource.RESIDENT, title="批量", description="批量", tracking_code=f"BULK{u.pk:08d}"
            )
            for u in (world.v1, world.v3, world.vb)
        )

    changes(bulk)


def test_a_deleted_subject_takes_its_figures_with_it(world, people, changes):  # noqa: F811
    """A record deleted in a change (as a service would: deleted, then its event recorded) adds nothing any more, in
    the same transaction; the other county's counters are untouched."""
    from django.db import transaction

    from shangliang.core.events import record_event
    from shangliang.dashboards.models import FigureCount

    staff = fresh(world.users["staff"])
    changes(  # written without an event: the watermark catches it
        lambda: Topic.objects.create(
            unit=world.vb,
            source=TopicSource.RESIDENT,
            title="乙村路灯",
            description="说明",
            tracking_code="BULK00000001",
        )
    )
    newest = changes(
        lambda: ts.topic_enter(
            actor=staff, unit=world.v1, source=TopicSource.GRID, title="村口积水", description="说明说明", name="王大妈"
        )
    )
    theirs = set(FigureCount.objects.filter(anchor=world.b).values_list("kind", "key", "part", "name", "value"))
    assert theirs

    def delete():
        with transaction.atomic():
            pk = newest.pk
            newest.delete()
            newest.pk = pk
            record_event(newest, actor=staff, action="delete", unit=world.v1)

    changes(delete)
    assert set(FigureCount.objects.filter(anchor=world.b).values_list("kind", "key", "part", "name", "value")) == theirs
    c = changes(lambda: make_consultation_with_participant(world, people))
    participant = c.participants.get(user=people.bob)
    changes(
        lambda: cs.participant_remove(
            actor=fresh(world.users["convenor"]), consultation=c, participant_id=participant.pk
        )
    )


def make_consultation_with_participant(world, people):  # noqa: F811
    actor = fresh(world.users["convenor"])
    c = cs.consultation_create(
        actor=actor, unit=world.t1, topics=[approved_topic(world.t1)], form=ConsultationForm.MEETING
    )
    cs.participant_add(actor=actor, consultation=c, kind=ParticipantKind.STAKEHOLDER, user=people.bob)
    return c


def test_accountability_changes(world, people, changes):  # noqa: F811
    from shangliang.accountability import services as acc
    from tests.accountability.conftest import assign, body, office, pdf, png
    from tests.consultations.conftest import make

    c = changes(lambda: make(world, people, "submitted"))
    t = changes(lambda: assign(world, c, deadline=TODAY + timedelta(days=2)))
    changes(lambda: acc.task_sign(actor=body(world), task=t))
    changes(lambda: acc.progress_report(actor=body(world), task=t, text="已勘测", percent=40, files=[png()]))
    changes(lambda: acc.completion_report(actor=body(world), task=t, text="已划线", files=[png(), pdf()]))
    changes(lambda: acc.completion_verify(actor=office(world), task=t, note="合格"))
    t.refresh_from_db()
    changes(lambda: acc.rating_submit(task=t, actor=fresh(world.users["resident"]), score=2))
    t.refresh_from_db()
    changes(lambda: acc.task_reopen(actor=office(world), task=t, note="标识不清", deadline=TODAY + timedelta(days=9)))
    t.refresh_from_db()
    changes(lambda: acc.supervisor_add(actor=office(world), task=t, member=fresh(world.users["member"])))
    staff = fresh(world.users["staff"])
    items = [
        {"kind": "process", "text": "程序规范", "weight": 50},
        {"kind": "outcome", "text": "成效明显", "weight": 50},
    ]
    form = changes(lambda: acc.evaluation_form_save(actor=staff, county=world.a, name="评估表", items=items))
    answers = {i.pk: 4 for i in form.items.all()}
    changes(lambda: acc.evaluation_submit(actor=fresh(world.users["evaluator"]), consultation=c, answers=answers))


def test_opinion_report_changes(world, changes):
    from shangliang.opinions import services as ops
    from tests.factories import assign

    writer = UserFactory(username="writer", full_name="周委员")
    assign(writer, "member", world.a)
    staff = fresh(world.users["staff"])
    r = changes(
        lambda: ops.report_create(actor=fresh(writer), unit=world.v1, title="农村饮水", body="建议落实管护经费。")
    )
    r = changes(lambda: ops.report_submit(actor=fresh(writer), report=r))
    changes(lambda: ops.report_adopt(actor=staff, report=r, level="county"))
    r.refresh_from_db()
    changes(lambda: ops.report_adopt(actor=staff, report=r, level="city"))


def cell_keys(**filters):
    return set(FigureCell.objects.filter(**filters).values_list("anchor_id", "kind", "key"))


def test_a_change_keeps_every_cell_and_a_move_drops_only_its_two_counties(
    world,
    people,  # noqa: F811
    settings,
    django_capture_on_commit_callbacks,
):
    """Flows are counters changed in the change's transaction: raising a topic drops no cell at all. A unit move
    drops the cells (rooms, norms) of the county it left and the one it joined, no other; with a worker they are
    computed again at once."""
    from shangliang.dashboards import cells
    from shangliang.dashboards.models import FigureCount

    assert_cache_equals_live()
    assert cells.refill() >= 0  # every cell a dashboard may ask for is stored now
    everything = cell_keys()
    assert cells.refill() == 0  # nothing missing: nothing computed
    staff = fresh(world.users["staff"])
    counted = FigureCount.objects.filter(anchor=world.a, kind="month", part=0, name="topics").count()
    with django_capture_on_commit_callbacks(execute=True):
        ts.topic_enter(
            actor=staff, unit=world.v1, source=TopicSource.GRID, title="村口积水", description="雨后积水", name="王大妈"
        )
    assert cell_keys() == everything
    assert FigureCount.objects.filter(anchor=world.a, kind="month", part=0, name="topics").count() >= counted
    assert_cache_equals_live()
    everything = cell_keys()
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    other = make_unit("丙县", UnitKind.COUNTY)
    cells.refill()
    everything = cell_keys()
    with django_capture_on_commit_callbacks(execute=True):
        us.unit_move(actor=admin, unit=Unit.objects.get(pk=world.v3.pk), new_parent=world.tb)
    left = {k for k in everything if k[0] in (world.a.pk, world.b.pk)}
    assert cell_keys() == everything - left  # the other county's (and the province's) cells stay
    assert {k for k in everything if k[0] == other.pk} <= cell_keys()
    assert_cache_equals_live()
    settings.DASHBOARDS_REFILL_ON_CHANGE = True
    cells.refill()
    everything = cell_keys()
    with django_capture_on_commit_callbacks(execute=True):
        us.unit_move(actor=admin, unit=Unit.objects.get(pk=world.v3.pk), new_parent=world.t2)
    assert cell_keys() == everything  # dropped and computed again in the event's background job
    assert cells.refill() == 0
    assert_cache_equals_live()


def test_the_periodic_command_fills_the_missing_cells_once(world, people):  # noqa: F811
    from io import StringIO

    from django.core.management import call_command

    first, second = StringIO(), StringIO()
    call_command("run_periodic", stdout=first)
    call_command("run_periodic", stdout=second)
    assert "逾期催办" in first.getvalue()  # implementation's job runs in the same command, first
    computed = int(first.getvalue().split("补算 ")[1].split(" 格")[0])
    assert computed > 0 and FigureCell.objects.count() == computed
    assert "统计缓存：补算 0 格。" in second.getvalue()
    assert_cache_equals_live()
