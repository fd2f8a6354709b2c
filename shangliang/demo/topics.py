"""Topics of the demo county: every source (党政点题, 群众出题, 委员荐题, 网格员收集) in every state of the workflow,
with supports, merges, referrals, rejections under each of the 四不议 with a note, urgent topics, a returned topic
that was completed and resubmitted: the matters of the seeds (old residential compounds, property management,
parking, water pressure, land contracts, …).

One loader step, `build_topics`. Everything goes through the topic services (so every topic has its events and its
timeline, and the demo accounts find notifications in their inbox). Afterwards the step spreads the dates over the
ten months before the story's today (demo.anchor: FIRST_DAY and each scenario's `day`, moved to the day of loading)
and gives each topic a tracking code derived from the seed, so that two loads on one day produce the same county.
"""

# ruff: noqa: E501 -- the scenario table is Chinese text, one topic per couple of lines, easier read than wrapped.
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from types import SimpleNamespace

from django.utils import timezone

from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.people.models import Department, LinkKind, MemberLink, Position, Role, RoleAssignment, User
from shangliang.residents.visitor import BROWSER_COOKIE, Visitor
from shangliang.topics import services
from shangliang.topics.models import CODE_ALPHABET, CODE_LENGTH, Topic, TopicSource
from shangliang.topics.services import screening
from shangliang.units.models import Unit

from . import anchor
from .county import SEED, require_county

G, R, M, A = TopicSource.GRID, TopicSource.RESIDENT, TopicSource.MEMBER, TopicSource.ASSIGNED
FIRST_DAY = datetime(2025, 3, 3, 9, 0)  # on the curated calendar (demo.anchor.STORY_DAY = 2026-01-05)


@dataclass(frozen=True)
class Scenario:
    """One topic: where (town, town/village index or town/name, or the county), who raises it, what happens next."""

    place: str
    source: str
    title: str
    description: str
    name: str = ""
    anonymous: bool = False
    mobile: str = ""
    urgent: bool = False
    steps: tuple = ()
    supporters: int = 0  # browsers without an account
    residents: bool = False  # the unit's residents with an account support it too
    by: str = ""  # "demo_resident" for the demo resident's own concerns; otherwise from the source
    key: str = ""  # a name other scenarios merge into
    day: int = 0


