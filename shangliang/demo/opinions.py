"""Public-opinion reports (社情民意信息, docs/domain.md) of the demo county over the 22 months before the story's today
(FIRST to LAST on the curated calendar, demo.anchor, moved to the day of loading): written by members and invited
informants, at every stage — drafts, submitted, returned and resubmitted, merged, declined, adopted at county, city,
province and national level, endorsed by leaders, handed to departments, signed for, answered, sent back and closed.

One loader step, `build_reports`. Every step goes through the opinions services (so every report has its events
and the demo accounts find it in their lists); afterwards the dates are spread over those months, none later than
now. The demo member (demo_member) has reports at several stages; the demo department (住房和城乡建设局) has reports
to sign and answer.
"""

# ruff: noqa: E501 -- the catalogue is Chinese text.
from __future__ import annotations

from datetime import date, datetime, timedelta

from django.utils import timezone

from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.opinions import services
from shangliang.opinions.models import OpinionReport, ReportStatus
from shangliang.people.models import Department, LinkKind, MemberLink, Role, RoleAssignment, User
from shangliang.units.models import Unit, UnitKind

from . import anchor
from .county import require_county, rng_for

S = ReportStatus
# (title, body, department that would handle it)
SUBJECTS = [
    (
        "农村饮水安全工程冬季冻管问题亟待解决",
        "部分村屯供水管网埋深不足，每年冬季冻管停水，群众只能到邻屯拉水。建议将管网改造纳入饮水安全巩固提升工程，明确冬季运维责任。",
        "水务局",
    ),
    (
        "黑木耳废弃菌包随意堆放污染环境",
        "木耳采收后废弃菌包在河边、路边随意堆放，雨季污水流入河道。建议规划集中回收点，扶持菌包再利用企业。",
        "农业农村局",
    ),
    (
        "老旧小区改造中加装电梯意见分歧大",
        "低层住户担心采光和噪音，高层住户意愿强烈，项目推进困难。建议出台费用分摊指导标准，引入第三方协商。",
        "住房和城乡建设局",
    ),
    (
        "农村危房改造补助标准偏低",
        "建材和人工价格上涨，现行补助标准难以覆盖改造成本，部分困难户无力自筹。建议提高补助标准或分档补助。",
        "住房和城乡建设局",
    ),
    (
        "乡村客运班线停运影响群众出行",
        "部分偏远村屯客运班线因客流少停运，老人就医、学生返校不便。建议推行预约响应式公交。",
        "交通运输局",
    ),
    (
        "村级养老服务站运营经费不足",
        "多数村级养老服务站建成后缺少运营经费，日常处于闲置状态。建议将运营补贴纳入财政预算，引入社会组织运营。",
        "民政局",
    ),
    (
        "农村学校寄宿生生活补助发放不及时",
        "部分寄宿生生活补助跨学期才到账，困难家庭负担加重。建议简化审批流程，按月发放。",
        "教育局",
    ),
    (
        "口岸物流车辆占道停放存在安全隐患",
        "口岸周边货车排队占用城区道路，交通事故多发。建议建设集中停车场并实行预约通关。",
        "交通运输局",
    ),
    (
        "农村土地流转合同不规范引发纠纷",
        "口头协议、合同条款不全较为普遍，租金拖欠和到期收回纠纷增多。建议推行示范合同文本，建立流转服务平台。",
        "农业农村局",
    ),
    (
        "城区老旧供热管网跑冒滴漏严重",
        "部分小区冬季室温不达标，供热企业维修响应慢。建议制定管网改造计划，建立供热投诉快速处理机制。",
        "住房和城乡建设局",
    ),
    (
        "乡镇卫生院医生流失严重",
        "乡镇卫生院待遇低、晋升难，年轻医生留不住。建议落实基层医疗卫生人员待遇倾斜政策。",
        "卫生健康局",
    ),
    (
        "农村集贸市场食品安全监管薄弱",
        "农村集市流动摊贩多，肉类来源不明、无证经营问题突出。建议加大快检设备配备，实行集市巡查制度。",
        "市场监督管理局",
    ),
    (
        "农村电网改造后部分屯电压仍不稳",
        "农忙时用电高峰电压偏低，烘干设备无法正常运转。建议对末端台区增容改造。",
        "国网东宁市供电公司",
    ),
    (
        "城区流浪犬伤人事件增多",
        "城区流浪犬数量增加，发生多起伤人事件。建议建立收容救助站，落实犬只登记管理。",
        "城市管理综合执法局",
    ),
    (
        "耕地地力保护补贴发放面积核定争议",
        "部分村民反映补贴面积与确权面积不一致，补贴核定程序不透明。建议公开核定依据，建立复核渠道。",
        "农业农村局",
    ),
    (
        "农村小型水利设施年久失修",
        "塘坝、灌渠多建于上世纪，渗漏淤积严重，影响灌溉。建议分批纳入维修计划，明确管护主体。",
        "水务局",
    ),
]
# How many reports end at each stage (merged ones come on top, into adopted and submitted reports).
STAGES = (
    [S.DRAFT] * 6 + [S.SUBMITTED] * 8 + [S.RETURNED] * 4 + [S.NOT_ADOPTED] * 10 + [S.ADOPTED] * 22
    + [S.HANDED] * 6 + [S.SIGNED] * 6 + [S.ANSWERED] * 6 + [S.CLOSED] * 28
)  # fmt: skip
MERGED = 8
FIRST = date(2024, 3, 1)  # on the curated calendar (demo.anchor.STORY_DAY = 2026-01-05)
LAST = date(2025, 12, 20)
ENDORSERS = [
    ("市委书记", "city"),
    ("市长", "city"),
    ("区委书记", "county"),
    ("区长", "county"),
    ("省政协副主席", "province"),
]


