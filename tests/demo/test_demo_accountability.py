"""The demo county's implementation and evaluation: tasks in every state, overdue ones chased and noticed, reopened
ones, ratings, evaluations, follow-ups; the demo accounts find their work; a second load adds nothing."""

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from shangliang.accountability.failures import failure_counts
from shangliang.accountability.models import (
    EvaluationResponse,
    FollowUpCheck,
    FollowUpStatus,
    PublicNotice,
    Rating,
    Reminder,
    ResponsibilityTask,
    Supervision,
    TaskStatus,
)
from shangliang.accountability.services import settings_for
from shangliang.demo import lived
from shangliang.demo.loader import load_demo
from shangliang.people.models import User
from shangliang.units.models import Unit


def test_tasks_in_every_state_some_overdue_some_reopened(county):
    tasks = list(ResponsibilityTask.objects.filter(unit__path__startswith=county.path))
    assert {t.status for t in tasks} == set(TaskStatus.values)
    today = timezone.localdate()
    overdue = [t for t in tasks if t.is_overdue(today)]
    assert len(overdue) >= 2
    grace = timezone.now() - timedelta(days=settings_for(county).notice_grace_days)
    for t in overdue:
        reminder = Reminder.objects.filter(task=t, kind="overdue", deadline=t.deadline).get()
        if reminder.sent_at <= grace:  # chased, and past the grace: publicly noticed
            assert PublicNotice.objects.filter(task=t).exists()
    assert PublicNotice.objects.filter(task__in=overdue).count() >= 2
    assert [t for t in tasks if t.round > 0 and t.status == TaskStatus.REOPENED]
    assert [t for t in tasks if t.round > 0 and t.status == TaskStatus.IN_PROGRESS]
    assert Rating.objects.filter(task__in=tasks).count() >= 10
    assert EvaluationResponse.objects.count() >= 2
    statuses = {t.follow_ups.values_list("status", flat=True).get() for t in tasks if t.follow_ups.exists()}
    assert {FollowUpStatus.LASTED, FollowUpStatus.NOT_LASTED, FollowUpStatus.PENDING} <= statuses
    counts = failure_counts(county)
    assert counts.undecided >= 1 and counts.unassigned >= 1 and counts.overdue >= 2 and counts.not_lasting >= 1


def test_the_demo_accounts_find_their_work(county):
    users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    client = Client()
    pages = {
        "demo_department": ("我承办的",),
        "demo_convenor": ("待我审批验收", "工作责任清单"),
        "demo_member": ("我督办的",),
    }
    for username, texts in pages.items():
        client.force_login(users[username])
        html = client.get(reverse("accountability:index")).content.decode()
        for text in texts:
            assert text in html, (username, text)
    assert Supervision.objects.filter(member=users["demo_member"]).exists()
    client.force_login(users["demo_staff"])
    for url in (
        reverse("accountability:unit", args=[county.pk]),
        reverse("accountability:failures", args=[county.pk]) + "?show=not_lasting",
        reverse("accountability:failures", args=[county.pk]) + "?show=undecided",
        reverse("accountability:failures", args=[county.pk]) + "?show=unassigned",
    ):
        assert client.get(url).status_code == 200, url
    for task in one_task_of_every_kind(county):
        assert client.get(reverse("accountability:task", args=[task.pk])).status_code == 200
        assert Client().get(reverse("accountability:public_task", args=[task.pk])).status_code in (200, 404)
        consultation_id = task.consultation_id
        assert client.get(reverse("accountability:consultation", args=[consultation_id])).status_code == 200
        assert Client().get(reverse("accountability:public_consultation", args=[consultation_id])).status_code == 200
    town = Unit.objects.get(name="绥阳镇")
    html = Client().get(reverse("public:unit", args=[town.pk])).content.decode()
    assert "协商成果公示" in html and "通报" in html


def one_task_of_every_kind(county) -> list[ResponsibilityTask]:
    """The first task (by pk) of every kind the pages show differently: status, reopened or not, overdue or not,
    publicly noticed or not, rated or not, with which follow-ups, of the seeded demo or of the lived year. (Opening
    all of the county's ~1,000 tasks took minutes and exercised the same templates.)"""
    today = timezone.localdate()
    noticed = set(PublicNotice.objects.values_list("task_id", flat=True))
    rated = set(Rating.objects.values_list("task_id", flat=True))
    follow_ups: dict[int, set[str]] = {}
    for task_id, status in FollowUpCheck.objects.values_list("task_id", "status"):
        follow_ups.setdefault(task_id, set()).add(status)
    kinds: dict[tuple, ResponsibilityTask] = {}
    tasks = ResponsibilityTask.objects.filter(unit__path__startswith=county.path).select_related("consultation")
    for task in tasks.order_by("pk"):
        kind = (
            task.status,
            task.round > 0,
            task.is_overdue(today),
            task.pk in noticed,
            task.pk in rated,
            tuple(sorted(follow_ups.get(task.pk, ()))),
            task.consultation.title.startswith(lived.MARK),
        )
        kinds.setdefault(kind, task)
    assert len(kinds) >= len(TaskStatus.values)
    return list(kinds.values())


def test_loading_again_adds_nothing(county):
    before = ResponsibilityTask.objects.count(), Reminder.objects.count(), Rating.objects.count()
    summary = load_demo()
    assert "accountability" not in summary.created
    assert (ResponsibilityTask.objects.count(), Reminder.objects.count(), Rating.objects.count()) == before
