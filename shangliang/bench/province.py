"""A synthetic province for measuring the dashboards: at scale 1, 25,000 units, 300,000 users, 1,000,000 topics,
300,000 consultations (with their participants, suggestions, research) and 1,000,000 responsibility tasks (with
ratings, supervision and evaluations, see province_tasks), rooms with assessments, member links and opinion reports,
with plausible distributions (rollout over the years, village-heavy activity, most approved topics consulted on, most
consultations reaching consensus, most tasks done). Written with `bulk.Loader` (COPY on PostgreSQL).

Everything comes from one seeded `random.Random`: the same scale and seed give the same province.
"""

from __future__ import annotations

import bisect
import random
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from shangliang.bench.bulk import Loader
from shangliang.bench.province_tasks import Tasks, opinion_reports
from shangliang.consultations.models import (
    Consultation,
    FrequencyNorm,
    Opinion,
    Participant,
    PreConsultationVisit,
    ResearchRecord,
    Suggestion,
)
from shangliang.core import clock
from shangliang.people.models import MemberLink, RoleAssignment, User
from shangliang.topics.models import CODE_ALPHABET, Topic
from shangliang.units.models import (
    Assessment,
    AssessmentResult,
    Room,
    RoomStageRecord,
    Standard,
    StandardItem,
    Unit,
)

PROVINCE_NAME = "模拟省"
START = date(2021, 1, 1)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ITEMS = ["有组织", "有场所", "有制度", "有设施", "有标识"]
TOPIC_WORDS = [
    "停车",
    "路灯",
    "垃圾分类",
    "饮水",
    "道路硬化",
    "物业管理",
    "养老服务",
    "集市占道",
    "排水沟",
    "广场舞噪音",
]
FORMS = [("meeting", 45), ("monthly", 15), ("onsite", 12), ("bench", 10), ("written", 8), ("online", 6), ("expert", 4)]
SOURCES = [("resident", 40), ("grid", 30), ("member", 15), ("assigned", 15)]
# Status of a topic once it has been dealt with (recent ones are often still waiting).
STATUSES = [
    ("approved", 55),
    ("rejected", 12),
    ("referred", 8),
    ("merged", 5),
    ("declined", 5),
    ("accepted", 7),
    ("returned", 3),
    ("submitted", 5),
]
REASONS = ["against_policy", "individual_dispute", "unfair", "severe_disagreement"]
CATEGORIES = [("livelihood", 60), ("governance", 25), ("party_government", 15)]
# Names of generated people (nobody reads them; the demo county has its own, richer lists).
SURNAMES = (
    "王李张刘陈杨赵孙周吴徐高马朱胡郭何林于董宋郑韩唐冯曹姜许邓程田袁彭曲苏吕"
    "丁蒋沈魏姚潘金任崔谭白贾石付范方邹熊陆杜夏钟汪孔"
)
MALE_CHARS = "伟强磊军勇杰涛明超辉刚平斌鹏亮波宇浩凯俊峰建国春林海东志永文忠成德庆利福胜宏兵立新学"
FEMALE_CHARS = "丽娟艳敏静芳玲燕霞红梅英华秀兰萍洁颖慧琳婷雪晶凤玉春桂荣淑云琴丹莉倩晓佳欣"


def segment(n: int) -> str:
    out = ""
    for _ in range(4):
        n, r = divmod(n, 36)
        out = ALPHABET[r] + out
    return out


def weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights)[0]


class Picker:
    """Fast weighted choice from a fixed list (bisect on the cumulative weights)."""

    def __init__(self, pairs):
        self.values = [v for v, _w in pairs]
        total, self.cum = 0.0, []
        for _v, w in pairs:
            total += w
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_left(self.cum, rng.random() * self.total)]


@dataclass
class Plan:
    scale: float
    units: int
    users: int
    topics: int
    consultations: int
    tasks: int
    counties: int
    cities: int
    towns_per_county: int
    members_per_county: int

    @classmethod
    def at(cls, scale: float) -> Plan:
        counties = max(2, round(112 * scale))
        towns = 15 if counties >= 8 else 3
        return cls(
            scale=scale,
            units=max(40, round(25_000 * scale)),
            users=round(300_000 * scale),
            topics=round(1_000_000 * scale),
            consultations=round(300_000 * scale),
            tasks=round(1_000_000 * scale),
            counties=counties,
            cities=max(1, round(counties / 8)),
            towns_per_county=towns,
            members_per_county=max(3, round(60 * min(1.0, scale * 10))),
        )


