"""The pages and downloads: what they show, that every chart's numbers are also in a table, the exports' contents,
a constant number of queries, and bad input."""

import io
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shangliang.dashboards.models import CoverageTarget, ScoringRule
from tests.factories import Role as R
from tests.factories import UserFactory, assign


@pytest.fixture
def admin_client(client, tree):
    admin = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    return client


def charts(html: str) -> dict:
    """json_script blocks of the page, by id."""
    blocks = re.findall(r'<script id="(chart-[\w_]+)" type="application/json">(.*?)</script>', html, re.S)
    return {i: json.loads(body) for i, body in blocks}


def test_county_dashboard_shows_figures_with_tables_and_drill_down(admin_client, tree):
    r = admin_client.get(reverse("dashboards:unit", args=[tree.a.pk]), {"period": "2025"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "2025年" in html and "开展协商活动" in html and "口径" in html
    data = charts(html)
    assert {"chart-children", "chart-topics_by_source", "chart-funnel", "chart-trend"} <= set(data)
    # The chart's numbers are the table's numbers.
    funnel = data["chart-funnel"]
    assert funnel["series"][0]["data"] == [5, 2, 1, 1, 1, 0, 0]
    assert all(f'<td class="num">{n}</td>' in html for n in (5, 2))
    # Clicking a town drills down, keeping the period.
    child_links = data["chart-children"]["links"]
    assert f"/dashboards/units/{tree.t1.pk}/?period=2025" in child_links
    assert f'href="/dashboards/units/{tree.t1.pk}/?period=2025"' in html
    assert "<script>" not in html and ' style="' not in html  # CSP: no inline scripts or styles


def test_village_dashboard_and_periods(admin_client, tree):
    url = reverse("dashboards:unit", args=[tree.v1.pk])
    assert admin_client.get(url, {"period": "2025-Q1"}).status_code == 200
    assert admin_client.get(url, {"period": "2025-03"}).status_code == 200
    r = admin_client.get(url, {"start": "2025-03-10", "end": "2025-05-20"})
    assert "2025-03-10 — 2025-05-20" in r.content.decode()
    r = admin_client.get(url, {"period": "1999"})
    assert r.status_code == 200 and "年份须在" in r.content.decode()
    r = admin_client.get(url, {"start": "2025-13-01", "end": "x"})
    assert r.status_code == 200 and "日期格式" in r.content.decode()


def _page_queries(client, unit) -> int:
    url = reverse("dashboards:unit", args=[unit.pk])
    client.get(url, {"period": "2025"})  # accounts for rows written without an event, fills missing cells
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, {"period": "2025"}).status_code == 200
    return len(queries)


def _grow(tree):
    """More units at every level (a new county with towns and villages, more villages in A) and more records in
    each, written straight to the tables and then accounted for as a bulk load is."""
    from shangliang.dashboards import cells
    from shangliang.units.models import RoomStage, UnitKind
    from tests.dashboards.conftest import consultation, local, participant, topic
    from tests.factories import make_room, make_unit

    c = make_unit("丙县", UnitKind.COUNTY, tree.p)
    villages = [make_unit(f"新{i}村", UnitKind.VILLAGE, tree.t1 if i % 2 else tree.t2) for i in range(6)]
    for i in range(3):
        town = make_unit(f"丙{i}镇", UnitKind.TOWN, c)
        villages += [make_unit(f"丙{i}{j}村", UnitKind.VILLAGE, town) for j in range(3)]
    for i, v in enumerate(villages):
        make_room(v, stage=RoomStage.BUILT, year=2023)
        t = topic(v, local(2025, 1 + i % 12, 1 + i % 27, 9))
        topic(v, local(2024, 1 + i % 12, 2, 9))
        held = consultation(v, "meeting", "closed_consensus", local(2025, 1 + i % 12, 3, 9), "consensus", [t])
        participant(held, "stakeholder", signed_in=True)
    cells.ensure_fresh()


@pytest.mark.parametrize("unit_name", ["p", "a", "t1", "v1"])
def test_query_count_does_not_grow_with_units_or_rows(admin_client, tree, unit_name):
    """The guard: a page reads a fixed number of queries however many units and records lie under it."""
    unit = getattr(tree, unit_name)
    before = _page_queries(admin_client, unit)
    _grow(tree)
    assert _page_queries(admin_client, unit) == before
    # About half are the session, the security middleware and the menu; below county level the live tables are read
    # (a grouped query per source and figure).
    assert before <= (30 if unit_name in ("p", "a") else 80), before


def test_export_every_table_and_one(admin_client, tree):
    from openpyxl import load_workbook

    url = reverse("dashboards:export", args=[tree.a.pk])
    r = admin_client.get(url, {"period": "2025"})
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")
    wb = load_workbook(io.BytesIO(r.content))
    assert "主要数字" in wb.sheetnames and "协商闭环漏斗" in wb.sheetnames and "下级单元对比" in wb.sheetnames
    funnel = wb["协商闭环漏斗"]
    assert [funnel.cell(row=5 + i, column=2).value for i in range(7)] == [5, 2, 1, 1, 1, 0, 0]
    r = admin_client.get(url, {"period": "2025", "table": "topics_by_source"})
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["议题来源"]
    assert admin_client.get(url, {"table": "nope"}).status_code == 404


def test_yearly_summary_in_word(admin_client, tree):
    from docx import Document

    r = admin_client.get(reverse("dashboards:summary", args=[tree.a.pk]), {"period": "2025", "since": "2023"})
    assert r.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(r.content)).paragraphs)
    assert "甲县2025年“有事好商量”协商议事工作统计" in text
    assert "开展协商议事活动 3 次，其中达成共识 1 次，共识率 50.0%" in text
    assert "2023年以来累计" in text and "公示民生项目" in text
    assert "协商成果有效落实 0 件，正在推进 0 件" in text and "群众满意度 —" in text


