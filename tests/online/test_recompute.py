"""The background recomputation: votes enqueue one debounced task after commit, it writes an AnalysisRun
(warm-started from the last one), skips when a run already covers every change, re-runs when changes arrive while
it computes; the pages read the stored run and never call the engine in a request."""

from unittest import mock

import numpy as np
import pytest
from django.test import override_settings
from django.urls import reverse

from shangliang.online import selectors, services
from shangliang.online.consensus import analyse as real_analyse
from shangliang.online.models import AnalysisRun, OnlineRoom, Vote
from shangliang.online.services import tasks
from tests.online.rooms import _clear_cache, convenor, make_room, participant, statements  # noqa: F401

pytestmark = pytest.mark.django_db


def planted_votes(room, n=40, seed=1):
    """`n` participants in two planted opinion groups; statements 0–2 everybody agrees with (common ground).

    Written straight to the table (no task is enqueued): the tests below decide when the analysis runs."""
    rng = np.random.default_rng(seed)
    ids = [s.pk for s in statements(room)]
    rows = []
    for i in range(n):
        p = participant(room, number=f"1390000{i:04d}")
        group = i % 2
        for j, sid in enumerate(ids):
            lean = 1 if j < 3 else (1 if (j + group) % 2 else -1)
            value = lean if rng.random() < 0.85 else 0
            rows.append(Vote(room=room, participant=p, statement_id=sid, value=value))
    Vote.objects.bulk_create(rows)
    OnlineRoom.objects.filter(pk=room.pk).update(change_seq=room.change_seq + 1)
    return ids


def latest(room):
    return AnalysisRun.objects.filter(room=room).order_by("-id").first()


