"""Pages: the public path (room form → tracking code → status), supports, the staff list, the topic page with
screening and approval, photos, QR codes. Every request runs under the N+1 guard (tests/settings.py)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django.urls import reverse

from shangliang.topics.models import Support, Topic, TopicPhoto, TopicStatus
from shangliang.topics.services import screening
from tests.conftest import fresh
from tests.topics.conftest import enter, key
from tests.uploads import png


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def post_concern(client, room, **overrides):
    data = {
        "title": "三楼以上水压不足",
        "description": "早晚高峰三楼以上没水。",
        "name": "李建国",
        "mobile": "13912345678",
        "contact_consent": "on",
        "idempotency_key": key(),
        **overrides,
    }
    return client.post(reverse("topics:submit", args=[room.pk]), data)


def test_name_and_number_are_kept_only_with_consent_and_the_whole_name_only_with_a_separate_one(client, world):
    from django.db import connection

    from shangliang.core.crypto import is_token
    from shangliang.residents.models import Consent

    room = world.rooms["一村"]
    refused = post_concern(client, room, contact_consent="")
    assert refused.status_code == 400 and "请勾选同意" in refused.content.decode()
    assert not Topic.objects.exists() and not Consent.objects.exists()
    assert post_concern(client, room).status_code == 302
    topic = Topic.objects.get()
    assert [c.purpose for c in Consent.objects.filter(subject_id=topic.pk)] == ["contact"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT mobile FROM topics_topic WHERE id = %s", [topic.pk])
        (column,) = cursor.fetchone()
    assert is_token(column) and topic.mobile == "13912345678"
    assert topic.public_submitter == "李**"
    post_concern(client, room, title="路灯不亮", publish_name="on")
    second = Topic.objects.get(title="路灯不亮")
    assert second.public_submitter == "李建国"
    assert set(Consent.objects.filter(subject_id=second.pk).values_list("purpose", flat=True)) == {"contact", "publish"}


def test_public_path_from_the_room_form_to_the_tracking_page(client, world):
    room = world.rooms["一村"]
    page = client.get(reverse("topics:submit", args=[room.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "我要提议题" in html and room.name in html and 'name="idempotency_key"' in html
    response = post_concern(client, room, photos=[png(), png("b.png")])
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("topics:thanks", args=[topic.tracking_code])
    thanks = client.get(response["Location"]).content.decode()
    assert topic.tracking_code in thanks
    track = client.get(reverse("topics:track", args=[topic.tracking_code.lower()]))
    body = track.content.decode()
    assert track.status_code == 200 and "待筛选" in body and "提交议题" in body
    assert "13912345678" not in body and "李建国" not in body  # no personal data on the public side
    photo = topic.photos.first()
    assert client.get(reverse("topics:track_photo", args=[topic.tracking_code, photo.pk])).status_code == 200
    assert client.get(reverse("topics:track", args=["NOSUCHCODE23"])).status_code == 404


def test_track_form_finds_the_code_or_says_so(client, world):
    topic = enter(world)
    spaced = f"{topic.tracking_code[:4]} {topic.tracking_code[4:].lower()}"
    response = client.get(reverse("topics:track_form"), {"code": spaced})
    assert response.status_code == 302 and topic.tracking_code in response["Location"]
    missing = client.get(reverse("topics:track_form"), {"code": "ABCDEFGHJKLM"})
    assert missing.status_code == 400 and "没有找到该查询码" in missing.content.decode()


def test_double_clicked_submit_creates_one_topic(client, world):
    room = world.rooms["一村"]
    k = key()
    first = post_concern(client, room, idempotency_key=k)
    second = post_concern(client, room, idempotency_key=k)
    assert first["Location"] == second["Location"]
    assert Topic.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "请填写标题"),
        ({"description": "字" * 2001}, "不能超过 2000 个字"),
        ({"mobile": "5551234"}, "11位中国大陆手机号码"),
        ({"name": ""}, "请填写反映人姓名"),
        ({"photos": [png(), png(), png(), png()]}, "最多上传 3 张照片"),
    ],
)
def test_bad_input_shows_a_message_and_stores_nothing(client, world, overrides, message):
    response = post_concern(client, world.rooms["一村"], **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Topic.objects.exists() and not TopicPhoto.objects.exists()


def test_forged_room_id_is_not_found(client, world):
    response = post_concern(client, type("R", (), {"pk": 999999})())
    assert response.status_code == 404
    assert not Topic.objects.exists()


def test_script_tags_are_shown_as_text(client, world):
    post_concern(client, world.rooms["一村"], title="<script>alert('x')</script>", description="<b>粗</b>")
    topic = Topic.objects.get()
    html = client.get(reverse("topics:track", args=[topic.tracking_code])).content.decode()
    assert "<script>alert" not in html and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;粗&lt;/b&gt;" in html


def test_rate_limited_submission_says_so(client, world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "topic_submit": {"each": (2, 3600), "network": (60, 3600)}}
    room = world.rooms["一村"]
    assert post_concern(client, room).status_code == 302
    assert post_concern(client, room).status_code == 302
    response = post_concern(client, room)
    assert response.status_code == 429 and "提交议题过于频繁" in response.content.decode()
    assert Topic.objects.count() == 2


def test_support_once_per_browser(client, world):
    topic = enter(world, unit=world.v1, room=world.rooms["一村"])
    url = reverse("topics:support", args=[topic.pk])
    response = client.post(url, {"next": reverse("topics:room", args=[world.rooms["一村"].pk])}, follow=True)
    assert "附议成功" in response.content.decode()
    assert client.cookies["sl_browser"].value
    again = client.post(url, follow=True)
    assert "每人只能附议一次" in again.content.decode()
    assert Support.objects.count() == 1 and Topic.objects.get(pk=topic.pk).supports_count == 1
    # Another browser (no cookie) is another person.
    from django.test import Client

    Client().post(url)
    assert Topic.objects.get(pk=topic.pk).supports_count == 2
    page = client.get(reverse("topics:public_topic", args=[topic.pk])).content.decode()
    assert "附议 2 人" in page and "王*" in page and "王大妈" not in page


def test_closed_or_forged_topics_cannot_be_supported(client, world, topic_in):
    rejected = topic_in(TopicStatus.REJECTED)
    assert client.post(reverse("topics:support", args=[rejected.pk])).status_code == 404
    assert client.post(reverse("topics:support", args=[999999])).status_code == 404
    assert client.get(reverse("topics:public_topic", args=[rejected.pk])).status_code == 404
    assert not Support.objects.exists()


def test_room_page_lists_open_topics_with_support_buttons(client, world, topic_in):
    room = world.rooms["一镇"]
    open_topic = topic_in(TopicStatus.ACCEPTED, room=room, title="公开的议题")
    topic_in(TopicStatus.REJECTED, room=room, title="不予协商的议题")
    html = client.get(reverse("topics:room", args=[room.pk])).content.decode()
    assert "公开的议题" in html and "不予协商的议题" not in html
    assert reverse("topics:support", args=[open_topic.pk]) in html


def test_public_similar_fragment(client, world, topic_in):
    topic_in(TopicStatus.ACCEPTED, unit=world.v1, title="小区停车难")
    topic_in(TopicStatus.RETURNED, unit=world.v1, title="停车难问题")
    html = client.get(
        reverse("topics:public_similar"), {"room": world.rooms["一村"].pk, "title": "停车难"}
    ).content.decode()
    assert "小区停车难" in html and "停车难问题" not in html


def test_qr_codes_and_poster(client, world, settings):
    settings.SITE_URL = "https://ysh.example.cn"
    room = world.rooms["一村"]
    url = f"https://ysh.example.cn{reverse('topics:submit', args=[room.pk])}"
    png_response = client.get(reverse("topics:qr_png", args=[room.pk]), {"download": "1"})
    assert png_response["Content-Type"] == "image/png" and png_response.content[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png_response["Content-Disposition"]
    svg = client.get(reverse("topics:qr_svg", args=[room.pk]))
    assert svg["Content-Type"] == "image/svg+xml"
    ET.fromstring(svg.content)  # well-formed
    poster = client.get(reverse("topics:poster", args=[room.pk])).content.decode()
    assert url in poster and room.name in poster and "三议" in poster
    # The URL in the code is the configured site, not the request's Host header.
    forged = client.get(reverse("topics:poster", args=[room.pk]), HTTP_HOST="testserver").content.decode()
    assert "https://ysh.example.cn" in forged
    assert client.get(reverse("topics:qr_png", args=[999999])).status_code == 404


def test_the_png_qr_holds_the_submission_url(client, world, settings):
    """Read the PNG's modules back and compare them with the QR symbol of the expected URL (no decoder needed)."""
    import io

    import segno
    from PIL import Image

    from shangliang.topics.views.public import submission_url

    settings.SITE_URL = "https://ysh.example.cn/"
    room = world.rooms["一村"]
    assert submission_url(room) == f"https://ysh.example.cn/public/rooms/{room.pk}/new/"
    expected = [list(row) for row in segno.make(submission_url(room), error="m").matrix]
    image = Image.open(io.BytesIO(client.get(reverse("topics:qr_png", args=[room.pk])).content)).convert("L")
    n, scale, border = len(expected), 12, 4
    assert image.size == ((n + 2 * border) * scale,) * 2
    pixel = lambda r, c: image.getpixel(((c + border) * scale + scale // 2, (r + border) * scale + scale // 2))  # noqa: E731
    read = [[1 if pixel(r, c) < 128 else 0 for c in range(n)] for r in range(n)]
    assert read == expected


def test_public_unit_page_links_each_rooms_form(client, world):
    public = client.get(reverse("public:unit", args=[world.v1.pk])).content.decode()
    room = world.rooms["一村"]
    assert reverse("topics:submit", args=[room.pk]) in public and "我要提议题" in public
    assert reverse("topics:room", args=[room.pk]) in public


def test_room_page_links_the_poster(client, world):
    client.force_login(world.users["convenor"])
    room = world.rooms["一村"]
    assert (
        reverse("topics:poster", args=[room.pk]) in client.get(reverse("units:room", args=[room.pk])).content.decode()
    )


# --- inside the app ------------------------------------------------------------------------------------------------


def test_list_shows_what_the_user_may_see(client, world):
    mine = enter(world, unit=world.v1, title="一村的停车难")
    other = enter(world, unit=world.t2, title="二镇的议题")
    client.force_login(world.users["convenor"])
    html = client.get(reverse("topics:list")).content.decode()
    assert mine.title in html and other.title not in html
    client.force_login(world.users["staff"])
    html = client.get(reverse("topics:list"), {"q": "停车", "status": "submitted"}).content.decode()
    assert mine.title in html and other.title not in html
    client.force_login(world.users["stranger"])
    html = client.get(reverse("topics:list")).content.decode()
    assert "没有符合条件的议题" in html


def test_list_filters_by_unit_subtree_and_rejects_forged_unit(client, world):
    enter(world, unit=world.v1, title="一村议题")
    enter(world, unit=world.t2, title="二镇议题")
    client.force_login(world.users["staff"])
    html = client.get(reverse("topics:list"), {"unit": world.t1.pk}).content.decode()
    assert "一村议题" in html and "二镇议题" not in html
    forged = client.get(reverse("topics:list"), {"unit": world.vb.pk}).content.decode()
    assert "所选单元不在您可查看的范围内" in forged


def test_list_is_paginated_and_urgent_first(client, world, settings):
    settings.PAGE_SIZE = 5
    for i in range(7):
        enter(world, title=f"普通议题{i}")
    enter(world, title="紧急议题", urgent=True)
    client.force_login(world.users["staff"])
    html = client.get(reverse("topics:list")).content.decode()
    assert html.index("紧急议题") < html.index("普通议题6")
    assert "第 1 / 2 页" in html
    assert "普通议题0" in client.get(reverse("topics:list"), {"page": 2}).content.decode()


def test_login_required_inside_the_app(client, world):
    topic = enter(world)
    for url in (reverse("topics:list"), reverse("topics:detail", args=[topic.pk]), reverse("topics:import")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("role", "status", "mobile"),
    [
        ("staff", 200, "13812345678"),
        ("convenor", 200, "13812345678"),
        ("approver", 200, "138****5678"),
        ("liaison", 200, "138****5678"),
        ("member", 200, "138****5678"),
        ("resident", 403, None),
        ("department", 403, None),
    ],
)
def test_topic_page_and_masked_mobile(client, world, role, status, mobile):
    topic = enter(world, unit=world.v1)
    client.force_login(world.users[role])
    response = client.get(reverse("topics:detail", args=[topic.pk]))
    assert response.status_code == status
    if mobile:
        found = re.search(r'<span id="mobile">([^<]+)</span>', response.content.decode())
        assert found.group(1) == mobile


def test_convenor_screens_and_approver_approves_over_http(client, world):
    topic = enter(world)
    client.force_login(world.users["convenor"])
    page = client.get(reverse("topics:detail", args=[topic.pk])).content.decode()
    assert "筛选（三议四不议）" in page and "审定（同级党组织）" not in page
    url = reverse("topics:screen", args=[topic.pk])
    missing = client.post(url, {"decision": "reject", "reason": "unfair", "note": ""})
    assert missing.status_code == 400 and "需要填写说明" in missing.content.decode()
    no_category = client.post(url, {"decision": "accept"})
    assert no_category.status_code == 400 and "请选择议题类别" in no_category.content.decode()
    assert client.post(url, {"decision": "accept", "category": "livelihood", "urgent": "on"}).status_code == 302
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ACCEPTED and topic.urgent
    client.force_login(world.users["approver"])
    page = client.get(reverse("topics:detail", args=[topic.pk])).content.decode()
    assert "审定（同级党组织）" in page and "筛选（三议四不议）" not in page
    decide = reverse("topics:decide", args=[topic.pk])
    assert client.post(decide, {"decision": "decline", "note": ""}).status_code == 400
    assert client.post(decide, {"decision": "approve", "note": "同意协商"}).status_code == 302
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.APPROVED


def test_screening_by_someone_not_allowed_is_a_clear_refusal(client, world):
    topic = enter(world)
    client.force_login(world.users["liaison"])  # sees the topic, may not screen: refused before the input is read
    response = client.post(
        reverse("topics:screen", args=[topic.pk]),
        {"decision": "accept", "category": "livelihood"},
        HTTP_REFERER=f"http://testserver{reverse('topics:detail', args=[topic.pk])}",
    )
    assert response.status_code == 403
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED
    client.force_login(world.users["department"])  # does not even see it
    assert client.post(reverse("topics:screen", args=[topic.pk]), {"decision": "accept"}).status_code == 403


def test_merge_over_http_with_candidates_and_forged_id(client, world):
    target = enter(world, title="小区停车难，车位不足")
    topic = enter(world, title="停车难，希望增加车位")
    client.force_login(world.users["convenor"])
    page = client.get(reverse("topics:detail", args=[topic.pk])).content.decode()
    assert f'value="{target.pk}"' in page  # offered as a merge candidate
    url = reverse("topics:screen", args=[topic.pk])
    forged = client.post(url, {"decision": "merge", "merge_into_id": 999999})
    assert forged.status_code == 400 and "编号为 999999 的议题不存在" in forged.content.decode()
    assert client.post(url, {"decision": "merge", "merge_into": target.pk, "note": "重复"}).status_code == 302
    topic.refresh_from_db()
    assert topic.status == TopicStatus.MERGED and topic.merged_into == target


def test_refer_over_http(client, world):
    topic = enter(world)
    client.force_login(world.users["convenor"])
    response = client.post(
        reverse("topics:screen", args=[topic.pk]),
        {"decision": "refer", "department": world.department.pk, "referred_to": ""},
    )
    assert response.status_code == 302
    assert Topic.objects.get(pk=topic.pk).referred_to == "住建局"


def test_urgent_toggle(client, world):
    topic = enter(world)
    client.force_login(world.users["convenor"])
    client.post(reverse("topics:urgent", args=[topic.pk]), {"urgent": "True"})
    assert Topic.objects.get(pk=topic.pk).urgent
    client.force_login(world.users["liaison"])
    assert client.post(reverse("topics:urgent", args=[topic.pk]), {"urgent": ""}).status_code == 403


def test_photos_only_for_viewers(client, world):
    topic = enter(world, photos=[png()])
    photo = topic.photos.get()
    url = reverse("topics:photo", args=[topic.pk, photo.pk])
    client.force_login(world.users["approver"])
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.users["resident"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("role", "source", "status"),
    [
        ("liaison", "grid", 200),
        ("member", "grid", 403),
        ("member", "member", 200),
        ("approver", "assigned", 200),
        ("liaison", "assigned", 403),
        ("resident", "grid", 403),
        ("staff", "bogus", 404),
    ],
)
def test_entry_pages(client, world, role, source, status):
    client.force_login(world.users[role])
    assert client.get(reverse("topics:enter", args=[source])).status_code == status


def test_liaison_enters_on_behalf_and_forged_unit_is_refused(client, world):
    client.force_login(world.users["liaison"])
    url = reverse("topics:enter", args=["grid"])
    data = {
        "title": "垃圾清运不及时",
        "description": "村西头垃圾点三天没清运。",
        "name": "赵大爷",
        "mobile": "13700001111",
    }
    forged = client.post(url, {**data, "unit": world.vb.pk, "idempotency_key": key()})
    assert forged.status_code == 400 and "请从查找结果中选择可以录入议题的单元" in forged.content.decode()
    assert not Topic.objects.exists()
    done = client.post(url, {**data, "unit": world.v1.pk, "idempotency_key": key(), "urgent": "on"})
    topic = Topic.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("topics:detail", args=[topic.pk])
    assert (topic.source, topic.unit, topic.submitter, topic.urgent) == ("grid", world.v1, world.users["liaison"], True)


def test_resubmit_a_returned_topic_inside_the_app(client, world, topic_in):
    topic = topic_in(TopicStatus.RETURNED)  # entered by staff
    client.force_login(world.users["staff"])
    url = reverse("topics:resubmit", args=[topic.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": topic.title, "description": "补充：涉及3号楼、5号楼", "note": "已补充"})
    assert response.status_code == 302
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED


def test_resubmit_through_the_tracking_code(client, world):
    post_concern(client, world.rooms["一村"])
    topic = Topic.objects.get()
    screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="return", note="请写明楼栋")
    page = client.get(reverse("topics:track", args=[topic.tracking_code])).content.decode()
    assert "请写明楼栋" in page and "补充材料后重新提交" in page
    response = client.post(
        reverse("topics:track_resubmit", args=[topic.tracking_code]),
        {"title": topic.title, "description": "3号楼、5号楼三层以上", "note": ""},
    )
    assert response.status_code == 302
    assert Topic.objects.get(pk=topic.pk).status == TopicStatus.SUBMITTED


def test_staff_similar_fragment_respects_visibility(client, world):
    enter(world, unit=world.v1, title="小区停车难")
    client.force_login(world.users["liaison"])
    html = client.get(reverse("topics:similar"), {"unit": world.t1.pk, "title": "停车难"}).content.decode()
    assert "小区停车难" in html
    client.force_login(world.users["department"])
    html = client.get(reverse("topics:similar"), {"unit": world.t1.pk, "title": "停车难"}).content.decode()
    assert "小区停车难" not in html


def test_forged_topic_ids_are_not_found(client, world):
    client.force_login(world.users["staff"])
    for url in (
        reverse("topics:detail", args=[999999]),
        reverse("topics:resubmit", args=[999999]),
        reverse("topics:photo", args=[999999, 1]),
    ):
        assert client.get(url).status_code == 404, url
    for url in (reverse("topics:screen", args=[999999]), reverse("topics:decide", args=[999999])):
        assert client.post(url, {"decision": "accept", "category": "livelihood"}).status_code == 404, url
    topic = enter(world)
    other = enter(world, photos=[png()])
    # A photo of another topic is not reachable through this topic's URL (nor through its tracking code).
    photo = other.photos.get()
    assert client.get(reverse("topics:photo", args=[topic.pk, photo.pk])).status_code == 404
    assert client.get(reverse("topics:track_photo", args=[topic.tracking_code, photo.pk])).status_code == 404
    assert not Topic.objects.exclude(pk__in=[topic.pk, other.pk]).exists()