LIVE, PARTY, GOVERN = "livelihood", "party_government", "governance"
# fmt: off
SCENARIOS = [
    # 绥阳镇 (the demo town): party assignments waiting for and past approval, residents' concerns to screen.
    Scenario("绥阳镇", A, "黑木耳产业园区污水集中处理", "产业园区内木耳菌包厂、烘干厂生产废水直排沟渠，下游村屯反映强烈，需协商污水管网和处理站建设方案及费用分担。",
             name="中共绥阳镇委员会", steps=(("accept", PARTY), ("approve", "同意列入本年度协商计划，由镇政府牵头调研。")), day=5),
    Scenario("绥阳镇", A, "镇区老旧小区改造资金筹措与居民意愿", "镇区6个2000年前建成的老旧小区列入改造计划，需听取居民对改造内容、加装电梯和物业引入的意见。",
             name="中共绥阳镇委员会", urgent=True, steps=(("accept", PARTY),), day=200),
    Scenario("绥阳镇", R, "农贸市场周边停车难，早市堵路", "每天早上农贸市场周边车辆乱停，公交车和救护车都过不去，希望规划临时停车场。",
             name="赵春生", mobile="13945310021", steps=(("accept", LIVE),), supporters=18, day=214),
    Scenario("绥阳镇", R, "镇区主街路灯夜间不亮", "主街从邮局到客运站一段路灯坏了近一个月，晚上出行不安全。", anonymous=True,
             urgent=True, supporters=6, day=236),
    Scenario("绥阳镇", M, "黑木耳种植户技术培训与销路对接", "建议协商组织科技特派员开展菌包技术培训，并对接电商平台拓宽销路。",
             steps=(("accept", LIVE), ("approve", "同意，请农业农村局、科技特派员参加。")), supporters=9, day=40),
    Scenario("绥阳镇", R, "小区物业费上涨未经业主同意", "某小区物业公司今年起物业费每平方米上涨0.3元，没有公示也没有征求业主意见。",
             name="孙玉梅", mobile="13845360177", supporters=11, day=240),
    # 老崴子村 (demo village: demo_liaison, demo_resident, demo_member). The drain is raised early (day 30): demo.village_loop
    # takes it the whole way, to a follow-up check eight months after its resubmission, before the story's today.
    Scenario("绥阳镇/0", G, "三组饮用水水压不足，早晚用不上水", "三组地势高，早晚用水高峰时自来水水压不足，二十多户基本用不上水，老人只能去邻居家挑水。",
             name="张桂兰", mobile="13504536612", urgent=True, key="water",
             steps=(("accept", LIVE, True), ("approve", "同意，急需协商，请水务局派员参加。")), supporters=12, residents=True, day=20),
    Scenario("绥阳镇/0", R, "三组水压低，楼上没水", "我家住三组坡上，一到做饭时间水龙头就没水了。", name="李凤英",
             steps=(("merge", "water", "与“三组饮用水水压不足”为同一问题，合并协商。"),), supporters=5, day=24),
    Scenario("绥阳镇/0", G, "与邻居宅基地边界纠纷", "村民王德福反映邻居建房时越过宅基地边界约半米，双方多次争吵。", name="王德福",
             steps=(("reject", "individual_dispute", "属两户之间的个体矛盾，不列入协商议题；已告知可申请村人民调解委员会调解。"),), day=31),
    Scenario("绥阳镇/0", G, "承包地被邻户占用耕种", "村民刘长海反映其承包地被邻户占用两垄，协商未果。", name="刘长海", mobile="13766301258",
             steps=(("refer", None, "老崴子村人民调解委员会", "个人土地纠纷，转村人民调解委员会调解。"),), day=45),
    Scenario("绥阳镇/0", M, "二轮土地承包到期后延包工作", "二轮土地承包即将到期，村民关心延包政策、新增人口和外嫁女的承包权益，建议提前协商。",
             steps=(("accept", PARTY), ("approve", "同意，请镇农经站讲解政策。")), supporters=7, residents=True, day=60),
    Scenario("绥阳镇/0", R, "村东头排水沟堵塞，雨季积水进院", "村东头排水沟被垃圾和淤泥堵死，一下雨就积水。", by="demo_resident", name="演示群众",
             steps=(("return", "请补充具体位置、涉及多少户，以及积水最深时的情况。"),
                    ("resubmit", "位置：村东头老井到小桥一段约200米，涉及8户；7月大雨时积水没过脚踝，两户进水。")), day=30),
    Scenario("绥阳镇/0", R, "村卫生室药品种类少，慢病用药要去镇里买", "高血压、糖尿病常用药村卫生室经常没有。", by="demo_resident",
             name="演示群众", supporters=3, day=250),
    # 三道台村 and the next villages of the demo town.
    Scenario("绥阳镇/1", G, "村道破损，拉运木耳的车辆通行困难", "村主路多处坑洼，秋季拉运木耳的货车经常陷车。", name="陈立军",
             steps=(("accept", LIVE), ("decline", "本年度道路修缮计划已排满，列入明年计划，先组织村民对坑洼处临时填补。")), day=75),
    Scenario("绥阳镇/1", R, "要求把村集体资金直接分给村民", "村里账上有钱，不如直接分给大家。", anonymous=True,
             steps=(("reject", "against_policy", "村集体资金的使用须依法依规、经村民代表会议决定，直接分配给个人违反政策规定，不列入协商。"),), day=90),
    Scenario("绥阳镇/1", M, "村部广场加装健身器材和照明", "村部广场晚上没有照明，健身器材少，建议协商改造。",
             steps=(("accept", LIVE), ("approve", "同意。")), supporters=4, residents=True, day=110),
    Scenario("绥阳镇/2", G, "养殖户粪污直排河道", "村西养牛户粪污直接排入小河，夏天臭味大。", name="匿名村民", anonymous=True,
             steps=(("refer", "农业农村局", "", "属畜禽养殖污染执法监管事项，转农业农村局依法处理。"),), day=130),
    Scenario("绥阳镇/2", R, "只给我们屯单独通自来水，费用由村里出", "我们屯离得远，要求村集体全额出钱单独给我们屯接自来水。", name="周福",
             steps=(("reject", "unfair", "仅惠及少数户而由集体全额承担，有失公平；建议纳入全村供水改造统一协商。"),), day=140),
    Scenario("绥阳镇/2", R, "广场舞音响音量过大扰民", "晚上七点到九点广场舞音响声音太大，临街住户休息不好。", name="吴秀芝",
             steps=(("accept", GOVERN), ("approve", "同意，请跳舞队、临街住户代表共同参加。")), supporters=8, day=150),
    Scenario("绥阳镇/3", G, "村小学撤并，村民意见分歧很大", "一部分村民要求保留村小学，一部分希望并入镇中心校，双方争执激烈。", name="网格走访记录",
             steps=(("reject", "severe_disagreement", "各方分歧严重，暂不具备协商条件；先由镇教育办和村两委上门分别沟通，条件成熟后再议。"),), day=160),
    Scenario("绥阳镇/3", R, "秸秆禁烧后秸秆怎么处理", "禁烧以后秸秆堆在地头没人收，希望协商秸秆打包离田的办法和补贴。", name="郑有才",
             steps=(("accept", GOVERN),), supporters=10, residents=True, day=230),
    # 城区: old residential compounds, parking, property management, heating.
    Scenario("城区/南山社区", R, "南山小区老旧小区改造，加装电梯", "南山小区6栋楼建于1998年，管线老化，楼道破损，老人多，希望改造时加装电梯。",
             name="孙丽华", mobile="13904536688", steps=(("accept", LIVE), ("approve", "同意，列入老旧小区改造协商。")),
             supporters=31, residents=True, day=12),
    Scenario("城区/南山社区", R, "小区停车难，车辆占用消防通道", "小区只有40个车位，晚上车辆停满消防通道，消防车进不来。", name="马建国",
             urgent=True, key="parking", steps=(("accept", GOVERN, True), ("approve", "同意，急需协商。")), supporters=22, day=50),
    Scenario("城区/南山社区", R, "车位不够，晚上车停满楼下", "晚上下班回来找不到车位，只能停在楼门口。", anonymous=True,
             steps=(("merge", "parking", "与“小区停车难”为同一问题。"),), supporters=9, day=53),
    Scenario("城区/南山社区", G, "物业公司撤离后小区无人管理", "原物业公司合同到期撤离，垃圾无人清运、楼道灯坏了没人修，需协商引入物业或自治管理。",
             name="网格员走访", urgent=True, steps=(("accept", GOVERN, True),), supporters=15, day=205),
    Scenario("城区/团结社区", R, "物业服务差，物业费却上涨", "物业不打扫楼道、不修门禁，今年还要涨物业费。", name="钱淑珍",
             mobile="13351539920", supporters=7, day=245),
    Scenario("城区/团结社区", R, "顶楼住户冬季供暖温度不达标", "顶楼和边户室温只有十五六度，多次反映给供热公司未解决。", name="冯志刚",
             steps=(("accept", LIVE), ("approve", "同意，请供热公司、住建局参加。")), supporters=13, day=265),
    Scenario("城区/团结社区", G, "楼道堆放杂物存在火灾隐患", "部分楼道堆放纸箱、旧家具，存在火灾隐患。", name="网格巡查",
             steps=(("return", "请补充涉及的楼栋、单元，附现场照片。"),), day=270),
    Scenario("城区", A, "城区背街小巷环境整治", "城区背街小巷路面破损、私搭乱建、垃圾乱堆，需协商整治方案和居民参与方式。", name="中共东宁市城区工作委员会",
             steps=(("accept", PARTY), ("approve", "同意。")), day=100),
    # Other towns.
    Scenario("道河镇/0", G, "冬季村道积雪清理不及时", "大雪后村道积雪一周没人清，学生上学、老人就医不便。", name="网格员走访",
             urgent=True, supporters=4, day=285),
    Scenario("大肚川镇/夹信子村", M, "地瓜全产业链发展与销售合作", "建议就地瓜种植、加工、冷储和电商销售成立合作社进行协商，带动村民增收。",
             steps=(("accept", PARTY), ("approve", "同意，列为本村特色协商主题。")), supporters=16, residents=True, day=70),
    Scenario("三岔口镇/0", R, "口岸货车夜间鸣笛噪音扰民", "口岸货车夜间经过村子鸣笛，影响休息。", name="高桂芬",
             steps=(("refer", "交通运输局", "", "属道路交通管理事项，转交通运输局会同交警处理。"),), day=170),
    Scenario("东宁镇/0", R, "自来水管网老化，水压不足", "村里自来水管网是二十多年前铺的，漏水多，水压不足。", name="韩德厚",
             key="pipes", steps=(("accept", LIVE),), supporters=9, day=190),
    Scenario("东宁镇/0", R, "家里经常停水，水压低", "隔三岔五停水，来水时水压也很低。", anonymous=True,
             steps=(("merge", "pipes", "同一问题，合并。"),), supporters=3, day=193),
    Scenario("老黑山镇/0", G, "留守老人吃饭难，希望办老年食堂", "村里七十岁以上独居老人有三十多位，做饭困难，希望协商办村级老年食堂。",
             name="网格员走访", steps=(("accept", LIVE), ("approve", "同意，请民政局参加。")), supporters=12, residents=True, day=85),
    Scenario("老黑山镇/1", R, "建议村里修建篮球场", "年轻人想打球没有场地。", name="曹宇",
             steps=(("accept", LIVE), ("decline", "村级财力有限，已纳入镇里文体设施统一规划，暂不单独协商。")), day=120),
    # The county: the government assigns a county-wide matter.
    Scenario("", A, "全市老旧小区改造三年行动", "2025—2027年全市计划改造老旧小区42个，需协商改造标准、居民出资比例和长效管理机制。",
             name="东宁市人民政府", steps=(("accept", PARTY), ("approve", "同意，由市政协组织专题协商。")), day=30),
]
# fmt: on


