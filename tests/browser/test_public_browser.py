"""Issue 14, the public side in a real browser: QR codes built from the address the site is served on."""

import io

import pytest
import zxingcpp
from PIL import Image

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
