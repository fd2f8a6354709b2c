"""Village affairs of the demo county (Lingling's practice applied to 东宁市): the county's micro-power list
and its monthly-meeting norm, and the months of the lived year and a half (demo.anchor.lived_start to today) of
disclosures with amounts (some corrected by a new version; about one village in three has one open today),
residents' comments and objections, and monthly meetings with their agendas and attendance in every village and
community — this month's held or still to come, next month's scheduled. Disputes and petitions are in `village_cases`.

Two loader steps. Rows are inserted in bulk (a year of 108 villages is thousands of rows), keeping what the services
keep: version chains, agenda items linked to their disclosures and objections, carried matters linked to the item
they continue, and an event for every step with the time it happened. Random choices come from a Random seeded per
step; rows are visited in path and id order, so two loads on the same day give the same months.
"""

# ruff: noqa: E501 -- the templates are Chinese text, easier read on one line each.
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from shangliang.core import clock
from shangliang.core.months import month_start, months_between, next_month
from shangliang.people.models import LinkKind, MemberLink, Position, Role, RoleAssignment
from shangliang.residents.services import mobile_hash
from shangliang.units.models import Unit, UnitKind
from shangliang.villageaffairs.models import (
    Disclosure,
    DisclosureStatus,
    Feedback,
    FeedbackKind,
    MeetingNorm,
    MeetingStatus,
    MonthlyMeeting,
    PowerCategory,
    PowerItem,
)

from . import anchor
from .county import SEED, require_county, rng_for
from .eventlog import EventLog, given_times
from .eventlog import at as _at
from .names import NameBook
from .village_meetings import build_agendas

VILLAGE_KINDS = [UnitKind.VILLAGE, UnitKind.COMMUNITY]
# "四议两公开": the procedure every item of the list follows, with the steps particular to its category.
PROCEDURE = {
    PowerCategory.MAJOR_DECISION: "村党组织提议\n村“两委”会议商议\n党员大会审议\n村民代表会议决议\n决议公开\n实施结果公开",
    PowerCategory.DAILY_MANAGEMENT: "经办人提出\n村务监督委员会审核\n村党组织书记、村委会主任审批\n按月公开",
    PowerCategory.CONVENIENCE_SERVICE: "村民申请\n村“两委”核实\n村委会出具或代办\n办理结果登记公开",
    PowerCategory.BENEFIT_FUND: "村民申请\n村民小组评议\n村民代表会议民主评议\n村内公示不少于7天\n报乡镇审核、县级部门审批\n资金发放结果公开",
}
POWERS = [
    (PowerCategory.MAJOR_DECISION, "村级重大项目立项", "《中华人民共和国村民委员会组织法》第二十四条"),
    (PowerCategory.MAJOR_DECISION, "村集体资产资源处置", "《农村集体经济组织法》"),
    (PowerCategory.MAJOR_DECISION, "村集体经济发展项目", ""),
    (PowerCategory.DAILY_MANAGEMENT, "村级财务收支审批", "《村级财务管理规定》"),
    (PowerCategory.DAILY_MANAGEMENT, "村级工程项目招投标", ""),
    (PowerCategory.DAILY_MANAGEMENT, "村级公章使用管理", ""),
    (PowerCategory.CONVENIENCE_SERVICE, "证明材料出具", ""),
    (PowerCategory.CONVENIENCE_SERVICE, "农村危房改造申请", "农村危房改造补助资金管理办法"),
    (PowerCategory.BENEFIT_FUND, "最低生活保障对象评议", "《社会救助暂行办法》"),
    (PowerCategory.BENEFIT_FUND, "耕地地力保护补贴发放", ""),
    (PowerCategory.BENEFIT_FUND, "临时救助", "《社会救助暂行办法》"),
    (PowerCategory.BENEFIT_FUND, "以工代赈劳务报酬发放", ""),
]


@dataclass(frozen=True)
class Template:
    power: str
    kind: str
    title: str
    content: str
    low: int  # yuan; 0: no amount
    high: int