def _people(county: Unit):
    members = list(
        User.objects.filter(
            assignments__role=Role.MEMBER, assignments__unit=county, assignments__renounced_at__isnull=True
        )
        .distinct()
        .order_by("username")
    )
    informants = list(
        User.objects.filter(assignments__role=Role.LIAISON, assignments__unit__path__startswith=county.path)
        .distinct()
        .order_by("username")
    )
    return members, informants


def _place(rng, author, county: Unit, links: dict, liaison_units: dict) -> Unit:
    if author.pk in liaison_units:
        return liaison_units[author.pk]
    own = links.get(author.pk)
    if own and rng.random() < 0.7:
        return rng.choice(own)
    return county


def build_reports(ctx) -> bool:
    county = require_county()
    if OpinionReport.objects.filter(county=county).exists():
        return False
    rng = rng_for("opinions")
    members, informants = _people(county)
    by_name = {u.username: u for u in members + informants}
    staff = User.objects.get(username="demo_staff")
    departments = {d.name: d for d in Department.objects.filter(county=county)}
    clerks = {}
    for a in (
        RoleAssignment.objects.filter(role=Role.DEPARTMENT, department__county=county)
        .select_related("user")
        .order_by("user__username")
    ):
        clerks.setdefault(a.department_id, a.user)
    clerks[departments["住房和城乡建设局"].pk] = User.objects.get(username="demo_department")
    units = {
        u.pk: u
        for u in Unit.objects.filter(
            path__startswith=county.path,
            kind__in=[UnitKind.VILLAGE, UnitKind.COMMUNITY, UnitKind.TOWN, UnitKind.URBAN_AREA],
        )
    }
    links: dict[int, list[Unit]] = {}
    for link in MemberLink.objects.filter(kind=LinkKind.ONE_TO_ONE, ended_on__isnull=True).order_by("id"):
        if link.unit_id in units:
            links.setdefault(link.member_id, []).append(units[link.unit_id])
    liaison_units = {}
    for a in RoleAssignment.objects.filter(role=Role.LIAISON, unit__in=units.values()).order_by("id"):
        liaison_units.setdefault(a.user_id, units[a.unit_id])

    stages = list(STAGES)
    rng.shuffle(stages)
    first = anchor.day(FIRST)
    span = (LAST - FIRST).days
    days = sorted(first + timedelta(days=rng.randint(0, span)) for _ in stages)
    writers = rng.sample(members, 40) + rng.sample(informants, 8)
    demo_member, demo_liaison = by_name.get("demo_member"), by_name.get("demo_liaison")
    plan = []
    for i, (stage, day) in enumerate(zip(stages, days, strict=True)):
        author = writers[i % len(writers)]
        if demo_member is not None and i % 12 == 3:
            author = demo_member
        if demo_liaison is not None and i == 20:
            author = demo_liaison
        plan.append((stage, day, author, SUBJECTS[i % len(SUBJECTS)]))
    dated: list[tuple[OpinionReport, date, str]] = []
    day_of: dict[int, date] = {}
    targets = []
    for stage, day, author, subject in plan:
        report = _drive(rng, stage, day, author, subject, county, staff, departments, clerks, links, liaison_units)
        dated.append((report, day, stage))
        day_of[report.pk] = day
        if stage in (S.SUBMITTED, S.ADOPTED):
            targets.append(report)
    # Reports on the same matter from other authors, merged into one already with the office.
    for k in range(MERGED):
        target = targets[(k * 5) % len(targets)]
        author = writers[(k * 7 + 3) % len(writers)]
        if author.pk == target.author_id:
            author = writers[(k * 7 + 4) % len(writers)]
        place = _place(rng, author, county, links, liaison_units)
        r = services.report_create(
            actor=author, unit=place, title=target.title, body="同一问题的另一篇信息：" + target.body
        )
        services.report_submit(actor=author, report=r)
        services.report_merge(actor=staff, target=target, sources=[r], note="反映同一问题，合并编发")
        dated.append((r, day_of[target.pk] + timedelta(days=2), S.MERGED))
    _spread_dates(dated)
    return True


