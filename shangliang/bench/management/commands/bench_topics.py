"""Prints how fast topic search and similar-topic suggestions are on a synthetic county (nothing is kept).

manage.py bench_topics --topics 20000
"""

import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from shangliang.topics import text
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from shangliang.topics.selectors import TopicFilters, similar_topics, topic_list
from shangliang.units.models import Unit, UnitKind

PLACES = ["小区", "村口", "镇区主街", "农贸市场", "学校门口", "村部广场", "三组", "老旧小区", "菜市场", "卫生院"]
MATTERS = [
    "停车难，车辆占用消防通道",
    "水压不足，早晚用不上水",
    "物业费上涨未公示",
    "路灯不亮，夜间出行不便",
    "垃圾清运不及时",
    "加装电梯意见不一",
    "承包地续包政策不清楚",
    "排水沟堵塞雨季积水",
    "广场舞音响扰民",
    "冬季供暖温度不达标",
    "村道破损货车通行困难",
    "留守老人吃饭难",
]
# Merged topics need a target; the benchmark leaves them out.
STATUSES = [s for s in TopicStatus.values if s != TopicStatus.MERGED]
ASKS = ["希望尽快协商解决。", "建议召集相关部门商量。", "请村里组织大家议一议。", "希望纳入改造计划。"]


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time topic search and similar-topic suggestions on synthetic topics (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--topics", type=int, default=20000)
        parser.add_argument("--repeat", type=int, default=20)

    def handle(self, *args, topics, repeat, **options):
        rng = random.Random(42)
        try:
            with transaction.atomic():
                self._run(rng, topics, repeat)
                raise _Rollback
        except _Rollback:
            pass

    def _run(self, rng, n, repeat):
        county = Unit.add_root(name="基准县", kind=UnitKind.COUNTY)
        county.county = county  # a county is its own county, as units.services sets it
        county.save(update_fields=["county"])
        towns = [county.add_child(name=f"基准镇{i}", kind=UnitKind.TOWN, county=county) for i in range(10)]
        villages = [
            t.add_child(name=f"{t.name}村{j}", kind=UnitKind.VILLAGE, county=county) for t in towns for j in range(20)
        ]
        started = time.perf_counter()
        rows = []
        for i in range(n):
            title = f"{rng.choice(PLACES)}{rng.choice(MATTERS)}"
            description = f"{title}，{rng.choice(MATTERS)}。{rng.choice(ASKS)}"
            rows.append(
                Topic(
                    unit=rng.choice(villages),
                    source=rng.choice(TopicSource.values),
                    status=rng.choice(STATUSES) if i % 3 else TopicStatus.SUBMITTED,
                    title=title,
                    description=description,
                    tracking_code=f"B{i:011d}",
                    search_terms=text.search_terms(title, description),
                    merged_into=None,
                    rejection_reason="unfair",
                )
            )
        segmenting = time.perf_counter() - started
        Topic.objects.bulk_create(rows, batch_size=1000)
        if connection.vendor == "postgresql":
            # Fresh statistics, as autovacuum would have them: otherwise the planner expects one row and nests loops.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE topics_topic; ANALYZE units_unit; ANALYZE units_room")
        self.stdout.write(f"{n} topics in {len(villages)} villages; jieba segmentation {n / segmenting:,.0f} topics/s")

        class Superuser:
            is_superuser = True
            is_authenticated = True

        user = Superuser()

        def timed(label, call):
            samples = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                call()
                samples.append((time.perf_counter() - t0) * 1000)
            samples.sort()
            p95 = samples[int(len(samples) * 0.95) - 1]
            self.stdout.write(f"{label:<48} median {statistics.median(samples):7.1f} ms   p95 {p95:7.1f} ms")

        def page(query, unit=None):
            qs = topic_list(user, TopicFilters(query=query, unit=unit))
            return qs.count(), list(qs[:25])

        timed("list, no filter (count + first page of 25)", lambda: page(""))
        timed("search '停车' (count + first page)", lambda: page("停车"))
        timed("search '老旧小区 加装电梯' (AND)", lambda: page("老旧小区 加装电梯"))
        timed("search '水压' in one town's subtree", lambda: page("水压", towns[0]))
        timed(
            "similar topics, county subtree",
            lambda: similar_topics(unit=county, title="小区停车难", description="车位不够"),
        )
        timed(
            "similar topics, one town subtree",
            lambda: similar_topics(unit=towns[0], title="水压不足", description="用不上水"),
        )
        timed("similar topics, one village", lambda: similar_topics(unit=villages[0], title="路灯不亮"))