# {v}: the village, {m}: the month, {n}: a small number, {q}: the quarter.
TEMPLATES = [
    Template(
        "村级重大项目立项",
        "project",
        "{v}村屯道路硬化工程",
        "经村民代表会议表决通过，硬化村屯道路{n}公里，路面宽4.5米，资金来源为上级一事一议奖补和村集体自筹。",
        80000,
        600000,
    ),
    Template(
        "村级重大项目立项",
        "project",
        "{v}饮水安全巩固提升工程",
        "更换老化供水管网{n}公里，新建蓄水池1座，解决屯内冬季冻管、停水问题。",
        60000,
        350000,
    ),
    Template(
        "村级工程项目招投标",
        "project",
        "{v}文化广场建设项目中标结果",
        "经公开比选，确定施工单位，工期{n}个月，工程款按进度拨付。",
        50000,
        300000,
    ),
    Template(
        "村集体资产资源处置",
        "decision",
        "{v}集体机动地发包结果",
        "集体机动地{n}0亩经村民代表会议同意公开发包，承包期三年，承包费按年度收取。",
        20000,
        150000,
    ),
    Template(
        "村集体经济发展项目",
        "project",
        "{v}黑木耳菌包厂入股分红方案",
        "村集体以扶持资金入股产业园菌包厂，年分红按入股资金的6%计算，分红收入纳入村集体账户。",
        30000,
        200000,
    ),
    Template(
        "村级财务收支审批",
        "payment",
        "{v}{m}月村级财务收支公开",
        "本月收入、支出明细及余额，含办公经费、保洁员工资、水电费等，单据可在村部查阅。",
        5000,
        60000,
    ),
    Template(
        "村级公章使用管理",
        "decision",
        "{v}{m}月公章使用登记公开",
        "本月公章使用{n}次，均按“一事一登记”办理，登记簿在村部备查。",
        0,
        0,
    ),
    Template(
        "证明材料出具",
        "decision",
        "{v}{m}月便民代办事项公开",
        "本月为村民代办、出具各类证明{n}件，办理结果已逐项登记。",
        0,
        0,
    ),
    Template(
        "农村危房改造申请",
        "project",
        "{v}农村危房改造对象及补助",
        "经入户核查和村民代表评议，{n}户列入本年度危房改造，补助资金直接拨付到户。",
        20000,
        90000,
    ),
    Template(
        "最低生活保障对象评议",
        "payment",
        "{v}{y}年第{q}季度低保对象评议结果",
        "经村民代表民主评议，新增{n}户、退出1户，季度发放低保金合计如下。",
        3000,
        24000,
    ),
    Template(
        "耕地地力保护补贴发放",
        "payment",
        "{v}{y}年耕地地力保护补贴发放清册",
        "按确权面积每亩补贴标准发放，共涉及{n}0户，清册已张贴于村务公开栏。",
        100000,
        500000,
    ),
    Template(
        "临时救助",
        "payment",
        "{v}临时救助金发放",
        "{n}户因病、因灾导致生活困难的家庭申请临时救助，经评议予以救助。",
        2000,
        12000,
    ),
    Template(
        "以工代赈劳务报酬发放",
        "payment",
        "{v}以工代赈项目劳务报酬发放",
        "本村{n}0名群众参与农田水利以工代赈项目，劳务报酬按出工天数发放。",
        30000,
        120000,
    ),
]
CORRECTION_REASONS = [
    ("amount", "原公示金额录入有误，按决算审计结果更正"),
    ("amount", "发放清册中{n}户面积核对有误，金额相应调整"),
    ("content", "补充公示资金来源和施工单位信息"),
]
COMMENTS = [
    "建议把施工进度也按月公开。",
    "希望明细里写清楚每一笔钱的用途。",
    "支持这个项目，希望尽快开工。",
    "公示栏贴得太高，老年人看不清，建议同时在微信群发布。",
]
OBJECTIONS = [
    "名单中有一户家里有小轿车和门市房，不符合低保条件。",
    "招标结果公示时间太短，很多在外务工的村民没看到。",
    "道路硬化没有经过我们屯，为什么只修到村部？",
    "补贴面积和我家确权面积不一致，少算了3亩。",
    "工程款支付比例超过了合同约定的进度。",
    "收支明细里招待费偏高，希望说明。",
]


def build_power_list(ctx) -> bool:
    """The county's micro-power list (小微权力清单) by category, and its norm: every village meets monthly."""
    county = require_county()
    if PowerItem.objects.filter(unit=county).exists():
        return False
    PowerItem.objects.bulk_create(
        PowerItem(unit=county, category=category, name=name, procedure=PROCEDURE[category], basis=basis, order=i)
        for i, (category, name, basis) in enumerate(POWERS, start=1)
    )
    MeetingNorm.objects.create(
        county=county,
        started_on=anchor.lived_start(clock.today()),
        interval_months=1,
        note="参照零陵区村务民主协商监督月例会制度，村（社区）每月召开一次",
    )
    return True


