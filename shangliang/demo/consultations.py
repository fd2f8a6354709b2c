"""Consultations of the demo county: every state of the workflow and every form, on the county's approved topics,
run by each unit's convenor through the consultation services (so every one has its events, invitations and
timeline). The county's frequency norms are configured (Dongning: towns twice a year, villages every two months).
The `held` dates are on the curated calendar (demo.anchor) and move with the day of loading.

One loader step, `build_consultations`. The services refuse times in the past, so each consultation is run now and
then moved back to its place in the calendar (all its times shifted by the same amount); the ones that are still
coming (scheduled, in session, collecting written opinions) keep their times around today.
"""

# ruff: noqa: E501 -- the scenario table is Chinese text, easier read unwrapped.
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import F
from django.utils import timezone

from shangliang.consultations import selectors, services
from shangliang.consultations.models import (
    AgendaSegment,
    Attachment,
    Consultation,
    FrequencyNorm,
    Minutes,
    Opinion,
    Participant,
    PreConsultationVisit,
    ResearchRecord,
    Submission,
    Suggestion,
    SuggestionVote,
)
from shangliang.consultations.models import ConsultationStatus as S
from shangliang.consultations.representation import composition, uncovered_warnings
from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.people.models import Position, Role, RoleAssignment, User
from shangliang.topics.models import Topic, TopicStatus
from shangliang.units.models import Unit, UnitLevel

from . import anchor
from .county import require_county


@dataclass(frozen=True)
class Scenario:
    topic: str  # the start of an approved demo topic's title
    form: str
    state: str
    held: date | None = None  # when it was held (None: it is still to come, or never was)
    convenor: str = ""  # a demo account instead of the unit's first convenor
    level: str = "same"  # where the results go
    suggestions: tuple = ()
    dissent: str = ""  # what one participant says against the first suggestion (verbatim)
    research: tuple = ("visit", "入户走访", "走访相关住户和经营户，听取意见，梳理主要诉求和分歧。")
    visit: tuple = ()  # 上门协商: (party, views, agreed)
    conclusion: str = ""
    minutes: str = ""


