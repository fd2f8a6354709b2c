"""Main paths of units, rooms, standards and assessments in a real browser."""

from datetime import date

from shangliang.units.models import Assessment
from tests.browser.conftest import assert_fits, login


def test_staff_drills_down_assesses_a_room_and_sees_coverage_change(page, live_server, world):
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/units/")
    # Staff land on their county and drill down: county → town → village.
    assert page.locator("h1").inner_text().startswith("甲县")
    assert "0 个有达标的议事室" in page.locator("#coverage-now").inner_text()
    page.get_by_role("link", name="一镇", exact=True).click()
    page.get_by_role("link", name="一村", exact=True).click()
    assert page.locator("h1").inner_text().startswith("一村")
    page.get_by_role("link", name="一村协商议事室").click()
    page.get_by_role("link", name="对照标准评估").click()

    page.fill("input[name=assessed_on]", date.today().isoformat())
    for fieldset in page.locator("fieldset[data-item]").all():
        fieldset.get_by_label("达标", exact=True).check()
    page.get_by_role("button", name="保存评估").click()
    page.wait_for_selector("text=评估已保存")
    assert Assessment.objects.get().passed

    # Back at the county, coverage now counts the village.
    page.goto(f"{live_server.url}/units/{world.a.pk}/")
    assert "1 个有达标的议事室" in page.locator("#coverage-now").inner_text()
    page.keyboard.press("Tab")  # the skip link is the first stop for keyboard users
    assert page.evaluate("document.activeElement.className") == "skip-link"


def test_public_unit_page_on_a_phone(phone, live_server, world):
    phone.goto(f"{live_server.url}/public/units/{world.t1.pk}/")
    assert phone.locator("h1").inner_text() == "一镇"
    assert phone.get_by_text("一镇协商议事室").is_visible()
    assert_fits(phone)
    phone.get_by_role("link", name="一村").click()
    assert phone.locator("h1").inner_text() == "一村"
    assert_fits(phone)


def test_internal_unit_page_fits_a_phone(phone, live_server, world):
    login(phone, live_server, "convenor")
    phone.goto(f"{live_server.url}/units/{world.t1.pk}/")
    assert phone.locator("h1").inner_text().startswith("一镇")
    assert_fits(phone)