@dataclass
class _Village:
    unit: Unit
    town: Unit
    secretary: object | None = None  # first convenor (party secretary)
    links: list = field(default_factory=list)  # one-to-one member links (MemberLink)
    town_official: object | None = None


def _villages(county: Unit) -> list[_Village]:
    units = list(Unit.objects.filter(path__startswith=county.path, kind__in=VILLAGE_KINDS).order_by("path"))
    towns = {u.path: u for u in Unit.objects.filter(path__startswith=county.path, depth=county.depth + 1)}
    result = {u.pk: _Village(u, towns[u.path[: -Unit.steplen]]) for u in units}
    on = anchor.lived_start(clock.today()) + timedelta(days=29)
    for a in (
        RoleAssignment.objects.filter(role=Role.CONVENOR, position=Position.FIRST_CONVENOR, unit__in=units)
        .filter(assumed_at__lte=on)
        .exclude(renounced_at__lte=on)
        .select_related("user")
        .order_by("id")
    ):
        result[a.unit_id].secretary = a.user
    town_officials = {}
    for a in (
        RoleAssignment.objects.filter(role=Role.CONVENOR, position=Position.FIRST_CONVENOR, unit__in=towns.values())
        .select_related("user")
        .order_by("id")
    ):
        town_officials.setdefault(a.unit_id, a.user)
    for link in (
        MemberLink.objects.filter(kind=LinkKind.ONE_TO_ONE, unit__in=units).select_related("member").order_by("id")
    ):
        result[link.unit_id].links.append(link)
    for v in result.values():
        v.town_official = town_officials.get(v.town.pk)
    return list(result.values())


def _amount(rng, t: Template) -> Decimal | None:
    if not t.high:
        return None
    raw = rng.randint(t.low, t.high)
    cents = rng.choice([0, 0, 0, 50, 20, 80])
    return (Decimal(raw - raw % 10) + Decimal(cents) / 100).quantize(Decimal("0.01"))