def test_public_dashboard_is_aggregates_only(client, tree):
    r = client.get(reverse("dashboards:public", args=[tree.a.pk]), {"period": "2025"})
    assert r.status_code == 200
    html = r.content.decode()
    assert "开展协商活动" in html and "一镇" in html
    assert "魏委员" not in html and "未达协商频次" not in html and "委员履职" not in html
    assert re.search(r"/public/units/\d+/figures/", html)
    r = client.get(reverse("dashboards:public_export", args=[tree.a.pk]), {"period": "2025"})
    assert r.status_code == 200
    assert (
        client.get(reverse("dashboards:public_export", args=[tree.a.pk]), {"table": "norms_summary"}).status_code == 404
    )
    assert client.get(reverse("dashboards:unit", args=[tree.a.pk])).status_code == 302  # the internal one needs login


def test_norms_page_lists_who_is_behind_and_the_plan(admin_client, tree):
    url = reverse("dashboards:norms", args=[tree.a.pk])
    r = admin_client.post(url, {"year": 2025, "percent": 50})
    assert r.status_code == 302 and CoverageTarget.objects.get(county=tree.a, year=2025).percent == 50
    r = admin_client.get(url)
    html = r.content.decode()
    for name in ("一镇", "二镇", "一村", "三村", "四村"):
        assert name in html
    assert "计划覆盖率" in html
    r = admin_client.get(reverse("dashboards:norms", args=[tree.p.pk]))
    assert r.status_code == 200 and "甲县" in r.content.decode()
    assert admin_client.get(url, {"format": "xlsx"})["Content-Type"].startswith("application/vnd.openxml")
    assert admin_client.post(url, {"year": "abc"}).status_code == 200


def test_member_records_ranking_and_own_record(client, admin_client, tree):
    r = admin_client.get(reverse("dashboards:members", args=[tree.a.pk]), {"period": "2025"})
    assert r.status_code == 200 and "魏委员" in r.content.decode()
    assert '<option value="2025-Q2"' in r.content.decode()  # the period picker offers periods here too
    r = admin_client.get(reverse("dashboards:members", args=[tree.a.pk]), {"period": "2025", "format": "xlsx"})
    assert r.status_code == 200
    client.force_login(tree.member)
    r = client.get(reverse("dashboards:member", args=[tree.a.pk, tree.member.pk]), {"period": "2025"})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="member-score">10<' in html  # 1 consultation attended (5 points) + 1 topic recommended (5)
    url = reverse("dashboards:member", args=[tree.a.pk, tree.member.pk])
    assert client.get(url, {"period": "2025", "format": "xlsx"})["Content-Type"].startswith("application/vnd.openxml")
    other = UserFactory(username="other-member")
    assign(other, R.MEMBER, tree.a)
    assert client.get(reverse("dashboards:member", args=[tree.a.pk, other.pk])).status_code == 403
    assert client.get(reverse("dashboards:members", args=[tree.a.pk])).status_code == 403


def test_units_assessment_and_scoring(admin_client, tree):
    r = admin_client.get(reverse("dashboards:units", args=[tree.a.pk]), {"period": "2025", "level": "village"})
    assert r.status_code == 200 and "一村" in r.content.decode()
    assert admin_client.get(reverse("dashboards:units", args=[tree.a.pk]), {"level": "town"}).status_code == 200
    url = reverse("dashboards:scoring", args=[tree.a.pk])
    assert admin_client.get(url).status_code == 200
    r = admin_client.post(url, {"subject": "member", "item": "topics", "points": "10", "cap": "30"})
    assert r.status_code == 302
    assert ScoringRule.objects.get(county=tree.a, item="topics").points == 10
    assert admin_client.post(url, {"subject": "member", "item": "nope", "points": "1", "cap": "1"}).status_code == 400
    assert (
        admin_client.post(url, {"subject": "member", "item": "topics", "points": "-1", "cap": "1"}).status_code == 400
    )
    admin_client.post(url, {"reset": "member"})
    assert not ScoringRule.objects.filter(county=tree.a).exists()
    assert admin_client.get(reverse("dashboards:members", args=[tree.t1.pk])).status_code == 404  # not a county


def test_links_from_unit_page_and_nav(admin_client, tree):
    html = admin_client.get(reverse("units:detail", args=[tree.a.pk])).content.decode()
    assert reverse("dashboards:unit", args=[tree.a.pk]) in html
    assert reverse("dashboards:index") in html
