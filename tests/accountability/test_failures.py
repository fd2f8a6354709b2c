"""The three failures per unit subtree (dashboards call these): 议而不决, 决而不行 (no task / overdue), 行而不久."""

from datetime import timedelta

from zeal import zeal_context

from shangliang.accountability import failures, services
from shangliang.accountability.models import ResponsibilityTask
from shangliang.consultations.models import ConsultationStatus
from tests.accountability.conftest import S, assign, office, today, walk
from tests.consultations.conftest import approved_topic, make

C = ConsultationStatus


def test_each_failure_is_found_in_the_subtree_and_nowhere_else(world, people, consultation):
    undecided = make(world, people, C.CLOSED_NO_CONSENSUS, topic=approved_topic(world.t1, title="垃圾分类"))
    reconvened = make(world, people, C.RECONVENED, topic=approved_topic(world.t1, title="广场舞噪音"))
    # 决而不行: the consultation's suggestion has no task yet.
    assert list(failures.unassigned_suggestions(world.t1)) == list(consultation.suggestions.all())
    assert set(failures.undecided(world.t1)) == {undecided, reconvened}
    # Tasks: one overdue, one in time, one done then failed at follow-up, one handed back (the suggestion needs
    # another task, so it counts as unassigned again only if no live task is left).
    late = assign(world, consultation, action="逾期")
    ResponsibilityTask.objects.filter(pk=late.pk).update(deadline=today() - timedelta(days=4))
    assign(world, consultation, action="按期")
    lasting = walk(world, assign(world, consultation, action="回访"), S.DONE)
    services.follow_up_record(actor=office(world), check=lasting.follow_ups.get(), lasted=False, note="又坏了")
    assert not failures.unassigned_suggestions(world.t1).exists()
    assert [t.pk for t in failures.overdue_tasks(world.t1)] == [late.pk]
    assert [c.task_id for c in failures.not_lasting(world.t1)] == [lasting.pk]
    counts = failures.failure_counts(world.a)
    assert (counts.undecided, counts.unassigned, counts.overdue, counts.not_lasting) == (2, 0, 1, 1)
    assert counts.not_done == 1
    # Other subtrees see none of it.
    for unit in (world.t2, world.b, world.v1):
        assert failures.failure_counts(unit) == failures.FailureCounts(0, 0, 0, 0)


def test_a_handed_back_or_cancelled_task_leaves_its_suggestion_unassigned(world, consultation):
    t = walk(world, assign(world, consultation), S.HANDED_BACK)
    assert failures.unassigned_suggestions(world.t1).count() == 1
    services.task_reassign(actor=office(world), task=t, department=world.department, owner_name="李科长")
    assert failures.unassigned_suggestions(world.t1).count() == 0


def test_the_selectors_do_not_query_per_row(world, people, consultation):
    for i in range(3):
        t = assign(world, consultation, action=f"逾期{i}")
        ResponsibilityTask.objects.filter(pk=t.pk).update(deadline=today() - timedelta(days=i + 1))
    with zeal_context():
        rows = list(failures.overdue_tasks(world.a))
        assert [t.body_name for t in rows] and [t.consultation.title for t in rows]
        assert [c.reconvened_as if hasattr(c, "reconvened_as") else None for c in failures.undecided(world.a)] == []
