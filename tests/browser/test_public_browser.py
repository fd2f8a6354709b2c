"""Issue 14, the public side in a real browser: QR codes built from the address the site is served on; print layouts
rendered to A4 PDF by Chromium; the projection view of the sign-in QR."""

import io
import unicodedata

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from tests.browser.conftest import login
from tests.consultations.conftest import S, make, people  # noqa: F401  (people: the participants' fixture)
from tests.online.rooms import make_room


def decode(png: bytes) -> list[str]:
    """The texts of every QR code in a screenshot (a real decoder: what a phone's camera would open)."""
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))]


@pytest.fixture
def unset_site_url(settings):
    """As `PORT=8765 make run` serves: no SITE_URL configured, the site answers on a port other than 8000."""
    settings.SITE_URL = ""


def test_every_qr_opens_the_address_the_site_is_served_on(page, live_server, world, people, unset_site_url):  # noqa: F811
    assert not live_server.url.endswith(":8000")
    room = world.rooms["一村"]
    page.goto(f"{live_server.url}/public/rooms/{room.pk}/poster/")
    expected = f"{live_server.url}/public/rooms/{room.pk}/new/"
    assert expected in page.locator(".poster .url").inner_text()
    assert decode(page.locator(".poster img").screenshot()) == [expected]

    online = make_room(world)
    page.goto(f"{live_server.url}/public/online/{online.pk}/poster/")
    assert decode(page.locator(".poster img").screenshot()) == [f"{live_server.url}/public/online/{online.pk}/"]

    c = make(world, people, S.IN_SESSION)
    login(page, live_server, "convenor")
    page.goto(f"{live_server.url}/consultations/{c.pk}/meeting/")
    page.wait_for_function("document.querySelector('img.qr').complete")
    assert decode(page.locator("img.qr").screenshot()) == [f"{live_server.url}/public/signin/{c.signin_code}/"]


def test_a_configured_site_url_wins_over_the_request_host(page, live_server, world, settings):
    settings.SITE_URL = "https://ysh.example.cn/"
    room = world.rooms["一村"]
    page.goto(f"{live_server.url}/public/rooms/{room.pk}/poster/")
    assert decode(page.locator(".poster img").screenshot()) == [f"https://ysh.example.cn/public/rooms/{room.pk}/new/"]


RADICALS = str.maketrans("⻓⻋⻅⻔⻢⻛⻜⻦⻥⻉⻚⻝⻩⻬⻰⻮⻆⻈⻙⻄⻘", "长车见门马风飞鸟鱼贝页饣黄齐龙齿角讠韦西青")


def pdf_text(pdf: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "".join(page.extract_text() or "" for page in reader.pages)
    # The CJK font shares glyphs between some characters and radicals, so the text comes back with radical forms:
    # Kangxi radicals (⼀ for 一) fold under NFKC, the simplified supplement forms (⻓ for 长) by the table.
    text = unicodedata.normalize("NFKC", text).translate(RADICALS)
    return len(reader.pages), text.replace(" ", "").replace("\n", "")


def print_check(page, url: str, live_url: str, *fields: str) -> None:
    """Chromium prints the page to A4 (page.pdf honours @page); the PDF has the key fields and fits a bulletin board,
    and the QR code in the print rendering opens the live page."""
    page.goto(url)
    page.emulate_media(media="print")
    assert not page.locator(".print-actions").is_visible()
    pages, text = pdf_text(page.pdf(prefer_css_page_size=True, print_background=True))
    assert 1 <= pages <= 2, pages
    for field in fields:
        assert field in text, (field, text[:400])
    assert decode(page.locator(".sheet-qr svg").screenshot()) == [live_url]
    page.emulate_media(media="screen")


def test_print_layouts_render_to_a4_pdf_with_their_qr(page, live_server, world, people, unset_site_url):  # noqa: F811
    from shangliang.villageaffairs import services as va
    from tests.accountability.conftest import assign
    from tests.villageaffairs.conftest import disclosure_data, make_power_items

    results = make(world, people, S.SUBMITTED)
    assign(world, results)
    print_check(
        page,
        f"{live_server.url}/public/consultations/{results.pk}/print/",
        f"{live_server.url}/public/consultations/{results.pk}/",
        "协商成果公示",
        "王科长",
        "住建局",
    )

    items = make_power_items(world.a)
    d = va.disclosure_create(actor=world.users["staff"], unit=world.v1, **disclosure_data(next(iter(items.values()))))
    va.disclosure_publish(actor=world.users["staff"], disclosure=d)
    print_check(
        page,
        f"{live_server.url}/public/disclosures/{d.pk}/print/",
        f"{live_server.url}/public/disclosures/{d.pk}/",
        "村务公开",
        "村道硬化工程",
        "128,000.50",
    )

    meeting = make(world, people, S.IN_SESSION)
    login(page, live_server, "convenor")
    signin = f"{live_server.url}/public/signin/{meeting.signin_code}/"
    print_check(page, f"{live_server.url}/consultations/{meeting.pk}/print/signin/", signin, "签到表", "赵大姐", "签名")
    print_check(
        page,
        f"{live_server.url}/consultations/{meeting.pk}/print/agenda/",
        f"{live_server.url}/public/consultations/{meeting.pk}/take-part/",
        "会议议程",
    )

    # The projection view: the sign-in code fills a wall screen and still decodes.
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(f"{live_server.url}/consultations/{meeting.pk}/meeting/projection/")
    box = page.locator("svg.qr").bounding_box()
    assert box["height"] >= 400
    assert decode(page.locator("svg.qr").screenshot()) == [signin]
    assert "已签到 0 / 4 人" in page.locator("#projection-count").inner_text()