# fmt: off
SCENARIOS = [
    Scenario("黑木耳产业园区污水", "meeting", S.ACKNOWLEDGED, date(2025, 4, 18), convenor="demo_convenor",
             suggestions=("由镇政府牵头建设园区污水管网，2025年汛期前完工", "菌包厂、烘干厂按用水量分担处理站运行费用", "环保部门每季度对出水水质检测并公示"),
             dissent="运行费用按产量分担更公平，小厂用水多但产量低。",
             visit=("园区三家菌包厂负责人", "担心分担费用过高，要求先公布测算依据。", "同意按用水量分担，由镇政府公布测算。"),
             conclusion="各方同意建设污水管网和处理站，费用按用水量分担。", minutes="镇党委副书记通报污水直排情况；菌包厂、下游村民代表发言；环保部门解答排放标准。"),
    Scenario("黑木耳种植户技术培训", "expert", S.IN_SESSION, None, convenor="demo_convenor",
             suggestions=("每年春秋两季开展菌包生产技术培训", "对接电商平台，建立统一的“绥阳黑木耳”品牌销售渠道"),
             research=("policy_brief", "农业技术政策解读", "农业农村局解读食用菌产业扶持政策和技术培训补贴。")),
    Scenario("三组饮用水水压不足", "onsite", S.SUBMITTED, date(2025, 5, 10), level="higher",
             suggestions=("在三组新建加压泵站一座", "更换三组主管道 800 米", "水费标准不变，工程费用申请市级补助"),
             research=("site_inspection", "现场查看供水管网", "现场查看三组供水管网和水塔，测得早晚高峰水压不足 0.1 兆帕。"),
             conclusion="同意建加压泵站、更换主管道；超出村级能力，提交镇党委政府。"),
    Scenario("二轮土地承包到期后延包", "bench", S.RECONVENED, date(2025, 6, 12),
             suggestions=("延包期限统一为三十年", "新增人口不再调整土地"),
             dissent="新增人口家庭没有地，不调整不公平。",
             visit=("三组新增人口家庭代表", "要求给新增人口分地。", "同意在协商会上充分表达，会后再调研。"),
             conclusion="新增人口是否调整土地分歧较大，需补充调研后再议。"),
    Scenario("村部广场加装健身器材", "monthly", S.CLOSED_CONSENSUS, date(2025, 8, 5), convenor="demo_member",
             suggestions=("在村部广场东侧安装健身器材 12 件", "加装太阳能路灯 6 盏，晚上十点关闭"),
             research=("survey", "村民意见问卷", "发放问卷 120 份，回收 108 份，九成村民赞成。"),
             conclusion="一致同意安装健身器材和路灯。"),
    Scenario("广场舞音响音量过大", "bench", S.SCHEDULED, None, convenor="demo_member",
             research=("forum", "跳舞队和临街住户座谈", "跳舞队愿意调低音量，临街住户希望晚上八点半结束。")),
    Scenario("南山小区老旧小区改造", "written", S.IN_SESSION, None,
             suggestions=("一楼住户不承担加装电梯费用，并给予适当补偿", "电梯维保费用按楼层分摊"),
             research=("survey", "加装电梯意愿调查", "12 个单元入户调查，9 个单元三分之二以上住户同意。")),
    Scenario("小区停车难", "online", S.SCHEDULED, None,
             research=("site_inspection", "夜间停车情况查看", "夜间小区内停车 186 辆，车位 120 个，消防通道被占用 4 处。")),
    Scenario("顶楼住户冬季供暖", "meeting", S.RESEARCH_RECORDED, None,
             research=("site_inspection", "顶楼室温测量", "测量 8 户顶楼住户室温，平均 15.5 度，低于 18 度标准。")),
    Scenario("城区背街小巷环境整治", "onsite", S.PARTICIPANTS_CHOSEN, None),
    Scenario("地瓜全产业链发展", "expert", S.DRAFT, None),
    Scenario("留守老人吃饭难", "meeting", S.CANCELLED, None),
    Scenario("留守老人吃饭难", "written", S.ACKNOWLEDGED, date(2025, 9, 20),
             suggestions=("利用村部闲置房屋办老年食堂，每餐收费 5 元", "镇政府每月补助食堂运营 3000 元", "村民志愿者轮流帮厨"),
             research=("visit", "走访留守老人", "走访 70 岁以上留守老人 46 人，38 人愿意到食堂就餐。"),
             conclusion="同意办老年食堂，收费和补助标准按建议执行。"),
]
# fmt: on
PREPARATION = (
    "create",
    "add_participant",
    "choose_participants",
    "override_representativeness",
    "add_research",
    "record_research",
    "add_visit",
)
CANCEL_NOTE = "镇里统一部署老年助餐点建设，本村改为书面征求意见。"
NORMS = [(UnitLevel.TOWN, 2, 12), (UnitLevel.VILLAGE, 1, 2)]
NORMS_SINCE = date(2025, 1, 1)  # history: the county's norms in force since 2025 (they do not move)


class _Cast:
    """Who acts in a unit: its first convenor (or a named demo account), its approver, the demo accounts."""

    def __init__(self, county: Unit):
        today = clock.today()
        rows = RoleAssignment.objects.filter(
            unit__path__startswith=county.path, renounced_at__isnull=True, assumed_at__lte=today
        ).select_related("user")
        self.first: dict[int, User] = {}
        self.approver: dict[int, User] = {}
        for a in rows.order_by("id"):
            if a.role == Role.CONVENOR and a.position == Position.FIRST_CONVENOR:
                self.first.setdefault(a.unit_id, a.user)
            if a.role == Role.APPROVER:
                self.approver.setdefault(a.unit_id, a.user)
        self.demo = {u.username: u for u in User.objects.filter(username__startswith="demo_")}

    def convenor(self, unit: Unit, s: Scenario) -> User:
        return self.demo[s.convenor] if s.convenor else self.first[unit.pk]