class _People:
    """Who acts where: the unit's first convenor screens, its approver approves, its liaison and linked member enter."""

    def __init__(self, county: Unit):
        self.county = county
        today = clock.today()
        rows = (
            RoleAssignment.objects.filter(unit__path__startswith=county.path, renounced_at__isnull=True)
            .filter(assumed_at__lte=today)
            .select_related("user")
            .order_by("id")
        )
        self.by_unit: dict[tuple[int, str], list[User]] = {}
        self.first_convenor: dict[int, User] = {}
        for a in rows:
            self.by_unit.setdefault((a.unit_id, a.role), []).append(a.user)
            if a.role == Role.CONVENOR and a.position == Position.FIRST_CONVENOR:
                self.first_convenor.setdefault(a.unit_id, a.user)
        links = MemberLink.objects.filter(
            unit__path__startswith=county.path, kind=LinkKind.ONE_TO_ONE, ended_on__isnull=True
        ).select_related("member")
        self.linked = {link.unit_id: link.member for link in links.order_by("id")}
        self.users = {u.username: u for u in User.objects.filter(username__startswith="demo_")}

    def one(self, unit: Unit, role: str) -> User:
        return self.by_unit[(unit.pk, role)][0]

    def screener(self, unit: Unit) -> User:
        return self.users["demo_staff"] if unit.pk == self.county.pk else self.first_convenor[unit.pk]

    def entered_by(self, unit: Unit, scenario: Scenario) -> User | None:
        if scenario.by:
            return self.users[scenario.by]
        if scenario.source == G:
            return self.one(unit, Role.LIAISON)
        if scenario.source == M:
            return self.linked.get(unit.pk) or self.users["demo_member"]
        if scenario.source == A:
            return self.users["demo_staff"] if unit.pk == self.county.pk else self.one(unit, Role.APPROVER)
        return None


