"""The demo online consultation room (网上协商议事室), alongside 绥阳镇's expert consultation on growers' training
and sales (in session, run by demo_convenor): seeded statements, 300 synthetic residents' votes in three planted
opinion groups (large growers and cooperatives, small and elderly growers, young returnees selling online),
statements awaiting and failing moderation, the demo resident's own votes, a stored analysis run, and the strongest
common-ground statement already pulled into the consultation's suggestion list.

One loader step, `build_online_room`, after the consultations step. The room goes through the online services; the
synthetic conversation is loaded by the room's Pol.is import (the same path as an upload), generated from a fixed
seed so that two loads give the same statements and votes.
"""

# ruff: noqa: E501 -- the statement table is Chinese text, one statement per line.
from __future__ import annotations

from datetime import timedelta

import numpy as np

from shangliang.consultations.models import Consultation, ConsultationStatus
from shangliang.core import clock
from shangliang.online import services
from shangliang.online.consensus import PolisExport, VoteLog
from shangliang.online.consensus.polis_io import PolisStatement
from shangliang.online.models import ModerationMode, OnlineRoom
from shangliang.online.selectors import room_results
from shangliang.online.services import polis, tasks
from shangliang.people.models import User, mask_phone
from shangliang.residents.services import mobile_hash
from shangliang.residents.visitor import VerifiedMobile
from shangliang.units.models import Unit, UnitKind

from .county import require_county

TOWN = "绥阳镇"
TOPIC = "黑木耳种植户技术培训"  # the start of the consultation's topic title (see demo.consultations)
QUESTION = "木耳种植技术培训怎么办、销路怎么拓宽？"
DESCRIPTION = (
    "镇里准备组织科技特派员开展菌包生产技术培训，并对接电商平台拓宽“绥阳黑木耳”的销路。"
    "请对下面的观点逐条表态，也可以写下自己的观点；各方都认同的意见将纳入协商意见建议清单。"
)
GROUPS = ("种植大户和合作社", "散户和老年种植户", "返乡青年和电商从业者")
SHARES = (0.30, 0.45, 0.25)
PARTICIPANTS = 300
SEED = 20250615
# (text, lean of each planted group: +1 agree / −1 disagree, author: None = seeded by the convenor, else a voter-id)
# fmt: off
STATEMENTS = [
    ("技术培训应安排在农闲时节，就近在村里办", (1, 1, 1), None),
    ("培训要有现场实操，不能只讲课", (1, 1, 1), None),
    ("应统一“绥阳黑木耳”品牌，严把质量关", (1, 1, 1), None),
    ("菌包质量出了问题要有地方投诉、有人管", (1, 1, 1), None),
    ("培训和补贴信息应在村务公开栏和微信群及时公布", (1, 1, 1), None),
    ("应成立合作社统一收购、统一销售", (1, -1, 1), None),
    ("电商销售比卖给收购商更划算", (-1, -1, 1), None),
    ("补贴应向种植大户倾斜，带动规模化种植", (1, -1, -1), None),
    ("散户应按人头平均享受培训补贴", (-1, 1, -1), None),
    ("培训应以直播、短视频等线上方式为主", (-1, -1, 1), None),
    ("应建统一的冷库和烘干中心，按使用量收费", (1, -1, 1), None),
    ("年纪大的种植户不需要学电商", (1, 1, -1), None),
    ("收购价格应由镇里统一指导", (-1, 1, -1), None),
    ("应引进企业订单种植，保底收购", (1, 1, -1), None),
    ("村集体应出资请专业团队代运营网店", (-1, 1, 1), None),
    ("优先培训返乡青年做带头人", (1, -1, 1), None),
    ("培训时顺便讲讲菌包废料怎么处理", (1, 1, 1), 3),
    ("请种得好的本地老把式来讲经验", (1, 1, 1), 11),
    ("开网店要有人手把手教，光讲课学不会", (-1, 1, 1), 25),
    ("合作社的账目要定期公开", (1, 1, 1), 40),
    ("统一品牌以后收购价不能压得太低", (-1, 1, 1), 57),
    ("大户应和周边散户签帮扶协议", (-1, 1, 1), 72),
    ("物流费用应由合作社统一承担", (1, -1, 1), 90),
    ("应自己培养本村的带货主播", (1, -1, 1), 104),
]
# fmt: on
PENDING = "能不能把培训安排在晚上，白天要上山采木耳"
REJECTED = ("收购商都是骗子，一个也不能信", "以偏概全、涉及人身攻击，不予通过；请对事不对人。")
DEMO_RESIDENT_VOTES = [(0, 1), (1, 1), (5, -1), (7, -1), (8, 1), (11, 1), (12, 1), (17, 1), (20, 1)]


