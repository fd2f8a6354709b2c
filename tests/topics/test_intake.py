"""Intake from the four sources, and bad input: each refused with a clear Chinese message, nothing stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from shangliang.core.errors import InvalidInput, NotAllowed
from shangliang.core.events import timeline
from shangliang.topics import services
from shangliang.topics.models import CODE_ALPHABET, Topic, TopicPhoto, TopicSource
from tests.conftest import fresh
from tests.topics.conftest import key
from tests.uploads import png

ANON = services.TrackingCodeHolder("")


def submit(world, **kw):
    actor = kw.pop("actor", ANON)
    fields = {
        "room": world.rooms["一村"],
        "title": "三楼以上水压不足",
        "description": "早晚用水高峰时三楼以上基本没水。",
        "anonymous": False,
        "name": "李建国",
        "mobile": "13912345678",
        "contact_consent": True,
        **kw,
    }
    return services.topic_submit(actor=actor, **fields)


def nothing_stored():
    assert Topic.objects.count() == 0
    assert TopicPhoto.objects.count() == 0


def test_resident_submits_at_a_room_without_an_account(world):
    topic = submit(world, photos=[png(), png("b.png")], idempotency_key=key())
    assert topic.source == TopicSource.RESIDENT
    assert topic.unit == world.v1 and topic.room == world.rooms["一村"]
    assert topic.submitter is None and topic.submitted_by_name == "李建国"
    assert topic.photos.count() == 2
    assert all(
        p.image.name.startswith("topics/") and not p.image.name.endswith("photo.png") for p in topic.photos.all()
    )
    assert len(topic.tracking_code) == 12 and set(topic.tracking_code) <= set(CODE_ALPHABET)
    assert " 水压 " in topic.search_terms
    [event] = timeline(topic)
    assert (event.action, event.to_state, event.public, event.actor) == ("submit", "submitted", True, None)


def test_tracking_codes_differ(world):
    codes = {submit(world, anonymous=True).tracking_code for _ in range(20)}
    assert len(codes) == 20


def test_anonymous_keeps_no_name(world):
    topic = submit(world, anonymous=True, name="李建国")
    assert topic.anonymous and topic.submitted_by_name == ""
    assert topic.public_submitter == "匿名"


def test_public_name_is_masked_for_residents_but_not_for_bodies(world):
    assert submit(world, name="欧阳明月").public_submitter == "欧**"
    assigned = services.topic_enter(
        actor=fresh(world.users["approver"]),
        unit=world.t1,
        source=TopicSource.ASSIGNED,
        title="推进老旧小区改造",
        description="镇党委点题：老旧小区改造的资金筹措和居民意愿。",
        name="一镇党委",
    )
    assert assigned.public_submitter == "一镇党委"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title": ""}, "title", "请填写标题"),
        ({"title": "   "}, "title", "请填写标题"),
        ({"description": ""}, "description", "请填写详细描述"),
        ({"title": "长" * 101}, "title", "不能超过 100 个字"),
        ({"description": "长" * 2001}, "description", "不能超过 2000 个字"),
        ({"name": ""}, "name", "请填写反映人姓名"),
        ({"title": "标题\x00"}, "title", "无效字符"),
        ({"mobile": "12345"}, "mobile", "11位中国大陆手机号码"),
        ({"mobile": "+852 91234567"}, "mobile", "11位中国大陆手机号码"),
        ({"mobile": "23812345678"}, "mobile", "11位中国大陆手机号码"),
        ({"idempotency_key": "bad key!"}, None, "表单已失效"),
    ],
)
def test_bad_text_is_refused_and_nothing_stored(world, fields, field, message):
    with pytest.raises(InvalidInput) as refusal:
        submit(world, **fields)
    assert refusal.value.field == field
    assert message in str(refusal.value.message)
    nothing_stored()


def test_mobile_forms_accepted(world):
    assert submit(world, mobile="+86 138-1234-5678").mobile == "13812345678"
    assert submit(world, mobile="").mobile == ""


def test_script_tags_are_kept_as_text(world):
    topic = submit(world, title="<script>alert(1)</script>路灯", description="<img src=x onerror=alert(1)>")
    assert topic.title == "<script>alert(1)</script>路灯"  # stored as typed; templates escape it (see view tests)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.jpg", b"this is not an image", content_type="image/jpeg"), "不是有效的图片"),
        (SimpleUploadedFile("a.png", b"", content_type="image/png"), "空文件"),
        (SimpleUploadedFile("a.pdf", b"%PDF-1.4 fake", content_type="application/pdf"), "不是有效的图片"),
    ],
)
def test_non_images_are_refused(world, upload, message):
    with pytest.raises(InvalidInput) as refusal:
        submit(world, photos=[png(), upload])
    assert message in str(refusal.value.message)
    assert refusal.value.field == "photos"
    nothing_stored()


@override_settings(MAX_UPLOAD_IMAGE_BYTES=50_000)
def test_huge_photo_is_refused(world):
    buf = io.BytesIO()
    Image.effect_noise((400, 400), 100).convert("RGB").save(buf, "PNG")
    assert len(buf.getvalue()) > 50_000
    with pytest.raises(InvalidInput) as refusal:
        submit(world, photos=[SimpleUploadedFile("big.png", buf.getvalue(), content_type="image/png")])
    assert "图片过大" in str(refusal.value.message)
    nothing_stored()


def test_at_most_three_photos(world):
    with pytest.raises(InvalidInput) as refusal:
        submit(world, photos=[png(), png(), png(), png()])
    assert "最多上传 3 张照片" in str(refusal.value.message)
    nothing_stored()


def test_double_submit_creates_one_topic(world):
    k = key()
    first = submit(world, idempotency_key=k, photos=[png()])
    second = submit(world, idempotency_key=k, photos=[png()])
    assert first.pk == second.pk and second.replayed and not first.replayed
    assert Topic.objects.count() == 1 and TopicPhoto.objects.count() == 1
    assert timeline(first).count() == 1


def test_replayed_key_at_another_room_is_refused(world):
    k = key()
    submit(world, idempotency_key=k)
    with pytest.raises(InvalidInput):
        submit(world, idempotency_key=k, room=world.rooms["二村"])
    assert Topic.objects.count() == 1


def test_inactive_unit_is_refused(world):
    world.v1.is_active = False
    world.v1.save()
    with pytest.raises(InvalidInput) as refusal:
        submit(world)
    assert "已撤销" in str(refusal.value.message)
    nothing_stored()


def test_room_of_another_unit_is_refused(world):
    with pytest.raises(InvalidInput) as refusal:
        services.topic_enter(
            actor=fresh(world.users["liaison"]),
            unit=world.v1,
            room=world.rooms["乙村"],
            source=TopicSource.GRID,
            title="t",
            description="d",
            name="张三",
        )
    assert refusal.value.field == "room"
    nothing_stored()


@pytest.mark.parametrize(
    ("role", "source", "place", "allowed"),
    [
        ("liaison", TopicSource.GRID, "v1", True),
        ("liaison", TopicSource.GRID, "t2", False),
        ("liaison", TopicSource.MEMBER, "t1", False),
        ("member", TopicSource.MEMBER, "v2", True),
        ("member", TopicSource.MEMBER, "vb", False),
        ("member", TopicSource.ASSIGNED, "t1", False),
        ("approver", TopicSource.ASSIGNED, "t1", True),
        ("approver", TopicSource.ASSIGNED, "t2", False),
        ("staff", TopicSource.ASSIGNED, "t2", True),
        ("staff", TopicSource.GRID, "tb", False),
        ("resident", TopicSource.GRID, "v1", False),
        ("convenor", TopicSource.GRID, "v2", True),
    ],
)
def test_who_enters_which_source_where(world, role, source, place, allowed):
    call = lambda: services.topic_enter(  # noqa: E731
        actor=fresh(world.users[role]),
        unit=getattr(world, place),
        source=source,
        title="议题",
        description="说明",
        name="一镇党委" if source == TopicSource.ASSIGNED else "张三",
    )
    if allowed:
        topic = call()
        assert topic.source == source and topic.submitter == world.users[role]
    else:
        with pytest.raises(NotAllowed):
            call()
        nothing_stored()


def test_member_recommendation_carries_the_members_name(world):
    topic = services.topic_enter(
        actor=fresh(world.users["member"]),
        unit=world.v1,
        source=TopicSource.MEMBER,
        title="黑木耳产业发展",
        description="建议就黑木耳产业链协商。",
        name="冒名",
        anonymous=True,
    )
    assert topic.submitted_by_name == world.users["member"].display_name and not topic.anonymous


def test_resident_source_is_not_entered_from_inside(world):
    with pytest.raises(InvalidInput) as refusal:
        services.topic_enter(
            actor=fresh(world.users["staff"]), unit=world.t1, source=TopicSource.RESIDENT, title="t", description="d"
        )
    assert refusal.value.field == "source"


def test_logged_in_resident_submits_as_themselves(world):
    resident = fresh(world.users["resident"])
    topic = submit(world, actor=resident)
    assert topic.submitter == world.users["resident"]
    assert resident.has_perm("topics.view_topic", topic)


def test_urgent_flag(world):
    topic = submit(world)
    convenor = fresh(world.users["convenor"])
    services.topic_set_urgent(topic=topic, actor=convenor, urgent=True, note="汛期临近")
    assert Topic.objects.get(pk=topic.pk).urgent
    with pytest.raises(InvalidInput):
        services.topic_set_urgent(topic=topic, actor=convenor, urgent=True)
    with pytest.raises(NotAllowed):
        services.topic_set_urgent(topic=topic, actor=fresh(world.users["liaison"]), urgent=False)
    assert [e.action for e in timeline(topic)] == ["submit", "set_urgent"]
    assert not timeline(topic).get(action="set_urgent").public