@dataclass
class Tree:
    province: int = 0
    counties: list[int] = field(default_factory=list)
    towns: list[tuple[int, int]] = field(default_factory=list)  # (town, county)
    villages: list[tuple[int, int, int]] = field(default_factory=list)  # (village, town, county)
    sectors: list[tuple[int, int]] = field(default_factory=list)


class Generator:
    def __init__(self, plan: Plan, *, seed: int = 2026, log=print):
        self.plan = plan
        self.rng = random.Random(seed)
        self.today = clock.today()
        self.log = log
        self.loader = Loader()
        self.tree = Tree()
        self.plan_start = START
        months = []
        m = START
        while m <= self.today:
            months.append(m)
            m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        n = len(months)
        # Activity grows as rooms are rolled out: the last month sees about three times the first.
        self.month_pick = Picker([(mo, 0.35 + 0.65 * i / max(1, n - 1)) for i, mo in enumerate(months)])
        self.tz = timezone.get_current_timezone()

    # --- helpers ------------------------------------------------------------------------------------------------

    def moment(self, after: date | None = None) -> datetime:
        if after is None:
            m = self.month_pick(self.rng)
            last = (date(m.year + (m.month == 12), m.month % 12 + 1, 1) - timedelta(days=1)).day
            d = m.replace(day=self.rng.randint(1, last))
            if d > self.today:
                d = self.today
        else:
            d = after
        t = time(self.rng.randint(8, 20), self.rng.randint(0, 59))
        return datetime.combine(d, t, tzinfo=self.tz)

    def weighted_status(self, pairs):
        return weighted(self.rng, pairs)

    def name(self) -> str:
        chars = MALE_CHARS if self.rng.random() < 0.5 else FEMALE_CHARS
        given = "".join(self.rng.choice(chars) for _ in range(self.rng.choice((1, 2))))
        return self.rng.choice(SURNAMES) + given

    # --- the run ------------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        steps = [
            self.build_units,
            self.build_rooms,
            self.build_people,
            self.prepare_tasks,
            self.build_topics,
            self.build_consultations,
            self.build_opinions,
        ]
        for step in steps:
            started = clock.now()
            step()
            self.log(f"  {step.__name__}: {(clock.now() - started).total_seconds():.1f} s")
        self.loader.finish()
        return self.loader.loaded

    def build_units(self) -> None:
        p, rng, L = self.plan, self.rng, self.loader
        roots = list(Unit.objects.get_root_nodes().values_list("path", flat=True))
        root_path = segment(max((int(r, 36) for r in roots), default=0) + 1)
        next_id = L.next_id(Unit)
        rows: list[dict] = []
        now = clock.now()

        def add(path, depth, numchild, name, kind, county=None, established=None):
            nonlocal next_id
            pk = next_id
            next_id += 1
            rows.append(
                {
                    "id": pk,
                    "path": path,
                    "depth": depth,
                    "numchild": numchild,
                    "name": name,
                    "kind": kind,
                    "county_id": pk if kind == "county" else county,
                    "established_on": established,
                    "created_at": now,
                }
            )
            return pk

        fixed = 1 + p.cities + p.counties * (1 + p.towns_per_county + 2)
        villages_total = max(p.counties * p.towns_per_county, p.units - fixed)
        towns_total = p.counties * p.towns_per_county
        # Villages per town vary (6 to 22 at full scale), keeping the total.
        weights = [rng.uniform(0.45, 1.6) for _ in range(towns_total)]
        scale = villages_total / sum(weights)
        per_town = [max(1, round(w * scale)) for w in weights]
        counties_of_city = [p.counties // p.cities + (1 if c < p.counties % p.cities else 0) for c in range(p.cities)]
        self.tree.province = add(root_path, 1, p.cities, PROVINCE_NAME, "province")
        town_index = 0
        for c, n_counties in enumerate(counties_of_city, start=1):
            city_path = root_path + segment(c)
            city = add(city_path, 2, n_counties, f"第{c}市", "city")
            assert city
            for k in range(1, n_counties + 1):
                county_path = city_path + segment(k)
                county = add(county_path, 3, p.towns_per_county + 2, f"第{c}市第{k}县", "county")
                self.tree.counties.append(county)
                for t in range(1, p.towns_per_county + 1):
                    town_path = county_path + segment(t)
                    n_villages = per_town[town_index]
                    town_index += 1
                    town = add(town_path, 4, n_villages, f"{self.name()[:1]}家{t}镇", "town", county)
                    self.tree.towns.append((town, county))
                    for v in range(1, n_villages + 1):
                        late = rng.random() < 0.02  # a few villages set up (merged, renamed) during the years
                        established = self.moment().date() if late else None
                        village = add(
                            town_path + segment(v),
                            5,
                            0,
                            f"{rng.choice(TOPIC_WORDS)[:1]}{v}村",
                            "village",
                            county,
                            established,
                        )
                        self.tree.villages.append((village, town, county))
                for s, kind in ((1, "sector"), (2, "enterprise")):
                    sid = add(county_path + segment(p.towns_per_county + s), 4, 0, f"委员工作室{s}", kind, county)
                    self.tree.sectors.append((sid, county))
        L.load(Unit, rows)
        norms = [
            {"county_id": cid, "level": "village", "min_count": 1, "period_months": 1, "effective_from": START}
            for cid in self.tree.counties
            if rng.random() < 0.2
        ]
        L.load(FrequencyNorm, norms)

    def build_rooms(self) -> None:
        rng, L = self.rng, self.loader
        std_id, item_id = L.next_id(Standard), L.next_id(StandardItem)
        standards, items, item_ids = [], [], {}
        for cid in self.tree.counties:
            standards.append({"id": std_id, "county_id": cid, "name": "五有"})
            item_ids[cid] = (std_id, list(range(item_id, item_id + len(ITEMS))))
            for order, name in enumerate(ITEMS, start=1):
                items.append({"id": item_id, "standard_id": std_id, "order": order, "name": name})
                item_id += 1
            std_id += 1
        L.load(Standard, standards)
        L.load(StandardItem, items)
        room_id, ass_id = L.next_id(Room), L.next_id(Assessment)
        rooms, records, assessments, results = [], [], [], []
        bearing = [(t, c) for t, c in self.tree.towns] + [(v, c) for v, _t, c in self.tree.villages]
        bearing += self.tree.sectors
        for unit, county in bearing:
            r = rng.random()
            year = 2021 if r < 0.1 else 2022 if r < 0.6 else 2023 if r < 0.93 else 2024 if r < 0.97 else None
            stage = "planned" if year is None else ("demonstration" if rng.random() < 0.05 else "built")
            if year is not None and year == 2021:
                stage = "pilot" if rng.random() < 0.3 else stage
            stage_year = year or self.today.year
            rooms.append(
                {
                    "id": room_id,
                    "unit_id": unit,
                    "name": "协商议事室",
                    "kind": weighted(rng, [("room", 80), ("pavilion", 8), ("corner", 7), ("corridor", 5)]),
                    "stage": stage,
                    "stage_year": stage_year,
                    "operational_since": year,
                }
            )
            records.append({"room_id": room_id, "stage": stage, "year": stage_year})
            if year is not None:
                std, ids = item_ids[county]
                on = date(min(year + 1, self.today.year), rng.randint(1, 6), rng.randint(1, 28))
                failed = {rng.choice(ids)} if rng.random() < 0.12 else set()
                assessments.append(
                    {"id": ass_id, "room_id": room_id, "standard_id": std, "assessed_on": on, "passed": not failed}
                )
                results.extend({"assessment_id": ass_id, "item_id": i, "passed": i not in failed} for i in ids)
                ass_id += 1
            room_id += 1
        L.load(Room, rooms)
        L.load(RoomStageRecord, records)
        L.load(Assessment, assessments)
        L.load(AssessmentResult, results)

    def build_people(self) -> None:
        p, rng, L, tree = self.plan, self.rng, self.loader, self.tree
        password = make_password(secrets.token_urlsafe(16))  # nobody logs in as a generated person
        uid = L.next_id(User)
        users, roles, links = [], [], []
        start = START

        def person(role, unit, **extra):
            nonlocal uid
            users.append({"id": uid, "password": password, "username": f"prov{uid}", "full_name": self.name()})
            roles.append({"user_id": uid, "role": role, "unit_id": unit, "assumed_at": start, **extra})
            uid += 1
            return uid - 1

        self.members: dict[int, list[int]] = {}
        self.convenors: dict[int, int] = {}
        self.residents: dict[int, list[int]] = {}
        villages_of_county: dict[int, list[int]] = {}
        for v, _t, c in tree.villages:
            villages_of_county.setdefault(c, []).append(v)
        for c in tree.counties:
            for _ in range(3):
                person("cppcc_staff", c)
            self.members[c] = [person("member", c) for _ in range(p.members_per_county)]
            for m in self.members[c]:
                for v in rng.sample(villages_of_county[c], min(3, len(villages_of_county[c]))):
                    links.append({"member_id": m, "unit_id": v, "kind": "one_to_one", "started_on": start})
        for t, _c in tree.towns:
            person("approver", t)
            self.convenors[t] = person("convenor", t, position="first")
        for v, _t, _c in tree.villages:
            self.convenors[v] = person("convenor", v, position="first")
            person("liaison", v)
        remaining = max(0, p.users - len(users))
        villages = [v for v, _t, _c in tree.villages]
        for i in range(remaining):
            v = villages[i % len(villages)]
            self.residents.setdefault(v, []).append(person("resident", v))
        L.load(User, users)
        L.load(RoleAssignment, roles)
        L.load(MemberLink, links)

    def prepare_tasks(self) -> None:
        self.tasks = Tasks(self, tasks=self.plan.tasks, consultations=self.plan.consultations)
        self.tasks.prepare()

    def build_topics(self) -> None:
        p, rng, L, tree = self.plan, self.rng, self.loader, self.tree
        # Where topics are raised: villages mostly, some at towns, a few at the county.
        places = [(v, c) for v, _t, c in tree.villages]
        n_v = len(places)
        towns, counties = tree.towns, tree.counties
        source_pick, status_pick, cat_pick = Picker(SOURCES), Picker(STATUSES), Picker(CATEGORIES)
        tid = L.next_id(Topic)
        self.topic_first = tid
        self.approved: list[tuple[int, int, date]] = []  # (topic, unit, created)
        last_open: dict[int, int] = {}
        mult, space = 0x5DEECE66D | 1, 32**12
        rows = []
        for _i in range(p.topics):
            r = rng.random()
            if r < 0.9:
                unit, county = places[rng.randrange(n_v)]
            elif r < 0.98:
                unit, county = towns[rng.randrange(len(towns))]
            else:
                county = counties[rng.randrange(len(counties))]
                unit = county
            created = self.moment()
            source = source_pick(rng)
            age = (self.today - created.date()).days
            status = status_pick(rng) if age > 45 else rng.choice(["submitted", "accepted", "approved", "returned"])
            row = {
                "id": tid,
                "created_at": created,
                "updated_at": created,
                "unit_id": unit,
                "source": source,
                "title": f"关于{rng.choice(TOPIC_WORDS)}的议题",
                "description": "群众反映，希望协商解决。",
                "status": status,
                "urgent": rng.random() < 0.03,
                "tracking_code": _code((tid * mult) % space),
                "supports_count": rng.randrange(0, 12),
            }
            if source == "member":
                row["submitter_id"] = rng.choice(self.members[county])
            if status in ("approved", "accepted", "declined"):
                row["category"] = cat_pick(rng)
            elif status == "rejected":
                row["rejection_reason"] = rng.choice(REASONS)
            elif status == "merged":
                target = last_open.get(unit)
                if target is None:
                    row["status"] = status = "approved"
                    row["category"] = cat_pick(rng)
                else:
                    row["merged_into_id"] = target
            elif status == "referred":
                row["referred_to"] = "镇人民调解委员会"
            if status == "approved":
                self.approved.append((tid, unit, created.date()))
                last_open[unit] = tid
            rows.append(row)
            tid += 1
            if len(rows) >= 50_000:
                L.load(Topic, rows)
                rows = []
        L.load(Topic, rows)

    def build_consultations(self) -> None:
        p, rng, L = self.plan, self.rng, self.loader
        form_pick = Picker(FORMS)
        cid, pid = L.next_id(Consultation), L.next_id(Participant)
        sid = L.next_id(Suggestion)
        chosen = rng.sample(self.approved, min(p.consultations, len(self.approved)))
        county_of = {u: c for u, _t, c in self.tree.villages} | dict(self.tree.towns)
        county_of.update({c: c for c in self.tree.counties})
        cons, links, parts, opinions, suggestions, research, visits = [], [], [], [], [], [], []
        through = Consultation.topics.through

        def flush():
            L.load(Consultation, cons)
            L.load_through(through, ["consultation_id", "topic_id"], links)
            L.load(Participant, parts)
            L.load(Opinion, opinions)
            L.load(Suggestion, suggestions)
            L.load(ResearchRecord, research)
            L.load(PreConsultationVisit, visits)
            self.tasks.flush()
            for rows in (cons, links, parts, opinions, suggestions, research, visits):
                rows.clear()

        for topic, unit, created in chosen:
            form = form_pick(rng)
            held_day = created + timedelta(days=rng.randint(7, 75))
            r = rng.random()
            if held_day > self.today or r < 0.03:
                status, held = ("scheduled" if r >= 0.015 else "cancelled"), None
            else:
                held = self.moment(held_day)
                status = weighted(
                    rng,
                    [("closed_consensus", 52), ("closed_no_consensus", 12), ("submitted", 12), ("acknowledged", 22)]
                    + [("in_session", 2)],
                )
            outcome = {"closed_no_consensus": "no_consensus", "in_session": ""}.get(status, "consensus")
            if held is None:
                outcome = ""
            created_at = self.moment(created + timedelta(days=2))
            cons.append(
                {
                    "id": cid,
                    "created_at": created_at,
                    "updated_at": created_at,
                    "unit_id": unit,
                    "title": "协商议事会",
                    "form": form,
                    "status": status,
                    "outcome": outcome,
                    "held_at": held,
                    "closed_at": held + timedelta(hours=2) if held and status != "in_session" else None,
                    "signin_code": secrets.token_urlsafe(24),
                    "created_by_id": self.convenors.get(unit),
                }
            )
            links.append((cid, topic))
            if held is not None:
                remote = form in ("written", "online")
                county = county_of[unit]
                people = [("member", rng.choice(self.members[county]))]
                residents = self.residents.get(unit, [])
                picked = rng.sample(residents, min(2, len(residents)))  # one row per person
                people += [("stakeholder", picked[i] if i < len(picked) else None) for i in range(2)]
                people += [("resident_rep", None)]
                if rng.random() < 0.4:
                    people.append(("department", None))
                for kind, user in people:
                    took_part = rng.random() < 0.85
                    parts.append(
                        {
                            "id": pid,
                            "consultation_id": cid,
                            "user_id": user,
                            "name": "参加人",
                            "kind": kind,
                            "status": "confirmed",
                            "signed_in_at": held if took_part and not remote else None,
                            "signin_method": "qr" if took_part and not remote else "",
                            "token": secrets.token_urlsafe(24),
                        }
                    )
                    if took_part and remote:
                        opinions.append(
                            {"consultation_id": cid, "participant_id": pid, "text": "同意", "created_at": held}
                        )
                    pid += 1
                if outcome:
                    for order in range(1, rng.choice((1, 1, 2, 2, 3)) + 1):
                        status_s = "withdrawn" if rng.random() < 0.05 else "active"
                        suggestions.append(
                            {"id": sid, "consultation_id": cid, "order": order, "text": "建议", "status": status_s}
                        )
                        if outcome == "consensus" and status_s == "active":
                            self.tasks.for_suggestion(sid, cid, unit, county, held)
                        sid += 1
                    if outcome == "consensus":
                        self.tasks.for_consultation(cid, county, held)
                by_member = rng.random() < 0.3
                research.append(
                    {
                        "consultation_id": cid,
                        "kind": "visit",
                        "title": "商前走访",
                        "text": "走访相关群众",
                        "done_on": held.date() - timedelta(days=rng.randint(1, 6)),
                        "recorded_by_id": people[0][1] if by_member else self.convenors.get(unit),
                    }
                )
                if rng.random() < 0.2:
                    visits.append(
                        {
                            "consultation_id": cid,
                            "party": "利益相关方",
                            "visited_on": held.date() - timedelta(days=1),
                            "views": "同意协商",
                            "recorded_by_id": people[0][1],
                        }
                    )
            cid += 1
            if len(cons) >= 20_000:
                flush()
        flush()

    def build_opinions(self) -> None:
        opinion_reports(self)


def _code(n: int) -> str:
    out = []
    for _ in range(12):
        n, r = divmod(n, 32)
        out.append(CODE_ALPHABET[r])
    return "".join(out)