def build_consultations(ctx) -> bool:
    county = require_county()
    if Consultation.objects.filter(unit__path__startswith=county.path).exists():
        return False
    for level, n, months in NORMS:
        FrequencyNorm.objects.get_or_create(
            county=county,
            level=level,
            defaults={"min_count": n, "period_months": months, "effective_from": NORMS_SINCE},
        )
    cast = _Cast(county)
    approved = list(
        Topic.objects.filter(unit__path__startswith=county.path, status=TopicStatus.APPROVED).order_by("pk")
    )
    for s in SCENARIOS:
        topic = next(t for t in approved if t.title.startswith(s.topic))
        _run(topic, s, cast)
    return True


def _run(topic: Topic, s: Scenario, cast: _Cast) -> Consultation:
    unit = topic.unit
    actor = cast.convenor(unit, s)
    c = services.consultation_create(
        actor=actor,
        unit=unit,
        topics=[topic],
        form=s.form,
        room=unit.rooms.order_by("id").first(),
        location="" if unit.rooms.exists() else f"{unit.name}党群服务中心",
    )
    _choose(c, actor, cast)
    if s.state == S.DRAFT:
        return c
    if s.state == S.CANCELLED:
        return services.consultation_cancel(actor=actor, consultation=c, note=CANCEL_NOTE)
    services.participants_choose(
        actor=actor, consultation=c, override_reason="部分群众代表书面委托他人参加。" if _needs_reason(c) else ""
    )
    if s.state == S.PARTICIPANTS_CHOSEN:
        return c
    kind, title, text = s.research
    services.research_add(actor=actor, consultation=c, kind=kind, title=title, text=text, done_on=clock.today())
    if s.visit:
        party, views, agreed = s.visit
        services.visit_add(
            actor=actor, consultation=c, party=party, visited_on=clock.today(), views=views, agreed=agreed
        )
    if s.state == S.RESEARCH_RECORDED:
        return c
    _schedule(c, actor, soon=s.held is None and s.state == S.SCHEDULED)
    if s.state == S.SCHEDULED:
        _answers(c)
        return c
    services.consultation_open(actor=actor, consultation=c)
    _hold(c, actor, s)
    if s.state != S.IN_SESSION:
        consensus = s.state not in (S.RECONVENED, S.CLOSED_NO_CONSENSUS)
        services.consultation_close(actor=actor, consultation=c, consensus=consensus, conclusion=s.conclusion)
        if s.state == S.RECONVENED:
            again = services.consultation_reconvene(actor=actor, consultation=c)
            _reconvened(again, actor, s)
        if s.state in (S.SUBMITTED, S.ACKNOWLEDGED):
            receiver = unit if s.level == "same" else Unit.objects.get_parent(unit)
            services.consultation_submit(
                actor=actor,
                consultation=c,
                level=s.level,
                recipients=f"{receiver.name}党委、{receiver.name}人民政府",
                note="协商意见建议清单及会议记录附后。",
            )
            if s.state == S.ACKNOWLEDGED:
                services.results_acknowledge(
                    actor=cast.approver[receiver.pk], consultation=c, note="收悉，交有关部门研究落实。"
                )
    if s.held is not None:
        _move_back(c, anchor.day(s.held))
    return c


def _choose(c: Consultation, actor: User, cast: _Cast) -> None:
    """The unit's residents as stakeholders, its liaison as residents' representative, a linked member, a department,
    an expert of the talent pool, a party member; and a resident without an account."""
    wanted = {"stakeholder": 2, "resident_rep": 1, "member": 1, "department": 1, "party_member": 1}
    for candidate in selectors.candidate_people(c, limit=60):
        kind = candidate.kind
        if wanted.get(kind, 0) > 0:
            services.participant_add(actor=actor, consultation=c, kind=kind, user=candidate.user)
            wanted[kind] -= 1
    for extra, kind in (("demo_resident", "stakeholder"), ("demo_expert", "expert"), ("demo_department", "department")):
        user = cast.demo[extra]
        if c.unit.name in ("绥阳镇", "老崴子村") and not c.participants.filter(user=user).exists():
            services.participant_add(actor=actor, consultation=c, kind=kind, user=user)
    talents = selectors.candidate_talents(c)
    if talents:
        services.participant_add(actor=actor, consultation=c, kind="expert", talent=talents[c.pk % len(talents)])
    services.participant_add(
        actor=actor, consultation=c, kind="stakeholder", name="刘桂兰", organisation="利益相关住户（无账号）"
    )