def build_village_affairs(ctx) -> bool:
    county = require_county()
    if Disclosure.objects.filter(unit__path__startswith=county.path).exists():
        return False
    rng = rng_for("villageaffairs")
    book = NameBook(f"{SEED}:villageaffairs")
    items = {i.name: i for i in PowerItem.objects.filter(unit=county)}
    log = EventLog()
    villages = _villages(county)

    today, now = clock.today(), clock.now()  # nothing happens later than now
    span = months_between(anchor.lived_start(today), today)

    # 1. Disclosures: 4–8 exercises per village a year, published on the first day of their period; about one
    # village in three has one open today.
    plan = []  # (village, template, period_start, amount, n)
    for v in villages:
        months = sorted(rng.sample(span, min(len(span), round(len(span) * rng.randint(4, 8) / 12))))
        for month in months:
            t = rng.choice(TEMPLATES)
            start = month.replace(day=rng.randint(1, 24))
            if start > today:
                start = today - timedelta(days=rng.randint(0, min(6, (today - month).days)))
            plan.append((v, t, start, _amount(rng, t), rng.randint(2, 9)))
        if rng.random() < 1 / 3:
            t = rng.choice(TEMPLATES)
            plan.append((v, t, today - timedelta(days=rng.randint(0, 5)), _amount(rng, t), rng.randint(2, 9)))
    originals = []
    for v, t, start, amount, n in plan:
        short = v.unit.name.removesuffix("村").removesuffix("社区") if len(v.unit.name) > 2 else v.unit.name
        words = {"v": short, "m": start.month, "n": n, "q": (start.month - 1) // 3 + 1, "y": start.year}
        d = Disclosure(
            unit=v.unit,
            power_item=items[t.power],
            kind=t.kind,
            title=t.title.format(**words)[:100],
            content=t.content.format(**words),
            amount=amount,
            decided_on=start - timedelta(days=rng.randint(2, 12)),
            period_start=start,
            period_end=start + timedelta(days=rng.choice([6, 7, 7, 10])),
            status=DisclosureStatus.PUBLISHED,
            created_by=v.secretary,
            published_by=v.secretary,
            published_at=min(_at(start), now),
        )
        originals.append(d)
    Disclosure.objects.bulk_create(originals, batch_size=500)
    # About one in fifteen is corrected by a second version a few days into its period; the first is kept.
    corrections = []
    for d in originals:
        if rng.random() >= 1 / 15:
            continue
        what, reason = rng.choice(CORRECTION_REASONS)
        reason = reason.format(n=rng.randint(1, 4))
        amount = d.amount
        if what == "amount" and amount:
            amount = (amount * Decimal(rng.choice(["0.9", "0.95", "1.04", "1.1"]))).quantize(Decimal("0.01"))
        day = d.period_start + timedelta(days=rng.randint(1, 3))
        if day > today:
            continue  # not corrected yet
        c = Disclosure(
            unit_id=d.unit_id,
            power_item_id=d.power_item_id,
            kind=d.kind,
            title=d.title,
            content=d.content + ("（本版补充：资金来源为上级奖补资金和村集体自筹。）" if what == "content" else ""),
            amount=amount,
            decided_on=d.decided_on,
            period_start=day,
            period_end=day + timedelta(days=7),
            status=DisclosureStatus.PUBLISHED,
            version=2,
            previous=d,
            root=d,
            correction_reason=reason,
            created_by=d.created_by,
            published_by=d.published_by,
            published_at=min(_at(day, 10), now),
        )
        corrections.append(c)
    Disclosure.objects.bulk_create(corrections, batch_size=500)
    for c in corrections:
        c.previous.status, c.previous.superseded_by = DisclosureStatus.SUPERSEDED, c
    Disclosure.objects.bulk_update([c.previous for c in corrections], ["status", "superseded_by"], batch_size=500)
    for d in originals + corrections:
        log.add(d, min(_at(d.period_start, 8), d.published_at), "create", actor=d.created_by, to_state="draft")
        log.add(
            d,
            d.published_at,
            "publish",
            actor=d.published_by,
            from_state="draft",
            to_state="published",
            public=True,
            note=d.correction_reason,
        )
    for c in corrections:
        log.add(
            c.previous,
            c.published_at,
            "supersede",
            actor=c.published_by,
            from_state="published",
            to_state="superseded",
            public=True,
            note=c.correction_reason,
            data={"by": c.pk, "version": 2},
        )

    # 2. Residents' comments and objections during the periods (objections go onto the next meeting's agenda).
    feedback = []
    for d in [*originals, *corrections]:
        if d.status == DisclosureStatus.SUPERSEDED or rng.random() > 0.16:
            continue
        for _i in range(rng.choice([1, 1, 1, 2, 3])):
            kind = FeedbackKind.OBJECTION if rng.random() < 0.45 else FeedbackKind.COMMENT
            day = d.period_start + timedelta(days=rng.randint(0, (min(d.period_end, today) - d.period_start).days))
            number = book.phone()
            f = Feedback(
                disclosure=d,
                kind=kind,
                text=rng.choice(OBJECTIONS if kind == FeedbackKind.OBJECTION else COMMENTS),
                name=book.person() if rng.random() < 0.5 else "",
                mobile=number,  # stored encrypted (core.crypto), found by its hash
                mobile_hash=mobile_hash(number),
            )
            f.demo_day = day
            feedback.append(f)
    for f in feedback:
        f.created_at = min(_at(f.demo_day, rng.randint(8, 20)), now)
    with given_times(Feedback._meta.get_field("created_at")):
        Feedback.objects.bulk_create(feedback, batch_size=500)
    for f in feedback:
        log.add(f.disclosure, f.created_at, f.kind, data={"feedback": f.pk})

    # 3. Monthly meetings: most villages every month; a few did not meet one month, a few missed one altogether.
    # This month's is held or still to come; next month's is scheduled.
    meetings: dict[int, list[MonthlyMeeting]] = defaultdict(list)
    rows = []
    for v in villages:
        for month in [*span, next_month(month_start(today))]:
            roll = rng.random()
            scheduled = month.replace(day=rng.randint(5, 25))
            if roll < 0.006 and scheduled < today:
                continue  # no meeting recorded that month: behind the norm
            m = MonthlyMeeting(unit=v.unit, month=month, scheduled_on=scheduled, place=f"{v.unit.name}协商议事室")
            if scheduled >= today:
                m.status = MeetingStatus.PLANNED
            elif roll < 0.022:
                m.status = MeetingStatus.CANCELLED
            else:
                m.status, m.held_on = MeetingStatus.HELD, m.scheduled_on
                m.minutes = (
                    f"{m.held_on:%Y年%m月%d日}，{v.unit.name}召开村务民主协商监督月例会，审议本月小微权力运行和公示事项，"
                    "听取群众意见，研究部署近期重点工作。"
                )
            rows.append(m)
            meetings[v.unit.pk].append(m)
    MonthlyMeeting.objects.bulk_create(rows, batch_size=500)
    build_agendas(rng, book, villages, meetings, [*originals, *corrections], feedback, log, today)
    log.save()
    return True
