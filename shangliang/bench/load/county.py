"""The benchmark county at work, for `bench_load`'s county mix: besides the rooms and convenors, the people of the other
kinds of page — grid workers (网格员) entering concerns, the county CPPCC office's staff with their lists and exports, a
department reporting progress on the tasks it signed for — and what they and the residents act on: agreed
suggestions turned into tasks (some in progress, some done and open to residents' ratings) and residents whose
numbers are verified, with a session each, as after the SMS-code step.

Everything is made through the services, as people would (topics entered, screened and approved; consultations
listed, researched, scheduled, held, closed and submitted; tasks assigned, signed, reported and verified), so the
events and figures are those of a real county. Idempotent: a second run adds only what is missing.
"""

from __future__ import annotations

import io
import secrets
from datetime import date, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image

from shangliang.accountability import services as acc
from shangliang.accountability.models import ResponsibilityTask, TaskStatus
from shangliang.bench.sessions import resident_sessions
from shangliang.consultations import services as cons
from shangliang.consultations.models import Consultation, ParticipantKind, Suggestion
from shangliang.people.models import Department, Role, RoleAssignment, User
from shangliang.topics import services as topics
from shangliang.topics.models import TopicSource
from shangliang.units.models import Room, Unit, UnitKind

TITLE = "压测：村道路灯维修"  # the consultations this module holds (one per village room, found again by it)


def account(username: str, full_name: str, password: str, role: str, unit: Unit, **extra) -> dict:
    """An account with one role and an authenticator (a fresh key each run): the plan's line for locust."""
    user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
    user.set_password(password)
    user.save()
    if created:
        RoleAssignment.objects.create(user=user, role=role, unit=unit, assumed_at=date(2020, 1, 1), **extra)
    key = secrets.token_hex(20)
    TOTPDevice.objects.filter(user=user).delete()
    TOTPDevice.objects.create(user=user, name="bench", confirmed=True, key=key)
    return {"username": username, "password": password, "totp": key, "unit": unit.pk}


def _user(line: dict) -> User:
    return User.objects.get(username=line["username"])


def _photo() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (90, 140, 200)).save(out, "PNG")
    return SimpleUploadedFile("现场.png", out.getvalue(), content_type="image/png")


def _fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # a new object: no per-request caches from an earlier step


def _consult(
    room: Room, *, liaison: User, convenor: User, approver: User, department: Department, body: User, done: bool
):
    """One concern of a village taken through the whole loop to a task the department signed for (and, when
    `done`, reported, verified and open to ratings)."""
    unit = room.unit
    topic = topics.topic_enter(
        actor=_fresh(liaison),
        unit=unit,
        source=TopicSource.GRID,
        title=f"{unit.name}村道路灯不亮",
        description="村道路灯坏了三盏，晚上出行不便。",
        anonymous=False,
        name="压测居民",
        mobile="",
        urgent=False,
        photos=[],
        idempotency_key=secrets.token_hex(16),
    )
    topics.topic_screen(topic=topic, actor=_fresh(convenor), decision="accept", category="livelihood")
    topics.topic_decide(topic=topic, actor=_fresh(approver), decision="approve")
    c = cons.consultation_create(
        actor=_fresh(convenor), unit=unit, topics=[topic], form="meeting", title=TITLE, room=room
    )
    for kind, name in (
        (ParticipantKind.STAKEHOLDER, "村民甲"),
        (ParticipantKind.STAKEHOLDER, "村民乙"),
        (ParticipantKind.PARTY_MEMBER, "党员丙"),
        (ParticipantKind.RESIDENT_REP, "代表丁"),
    ):
        cons.participant_add(actor=_fresh(convenor), consultation=c, kind=kind, name=name)
    cons.participants_choose(actor=_fresh(convenor), consultation=c)
    cons.research_add(
        actor=_fresh(convenor),
        consultation=c,
        kind="visit",
        title="走访沿路住户",
        text="走访 20 户，都希望尽快修好。",
        done_on=timezone.localdate(),
    )
    c = Consultation.objects.get(pk=c.pk)
    cons.consultation_schedule(actor=_fresh(convenor), consultation=c, planned_start=timezone.now() + timedelta(days=2))
    cons.consultation_open(actor=_fresh(convenor), consultation=Consultation.objects.get(pk=c.pk))
    suggestion = cons.suggestion_add(
        actor=_fresh(convenor), consultation=Consultation.objects.get(pk=c.pk), text="一周内修复村道路灯"
    )
    cons.consultation_close(
        actor=_fresh(convenor), consultation=Consultation.objects.get(pk=c.pk), consensus=True, conclusion="同意修复"
    )
    cons.consultation_submit(
        actor=_fresh(convenor), consultation=Consultation.objects.get(pk=c.pk), level="same", recipients="镇党委"
    )
    task = acc.task_assign(
        actor=_fresh(convenor),
        suggestion=Suggestion.objects.select_related("consultation").get(pk=suggestion.pk),
        department=department,
        owner_name="压测科长",
        owner_phone="",
        action="修复村道路灯",
        deadline=timezone.localdate() + timedelta(days=30),
    )
    acc.task_sign(actor=_fresh(body), task=task)
    if done:
        acc.progress_report(actor=_fresh(body), task=task, text="已采购灯具", percent=50, files=[])
        acc.completion_report(actor=_fresh(body), task=task, text="三盏路灯已修复", files=[_photo()])
        acc.completion_verify(actor=_fresh(convenor), task=task, note="现场验收合格")