def _needs_reason(c: Consultation) -> bool:
    return bool(uncovered_warnings(c, composition(c)))


def _schedule(c: Consultation, actor: User, *, soon: bool) -> None:
    start = clock.localtime() + timedelta(days=6 if soon else 1)
    start = start.replace(hour=9, minute=30, second=0, microsecond=0)
    services.consultation_schedule(
        actor=actor,
        consultation=c,
        planned_start=start,
        planned_end=start + timedelta(hours=2),
        written_deadline=start + timedelta(days=7),
        online_opens_at=start,
        online_closes_at=start + timedelta(days=10),
    )


def _answers(c: Consultation) -> None:
    """Most confirm; one declines. Account holders answer for themselves; the convenor never answers for them."""
    rows = list(c.participants.select_related("user").order_by("id"))
    for i, p in enumerate(rows):
        if p.user_id is None:
            services.participant_respond(actor=None, participant=p, accept=True, token=p.token)
        elif i == 1:
            services.participant_respond(actor=p.user, participant=p, accept=False, reason="当天在外地，无法参加。")
        else:
            services.participant_respond(actor=p.user, participant=p, accept=True)


def _hold(c: Consultation, actor: User, s: Scenario) -> None:
    _answers(c)
    rows = [p for p in c.participants.select_related("user").order_by("id") if p.status == "confirmed"]
    present = rows if s.state != S.IN_SESSION else rows[: max(len(rows) - 2, 1)]  # two still on their way
    if c.in_person:
        for p in present:
            if p.user_id and p.user.username.startswith("demo_") and s.state == S.IN_SESSION:
                continue  # the demo accounts sign in themselves
            services.sign_in_by_convenor(actor=actor, consultation=c, participant_id=p.pk)
        for kind, title in (
            ("briefing", "通报议题和调研情况"),
            ("questions", "参加人员提问"),
            ("answers", "部门解答"),
            ("statements", "自由发言"),
        ):
            services.segment_add(actor=actor, consultation=c, kind=kind, title=title)
        first = c.agenda.order_by("order").first()
        services.segment_start(actor=actor, consultation=c, segment_id=first.pk)
        if s.minutes:
            services.minutes_save(actor=actor, consultation=c, text=s.minutes)
    voters = [p for p in present if p.signed_in_at or not c.in_person] if c.in_person else present
    voters = list(Participant.objects.filter(pk__in=[p.pk for p in voters]).order_by("id"))
    if c.in_person:
        voters = [p for p in voters if p.signed_in_at]
    for i, p in enumerate(voters[:3]):
        services.opinion_record(
            actor=actor,
            consultation=c,
            participant_id=p.pk,
            text=["赞成，越早办越好。", "同意，但要把费用算清楚、公开。", "基本同意，希望听听更多住户的意见。"][i],
        )
    for order, text in enumerate(s.suggestions):
        suggestion = services.suggestion_add(actor=actor, consultation=c, text=text)
        for i, p in enumerate(voters):
            choice, dissent = "agree", ""
            if order == 0 and i == len(voters) - 1 and s.dissent:
                choice, dissent = (
                    ("block" if s.state in (S.RECONVENED, S.CLOSED_NO_CONSENSUS) else "disagree"),
                    s.dissent,
                )
            elif (order + i) % 5 == 4:
                choice = "abstain"
            services.suggestion_vote(
                actor=actor,
                consultation=c,
                suggestion_id=suggestion.pk,
                participant_id=p.pk,
                choice=choice,
                dissent=dissent,
            )


