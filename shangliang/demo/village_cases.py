"""Disputes mediated (矛盾纠纷化解) and petitions (信访) of the demo county's villages and communities in the year before
the monthly meetings began (demo.anchor.lived_start, the village affairs' first month) and from then to today, each
with its outcome. As in Lingling's practice, the monthly meetings take disputes up early, so a year with them has
fewer disputes than the year before and about half the petitions.

One loader step, rows inserted in bulk with an event for the recording and the outcome of each case.
"""

# ruff: noqa: E501 -- the case catalogue is Chinese text.
from __future__ import annotations

from datetime import date, timedelta

from shangliang.core import clock
from shangliang.core.months import add_months
from shangliang.people.models import Position, Role, RoleAssignment
from shangliang.units.models import Unit, UnitKind
from shangliang.villageaffairs.models import (
    Dispute,
    DisputeKind,
    DisputeStatus,
    Petition,
    PetitionChannel,
    PetitionStatus,
)

from . import anchor
from .county import require_county, rng_for
from .eventlog import EventLog
from .eventlog import at as _at

DISPUTES = [
    (DisputeKind.LAND, "两户因承包地地界不清发生争执"),
    (DisputeKind.LAND, "林地承包到期后续包费用分歧"),
    (DisputeKind.NEIGHBOUR, "宅前排水沟堵塞引发邻里纠纷"),
    (DisputeKind.NEIGHBOUR, "散养家禽毁坏邻居菜园"),
    (DisputeKind.FAMILY, "赡养老人费用分担分歧"),
    (DisputeKind.FAMILY, "分家析产纠纷"),
    (DisputeKind.LABOUR, "木耳基地季节工工资拖欠"),
    (DisputeKind.PROPERTY, "翻建房屋占用公共道路"),
    (DisputeKind.PROPERTY, "宅基地界址争议"),
    (DisputeKind.OTHER, "耕作机械借用损坏赔偿"),
]
DISPUTE_OUTCOMES = {
    DisputeStatus.RESOLVED: [
        "经村调委会调解，双方达成一致并签订调解协议。",
        "在月例会上由包村干部和村民代表共同调解，当场化解。",
        "依据确权图重新勘界，双方认可。",
    ],
    DisputeStatus.UNRESOLVED: ["双方分歧较大，已告知可通过诉讼途径解决。"],
    DisputeStatus.REFERRED: ["涉及跨村地界，已移交镇司法所调处。", "已转镇劳动保障所依法处理。"],
}
PETITIONS = [
    "反映土地流转租金未按时支付",
    "反映低保评议不公",
    "反映村道修建占地补偿问题",
    "反映自来水冬季冻管停水",
    "反映养殖场异味影响生活",
    "反映农村危房改造补助未到位",
]
PETITION_OUTCOMES = {
    PetitionStatus.CONCLUDED: [
        "经调查核实，已督促相关方履行并答复信访人，信访人表示满意。",
        "已按政策解释说明并解决实际困难，办结。",
    ],
    PetitionStatus.REFERRED: ["已转市信访局按程序办理。", "已转相关职能部门办理。"],
}
# Cases a village records a year: before the monthly meetings, and with them.
DISPUTES_PER_YEAR = {"before": (1, 6), "with": (0, 4)}
PETITIONS_PER_YEAR = {"before": (0, 3), "with": (0, 1)}


def build_cases(ctx) -> bool:
    county = require_county()
    if Dispute.objects.filter(unit__path__startswith=county.path).exists():
        return False
    rng = rng_for("village-cases")
    villages = list(
        Unit.objects.filter(path__startswith=county.path, kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY]).order_by(
            "path"
        )
    )
    secretaries = {}
    for a in RoleAssignment.objects.filter(
        role=Role.CONVENOR, position=Position.FIRST_CONVENOR, unit__in=villages
    ).order_by("id"):
        secretaries[a.unit_id] = a.user_id
    today = clock.today()
    meetings_began = anchor.lived_start(today)
    periods = [("before", add_months(meetings_began, -12), meetings_began), ("with", meetings_began, today)]
    disputes, petitions = [], []
    for v in villages:
        for era, first, end in periods:
            days = (end - first).days
            for _i in range(_how_many(rng, DISPUTES_PER_YEAR[era], days)):
                kind, summary = rng.choice(DISPUTES)
                received = first + timedelta(days=rng.randrange(days))
                d = Dispute(
                    unit=v,
                    received_on=received,
                    kind=kind,
                    summary=summary,
                    parties=rng.choice([2, 2, 2, 3, 4]),
                    mediator=rng.choice(["村调委会", "包村干部", "村党支部书记", "镇司法所"]),
                )
                _close(
                    rng,
                    d,
                    received,
                    DISPUTE_OUTCOMES,
                    [DisputeStatus.RESOLVED] * 17
                    + [DisputeStatus.UNRESOLVED, DisputeStatus.REFERRED, DisputeStatus.REFERRED],
                )
                disputes.append(d)
            for _i in range(_how_many(rng, PETITIONS_PER_YEAR[era], days)):
                received = first + timedelta(days=rng.randrange(days))
                p = Petition(
                    unit=v,
                    received_on=received,
                    channel=rng.choice(PetitionChannel.values),
                    collective=rng.random() < 0.1,
                    subject=rng.choice(PETITIONS),
                )
                _close(rng, p, received, PETITION_OUTCOMES, [PetitionStatus.CONCLUDED] * 5 + [PetitionStatus.REFERRED])
                petitions.append(p)
    Dispute.objects.bulk_create(disputes, batch_size=500)
    Petition.objects.bulk_create(petitions, batch_size=500)
    log = EventLog()
    actions = {"resolved": "resolve", "unresolved": "fail", "referred": "refer", "concluded": "conclude"}
    for case in [*disputes, *petitions]:
        first = "open" if isinstance(case, Dispute) else "pending"
        actor_id = secretaries.get(case.unit_id)
        log.add(case, _at(case.received_on, 10), "create", to_state=first, actor_id=actor_id)
        closed = case.closed_on if isinstance(case, Dispute) else case.concluded_on
        if closed is not None:
            log.add(
                case,
                _at(closed, 15),
                actions[case.status],
                from_state=first,
                to_state=case.status,
                note=case.outcome,
                actor_id=actor_id,
            )
    log.save()
    return True


def _how_many(rng, per_year: tuple[int, int], days: int) -> int:
    """How many cases a village records in `days` days, at a number a year drawn from `per_year`."""
    return round(rng.randint(*per_year) * days / 365)


def _close(rng, case, received: date, outcomes: dict, statuses: list) -> None:
    """Most cases end within a month; the ones received in the last weeks are still being handled (a case is closed
    at 15:00: not yet today)."""
    closed = received + timedelta(days=rng.randint(2, 40))
    if closed >= clock.today():
        return
    case.status = rng.choice(statuses)
    case.outcome = rng.choice(outcomes[case.status])
    if isinstance(case, Dispute):
        case.closed_on = closed
    else:
        case.concluded_on = closed