def _drive(rng, stage, day, author, subject, county, staff, departments, clerks, links, liaison_units) -> OpinionReport:
    title, body, department_name = subject
    place = _place(rng, author, county, links, liaison_units)
    report = services.report_create(actor=author, unit=place, title=title, body=body)
    if stage == S.DRAFT:
        return report
    services.report_submit(actor=author, report=report)
    if stage == S.RETURNED:
        services.report_transition(actor=staff, report=report, action="return", note="请补充具体村屯和涉及户数")
        return report
    if stage == S.SUBMITTED:
        if rng.random() < 0.5:
            services.report_edit(
                actor=staff, report=report, title=title, body=body + "\n（编者按：已核实相关数据。）", note="编辑加工"
            )
        return report
    if stage == S.NOT_ADOPTED:
        services.report_transition(
            actor=staff, report=report, action="decline", note="该问题已列入相关部门年度工作计划"
        )
        return report
    last = anchor.day(LAST)
    adopted_on = min(day + timedelta(days=rng.randint(3, 15)), last)
    services.report_adopt(
        actor=staff,
        report=report,
        level="county",
        adopted_on=adopted_on,
        body="东宁市政协办公室",
        publication=f"《社情民意》{adopted_on.year}年第{adopted_on.month * 2}期",
    )
    report.refresh_from_db()
    roll = rng.random()
    higher = [("city", "牡丹江市政协办公室")] if roll < 0.35 else []
    if roll < 0.12:
        higher.append(("province", "黑龙江省政协办公厅"))
    if roll < 0.03:
        higher.append(("national", "全国政协办公厅"))
    for k, (level, body_name) in enumerate(higher, start=1):
        services.report_adopt(
            actor=staff,
            report=report,
            level=level,
            adopted_on=min(adopted_on + timedelta(days=10 * k), last),
            body=body_name,
        )
    if rng.random() < 0.3:
        leader_title, level = rng.choice(ENDORSERS)
        services.report_endorse(
            actor=staff,
            report=report,
            leader="（略）",
            leader_title=leader_title,
            level=level,
            endorsed_on=min(adopted_on + timedelta(days=7), last),
            text="请相关部门认真研究，抓好落实。",
        )
    if stage == S.ADOPTED:
        return report
    department = departments[department_name]
    services.report_hand(actor=staff, report=report, department=department)
    clerk = clerks[department.pk]
    if stage == S.HANDED:
        return report
    services.report_transition(actor=clerk, report=report, action="sign")
    if stage == S.SIGNED:
        return report
    services.report_answer(actor=clerk, report=report, answer="已组织专题调研，制定整改方案，年内完成。")
    if stage == S.ANSWERED:
        return report
    if rng.random() < 0.2:
        services.report_transition(
            actor=staff, report=report, action="send_back", note="答复过于笼统，请说明具体措施和时间节点"
        )
        services.report_answer(actor=clerk, report=report, answer="已明确责任股室和完成时限，分两批实施，附进度安排。")
    services.report_transition(actor=staff, report=report, action="accept")
    return report


def _spread_dates(dated) -> None:
    """Move each report's times and its events to the report's own dates (the services wrote today's): its steps three
    days apart, the last ones closer together where three days apart would pass the moment of loading."""
    reports = [r for r, _d, _s in dated]
    events = {}
    for e in Event.objects.filter(content_type__app_label="opinions", object_id__in=[r.pk for r in reports]).order_by(
        "object_id", "id"
    ):
        events.setdefault(e.object_id, []).append(e)
    changed = []
    now = clock.now()
    for report, day, _stage in dated:
        report.refresh_from_db()
        start = timezone.make_aware(datetime(day.year, day.month, day.day, 9, 0))
        rows = events.get(report.pk, [])
        for k, event in enumerate(rows):
            event.created_at = min(start + timedelta(days=3 * k, hours=k), now - timedelta(hours=len(rows) - k))
            changed.append(event)
        last = rows[-1].created_at if rows else start
        report.submitted_at = start + timedelta(hours=1) if report.submitted_at else None
        report.handed_at = min(start + timedelta(days=9), last) if report.handed_at else None
        report.answered_at = min(last, start + timedelta(days=60)) if report.answered_at else None
        report.closed_at = last if report.closed_at else None
        report.created_at = start
    Event.objects.bulk_update(changed, ["created_at"], batch_size=1000)
    OpinionReport.objects.bulk_update(
        reports, ["submitted_at", "handed_at", "answered_at", "closed_at", "created_at"], batch_size=500
    )
