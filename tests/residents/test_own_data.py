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