def test_a_vote_enqueues_a_recomputation_that_writes_a_run(world, django_capture_on_commit_callbacks):
    room = make_room(world)
    ids = planted_votes(room)
    p = participant(room, world.users["resident"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.vote_cast(participant=p, statement_id=ids[0], value=1)
    assert len(callbacks) >= 1
    run = latest(room)
    room.refresh_from_db()
    assert run is not None and run.covers_seq == room.change_seq
    assert room.recompute_queued_at is None
    assert run.n_votes == Vote.objects.filter(room=room).count() == 40 * 8 + 1
    assert run.n_participants == 41 and run.k == 2 and run.n_analysed == 40
    assert set(run.priorities) == {str(i) for i in ids}
    assert run.result["statements"]["ids"] == sorted(ids)
    assert run.state["statement_ids"] == sorted(ids)
    assert run.seconds > 0 and run.total_seconds >= run.seconds


def test_a_burst_of_votes_enqueues_one_task(world, django_capture_on_commit_callbacks):
    room = make_room(world)
    ids = [s.pk for s in statements(room)]
    voters = [participant(room, number=f"1380000{i:04d}") for i in range(5)]
    with mock.patch.object(tasks, "enqueue_recompute") as enqueue, django_capture_on_commit_callbacks(execute=True):
        for p in voters:
            for sid in ids[:3]:
                services.vote_cast(participant=p, statement_id=sid, value=1)
    # the first vote queued one (the room's flag is set and stays set until the task runs): no further enqueue
    room.refresh_from_db()
    assert enqueue.call_count == 1 and room.recompute_queued_at is not None
    assert room.change_seq >= 15
    # the queued task runs once and covers all of them
    run = tasks.recompute(room.pk)
    assert run is not None and run.n_votes == 15
    room.refresh_from_db()
    assert room.recompute_queued_at is None
    # the next vote enqueues again
    with mock.patch.object(tasks, "enqueue_recompute") as enqueue, django_capture_on_commit_callbacks(execute=True):
        services.vote_cast(participant=voters[0], statement_id=ids[4], value=-1)
    assert enqueue.call_count == 1


def test_a_run_that_covers_every_change_is_not_repeated(world):
    room = make_room(world)
    assert latest(room).n_votes == 0  # the seeds' run
    planted_votes(room)
    first = tasks.recompute(room.pk)
    assert first is not None
    assert tasks.recompute(room.pk) is None
    assert AnalysisRun.objects.filter(room=room).count() == 2
    forced = tasks.recompute(room.pk, force=True)
    assert forced is not None and AnalysisRun.objects.filter(room=room).count() == 3


def test_runs_are_warm_started_from_the_last_state(world):
    room = make_room(world)
    planted_votes(room)
    first = tasks.recompute(room.pk)
    OnlineRoom.objects.filter(pk=room.pk).update(change_seq=first.covers_seq + 1)
    with mock.patch.object(tasks, "analyse", side_effect=real_analyse) as spy:
        second = tasks.recompute(room.pk)
    assert spy.call_args.kwargs["previous_state"] == first.state
    # the same votes: the warm start keeps the same groups (ids included)
    assert second.result["participants"]["group"] == first.result["participants"]["group"]


def test_changes_during_a_computation_enqueue_one_more(world, django_capture_on_commit_callbacks):
    room = make_room(world)
    planted_votes(room)

    def vote_meanwhile(*args, **kwargs):
        OnlineRoom.objects.filter(pk=room.pk).update(change_seq=OnlineRoom.objects.get(pk=room.pk).change_seq + 1)
        return real_analyse(*args, **kwargs)

    with (
        mock.patch.object(tasks, "analyse", side_effect=vote_meanwhile),
        mock.patch.object(tasks, "enqueue_recompute") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run = tasks.recompute(room.pk)
    room.refresh_from_db()
    assert run.covers_seq < room.change_seq
    assert enqueue.call_count == 1 and room.recompute_queued_at is not None


def test_a_failing_run_frees_the_queue(world):
    room = make_room(world)
    OnlineRoom.objects.filter(pk=room.pk).update(recompute_queued_at="2026-01-01T00:00:00Z", change_seq=99)
    before = AnalysisRun.objects.filter(room=room).count()
    with mock.patch.object(tasks, "analyse", side_effect=RuntimeError("boom")), pytest.raises(RuntimeError):
        tasks.recompute_room.call(room.pk)
    room.refresh_from_db()
    assert room.recompute_queued_at is None and AnalysisRun.objects.filter(room=room).count() == before


def test_only_the_last_runs_are_kept(world):
    room = make_room(world)
    planted_votes(room)
    for _i in range(tasks.KEEP_RUNS + 3):
        tasks.recompute(room.pk, force=True)
    assert AnalysisRun.objects.filter(room=room).count() == tasks.KEEP_RUNS


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}, ONLINE_RECOMPUTE_DELAY=7)
def test_a_worker_backend_runs_it_a_few_seconds_later(world):
    from django_tasks import task_backends

    room = make_room(world)
    tasks.enqueue_recompute(room.pk)
    result = task_backends["default"].results[-1]
    assert result.args == [room.pk] or tuple(result.args) == (room.pk,)
    assert result.task.run_after is not None
    delay = (result.task.run_after - result.enqueued_at).total_seconds()
    assert 6 <= delay <= 8


def test_the_results_page_reads_the_stored_run_and_never_analyses(client, world):
    room = make_room(world)
    planted_votes(room)
    run = tasks.recompute(room.pk)
    common = statements(room)[0]
    with (
        mock.patch("shangliang.online.consensus.analyse", side_effect=AssertionError("analysed in a request")),
        mock.patch.object(tasks, "analyse", side_effect=AssertionError("analysed in a request")),
        mock.patch("shangliang.online.consensus.analysis.analyse", side_effect=AssertionError("analysed")),
    ):
        response = client.get(reverse("online:results", args=[room.pk]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "40 人参与分组，形成 2 个意见群组" in html
        assert common.text in html.split('id="common-ground"')[1].split("</section>")[0]
        assert f'id="map-data-{run.pk}"' in html and "A 组" in html and "B 组" in html
        # the live page polls: nothing new since this run → 204
        url = reverse("online:results", args=[room.pk])
        # answered from the latest run's id: the stored analysis is not loaded and decoded
        with mock.patch.object(selectors, "room_results", side_effect=AssertionError("results built for a poll")):
            polled = client.get(f"{url}?since={run.pk}", HTTP_HX_REQUEST="true")
        assert polled.status_code == 204
        stale = client.get(f"{url}?since={run.pk - 1}", HTTP_HX_REQUEST="true")  # an older run on the page
        assert stale.status_code == 200 and f'id="map-data-{run.pk}"' in stale.content.decode()
        # a vote in a request enqueues, it does not analyse
        client.force_login(world.users["resident"])
        response = client.post(
            reverse("online:vote", args=[room.pk]), {"statement": common.pk, "value": "1"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200 and "errorlist" not in response.content.decode()
    assert Vote.objects.filter(participant__user=world.users["resident"]).count() == 1


def test_before_the_first_run_the_page_says_so(client, world):
    room = make_room(world)
    AnalysisRun.objects.filter(room=room).delete()
    response = client.get(reverse("online:results", args=[room.pk]))
    assert response.status_code == 200 and "还没有分析结果" in response.content.decode()
