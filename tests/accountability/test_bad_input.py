"""Bad input: each refused with a clear Chinese message, and nothing stored (no task, report, file, event or rating)."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangliang.accountability import services
from shangliang.accountability.models import Evidence, ProgressReport, Rating, Reminder, ResponsibilityTask
from shangliang.core import clock
from shangliang.core.errors import InvalidInput, NotPossible
from shangliang.core.events import timeline
from shangliang.core.models import Event
from shangliang.core.workdays import package_years
from tests.accountability.conftest import S, assign, body, office, png, reload, today, walk
from tests.conftest import fresh
from tests.factories import DepartmentFactory


def nothing_new(before_events: int) -> None:
    assert Event.objects.filter(content_type__app_label="accountability").count() == before_events


def accountability_events() -> int:
    return Event.objects.filter(content_type__app_label="accountability").count()


def test_deadline_before_today_is_refused(world, consultation):
    with pytest.raises(InvalidInput, match="完成时限不能早于今天") as caught:
        assign(world, consultation, deadline=today() - timedelta(days=1))
    assert caught.value.field == "deadline"
    with pytest.raises(InvalidInput, match="请填写完成时限"):
        assign(world, consultation, deadline=None)
    with pytest.raises(InvalidInput, match="三年以后"):
        assign(world, consultation, deadline=today() + timedelta(days=4 * 365))
    assert not ResponsibilityTask.objects.exists() and accountability_events() == 0


def test_working_days_into_a_year_the_calendar_lacks_are_provisional_not_refused(world, consultation):
    last = package_years()[1]
    with clock.frozen(date(last, 12, 20)):
        task = assign(world, consultation, deadline=None, working_days=30)
    assert task.deadline.year == last + 1 and task.deadline_provisional
    with pytest.raises(InvalidInput) as caught:
        assign(world, consultation, deadline=None, working_days=501)
    assert caught.value.field == "working_days"
    with clock.frozen(date(2025, 1, 24)):
        task = assign(world, consultation, deadline=None, working_days=3)
    assert task.deadline == date(2025, 2, 5) and task.deadline_working_days == 3


def test_percent_above_100_or_below_0(world, task):
    t = walk(world, task, S.IN_PROGRESS)
    before = accountability_events()
    for bad in (101, -1, "八十", None):
        with pytest.raises(InvalidInput, match="进度"):
            services.progress_report(actor=body(world), task=t, text="进展", percent=bad, files=[png()])
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert reload(t).percent == 0
    nothing_new(before)


def test_percent_above_100_over_http(client, world, task):
    t = walk(world, task, S.IN_PROGRESS)
    client.force_login(world.users["department"])
    url = reverse("accountability:task", args=[t.pk])
    response = client.post(
        reverse("accountability:progress", args=[t.pk]), {"text": "进展", "percent": "150"}, follow=True
    )
    assert "进度应在 0—100 之间" in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(url)
    assert not ProgressReport.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("现场.jpg", b"MZ\x90\x00" + b"\x00" * 200),  # a Windows program named like a photo
        ("说明.pdf", b"<html><script>alert(1)</script></html>"),
        ("空.png", b""),
    ],
)
def test_evidence_that_is_not_an_image_or_document(world, task, name, data):
    t = walk(world, task, S.IN_PROGRESS)
    before = accountability_events()
    upload = SimpleUploadedFile(name, data, content_type="image/jpeg")
    with pytest.raises(InvalidInput, match="不是可接收的文件类型|空文件"):
        services.progress_report(actor=body(world), task=t, text="进展", percent=50, files=[upload])
    upload.seek(0)
    with pytest.raises(InvalidInput):
        services.completion_report(actor=body(world), task=t, text="办结", files=[upload])
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert reload(t).status == S.IN_PROGRESS
    nothing_new(before)


def test_completion_needs_evidence(world, task):
    t = walk(world, task, S.IN_PROGRESS)
    with pytest.raises(InvalidInput, match="须附佐证材料"):
        services.completion_report(actor=body(world), task=t, text="已办结", files=[])
    assert reload(t).status == S.IN_PROGRESS and not ProgressReport.objects.exists()


def test_a_rating_on_an_unfinished_task_over_http(client, world, task):
    t = walk(world, task, S.COMPLETION_REPORTED)
    client.force_login(world.users["resident"])
    response = client.post(reverse("accountability:rate", args=[t.pk]), {"score": "5"})
    assert response.status_code == 409 and "办结验收后才能评价" in response.content.decode()
    response = client.post(reverse("accountability:rate", args=[t.pk]), {"score": "9"})
    assert response.status_code == 400 and "1—5" in response.content.decode()
    assert not Rating.objects.exists()


def test_script_tags_are_shown_as_text(client, world, consultation):
    task = assign(world, consultation, action="<script>alert('x')</script>清理楼道", owner_name="<b>王</b>")
    client.force_login(world.users["convenor"])
    for url in (
        reverse("accountability:task", args=[task.pk]),
        reverse("accountability:consultation", args=[consultation.pk]),
        reverse("accountability:public_task", args=[task.pk]),
        reverse("accountability:public_consultation", args=[consultation.pk]),
    ):
        html = client.get(url).content.decode()
        assert "<script>alert" not in html and "&lt;script&gt;alert" in html, url
        assert "<b>王</b>" not in html


def test_forged_ids_in_the_assign_form(client, world, consultation, people):
    from tests.consultations.conftest import approved_topic, make

    other = make(world, people, "submitted", topic=approved_topic(world.t1, title="另一议题"))
    foreign = other.suggestions.get()
    b_dept = DepartmentFactory(county=world.b, name="乙县交通局")
    client.force_login(world.users["convenor"])
    url = reverse("accountability:assign", args=[consultation.pk])
    base = {
        "suggestion": consultation.suggestions.get().pk,
        "action": "划线",
        "body": f"d{world.department.pk}",
        "owner_name": "王科长",
        "deadline": (today() + timedelta(days=5)).isoformat(),
    }
    for forged, message in (
        ({"suggestion": foreign.pk}, "选择一个有效的选项"),
        ({"suggestion": "abc"}, "选择一个有效的选项"),
        ({"body": f"d{b_dept.pk}"}, "请从查找结果中选择本县（区）的职能部门或基层单元"),
        ({"body": "u999999"}, "请从查找结果中选择本县（区）的职能部门或基层单元"),
        ({"body": f"u{world.vb.pk}"}, "请从查找结果中选择本县（区）的职能部门或基层单元"),
        ({"body": "x1"}, "请从查找结果中选择本县（区）的职能部门或基层单元"),
        ({"body": ""}, "请选择责任单位"),
        ({"owner": world.users["stranger"].pk}, "所选账号不属于所选责任单位"),
        ({"owner": world.users["convenor"].pk}, "所选账号不属于所选责任单位"),  # not of 住建局
        ({"owner": "abc"}, "整数"),
        ({"owner_phone": "12345"}, "11位"),
    ):
        response = client.post(url, {**base, **forged})
        assert response.status_code == 400, forged
        assert message in response.content.decode(), forged
    assert not ResponsibilityTask.objects.exists()
    # The service refuses a body of another county whoever calls it.
    with pytest.raises(InvalidInput, match="不属于本县"):
        assign(world, consultation, department=b_dept)
    with pytest.raises(InvalidInput, match="不属于本县"):
        assign(world, consultation, department=None, owner_unit=world.vb)
    with pytest.raises(InvalidInput, match="二者选一"):
        assign(world, consultation, owner_unit=world.v1)


def test_forged_ids_elsewhere_give_404(client, world, task, consultation):
    other = assign(world, consultation, action="另一项")
    t = walk(world, task, S.DONE)
    check = t.follow_ups.get()
    client.force_login(world.users["convenor"])
    response = client.post(reverse("accountability:follow_up", args=[other.pk, check.pk]), {"lasted": "no"})
    assert response.status_code == 404  # a check of another task
    assert client.get(reverse("accountability:evidence", args=[999999])).status_code == 404
    assert client.post(reverse("accountability:step", args=[t.pk, "delete_everything"])).status_code == 404
    assert client.get(reverse("accountability:task", args=[999999])).status_code == 404
    assert client.get(reverse("accountability:public_task", args=[999999])).status_code == 404
    response = client.post(reverse("accountability:supervisor", args=[t.pk]), {"member": world.users["stranger"].pk})
    assert not t.supervisions.exists()
    assert response.status_code == 302


def test_double_submits(client, world, task):
    t = walk(world, task, S.IN_PROGRESS)
    b = body(world)
    services.progress_report(actor=b, task=t, text="已完成一半", percent=50)
    with pytest.raises(InvalidInput, match="请勿重复提交"):
        services.progress_report(actor=b, task=reload(t), text="已完成一半", percent=50)
    assert ProgressReport.objects.count() == 1
    o = office(world)
    services.task_remind(actor=o, task=t, note="请加快")
    with pytest.raises(InvalidInput, match="请勿重复提交"):
        services.task_remind(actor=o, task=t, note="请加快")
    assert Reminder.objects.count() == 1
    # A step sent twice: the second finds the state changed and says so.
    client.force_login(world.users["convenor"])
    url = reverse("accountability:task", args=[t.pk])
    services.completion_report(actor=b, task=reload(t), text="办结", files=[png()])
    client.post(reverse("accountability:step", args=[t.pk, "verify"]), {"note": ""}, HTTP_REFERER=url)
    response = client.post(
        reverse("accountability:step", args=[t.pk, "verify"]), {"note": ""}, HTTP_REFERER=url, follow=True
    )
    assert "不能执行“验收通过”" in response.content.decode()
    assert timeline(t).filter(action="verify").count() == 1


def test_other_bad_dates_and_texts(world, task):
    t = walk(world, task, S.IN_PROGRESS)
    with pytest.raises(InvalidInput, match="申请延至的日期"):
        services.extension_request(actor=body(world), task=t, new_deadline=None, reason="x")
    with pytest.raises(InvalidInput, match="不能超过 1000 个字"):
        assign(world, task.consultation, action="长" * 1001)
    t = walk(world, assign(world, task.consultation, action="已办"), S.DONE)
    with pytest.raises(InvalidInput, match="不能早于今天"):
        services.task_reopen(actor=office(world), task=t, note="重办", deadline=today() - timedelta(days=1))
    assert reload(t).status == S.DONE
    with pytest.raises(NotPossible, match="无需催办"):
        services.task_remind(actor=office(world), task=t)
    with pytest.raises(NotPossible, match="未逾期"):
        services.task_notice(actor=office(world), task=walk(world, assign(world, task.consultation), S.ASSIGNED))
    with pytest.raises(InvalidInput):
        services.settings_save(actor=fresh(world.users["staff"]), county=world.a, follow_up_months=0)
