"""A resident's own data: requests answered by the office in time, consent withdrawal, retention."""

from datetime import timedelta

import pytest
from django.urls import reverse

from shangliang.core import clock
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.residents import own_data, services
from shangliang.residents.models import Consent, CountyPrivacySettings, DataRequest, SmsCode
from shangliang.topics.models import Topic
from tests.conftest import fresh, mobile_visitor

MOBILE = "13912345678"


def test_a_request_is_due_within_the_countys_time_and_answered_once(world):
    CountyPrivacySettings.objects.create(county=world.a, answer_days=10)
    request = own_data.data_request_create(
        visitor=mobile_visitor(MOBILE), county=world.a, kind="correct", text="姓名写错"
    )
    assert request.due_on == clock.today() + timedelta(days=10) and request.mobile_masked == "139****5678"
    with pytest.raises(NotAllowed):
        own_data.data_request_answer(actor=fresh(world.users["convenor"]), request=request, decision="done")
    with pytest.raises(NotAllowed):  # staff of another county
        from shangliang.people.models import Role
        from tests.factories import UserFactory, assign

        other = UserFactory(username="staff_b")
        assign(other, Role.CPPCC_STAFF, world.b)
        own_data.data_request_answer(actor=fresh(other), request=request, decision="done")
    staff = fresh(world.users["staff"])
    with pytest.raises(InvalidInput):
        own_data.data_request_answer(actor=staff, request=request, decision="refused", answer="")
    own_data.data_request_answer(actor=staff, request=request, decision="done", answer="已更正")
    with pytest.raises(NotPossible):
        own_data.data_request_answer(actor=staff, request=request, decision="done")


@pytest.mark.parametrize(("kind", "text", "field"), [("", "", "kind"), ("correct", "", "text"), ("forge", "x", "kind")])
def test_bad_requests_change_nothing(world, kind, text, field):
    with pytest.raises(InvalidInput) as refused:
        own_data.data_request_create(visitor=mobile_visitor(MOBILE), county=world.a, kind=kind, text=text)
    assert refused.value.field == field and not DataRequest.objects.exists()


def test_nobody_unidentified_asks_or_sees(world, client):
    with pytest.raises(NotAllowed):
        own_data.data_request_create(visitor=mobile_visitor(), county=world.a, kind="delete")
    page = client.get(reverse("residents:mine")).content.decode()
    assert reverse("residents:verify") in page and "下载（JSON）" not in page
    assert client.get(reverse("residents:mine_json")).status_code == 403


def test_withdrawing_the_publish_consent_masks_the_name_again(world, client, verify_mobile):
    verify_mobile(client, MOBILE)
    data = {"title": "路灯", "description": "坏了", "name": "李建国", "contact_consent": "on", "publish_name": "on"}
    client.post(reverse("topics:submit", args=[world.rooms["一村"].pk]), {**data, "idempotency_key": "p" * 32})
    topic = Topic.objects.get()
    assert topic.public_submitter == "李建国"
    consent = Consent.objects.get(purpose="publish")
    assert client.post(reverse("residents:withdraw", args=[consent.pk])).status_code == 302
    assert Topic.objects.get(pk=topic.pk).public_submitter == "李**"
    other = mobile_visitor("13700000000")
    contact = Consent.objects.get(purpose="contact")
    with pytest.raises(NotAllowed):
        services.consent_withdraw(visitor=other, consent=contact)


def test_retention_deletes_old_codes_and_the_office_sets_the_times(world, client):
    SmsCode.objects.create(
        mobile_hash="a" * 64, code_hash="b" * 64, created_at=clock.now() - timedelta(days=31), expires_at=clock.now()
    )
    SmsCode.objects.create(mobile_hash="c" * 64, code_hash="d" * 64, created_at=clock.now(), expires_at=clock.now())
    line = own_data.retention_line(clock.today())
    assert "删除过期验证记录 1 条" in line and SmsCode.objects.count() == 1
    client.force_login(world.users["staff"])
    url = reverse("residents:requests", args=[world.a.pk])
    bad = {"settings": "1", "contact_days": "0", "verification_days": "30", "photo_days": "30", "answer_days": "15"}
    client.post(url, bad)
    assert not CountyPrivacySettings.objects.exists()
    client.post(url, {**bad, "contact_days": "180"})
    assert CountyPrivacySettings.objects.get(county=world.a).contact_days == 180
    client.force_login(world.users["convenor"])
    assert client.get(url).status_code == 403


def _raise_topic(room, title: str, mobile: str = MOBILE):
    from django.contrib.auth.models import AnonymousUser

    from shangliang.topics import services as topic_services

    return topic_services.topic_submit(
        actor=AnonymousUser(),
        room=room,
        title=title,
        description="……",
        anonymous=False,
        name="王五",
        mobile=mobile,
        contact_consent=True,
    )


def _checked(page: str, county) -> bool:
    return f'value="{county.pk}" checked' in page


def test_the_request_goes_by_default_to_the_county_of_the_residents_data(world, client, verify_mobile):
    """Issue 14: 受理的县（区） is the county where the verified number's topics, feedback and ratings lie, not the
    first county of the list; with data in several counties, the one holding most is chosen and they come first."""
    _raise_topic(world.rooms["乙村"], "乙村的路灯")
    verify_mobile(client, MOBILE)
    mine = reverse("residents:mine")
    page = client.get(mine).content.decode()
    assert _checked(page, world.b) and not _checked(page, world.a)  # 甲县 sorts first by name; the data is in 乙县
    assert "已选中您的信息所在的县（区）" in page and 'name="county_q"' in page

    _raise_topic(world.rooms["一村"], "一村的路灯")
    _raise_topic(world.rooms["二村"], "二村的路灯")
    page = client.get(mine).content.decode()
    assert _checked(page, world.a) and not _checked(page, world.b)  # two topics in 甲县, one in 乙县
    assert "您的信息分布在 2 个县（区）" in page
    assert page.index(f'value="{world.a.pk}"') < page.index(f'value="{world.b.pk}"')

    response = client.post(reverse("residents:ask"), {"county": world.a.pk, "kind": "delete"})
    assert response.status_code == 302 and DataRequest.objects.get().county == world.a


def test_a_province_of_counties_is_searched_and_a_forged_county_refused(world, client, verify_mobile):
    from shangliang.units.models import UnitKind
    from tests.factories import make_unit

    counties = [make_unit(f"第{i:02d}县", UnitKind.COUNTY) for i in range(40)]
    verify_mobile(client, MOBILE)
    page = client.get(reverse("residents:mine")).content.decode()
    assert "本平台未找到与您关联的县（区）" in page and "请输入名称缩小范围" in page
    options = page.split('id="picker-county-options"')[1].split("</div>")[0]
    assert f'value="{counties[39].pk}"' not in options and " checked" not in options  # nothing guessed
    found = client.get(reverse("residents:ask_counties"), {"county_q": "第39县"}).content.decode()
    assert f'value="{counties[39].pk}"' in found and f'value="{counties[38].pk}"' not in found

    for forged in (world.t1.pk, 987654, "abc", ""):
        client.post(reverse("residents:ask"), {"county": forged, "kind": "delete"})
    assert not DataRequest.objects.exists()
    page = client.get(reverse("residents:mine")).content.decode()
    assert "请选择受理申请的县（区）。" in page
    client.post(reverse("residents:ask"), {"county": counties[39].pk, "kind": "delete"})
    assert DataRequest.objects.get().county == counties[39]
