"""Residents' feedback: one rating per person (also under concurrent submissions), automatic
reopening when dissatisfaction passes the county's threshold, following an item, follow-up checks (行而不久)."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from shangliang.accountability import services
from shangliang.accountability.models import (
    AccountabilitySettings,
    Follower,
    FollowUpCheck,
    FollowUpStatus,
    Rating,
    ResponsibilityTask,
)
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import timeline
from shangliang.notifications.models import Notification
from tests.accountability.conftest import S, assign, body, office, png, reload, walk
from tests.conftest import fresh, mobile_visitor
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def done_task(world, consultation):
    return walk(world, assign(world, consultation), S.DONE)


def test_one_rating_per_account_and_per_verified_mobile(world, done_task, sms_outbox):
    resident = fresh(world.users["resident"])
    services.rating_submit(task=done_task, actor=resident, score=5, comment="车位划好了")
    with pytest.raises(InvalidInput, match="每人只能评价一次"):
        services.rating_submit(task=reload(done_task), actor=resident, score=1)
    # A visitor without an account: only with a verified number, once.
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed, match="验证"):
        services.rating_submit(task=done_task, actor=AnonymousUser(), score=4, visitor=mobile_visitor())
    visitor = mobile_visitor("13911112222")
    services.rating_submit(task=done_task, actor=AnonymousUser(), score=4, visitor=visitor)
    with pytest.raises(InvalidInput, match="每人只能评价一次"):
        services.rating_submit(task=done_task, actor=AnonymousUser(), score=2, visitor=mobile_visitor("13911112222"))
    stored = Rating.objects.get(task=done_task, user=None)
    assert stored.mobile_masked == "139****2222" and "13911112222" not in stored.mobile_hash
    # The same person logging in with an account that carries that number cannot rate again.
    same = UserFactory(username="same", phone="13911112222")
    with pytest.raises(InvalidInput, match="每人只能评价一次"):
        services.rating_submit(task=done_task, actor=same, score=3)
    assert Rating.objects.filter(task=done_task).count() == 2


def test_the_database_refuses_a_second_rating_of_the_same_person(world, done_task):
    """What holds on SQLite and PostgreSQL alike, whatever the service checks: the unique constraints."""
    resident = fresh(world.users["resident"])
    Rating.objects.create(task=done_task, round=0, score=4, user=resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(task=done_task, round=0, score=1, user=resident)
    Rating.objects.create(task=done_task, round=0, score=4, mobile_hash="h" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(task=done_task, round=0, score=2, mobile_hash="h" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Rating.objects.create(task=done_task, round=0, score=2)  # nobody
    # Another round (after a reopening) is another rating.
    Rating.objects.create(task=done_task, round=1, score=2, user=resident)


@pytest.mark.django_db(transaction=True)
def test_concurrent_ratings_of_one_person_keep_one(world, consultation):
    """Eight threads submit the same person's rating at once: one is stored, the others get the Chinese refusal.

    PostgreSQL only (the threads really run at once: the task's row lock and the unique constraints decide). SQLite's
    in-memory test database locks whole tables between threads; there the constraint test above stands for it.
    """
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; on SQLite the unique constraints are asserted directly")
    task = walk(world, assign(world, consultation), S.DONE)
    resident = fresh(world.users["resident"])
    barrier = threading.Barrier(8)
    results: list[str] = []

    def submit(score):
        try:
            barrier.wait(timeout=10)
            services.rating_submit(task=ResponsibilityTask.objects.get(pk=task.pk), actor=resident, score=score)
            results.append("ok")
        except InvalidInput as exc:
            results.append(exc.message)
        except Exception as exc:  # noqa: BLE001 — reported below
            results.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(1 + i % 5,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert results.count("ok") == 1, results
    assert all(r == "ok" or "每人只能评价一次" in r for r in results), results
    assert Rating.objects.filter(task=task, user=resident).count() == 1


def test_rating_an_unfinished_task_is_refused(world, task):
    resident = fresh(world.users["resident"])
    for state in (S.ASSIGNED, S.IN_PROGRESS, S.COMPLETION_REPORTED):
        t = walk(world, assign(world, task.consultation, action=f"未办结 {state}"), state)
        with pytest.raises(NotPossible, match="办结验收后才能评价"):
            services.rating_submit(task=t, actor=resident, score=5)
    with pytest.raises(InvalidInput, match="1—5"):
        services.rating_submit(task=task, actor=resident, score=6)
    assert not Rating.objects.exists()


def test_dissatisfaction_past_the_threshold_reopens_the_task(world, done_task, django_capture_on_commit_callbacks):
    AccountabilitySettings.objects.create(county=world.a, dissatisfaction_percent=40, min_ratings=3, reopen_days=20)
    people = [UserFactory(username=f"r{i}") for i in range(4)]
    services.rating_submit(task=done_task, actor=people[0], score=5)
    services.rating_submit(task=reload(done_task), actor=people[1], score=1)  # 1 of 2: too few ratings yet
    assert reload(done_task).status == S.DONE
    services.rating_submit(task=reload(done_task), actor=people[2], score=4)  # 1 of 3 = 33% ≤ 40%
    assert reload(done_task).status == S.DONE
    with django_capture_on_commit_callbacks(execute=True):
        services.rating_submit(task=reload(done_task), actor=people[3], score=2)  # 2 of 4 = 50% > 40%
    t = reload(done_task)
    assert t.status == S.REOPENED and t.round == 1
    assert t.deadline == timezone.localdate() + timedelta(days=20)
    event = timeline(t).filter(action="reopen").get()
    assert event.actor is None and event.data["cause"] == "dissatisfaction"
    assert "4 人" in event.note and "2 人" in event.note
    assert Notification.objects.filter(user=fresh(world.users["department"]), verb="task.reopen").exists()
    # The new round is rated afresh once it is done again.
    services.task_sign(actor=body(world), task=t)
    services.completion_report(actor=body(world), task=reload(t), text="重新施划", files=[png()])
    services.completion_verify(actor=office(world), task=reload(t))
    services.rating_submit(task=reload(t), actor=people[1], score=5)
    assert Rating.objects.filter(task=t, round=1).count() == 1


def test_following_by_account_and_by_verified_mobile(world, task, sms_outbox, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import AnonymousUser

    resident = fresh(world.users["resident"])
    f1 = services.task_follow(task=task, actor=resident)
    assert services.task_follow(task=task, actor=resident) == f1  # twice is still once
    with pytest.raises(NotAllowed):
        services.task_follow(task=task, actor=AnonymousUser(), visitor=mobile_visitor())
    f2 = services.task_follow(task=task, actor=AnonymousUser(), visitor=mobile_visitor("13722223333"))
    stored = Follower.objects.get(pk=f2.pk)
    assert stored.mobile == "13722223333" and len(stored.mobile_hash) == 64
    assert Follower.objects.filter(task=task).count() == 2
    sms_outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.task_sign(actor=body(world), task=task)
    assert Notification.objects.filter(user=resident, verb="task.followed").exists()
    texts = [m.text for m in sms_outbox if m.to == "13722223333"]
    assert len(texts) == 1 and f"/public/tasks/{task.pk}/" in texts[0] and f2.token in texts[0]
    assert services.task_unfollow(token=f2.token) == 1


def test_follow_up_that_did_not_last_reopens(world, done_task):
    check = FollowUpCheck.objects.get(task=done_task)
    member = fresh(world.users["member"])
    with pytest.raises(NotAllowed):
        services.follow_up_record(actor=member, check=check, lasted=False, note="车位又被占")
    with pytest.raises(InvalidInput, match="回访情况"):
        services.follow_up_record(actor=office(world), check=check, lasted=False, note="")
    services.follow_up_record(actor=office(world), check=check, lasted=False, note="车位被长期占用，标识损坏")
    check.refresh_from_db()
    assert check.status == FollowUpStatus.NOT_LASTED and check.checked_by_id == world.users["convenor"].pk
    t = reload(done_task)
    assert t.status == S.REOPENED and t.round == 1
    assert timeline(t).filter(action="reopen").get().data["cause"] == "follow_up"
    with pytest.raises(NotPossible, match="已记录"):
        services.follow_up_record(actor=office(world), check=check, lasted=True)


def test_follow_up_that_lasted_keeps_the_task_done(world, done_task):
    check = FollowUpCheck.objects.get(task=done_task)
    services.follow_up_record(actor=office(world), check=check, lasted=True, files=[png()])
    assert reload(done_task).status == S.DONE
    assert check.files.count() == 1


def test_rating_summary_counts_each_tasks_current_round_in_chunks(world, consultation, monkeypatch):
    from shangliang.accountability import selectors
    from shangliang.accountability.models import ResponsibilityTask

    first, second = (walk(world, assign(world, consultation), S.DONE) for _ in range(2))
    Rating.objects.create(task=first, round=0, score=1, mobile_hash="1" * 64)  # before a reopen: not counted
    ResponsibilityTask.objects.filter(pk=first.pk).update(round=1)
    Rating.objects.create(task=first, round=1, score=5, mobile_hash="2" * 64)
    Rating.objects.create(task=first, round=1, score=4, mobile_hash="3" * 64)
    Rating.objects.create(task=second, round=0, score=2, mobile_hash="4" * 64)
    monkeypatch.setattr(selectors, "RATING_CHUNK", 1)  # one task per query: the chunks add up
    summary = selectors.rating_summary(ResponsibilityTask.objects.filter(pk__in=[first.pk, second.pk]))
    assert (summary[first.pk].count, summary[first.pk].average, summary[first.pk].satisfied) == (2, 4.5, 2)
    assert (summary[second.pk].count, summary[second.pk].dissatisfied) == (1, 1)
    assert selectors.rating_summary([]) == {}
