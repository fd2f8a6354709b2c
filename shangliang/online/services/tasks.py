"""The background recomputation of a room's analysis: debounced, warm-started, never inside a request.

How it is debounced (the choice, and why):
- Every change that affects the analysis (a vote, a visible statement, a moderation step, an import) bumps the
  room's `change_seq` in its own transaction (rooms.mark_changed). If no recomputation is queued for the room
  (`recompute_queued_at` empty, or older than RECOMPUTE_LEASE: a worker died), the change sets the flag and
  enqueues one `recompute_room` task on commit; otherwise it only bumps the counter. A burst of votes therefore
  queues one task, not one per vote.
- With a backend that can defer (django-tasks-db), the task runs ONLINE_RECOMPUTE_DELAY seconds (default 5) after
  the first change, so that the votes of those seconds go into the same run; a run that finds changes arrived while
  it ran enqueues the next one for the delay after it read the votes (not after it finished), so that in a busy room
  a vote waits at most the delay plus one run before results include it.
- The task reads `change_seq`, and skips when the latest run already covers it. Otherwise it reads the votes,
  runs the engine warm-started from the latest run's AnalysisState, and stores an AnalysisRun with the sequence
  number it read. Then, with the room locked, it either clears the flag or (if changes arrived meanwhile) keeps it
  and enqueues itself once more: at most one task per room is queued or running, and the last change is always
  covered by a later run.
The default immediate backend runs the task at commit of the vote's transaction, in the same process: the view's
code never calls the engine, but the vote's response waits for that run, and with nothing deferred every vote runs
one. That suits one county on a laptop with no worker; a deployment with busy rooms sets TASK_BACKEND=database.
"""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import numpy as np
from django.conf import settings
from django.db import transaction
from django_tasks import task

from shangliang.core import clock
from shangliang.online.consensus import VoteLog, analyse
from shangliang.online.models import AnalysisRun, OnlineRoom, Statement, Vote

logger = logging.getLogger(__name__)
KEEP_RUNS = 10  # older runs of a room are deleted; the latest is what pages read


def enqueue_recompute(room_id: int, *, since=None) -> None:
    """Enqueue the room's recomputation, deferred by ONLINE_RECOMPUTE_DELAY where the backend can defer: counted
    from now (the first change), or from `since` (a run that found changes arriving while it ran: counted from when it
    read the votes, so that those changes, which have already waited for the run, wait at most the delay more)."""
    job = recompute_room
    delay = getattr(settings, "ONLINE_RECOMPUTE_DELAY", 5)
    try:
        if delay > 0 and job.get_backend().supports_defer:
            run_after = max(since or clock.now(), clock.now() - timedelta(seconds=delay)) + timedelta(seconds=delay)
            job = job.using(run_after=run_after)
        job.enqueue(room_id)
    except Exception:  # the queue is down: let the next change try again rather than wait for the lease
        logger.exception("could not enqueue the recomputation of online room %s", room_id)
        OnlineRoom.objects.filter(pk=room_id).update(recompute_queued_at=None)


@task()
def recompute_room(room_id: int) -> int | None:
    """The task: recompute unless the latest run covers every change. Returns the new run's id (or None)."""
    try:
        run = recompute(room_id)
    except Exception:
        # Free the flag so that the next vote enqueues again; the backend records the failure.
        OnlineRoom.objects.filter(pk=room_id).update(recompute_queued_at=None)
        raise
    return run.pk if run is not None else None


def recompute(room_id: int, *, force: bool = False) -> AnalysisRun | None:
    """Run the analysis of a room now and store it (the task's body; the demo and commands call it directly)."""
    read_at = clock.now()
    room = OnlineRoom.objects.filter(pk=room_id).first()
    if room is None:
        return None
    seq = room.change_seq
    latest = AnalysisRun.objects.filter(room=room).order_by("-id").values("covers_seq", "state").first()
    if latest is not None and latest["covers_seq"] >= seq and not force:
        _finish(room_id, seq, read_at)
        return None
    started = time.perf_counter()
    visible = room.visible_statuses()
    statement_ids = list(Statement.objects.filter(room=room, status__in=visible).values_list("pk", flat=True))
    rows = np.asarray(
        list(
            Vote.objects.filter(room=room, statement__status__in=visible).values_list(
                "participant_id", "statement_id", "value"
            )
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    log = VoteLog(participant_ids=rows[:, 0], statement_ids=rows[:, 1], values=rows[:, 2].astype(np.int8))
    result = analyse(
        log,
        statement_ids=statement_ids,
        previous_state=latest["state"] if latest else None,
        seed=0,
    )
    payload = result.to_json()
    state = payload.pop("state")
    # Per group × statement counts (the engine keeps them; the results page shows each group's agreement).
    payload["group_votes"] = {
        "agree": result.group_counts.agree.tolist(),
        "disagree": result.group_counts.disagree.tolist(),
        "total": result.group_counts.total.tolist(),
    }
    priorities = {
        str(sid): float(p) for sid, p in zip(result.statement_ids.tolist(), result.priority.tolist(), strict=True)
    }
    with transaction.atomic():
        run = AnalysisRun.objects.create(
            room=room,
            covers_seq=seq,
            n_votes=result.n_votes,
            n_participants=len(result.participant_ids),
            n_analysed=result.n_analysed,
            n_statements=len(result.statement_ids),
            k=result.k,
            seconds=result.seconds,
            total_seconds=time.perf_counter() - started,
            result=payload,
            state=state,
            priorities=priorities,
        )
        keep = list(AnalysisRun.objects.filter(room=room).order_by("-id").values_list("pk", flat=True)[:KEEP_RUNS])
        AnalysisRun.objects.filter(room=room).exclude(pk__in=keep).delete()
    _finish(room_id, seq, read_at)
    return run


def _finish(room_id: int, seq: int, read_at) -> None:
    """Clear the queued flag, or, if changes arrived after `seq` was read, keep it and enqueue once more."""
    with transaction.atomic():
        room = OnlineRoom.objects.select_for_update().filter(pk=room_id).first()
        if room is None:
            return
        if room.change_seq > seq:
            OnlineRoom.objects.filter(pk=room_id).update(recompute_queued_at=clock.now())
            transaction.on_commit(lambda: enqueue_recompute(room_id, since=read_at))
        else:
            OnlineRoom.objects.filter(pk=room_id).update(recompute_queued_at=None)