def _reconvened(c: Consultation, actor: User, s: Scenario) -> None:
    """The reconvened one: more research, held again, still no consensus (counted as the first reconvening)."""
    services.participants_choose(
        actor=actor, consultation=c, override_reason="沿用上次名单。" if _needs_reason(c) else ""
    )
    services.research_add(
        actor=actor,
        consultation=c,
        kind="survey",
        title="新增人口家庭摸底",
        text="全村新增人口 37 人，涉及 21 户。",
        done_on=clock.today(),
    )
    _schedule(c, actor, soon=False)
    services.consultation_open(actor=actor, consultation=c)
    _hold(
        c,
        actor,
        Scenario(
            s.topic,
            s.form,
            S.CLOSED_NO_CONSENSUS,
            suggestions=("新增人口家庭优先承包村集体机动地",),
            dissent="机动地太少，轮不到。",
        ),
    )
    services.consultation_close(
        actor=actor, consultation=c, consensus=False, conclusion="机动地不足，仍有分歧，报镇里研究政策。"
    )
    _move_back(c, anchor.day(s.held) + timedelta(days=45))


def _move_back(c: Consultation, held: date) -> None:
    """Shift all of one consultation's times so that it was held on `held` (10:00); its preparation comes before."""
    c.refresh_from_db()
    target = timezone.make_aware(datetime.combine(held, time(10)))
    delta = target - c.held_at
    days = timedelta(days=delta.days)
    cs = Consultation.objects.filter(pk=c.pk)
    cs.update(
        **{
            f: F(f) + delta
            for f in (
                "created_at",
                "updated_at",
                "planned_start",
                "planned_end",
                "written_deadline",
                "online_opens_at",
                "online_closes_at",
                "held_at",
                "closed_at",
            )
        }
    )
    Participant.objects.filter(consultation=c).update(
        **{f: F(f) + delta for f in ("created_at", "updated_at", "invited_at", "responded_at", "signed_in_at")}
    )
    ResearchRecord.objects.filter(consultation=c).update(
        done_on=F("done_on") + days - timedelta(days=10), created_at=F("created_at") + delta
    )
    PreConsultationVisit.objects.filter(consultation=c).update(
        visited_on=F("visited_on") + days - timedelta(days=7), created_at=F("created_at") + delta
    )
    Attachment.objects.filter(consultation=c).update(created_at=F("created_at") + delta)
    AgendaSegment.objects.filter(consultation=c).update(
        started_at=F("started_at") + delta, ended_at=F("ended_at") + delta
    )
    Minutes.objects.filter(consultation=c).update(updated_at=F("updated_at") + delta)
    Opinion.objects.filter(consultation=c).update(
        created_at=F("created_at") + delta, updated_at=F("updated_at") + delta
    )
    Suggestion.objects.filter(consultation=c).update(created_at=F("created_at") + delta)
    SuggestionVote.objects.filter(suggestion__consultation=c).update(
        created_at=F("created_at") + delta, updated_at=F("updated_at") + delta
    )
    Submission.objects.filter(consultation=c).update(
        submitted_at=F("submitted_at") + delta + timedelta(days=3),
        acknowledged_at=F("acknowledged_at") + delta + timedelta(days=8),
    )
    events = Event.objects.filter(
        content_type__app_label="consultations", content_type__model="consultation", object_id=c.pk
    )
    events.update(created_at=F("created_at") + delta)
    # Preparation came well before the meeting: the list and research two weeks, the invitations one week.
    events.filter(action__in=PREPARATION).update(created_at=F("created_at") - timedelta(days=14))
    events.filter(action__in=("schedule", "invite", "confirm", "decline")).update(
        created_at=F("created_at") - timedelta(days=7)
    )
    times = {}
    if c.planned_start is not None:
        times.update(planned_start=target, planned_end=target + timedelta(hours=2))
    if c.written_deadline is not None:
        times.update(written_deadline=target + timedelta(days=7))
        if c.closed_at is not None:
            times.update(closed_at=target + timedelta(days=8))
    if c.online_closes_at is not None:
        times.update(online_opens_at=target, online_closes_at=target + timedelta(days=10))
    cs.update(**times)
