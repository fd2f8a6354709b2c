"""Issue 15's own-data path in a real browser: a resident who raised a topic with their number opens 我的个人信息 on a
phone, verifies that number by SMS code, sees the topic among their data, downloads it and asks for deletion; the
county office answers the request and the number, its hash and the name are gone while the topic stays."""

import json
from pathlib import Path

from django.contrib.auth.models import AnonymousUser

from shangliang.notifications import sms
from shangliang.residents.models import DataRequest, RequestStatus
from shangliang.topics import services
from shangliang.topics.models import Topic
from tests.browser.conftest import assert_fits, login

MOBILE = "13912340077"


def test_a_resident_sees_downloads_and_deletes_their_data_and_the_office_answers(
    chromium, phone, page, live_server, world, settings
):
    settings.SMS_BACKEND = "shangliang.notifications.sms.LocmemBackend"
    sms.outbox.clear()
    topic = services.topic_submit(
        actor=AnonymousUser(),
        room=world.rooms["一村"],
        title="村口路灯不亮",
        description="已经坏了一周",
        anonymous=False,
        name="王五",
        mobile=MOBILE,
        contact_consent=True,
    )

    # Not yet verified: the page offers verification and shows nothing personal.
    phone.goto(f"{live_server.url}/public/me/")
    assert "村口路灯不亮" not in phone.content()
    assert_fits(phone)
    phone.get_by_role("link", name="用手机号验证").first.click()
    phone.get_by_label("手机号", exact=True).fill(MOBILE)
    phone.get_by_label("我已阅读隐私告知，同意本平台为验证身份处理我的手机号").check()
    phone.get_by_role("button", name="获取验证码").click()
    phone.wait_for_selector("text=验证码已发送到 139****0077")
    code = "".join(ch for ch in sms.outbox[-1].text.split("验证码是")[1][:8] if ch.isdigit())
    phone.get_by_label("短信验证码").fill(code)
    phone.get_by_role("button", name="验证", exact=True).click()
    phone.wait_for_url("**/public/me/")
    assert "已验证手机号：139****0077" in phone.content()
    assert "村口路灯不亮" in phone.content() and MOBILE not in phone.content()
    shown = phone.locator("main").inner_text()
    assert "True" not in shown and "False" not in shown  # 是/否, as a resident reads it
    assert_fits(phone)

    # The download holds the same data.
    with phone.expect_download() as download:
        phone.get_by_role("link", name="下载（JSON）").click()
    assert "村口路灯不亮" in json.dumps(
        json.loads(Path(download.value.path()).read_text(encoding="utf-8")), ensure_ascii=False
    )

    # Ask for deletion.
    # 受理的县（区） is already the county of the resident's topic (a province has too many to scroll through).
    assert phone.locator("#picker-county-options").get_by_label(world.a.name).is_checked()
    phone.get_by_label("删除个人信息").check()
    phone.get_by_role("button", name="提交申请").click()
    phone.wait_for_selector("text=申请已提交，县（区）政协机关将在期限内答复。")
    request = DataRequest.objects.get()
    assert (request.kind, request.status, request.mobile_masked) == ("delete", RequestStatus.OPEN, "139****0077")
    assert request.county == world.a
    assert "待答复" in phone.locator("#ask-title ~ ul").inner_text()

    # The county office answers it: the number, its hash and the name are erased; the topic stays.
    login(page, live_server, "staff")
    page.goto(f"{live_server.url}/residents/requests/{world.a.pk}/")
    assert "139****0077" in page.content() and MOBILE not in page.content()
    page.get_by_role("textbox", name="答复").fill("已按您的申请删除。")
    page.get_by_role("button", name="删除（匿名化）并办结").click()
    page.wait_for_selector("text=已答复。")
    topic = Topic.objects.get(pk=topic.pk)
    assert (topic.mobile, topic.mobile_hash, topic.submitted_by_name) == ("", "", "")
    assert DataRequest.objects.get().status == RequestStatus.DONE

    # The resident's page no longer finds the topic.
    phone.reload()
    assert "村口路灯不亮" not in phone.content()