def at_work(county: Unit, towns: list[Unit], *, password: str, people: int, residents: int) -> dict:
    """The county's other people and their work; `people` accounts of each staff kind, `residents` verified
    residents with a session each. Returns the plan's part for them."""
    department, _ = Department.objects.get_or_create(county=county, name="压测住建局")
    liaisons = [
        account(f"bench_liaison_{n}", f"压测网格员{n}", password, Role.LIAISON, towns[n % len(towns)])
        for n in range(max(people, len(towns)))  # a grid worker in each town at least
    ]
    staff = [account(f"bench_staff_{n}", f"压测政协干部{n}", password, Role.CPPCC_STAFF, county) for n in range(people)]
    bodies = [
        account(f"bench_department_{n}", f"压测部门干部{n}", password, Role.DEPARTMENT, county, department=department)
        for n in range(people)
    ]
    rooms = Room.objects.filter(unit__county=county, unit__kind=UnitKind.VILLAGE).select_related("unit").order_by("pk")
    held = set(Consultation.objects.filter(unit__county=county, title=TITLE).values_list("unit_id", flat=True))
    body = User.objects.get(username=bodies[0]["username"])
    for n, room in enumerate(rooms):
        if room.unit_id in held:
            continue
        village = room.unit
        # the village's own convenor and party organisation (审定), who are not among the simulated people
        convenor = _user(
            account(
                f"bench_village_convenor_{village.pk}",
                "压测村召集人",
                password,
                Role.CONVENOR,
                village,
                position="first",
            )
        )
        approver = _user(
            account(f"bench_village_approver_{village.pk}", "压测村党组织", password, Role.APPROVER, village)
        )
        town = Unit.objects.get_parent(village)
        liaison = next(
            _user(a) for a in liaisons[n % len(liaisons) :] + liaisons if a["unit"] == town.pk
        )  # a grid worker of the village's town
        _consult(
            room,
            liaison=liaison,
            convenor=convenor,
            approver=approver,
            department=department,
            body=body,
            done=n % 2 == 0,
        )
    tasks = ResponsibilityTask.objects.filter(unit__county=county, department=department)
    return {
        "liaisons": liaisons,
        "staff": staff,
        "departments": bodies,
        "tasks_in_progress": list(tasks.filter(status=TaskStatus.IN_PROGRESS).values_list("pk", flat=True)),
        "tasks_done": list(tasks.filter(status=TaskStatus.DONE).values_list("pk", flat=True)),
        # a grid worker enters concerns for the villages of their own town
        "villages_of": {
            str(town.pk): list(
                Unit.objects.get_children(town).filter(kind=UnitKind.VILLAGE).values_list("pk", flat=True)
            )
            for town in towns
        },
        "resident_sessions": resident_sessions(residents),
    }
