"""Paper where offices use paper (issue 14): A4 layouts of the result notice (成果公示), a village-affairs disclosure,
the meeting's sign-in sheet and agenda, each with a QR code of the live page; the projection view of the sign-in QR."""

import re

import pytest
import segno
from django.urls import reverse

from tests.accountability.conftest import assign, consultation  # noqa: F401 (fixture)
from tests.consultations.conftest import S, make, people  # noqa: F401 (fixture)
from tests.villageaffairs.conftest import va  # noqa: F401 (fixture)


def svg_of(url: str) -> str:
    """The inline SVG the page should hold for `url` (same encoder, same options as the qr_svg tag)."""
    return segno.make(url, error="m").svg_inline(scale=10, border=4, dark="#000", light="#fff", svgclass="qr")


def path_data(svg: str) -> str:
    return re.search(r'class="qrline"[^>]* d="([^"]+)"', svg).group(1)


def check_sheet(html: str, live_url: str, *fields: str) -> None:
    assert "@page" not in html  # the layout's CSS is a file (print.css), allowed by the CSP
    assert 'href="/static/css/print.css"' in html
    assert f'<p class="url">{live_url}</p>' in html
    assert path_data(svg_of(live_url)) in html, "the QR code does not encode the live page"
    for field in fields:
        assert field in html, field


@pytest.fixture
def site(settings):
    settings.SITE_URL = "https://ysh.example.cn"
    return "https://ysh.example.cn"


def test_result_notice(client, world, consultation, site):  # noqa: F811
    assign(world, consultation)
    url = reverse("accountability:public_consultation_print", args=[consultation.pk])
    html = client.get(url).content.decode()
    live = site + reverse("accountability:public_consultation", args=[consultation.pk])
    check_sheet(html, live, "协商成果公示", consultation.title, "王科长", "住建局", "扫码查看办理进展")
    assert url in client.get(reverse("accountability:public_consultation", args=[consultation.pk])).content.decode()


def test_result_notice_is_only_for_posted_results(client, world, people):  # noqa: F811
    c = make(world, people, S.IN_SESSION)
    assert client.get(reverse("accountability:public_consultation_print", args=[c.pk])).status_code == 404


def test_disclosure(client, va, site):  # noqa: F811
    d = va.published
    html = client.get(reverse("villageaffairs:public_disclosure_print", args=[d.pk])).content.decode()
    live = site + reverse("villageaffairs:public_disclosure", args=[d.pk])
    check_sheet(html, live, "村务公开", d.title, "128,000.50", "公示期", "公示中")
    draft = reverse("villageaffairs:public_disclosure_print", args=[va.draft.pk])
    assert client.get(draft).status_code == 404  # a draft is not public


def test_meeting_sheets_and_projection(client, world, people, site):  # noqa: F811
    c = make(world, people, S.IN_SESSION)
    signin = site + reverse("consultations:signin", args=[c.signin_code])
    client.force_login(world.users["convenor"])
    meeting = client.get(reverse("consultations:meeting", args=[c.pk])).content.decode()
    for name in ("projection", "print_signin", "print_agenda"):
        assert reverse(f"consultations:{name}", args=[c.pk]) in meeting
    sheet = client.get(reverse("consultations:print_signin", args=[c.pk])).content.decode()
    check_sheet(sheet, signin, "签到表", c.title, "签名", people.alice.display_name, "赵大姐")
    agenda = client.get(reverse("consultations:print_agenda", args=[c.pk])).content.decode()
    check_sheet(agenda, site + reverse("consultations:take_part", args=[c.pk]), "会议议程", c.title)
    wall = client.get(reverse("consultations:projection", args=[c.pk])).content.decode()
    assert path_data(svg_of(signin)) in wall and "已签到 0 / 4 人" in wall
    client.post(reverse("consultations:tick", args=[c.pk, c.participants.get(user=people.alice).pk]))
    count = client.get(reverse("consultations:projection_count", args=[c.pk])).content.decode()
    assert "已签到 1 / 4 人" in count


@pytest.mark.parametrize("user", ["resident", "member", "stranger"])
def test_meeting_sheets_are_the_convenors(client, world, people, user):  # noqa: F811
    c = make(world, people, S.SCHEDULED)
    client.force_login(world.users[user])
    for name in ("projection", "print_signin", "print_agenda", "projection_count"):
        assert client.get(reverse(f"consultations:{name}", args=[c.pk])).status_code == 403