def _unit(county: Unit, place: str) -> Unit:
    if not place:
        return county
    town_name, _sep, rest = place.partition("/")
    town = Unit.objects.get(path__startswith=county.path, depth=county.depth + 1, name=town_name)
    if not rest:
        return town
    children = Unit.objects.filter(path__startswith=town.path, depth=town.depth + 1).order_by("path")
    return children[int(rest)] if rest.isdigit() else children.get(name=rest)


def _code(index: int) -> str:
    digest = hashlib.sha256(f"{SEED}:topic:{index}".encode()).digest()
    return "".join(CODE_ALPHABET[b % len(CODE_ALPHABET)] for b in digest[:CODE_LENGTH])


def _supporter(index: int, n: int) -> Visitor:
    """An anonymous supporter's browser: a visitor whose browser cookie is derived from the seed (deterministic)."""
    raw = hashlib.sha256(f"{SEED}:supporter:{index}:{n}".encode()).hexdigest()[:32]
    return Visitor(request=SimpleNamespace(COOKIES={BROWSER_COOKIE: raw}, session={}, user=None), network="")


def build_topics(ctx) -> bool:
    county = require_county()
    if Topic.objects.filter(unit__path__startswith=county.path).exists():
        return False
    people = _People(county)
    departments = {d.name: d for d in Department.objects.filter(county=county)}
    topics: dict[str, Topic] = {}
    indexes: dict[str, int] = {}
    made: list[tuple[int, Topic]] = []
    anonymous = services.TrackingCodeHolder("")
    for index, s in enumerate(SCENARIOS):
        unit = _unit(county, s.place)
        topic = _raise(unit, s, people)
        merge_into = next((step[1] for step in s.steps if step[0] == "merge"), None)
        for n in range(s.supporters):
            # Half the supporters of a duplicate also supported the topic it is merged into: counted once after.
            owner = indexes[merge_into] if merge_into and n % 2 == 0 else index
            services.topic_support(topic=topic, actor=anonymous, visitor=_supporter(owner, n))
        if s.residents:
            for resident in people.by_unit.get((unit.pk, Role.RESIDENT), [])[:6]:
                services.topic_support(topic=topic, actor=resident)
        _walk(topic, unit, s, people, departments, topics)
        if s.key:
            topics[s.key], indexes[s.key] = topic, index
        made.append((index, topic))
    _spread_dates(made)
    return True