def synthetic_conversation(now) -> PolisExport:
    """PARTICIPANTS residents in three planted groups, each voting on 10–24 statements over the past week.

    A resident follows their group's lean with probability 0.8, goes against it with 0.08, else passes.
    """
    rng = np.random.default_rng(SEED)
    groups = rng.choice(len(GROUPS), size=PARTICIPANTS, p=SHARES)
    lean = np.asarray([s[1] for s in STATEMENTS], dtype=np.int8)  # statements × groups
    start = int((now - timedelta(days=7)).timestamp() * 1000)
    pids, sids, values, stamps = [], [], [], []
    for pid in range(PARTICIPANTS):
        seen = rng.permutation(len(STATEMENTS))[: rng.integers(10, len(STATEMENTS) + 1)]
        moment = start + int(rng.integers(0, 6 * 24 * 3600 * 1000))
        for sid in seen.tolist():
            draw = rng.random()
            stance = int(lean[sid, groups[pid]])
            pids.append(pid)
            sids.append(sid)
            values.append(stance if draw < 0.8 else (-stance if draw < 0.88 else 0))
            moment += int(rng.integers(3_000, 40_000))
            stamps.append(moment)
    statements = [
        PolisStatement(statement_id=i, body=text, moderated=1, author_id=author, timestamp=start - 3_600_000 + i)
        for i, (text, _lean, author) in enumerate(STATEMENTS)
    ]
    votes = VoteLog(
        participant_ids=np.asarray(pids, dtype=np.int64),
        statement_ids=np.asarray(sids, dtype=np.int64),
        values=np.asarray(values, dtype=np.int8),
        timestamps=np.asarray(stamps, dtype=np.int64),
    )
    return PolisExport(votes=votes, statements=statements)


def build_online_room(ctx) -> bool:
    county = require_county()
    town = Unit.objects.get(path__startswith=county.path, kind=UnitKind.TOWN, name=TOWN)
    c = (
        Consultation.objects.filter(unit=town, topics__title__startswith=TOPIC, status=ConsultationStatus.IN_SESSION)
        .order_by("pk")
        .first()
    )
    if c is None or OnlineRoom.objects.filter(consultation=c).exists():
        return False
    convenor = User.objects.get(username="demo_convenor")
    now = clock.now()
    room = services.room_create(
        actor=convenor,
        consultation=c,
        question=QUESTION,
        description=DESCRIPTION,
        moderation=ModerationMode.PRE,
        opens_at=now - timedelta(days=8),
        closes_at=now + timedelta(days=21),
    )
    polis.import_into_room(actor=convenor, room=room, export=synthetic_conversation(now))
    services.room_open(actor=convenor, room=room)

    # What came in online afterwards: a statement awaiting review, one that was not approved, the demo resident.
    def resident(number: str):
        return services.participant_for(room=room, mobile=VerifiedMobile(mobile_hash(number), mask_phone(number)))

    services.statement_add(participant=resident("13904530001"), text=PENDING)
    rejected = services.statement_add(participant=resident("13904530002"), text=REJECTED[0])
    services.statement_moderate(actor=convenor, statement=rejected, action="reject", note=REJECTED[1])
    demo_resident = User.objects.filter(username="demo_resident").first()
    if demo_resident is not None:
        me = services.participant_for(room=room, user=demo_resident)
        by_polis = dict(room.statements.values_list("polis_id", "pk"))
        for polis_id, value in DEMO_RESIDENT_VOTES:
            services.vote_cast(participant=me, statement_id=by_polis[polis_id], value=value)

    run = tasks.recompute(room.pk)
    # The convenor has already put the strongest common ground into the suggestion list.
    if run is not None:
        results = room_results(room)
        if results is not None and results.common_ground:
            services.statement_pull(actor=convenor, statement=results.common_ground[0].statement)
    return True
