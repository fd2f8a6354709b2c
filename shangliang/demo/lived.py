"""The county's lived year and a half (demo.anchor.lived_start to today): the everyday work around the curated
examples, so that the norms page, the dashboards and the duty records show a working county on any day the demo is
loaded.

Every town consults twice a year; every village and community about every seven to eight weeks (its norm: once in
two months), on a topic raised there — in turn from each of the four sources (a liaison's grid work, a resident at
the room, a linked member's recommendation, the village party branch's assignment) — screened, approved, researched
(入户走访), with its participants (the linked member and one more member of the committee in turn, signed in), minutes
and suggestion list, closed with consensus and submitted. The first suggestion of four consultations in five becomes
a task for the unit itself (the fifth's the party organisation takes up itself): signed, worked on, most finished on
time, verified and rated by residents; one in four runs late; the recent ones are still open, some overdue, chased
and noticed by the periodic command (run weekly over the last three weeks). About one village in ten falls behind its
norm, each for a reason on record: its last planned consultation was cancelled with the reason (换届, 汛期抢险,
调研未完成…). The topics raised in the
last two weeks wait at the step each has reached: to be screened, to be approved, for their consultation; a few were
not taken up or returned for more detail.

One loader step, `build_lived_year`, relative to today (clock.today()): the same today gives the same county. Here
the plan (who consults when), the units behind, the fresh topics and the periodic command; the thousand consultations
are inserted in bulk by demo.lived_chains with the times each step happened (created, screened, approved, scheduled,
held, closed, submitted, assigned, signed, finished) and an event for each, as the services would have written them —
running the services at frozen times took about 0.13 s of CPU per consultation, two minutes in all, past the demo's
60 s budget. The cancellations of the units behind, and the periodic command's reminders, run through the services.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from django.db.models import Q

from shangliang.accountability.services.periodic import run_periodic
from shangliang.consultations import services as consult
from shangliang.consultations.models import Consultation
from shangliang.core import clock
from shangliang.dashboards import counters
from shangliang.people.models import LinkKind, MemberLink, Position, Role, User
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from shangliang.topics.services import intake, screening
from shangliang.topics.text import search_terms
from shangliang.units.models import Room, Unit

from . import anchor
from .county import SEED, require_county
from .eventlog import EventLog, given_times
from .lived_chains import (
    MARK,
    MATTERS,
    SOURCES,
    TOWN_KINDS,
    TOWN_MATTERS,
    VILLAGE_KINDS,
    Book,
    People,
    Visit,
    at,
    resident_name,
    tracking_code,
)

BEHIND_REASONS = [
    "村两委换届，新任书记到岗前协商暂停。",
    "汛期抢险，原定协商推迟。",
    "议题调研尚未完成，暂缓召开。",
    "召集人外出学习，协商改期待定。",
]


def plan(units: list[Unit], today: date) -> tuple[list[Visit], set[int]]:
    """When each unit consults from the lived year's start (demo.anchor.lived_start) to `today`, and which units fall
    behind (about one village in ten).

    Towns every 150–175 days (twice a year); villages and communities every 46–55 days (their norm: once in two
    months), the last one within the last 55 days; a unit falling behind stops 75–130 days before today."""
    visits: list[Visit] = []
    first = anchor.lived_start(today)
    villages = [u for u in units if u.kind in VILLAGE_KINDS]
    behind = {u.pk for i, u in enumerate(villages) if i % 10 == 7}
    for u in units:
        rng = random.Random(f"{SEED}-lived-{u.path}")
        step = (150, 175) if u.kind in TOWN_KINDS else (46, 55)
        day = first + timedelta(days=rng.randint(0, step[0] // 3))
        stop = today - timedelta(days=rng.randint(75, 130)) if u.pk in behind else today - timedelta(days=3)
        n = 0
        while day <= stop:
            if day.weekday() < 5:
                visits.append(Visit(at(day, 9, 30), len(visits), u, n))
                n += 1
                day += timedelta(days=rng.randint(*step))
            else:
                day += timedelta(days=7 - day.weekday())
    visits.sort(key=lambda v: (v.when, v.order))
    return visits, behind


def lived_units(county: Unit) -> list[Unit]:
    return list(
        Unit.objects.filter(path__startswith=county.path, kind__in=VILLAGE_KINDS + TOWN_KINDS, is_active=True)
        .filter(rooms__isnull=False)
        .distinct()
        .order_by("path")
    )


def build_lived_year(ctx) -> bool:
    county = require_county()
    if Consultation.objects.filter(unit__path__startswith=county.path, title__startswith=MARK).exists():
        return False
    today = clock.today()
    people = People()
    people.load(county)
    members = dict(
        MemberLink.objects.filter(unit__path__startswith=county.path, kind=LinkKind.ONE_TO_ONE)
        .order_by("id")
        .values_list("unit_id", "member_id")
    )
    member_users = {u.pk: u for u in User.objects.filter(pk__in=set(members.values()))}
    units = lived_units(county)
    rooms = {}
    for room in Room.objects.filter(unit__in=units).order_by("id"):
        rooms.setdefault(room.unit_id, room)
    visits, behind = plan(units, today)
    # Besides the linked member, one more member of the committee attends each consultation, in turn, so every
    # member has consultations on their duty record this year.
    committee = list(
        User.objects.filter(
            assignments__role=Role.MEMBER,
            assignments__unit__path__startswith=county.path,
            assignments__renounced_at__isnull=True,
        )
        .distinct()
        .order_by("pk")
    )
    book = Book(county, today)
    for v in visits:
        member = member_users.get(members.get(v.unit.pk))
        guest = committee[v.order % len(committee)] if committee else None
        book.consultation(v, people, member, rooms.get(v.unit.pk), guest if guest != member else None)
    book.save()
    linked = {pk: member_users.get(m) for pk, m in members.items()}
    fresh_topics(units, behind, people, rooms, linked)
    for unit in units:
        if unit.pk in behind:
            call_off(unit, people, today)
    # The periodic command ran every week: the overdue tasks of the last weeks were chased, and noticed (通报) once
    # the grace after the reminder had passed.
    for moment in periodic_runs(today, clock.now()):
        with clock.frozen(moment):
            run_periodic()
    return True


def periodic_runs(today: date, now: datetime) -> list[datetime]:
    """When the periodic command ran: at 07:00 on this day of each of the last three weeks and today, but never after
    now (a county loaded between midnight and 07:00 has today's run at the moment of loading)."""
    return [min(clock.at(at(today - timedelta(weeks=weeks), 7)), now) for weeks in (3, 2, 1, 0)]


def call_off(unit: Unit, people: People, today: date) -> None:
    """A unit behind its norm: its next consultation was planned and then called off, with the reason on record."""
    day = today - timedelta(days=20)
    convenor = people.holder(unit, Role.CONVENOR, day, Position.FIRST_CONVENOR)
    approver = people.holder(unit, Role.APPROVER, day)
    if convenor is None or approver is None:
        return
    reason = BEHIND_REASONS[unit.pk % len(BEHIND_REASONS)]
    with clock.frozen(at(day, 10)) as moment:
        topic = intake.topic_enter(
            actor=convenor,
            unit=unit,
            source=TopicSource.GRID,
            title=f"{MATTERS[unit.pk % len(MATTERS)][0]}（{unit.name}）",
            description=MATTERS[unit.pk % len(MATTERS)][1],
            name="村网格员",
        )
        screening.topic_screen(topic=topic, actor=convenor, decision="accept", category="livelihood")
        moment.move_to(at(day + timedelta(days=1), 10))
        screening.topic_decide(topic=topic, actor=approver, decision="approve", note="同意协商。")
        c = consult.consultation_create(
            actor=convenor,
            unit=unit,
            topics=[topic],
            form="monthly",
            title=f"{MARK}{topic.title}",
            room=unit.rooms.order_by("id").first(),
        )
        moment.move_to(at(day + timedelta(days=5), 10))
        consult.consultation_cancel(actor=convenor, consultation=c, note=reason)


FRESH = 1000  # the fresh topics' numbers in their unit's series start here (their tracking codes differ)
FRESH_NOTES = {
    TopicStatus.REJECTED: "属于个体矛盾纠纷，建议通过人民调解解决，不列入协商。",
    TopicStatus.RETURNED: "请补充涉及的具体位置和农户数后重新提交。",
}


def everyday_topics(county: Unit):
    """The lived year's topics: those of its consultations and the fresh ones (the rest are the curated examples)."""
    codes = [tracking_code(unit, FRESH) for unit in lived_units(county)]
    return Topic.objects.filter(
        Q(consultations__title__startswith=MARK) | Q(tracking_code__in=codes), unit__path__startswith=county.path
    )


def fresh_topics(units: list[Unit], behind: set[int], people: People, rooms: dict, linked: dict) -> None:
    """The topics raised in the last two weeks, at the step each has reached today: waiting to be screened,
    accepted and waiting for the party organisation, approved and waiting for their consultation; now and then one
    not taken up (四不议) or returned for more detail. Inserted in bulk with their events, like the chains."""
    now = clock.now()
    log = EventLog()
    rows = []
    for i, unit in enumerate(u for u in units if u.pk not in behind):
        rng = random.Random(f"{SEED}-fresh-{unit.path}")
        raised = clock.at(at(clock.today() - timedelta(days=rng.randint(0, 13)), rng.randint(8, 11)))
        if raised > now:
            raised -= timedelta(days=1)
        convenor = people.holder(unit, Role.CONVENOR, raised.date(), Position.FIRST_CONVENOR)
        approver = people.holder(unit, Role.APPROVER, raised.date())
        liaison = people.holder(unit, Role.LIAISON, raised.date())
        if convenor is None or approver is None:
            continue
        matters = TOWN_MATTERS if unit.kind in TOWN_KINDS else MATTERS
        title, text, category, _suggestions = matters[(FRESH + unit.pk + 5) % len(matters)]
        source = SOURCES[i % len(SOURCES)]
        room = rooms.get(unit.pk)
        topic = Topic(
            unit=unit,
            source=source,
            title=f"{title}（{unit.name}）"[:100],
            description=text,
            status=TopicStatus.SUBMITTED,
            search_terms=search_terms(f"{title}（{unit.name}）", text),
            tracking_code=tracking_code(unit, FRESH),
            created_at=raised,
        )
        if source == TopicSource.RESIDENT and room is not None:
            topic.room, topic.submitted_by_name = room, resident_name(rng)
        elif source == TopicSource.MEMBER and linked.get(unit.pk) is not None:
            topic.submitter, topic.submitted_by_name = linked[unit.pk], linked[unit.pk].display_name
        elif source == TopicSource.ASSIGNED:
            topic.submitter, topic.submitted_by_name = approver, f"中共{unit.name}委员会"
        else:
            topic.source, topic.room = TopicSource.GRID, room
            topic.submitter, topic.submitted_by_name = liaison or convenor, resident_name(rng)
        steps = [(raised, "submit", topic.submitter, "", TopicStatus.SUBMITTED, "", {})]
        screened, decided = raised + timedelta(days=1, hours=5), raised + timedelta(days=2, hours=6)
        outcome = {5: TopicStatus.REJECTED, 9: TopicStatus.RETURNED}.get(i % 12)
        if screened <= now and outcome is not None:
            topic.status = outcome
            if outcome == TopicStatus.REJECTED:
                topic.rejection_reason = "individual_dispute"
            action = "reject" if outcome == TopicStatus.REJECTED else "return"
            data = {"reason": topic.rejection_reason} if topic.rejection_reason else {}
            steps.append((screened, action, convenor, TopicStatus.SUBMITTED, outcome, FRESH_NOTES[outcome], data))
        elif screened <= now:
            topic.status, topic.category = TopicStatus.ACCEPTED, category
            data = {"category": category}
            steps.append((screened, "accept", convenor, TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, "", data))
            if decided <= now:
                topic.status = TopicStatus.APPROVED
                note = "同意协商。"
                steps.append((decided, "approve", approver, TopicStatus.ACCEPTED, TopicStatus.APPROVED, note, {}))
        topic.updated_at = steps[-1][0]
        topic.demo_steps = steps
        rows.append(topic)
    with given_times(Topic._meta.get_field("created_at"), Topic._meta.get_field("updated_at")):
        Topic.objects.bulk_create(rows, batch_size=500)
    for topic in rows:
        for moment, action, actor, src, dst, note, data in topic.demo_steps:
            log.add(topic, moment, action, actor=actor, from_state=src, to_state=dst, note=note, public=True, data=data)
    log.save()
    counters.project({counters.TOPIC: [t.pk for t in rows]})
