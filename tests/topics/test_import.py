"""Excel bulk entry: the template, a good file, and bad files rejected whole with each bad row and column named."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from shangliang.core.errors import NotAllowed
from shangliang.core.events import timeline
from shangliang.topics.models import Topic, TopicSource
from shangliang.topics.services import importing
from tests.conftest import fresh
from tests.topics.conftest import key

HEADER = ["标题", "详细描述", "反映人姓名", "是否匿名", "手机号", "是否紧急", "所属单元"]


def xlsx(rows, header=HEADER, name="议题.xlsx") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/octet-stream")


GOOD = [
    ["村东头路灯不亮", "三盏路灯坏了一个多月，晚上出行不便。", "赵大爷", "否", "13700001111", "否", ""],
    ["垃圾清运不及时", "村西头垃圾点三天没清运。", "", "是", "", "是", "一村"],
    ["水压不足", "三楼以上早晚用不上水。", "钱阿姨", "", 13700002222, "", "二村"],
]


def test_template_has_the_columns_and_instructions(world, client):
    wb = load_workbook(io.BytesIO(importing.template_workbook()))
    assert [c.value for c in wb["议题"][1]] == HEADER
    assert "填写说明" in wb.sheetnames
    client.force_login(world.users["liaison"])
    response = client.get(reverse("topics:import_template"))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    assert load_workbook(io.BytesIO(response.content))["议题"]["A1"].value == "标题"


def test_good_file_creates_one_topic_per_row(world):
    created = importing.topics_import(actor=fresh(world.users["liaison"]), unit=world.t1, upload=xlsx(GOOD))
    assert len(created) == 3
    by_title = {t.title: t for t in Topic.objects.all()}
    lamp, rubbish, water = by_title["村东头路灯不亮"], by_title["垃圾清运不及时"], by_title["水压不足"]
    assert (lamp.unit, lamp.submitted_by_name, lamp.mobile, lamp.anonymous) == (
        world.t1,
        "赵大爷",
        "13700001111",
        False,
    )
    assert (rubbish.unit, rubbish.anonymous, rubbish.submitted_by_name, rubbish.urgent) == (world.v1, True, "", True)
    assert (water.unit, water.mobile) == (world.v2, "13700002222")
    assert all(t.source == TopicSource.GRID and t.submitter == world.users["liaison"] for t in created)
    assert all(timeline(t).get().data["import_size"] == 3 for t in created)


def test_the_same_import_sent_twice_imports_once(world):
    k = key()
    liaison = fresh(world.users["liaison"])
    first = importing.topics_import(actor=liaison, unit=world.t1, upload=xlsx(GOOD), idempotency_key=k)
    second = importing.topics_import(actor=liaison, unit=world.t1, upload=xlsx(GOOD), idempotency_key=k)
    assert [t.pk for t in first] == [t.pk for t in second]
    assert Topic.objects.count() == 3


def test_bad_rows_are_each_named_and_nothing_is_stored(world):
    rows = [
        GOOD[0],
        ["", "没有标题", "孙", "否", "", "否", ""],
        ["标题" * 60, "说明", "周", "否", "12345", "否", ""],
        ["有标题", "有说明", "", "否", "", "否", ""],
        ["有标题", "有说明", "吴", "不知道", "", "也许", ""],
        ["有标题", "有说明", "郑", "否", "", "否", "不存在村"],
        ["有标题", "有说明", "王", "否", "", "否", "乙村"],
    ]
    with pytest.raises(importing.ImportRejected) as refusal:
        importing.topics_import(actor=fresh(world.users["liaison"]), unit=world.t1, upload=xlsx(rows))
    errors = refusal.value.errors
    assert "8 处错误" in str(refusal.value.message)
    expected = [
        "第 3 行“标题”列：请填写标题",
        "第 4 行“标题”列：标题不能超过 100 个字",
        "第 4 行“手机号”列：请输入11位中国大陆手机号码",
        "第 5 行“反映人姓名”列：请填写反映人姓名",
        "第 6 行“是否匿名”列：请填写“是”或“否”（现为“不知道”）",
        "第 6 行“是否紧急”列：请填写“是”或“否”（现为“也许”）",
        "第 7 行“所属单元”列：“一镇”下没有名为“不存在村”的单元",
    ]
    for message in expected:
        assert any(e.startswith(message) for e in errors), (message, errors)
    # 乙村 is in another county: not under 一镇, so it is reported like any unknown name.
    assert any(e.startswith("第 8 行“所属单元”列") for e in errors)
    assert not Topic.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.xlsx", b"not a spreadsheet at all"), "不是有效的 Excel 文件"),
        (SimpleUploadedFile("a.xlsx", b""), "文件是空的"),
        (SimpleUploadedFile("a.csv", "标题,详细描述\n路灯,坏了\n".encode()), "不是有效的 Excel 文件"),
    ],
)
def test_not_a_spreadsheet(world, upload, message):
    with pytest.raises(importing.ImportRejected) as refusal:
        importing.topics_import(actor=fresh(world.users["liaison"]), unit=world.t1, upload=upload)
    assert message in str(refusal.value.message)
    assert not Topic.objects.exists()


def test_missing_columns_and_empty_files(world):
    liaison = fresh(world.users["liaison"])
    with pytest.raises(importing.ImportRejected) as refusal:
        importing.topics_import(actor=liaison, unit=world.t1, upload=xlsx([["路灯"]], header=["标题"]))
    assert "缺少列：“详细描述”、“反映人姓名”" in str(refusal.value.message)
    with pytest.raises(importing.ImportRejected) as refusal:
        importing.topics_import(actor=liaison, unit=world.t1, upload=xlsx([]))
    assert "没有议题数据" in str(refusal.value.message)


def test_too_many_rows(world, monkeypatch):
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    with pytest.raises(importing.ImportRejected) as refusal:
        importing.topics_import(actor=fresh(world.users["liaison"]), unit=world.t1, upload=xlsx(GOOD))
    assert "最多 2 行" in str(refusal.value.message)
    assert not Topic.objects.exists()


def test_only_for_who_may_enter_topics_there(world):
    for role, unit in (("member", world.t1), ("liaison", world.t2), ("approver", world.t1)):
        with pytest.raises(NotAllowed):
            importing.topics_import(actor=fresh(world.users[role]), unit=unit, upload=xlsx(GOOD))
    assert not Topic.objects.exists()


def test_import_page(client, world):
    client.force_login(world.users["liaison"])
    url = reverse("topics:import")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"unit": world.t1.pk, "file": xlsx([GOOD[0], ["", "", "", "", "", "", ""], ["", "x"]])})
    html = bad.content.decode()
    assert bad.status_code == 400 and "第 4 行“标题”列" in html and "未导入任何议题" in html
    assert not Topic.objects.exists()
    forged = client.post(url, {"unit": world.vb.pk, "file": xlsx(GOOD), "idempotency_key": key()})
    assert forged.status_code == 400 and not Topic.objects.exists()
    good = client.post(url, {"unit": world.t1.pk, "file": xlsx(GOOD), "idempotency_key": key()})
    assert good.status_code == 302 and Topic.objects.count() == 3
    client.force_login(world.users["member"])
    assert client.get(url).status_code == 403
