"""Issue 6 in a real browser: the county's staff drill from the county to a village on a phone, charts drawn from the
same numbers as their tables, and an export downloaded; the public dashboard on a phone."""

import io
from datetime import timedelta

from django.utils import timezone

from shangliang.consultations.models import Consultation
from shangliang.topics.models import Topic
from tests.browser.conftest import assert_fits, login


def _activity(world):
    now = timezone.now() - timedelta(days=3)
    for unit in (world.v1, world.v1, world.v2, world.t1):
        Topic.objects.create(unit=unit, source="resident", title="村口路灯不亮", description="晚上看不见")
    Consultation.objects.create(
        unit=world.v1, title="路灯协商", form="meeting", status="closed_consensus", outcome="consensus", held_at=now
    )


def test_staff_drill_from_county_to_village_on_a_phone_and_export(phone, live_server, world):
    _activity(world)
    errors = []
    phone.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    login(phone, live_server, "staff")
    phone.goto(f"{live_server.url}/units/{world.a.pk}/")
    phone.get_by_role("link", name="统计与考核").click()
    assert phone.locator("h1").inner_text().startswith("甲县")
    assert phone.locator("#card-topics_raised .value").inner_text().startswith("4")
    # Charts are drawn (ECharts in a canvas) and the page still fits the screen.
    phone.wait_for_selector("[data-chart='chart-children'][data-drawn='1'] canvas")
    assert_fits(phone)

    # County → town → village through the child table's links, keeping the period.
    phone.locator("#fig-children").get_by_role("link", name="一镇", exact=True).click()
    assert phone.locator("h1").inner_text().startswith("一镇")
    assert "period=" in phone.url
    assert_fits(phone)
    phone.locator("#fig-children").get_by_role("link", name="一村", exact=True).click()
    assert phone.locator("h1").inner_text().startswith("一村")
    assert phone.locator("#card-consultations_held .value").inner_text().startswith("1")
    assert_fits(phone)

    # The export of a table arrives as an Excel file holding the numbers the page shows.
    with phone.expect_download() as info:
        phone.locator("#fig-topics_by_source").get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    from openpyxl import load_workbook

    path = download.path()
    wb = load_workbook(io.BytesIO(open(path, "rb").read()))  # noqa: SIM115
    rows = {r[0]: r[1] for r in wb.active.iter_rows(min_row=5, values_only=True)}
    assert rows["群众出题"] == 2
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_public_dashboard_on_a_phone(phone, live_server, world):
    _activity(world)
    phone.goto(f"{live_server.url}/public/units/{world.a.pk}/figures/")
    assert "公开统计" in phone.title()
    phone.wait_for_selector("[data-chart='chart-funnel'][data-drawn='1'] canvas")
    assert_fits(phone)
    phone.select_option("#period-select", str(timezone.localdate().year - 1))
    phone.get_by_role("button", name="查看").first.click()
    assert f"{timezone.localdate().year - 1}年" in phone.locator("#period-now").inner_text()
    assert phone.locator("#card-topics_raised .value").inner_text().startswith("0")