def _raise(unit: Unit, s: Scenario, people: _People) -> Topic:
    actor = people.entered_by(unit, s)
    if s.source == R:
        room = unit.rooms.order_by("id").first()
        return services.topic_submit(
            actor=actor or services.TrackingCodeHolder(""),
            room=room,
            title=s.title,
            description=s.description,
            anonymous=s.anonymous,
            name=s.name,
            mobile=s.mobile,
            contact_consent=True,  # the demo's residents agreed to be contacted when they left a name or number
        )
    return services.topic_enter(
        actor=actor,
        unit=unit,
        source=s.source,
        title=s.title,
        description=s.description,
        name=s.name,
        anonymous=s.anonymous,
        mobile=s.mobile,
    )


def _walk(topic: Topic, unit: Unit, s: Scenario, people: _People, departments, topics) -> None:
    screener = people.screener(unit)
    if s.urgent and not any(step[0] == "accept" and len(step) > 2 for step in s.steps):
        services.topic_set_urgent(topic=topic, actor=screener, urgent=True, note="群众反映强烈，急需协商。")
    for step in s.steps:
        action = step[0]
        if action == "accept":
            urgent = step[2] if len(step) > 2 else None
            screening.topic_screen(topic=topic, actor=screener, decision="accept", category=step[1], urgent=urgent)
        elif action in ("reject", "return"):
            extra = {"reason": step[1], "note": step[2]} if action == "reject" else {"note": step[1]}
            screening.topic_screen(topic=topic, actor=screener, decision=action, **extra)
        elif action == "merge":
            screening.topic_screen(
                topic=topic, actor=screener, decision="merge", merge_into=topics[step[1]], note=step[2]
            )
        elif action == "refer":
            department = departments[step[1]] if step[1] else None
            screening.topic_screen(
                topic=topic, actor=screener, decision="refer", department=department, referred_to=step[2], note=step[3]
            )
        elif action in ("approve", "decline"):
            approver = people.one(unit, Role.APPROVER)
            screening.topic_decide(topic=topic, actor=approver, decision=action, note=step[1])
        elif action == "resubmit":
            services.topic_resubmit(
                topic=topic,
                actor=people.entered_by(unit, s),
                title=topic.title,
                description=f"{topic.description}\n补充：{step[1]}",
                note="已按要求补充位置和户数。",
            )


def _spread_dates(made: list[tuple[int, Topic]]) -> None:
    """Dates from FIRST_DAY (each scenario's `day`, moved to the day of loading), events a few days apart; codes derived
    from the seed."""
    tz = timezone.get_current_timezone()
    events = {}
    for e in Event.objects.filter(content_type__app_label="topics", object_id__in=[t.pk for _i, t in made]).order_by(
        "id"
    ):
        events.setdefault(e.object_id, []).append(e)
    for index, topic in made:
        s = SCENARIOS[index]
        start = timezone.make_aware(datetime.combine(anchor.day(FIRST_DAY.date() + timedelta(days=s.day)), time(9)), tz)
        start += timedelta(minutes=7 * index)
        Topic.objects.filter(pk=topic.pk).update(created_at=start, updated_at=start, tracking_code=_code(index))
        for k, event in enumerate(events.get(topic.pk, [])):
            event.created_at = start + timedelta(days=3 * k, hours=k)
    Event.objects.bulk_update([e for rows in events.values() for e in rows], ["created_at"])
