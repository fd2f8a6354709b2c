"""Report pages over HTTP: failed forms store nothing and say why in Chinese, scripts are shown as text, forged ids
find nothing, a double submit stores one report, the steps work from the page, and lists with many rows make no
N+1 query (the zeal middleware fails the request if they do)."""

import pytest
from django.urls import reverse

from shangliang.opinions import services
from shangliang.opinions.models import OpinionReport, ReportStatus
from tests.conftest import fresh
from tests.opinions.conftest import drive

S = ReportStatus


@pytest.fixture
def writer_client(client, op):
    client.force_login(op.writer)
    return client


def data(op, **overrides):
    d = {
        "unit": op.world.v1.pk,
        "title": "农村养老服务站运营困难",
        "body": "部分村级养老服务站因缺少运营经费而闲置。",
        "source": "research",
        "idempotency_key": "r" * 32,
    }
    d.update(overrides)
    return d


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": " "}, "请填写标题。"),
        ({"body": "长" * 8001}, "正文不能超过 8000 个字"),
        ({"unit": str(999999)}, "请从查找结果中选择您可以反映的单元"),
        ({"topic": "999999"}, "选择一个有效的选项"),
        ({"source": "rumour"}, "选择一个有效的选项"),
        ({"idempotency_key": "<x>"}, "表单已失效"),
    ],
)
def test_a_failed_report_form_stores_nothing(writer_client, op, overrides, message):
    response = writer_client.post(reverse("opinions:new"), data(op, **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OpinionReport.objects.exists()


def test_a_unit_outside_ones_reach_is_not_offered(client, op):
    client.force_login(op.informant)  # an informant of 一村
    page = client.get(reverse("opinions:new")).content.decode()
    assert "一村" in page and "二村" not in page
    response = client.post(reverse("opinions:new"), data(op, unit=op.world.v2.pk))
    assert response.status_code == 400 and not OpinionReport.objects.exists()


def test_double_submit_and_script_as_text(writer_client, op):
    payload = data(op, title="<script>alert(1)</script>", body="<b>粗体</b>")
    first = writer_client.post(reverse("opinions:new"), payload)
    second = writer_client.post(reverse("opinions:new"), payload)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert OpinionReport.objects.count() == 1
    html = writer_client.get(first["Location"]).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert "&lt;b&gt;粗体&lt;/b&gt;" in html


def test_the_steps_from_the_pages(client, op):
    w = op.world
    client.force_login(op.writer)
    client.post(reverse("opinions:new"), data(op))
    report = OpinionReport.objects.get()
    assert client.post(reverse("opinions:act", args=[report.pk, "submit"]), {"note": ""}).status_code == 302
    client.force_login(w.users["staff"])
    edit = client.post(reverse("opinions:edit", args=[report.pk]), {"title": "养老服务站", "body": "改写", "note": ""})
    assert edit.status_code == 302
    client.post(reverse("opinions:adopt", args=[report.pk]), {"level": "county", "body": "区政协办公室"})
    forged = client.post(reverse("opinions:hand", args=[report.pk]), {"department": "999999"})
    assert forged.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.department_id) == (S.ADOPTED, None)
    client.post(reverse("opinions:hand", args=[report.pk]), {"department": w.department.pk})
    client.force_login(w.users["department"])
    page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert "签收" in page and "申请退回" in page
    client.post(reverse("opinions:act", args=[report.pk, "sign"]), {"note": ""})
    client.post(reverse("opinions:answer", args=[report.pk]), {"answer": "已协调民政局落实运营补贴。"})
    client.force_login(w.users["staff"])
    client.post(reverse("opinions:act", args=[report.pk, "accept"]), {"note": ""})
    report.refresh_from_db()
    assert (report.status, report.title, report.submitted_title) == (S.CLOSED, "养老服务站", "农村养老服务站运营困难")
    client.force_login(op.writer)
    page = client.get(reverse("opinions:detail", args=[report.pk])).content.decode()
    assert "撰稿人原稿" in page and "已协调民政局落实运营补贴。" in page


def test_refusals_over_http(client, op):
    w = op.world
    report = drive(op, S.SUBMITTED)
    client.force_login(w.users["staff"])
    assert client.post(reverse("opinions:act", args=[report.pk, "bribe"])).status_code == 404
    assert client.get(reverse("opinions:detail", args=[999999])).status_code == 404
    # Not possible in this state: a clear message, nothing changed.
    url = reverse("opinions:act", args=[report.pk, "accept"])
    response = client.post(url, {"note": ""})
    assert response.status_code == 409 and "不能执行“审核通过，办结”" in response.content.decode()
    page = reverse("opinions:detail", args=[report.pk])
    response = client.post(url, {"note": ""}, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302  # from the page: back to it, with the message
    assert "不能执行“审核通过，办结”" in client.get(response["Location"]).content.decode()
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    # The author cannot adopt their own report.
    client.force_login(op.writer)
    assert client.post(reverse("opinions:adopt", args=[report.pk]), {"level": "county"}).status_code == 403
    assert client.get(reverse("opinions:edit", args=[report.pk])).status_code == 403


def test_lists_with_many_rows_make_no_n_plus_one(client, op):
    w = op.world
    staff = fresh(w.users["staff"])
    target = drive(op, S.HANDED)
    for i in range(3):
        services.report_endorse(
            actor=staff, report=target, leader=f"领导{i}", leader_title="副区长", level="county",
            endorsed_on=f"2025-01-0{i + 1}", text="请研究",
        )  # fmt: skip
    services.report_adopt(actor=staff, report=target, level="city")
    for state in (S.SUBMITTED, S.SUBMITTED, S.ADOPTED, S.CLOSED, S.RETURNED):
        drive(op, state)
    drive(op, S.SUBMITTED, author=op.informant)
    services.report_merge(
        actor=staff, target=target, sources=list(OpinionReport.objects.filter(status=S.SUBMITTED)[:2])
    )
    for user in (w.users["staff"], op.writer, w.users["department"], w.users["convenor"]):
        client.force_login(user)
        assert client.get(reverse("opinions:index")).status_code == 200
        assert client.get(reverse("opinions:detail", args=[target.pk])).status_code == 200
    client.force_login(w.users["staff"])
    for url in (
        reverse("opinions:figures", args=[w.a.pk]),
        reverse("opinions:figures", args=[w.t1.pk]) + "?year=2025",
        reverse("units:detail", args=[w.a.pk]),
    ):
        assert client.get(url).status_code == 200, url


def test_unit_page_links(client, op):
    w = op.world
    client.force_login(w.users["staff"])
    assert (
        reverse("opinions:figures", args=[w.a.pk])
        in client.get(reverse("units:detail", args=[w.a.pk])).content.decode()
    )
    client.force_login(w.users["member"])
    html = client.get(reverse("units:detail", args=[w.v1.pk])).content.decode()
    assert f"{reverse('opinions:new')}?unit={w.v1.pk}" in html


def test_admin_pages_open(system_admin_client, op, settings):
    # The change page loads two users by id: the one signed in and the report's author (a raw-id field).
    settings.ZEAL_ALLOWLIST = [{"model": "sessions.Session"}, {"model": "people.User", "field": "get()"}]
    report = drive(op, S.CLOSED)
    assert system_admin_client.get(reverse("admin:opinions_opinionreport_changelist")).status_code == 200
    assert system_admin_client.get(reverse("admin:opinions_opinionreport_change", args=[report.pk])).status_code == 200
