"""Helpers for the online room's tests (imported by the test modules; conftest.py holds the engine's data fixtures).

A room is made the way a convenor makes one: an online consultation of town T1 (in session), a room opened for a
week with seeded statements; participants are accounts or verified mobile numbers.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from shangliang.consultations.models import Consultation, ConsultationForm, ConsultationStatus
from shangliang.online import services
from shangliang.online.models import ModerationMode, OnlineRoom, RoomStatus
from shangliang.residents.services import mobile_hash
from shangliang.residents.visitor import VerifiedMobile
from tests.conftest import fresh

SEEDS = (
    "污水处理站建设费用应主要由排污企业承担",
    "政府应当补贴一部分建设费用，减轻小企业负担",
    "处理站建成后应定期公开出水水质检测结果",
    "建设方案应先向全体村民和企业公示",
    "木耳厂应暂停生产，直到处理站建成",
    "处理站应建在远离居民区的下游",
    "费用分担应按各企业的排污量计算",
    "村集体也应出一部分钱",
)


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters and SMS codes live in the cache: every test starts with none."""
    cache.clear()
    yield
    cache.clear()


def key() -> str:
    return uuid4().hex


def convenor(world):
    return fresh(world.users["convenor"])


def consultation(world, unit=None, *, status=ConsultationStatus.IN_SESSION, form=ConsultationForm.ONLINE, title=None):
    unit = unit or world.t1
    return Consultation.objects.create(
        unit=unit, title=title or f"{unit.name}园区污水处理网上协商", form=form, status=status
    )


def make_room(
    world,
    *,
    unit=None,
    status=RoomStatus.OPEN,
    moderation=ModerationMode.PRE,
    seeds=SEEDS,
    allow_statements=True,
    consultation_status=ConsultationStatus.IN_SESSION,
) -> OnlineRoom:
    """A room of `unit` (town T1) created, seeded and opened by the unit's convenor (superuser elsewhere)."""
    unit = unit or world.t1
    c = consultation(world, unit, status=consultation_status)
    actor = convenor(world) if unit == world.t1 else _superuser()
    # As after real commits: the recomputation each step enqueues runs (immediate backend), so the room is left
    # with its first analysis (no votes yet) and no recomputation queued.
    with TestCase.captureOnCommitCallbacks(execute=True):
        room = _build(actor, c, status, moderation, seeds, allow_statements)
    return reload(room)


def _build(actor, c, status, moderation, seeds, allow_statements) -> OnlineRoom:
    room = services.room_create(
        actor=actor,
        consultation=c,
        question="园区污水处理站怎么建、费用怎么分担？",
        moderation=moderation,
        allow_statements=allow_statements,
        closes_at=timezone.now() + timedelta(days=7),
    )
    for text in seeds:
        services.statement_seed(actor=actor, room=room, text=text)
    if status in (RoomStatus.OPEN, RoomStatus.CLOSED):
        services.room_open(actor=actor, room=room)
    if status == RoomStatus.CLOSED:
        services.room_close(actor=actor, room=room)
    return room


def _superuser():
    from tests.factories import UserFactory

    user = UserFactory(username=f"root{uuid4().hex[:6]}", is_superuser=True)
    return user


def reload(room: OnlineRoom) -> OnlineRoom:
    return OnlineRoom.objects.select_related("consultation", "unit").get(pk=room.pk)


def mobile(number: str = "13812345678") -> VerifiedMobile:
    return VerifiedMobile(mobile_hash(number), number[:3] + "****" + number[-4:])


def participant(room, who=None, *, number: str | None = None):
    """An account's participant (`who` a user) or a verified mobile number's."""
    if who is not None:
        return services.participant_for(room=room, user=fresh(who))
    return services.participant_for(room=room, mobile=mobile(number or "13812345678"))


def statements(room):
    return list(room.statements.order_by("polis_id"))
