"""Pages and their forms over HTTP (every request runs under the N+1 guard): the office assigns, the body signs and
reports, the office verifies; the public page (公示) without an account; the includes on other apps' pages."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse

from shangliang.accountability import services
from shangliang.accountability.models import FollowUpCheck, ResponsibilityTask, Supervision
from shangliang.accountability.services.periodic import run_periodic
from shangliang.core import clock
from tests.accountability.conftest import S, assign, png, reload, today, walk
from tests.conftest import fresh


@pytest.fixture
def several(world, consultation):
    """Tasks in several states, so list pages show more than one row (the N+1 guard needs two)."""
    tasks = [walk(world, assign(world, consultation, action=f"事项{i}"), state) for i, state in enumerate(S.values)]
    Supervision.objects.create(task=tasks[0], member=world.users["member"])
    return tasks


def test_the_office_assigns_from_the_consultation_page(client, world, consultation):
    client.force_login(world.users["convenor"])
    page = client.get(reverse("accountability:consultation", args=[consultation.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "尚未交办（决而不行）" in html and "协商质效得分" in html and "得分 = 100" in html
    suggestion = consultation.suggestions.get()
    form = client.get(reverse("accountability:assign", args=[consultation.pk]) + f"?suggestion={suggestion.pk}")
    assert form.status_code == 200 and "工作日数" in form.content.decode()
    key = form.context["form"].initial["idempotency_key"]
    data = {
        "suggestion": suggestion.pk,
        "action": "划设 40 个停车位",
        "body": f"d{world.department.pk}",
        "owner_name": "王科长",
        "owner": world.users["department"].pk,
        "owner_phone": "13800001111",
        "deadline": "",
        "working_days": "5",
        "idempotency_key": key,
    }
    response = client.post(reverse("accountability:assign", args=[consultation.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    task = ResponsibilityTask.objects.get()
    assert task.owner == world.users["department"] and task.deadline_working_days == 5
    # The same form sent again (a double click) creates nothing more.
    assert client.post(reverse("accountability:assign", args=[consultation.pk]), data).status_code == 302
    assert ResponsibilityTask.objects.count() == 1


def test_the_body_signs_reports_and_the_office_verifies_over_http(client, world, task):
    client.force_login(world.users["department"])
    url = reverse("accountability:task", args=[task.pk])
    assert "签收" in client.get(url).content.decode()
    client.post(reverse("accountability:step", args=[task.pk, "sign"]), {"note": ""}, HTTP_REFERER=url)
    assert reload(task).status == S.IN_PROGRESS
    client.post(
        reverse("accountability:progress", args=[task.pk]),
        {"text": "已完成勘测放线", "percent": "60", "files": [png()]},
    )
    assert reload(task).percent == 60
    response = client.post(
        reverse("accountability:complete", args=[task.pk]), {"text": "已划设", "files": [png("完工.png")]}
    )
    assert response.status_code == 302 and reload(task).status == S.COMPLETION_REPORTED
    client.force_login(world.users["convenor"])
    client.post(reverse("accountability:step", args=[task.pk, "verify"]), {"note": "合格"})
    assert reload(task).status == S.DONE
    page = client.get(url).content.decode()
    assert "回访检查" in page and "13800001111" in page  # the office sees the full number
    client.force_login(world.users["liaison"])
    page = client.get(url).content.decode()
    assert "138****1111" in page and "13800001111" not in page  # others see it masked


def test_evidence_is_served_to_who_may_see_the_task(client, world, task):
    t = walk(world, task, S.IN_PROGRESS)
    services.progress_report(actor=fresh(world.users["department"]), task=t, text="照片", percent=10, files=[png()])
    evidence = t.evidence.get()
    client.force_login(world.users["liaison"])
    response = client.get(reverse("accountability:evidence", args=[evidence.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(world.users["expert"])
    assert client.get(reverse("accountability:evidence", args=[evidence.pk])).status_code == 403
    client.logout()
    assert client.get(reverse("accountability:public_photo", args=[evidence.pk])).status_code == 200


def test_lists_and_queues(client, world, several):
    client.force_login(world.users["convenor"])
    html = client.get(reverse("accountability:index")).content.decode()
    assert "待我审批验收" in html and "工作责任清单" in html
    client.force_login(world.users["department"])
    html = client.get(reverse("accountability:index")).content.decode()
    assert "我承办的" in html
    client.force_login(world.users["member"])
    assert "我督办的" in client.get(reverse("accountability:index")).content.decode()
    client.force_login(world.users["staff"])
    response = client.get(reverse("accountability:unit", args=[world.a.pk]) + "?status=done")
    assert response.status_code == 200 and "事项6" in response.content.decode()
    assert client.get(reverse("accountability:unit", args=[world.a.pk]) + "?overdue=on&q=事项").status_code == 200
    for task in several:
        assert client.get(reverse("accountability:task", args=[task.pk])).status_code == 200
    consultation_id = several[0].consultation_id
    assert client.get(reverse("accountability:consultation", args=[consultation_id])).status_code == 200
    client.logout()
    assert client.get(reverse("accountability:public_consultation", args=[consultation_id])).status_code == 200


def test_failures_page_lists_each_failure(client, world, several, consultation):
    ResponsibilityTask.objects.filter(pk=several[0].pk).update(deadline=today() - timedelta(days=2))
    client.force_login(world.users["staff"])
    for show in ("undecided", "unassigned", "overdue", "not_lasting", "nonsense"):
        response = client.get(reverse("accountability:failures", args=[world.a.pk]) + f"?show={show}")
        assert response.status_code == 200
    html = client.get(reverse("accountability:failures", args=[world.a.pk]) + "?show=overdue").content.decode()
    assert "事项0" in html and "个工作日（2 天）" in html
    client.force_login(world.users["expert"])
    assert client.get(reverse("accountability:failures", args=[world.a.pk])).status_code == 403


def test_public_pages_need_no_account(client, world, several, consultation):
    with clock.frozen(today() + timedelta(days=60)):
        run_periodic()
    with clock.frozen(today() + timedelta(days=70)):
        run_periodic()
    html = client.get(reverse("accountability:public_consultation", args=[consultation.pk])).content.decode()
    assert "协商成果公示" in html and "在小区东侧划设 40 个停车位" in html
    assert "13800001111" not in html and "138****1111" not in html  # no phone on public pages
    done = next(t for t in several if t.status == S.DONE)
    html = client.get(reverse("accountability:public_task", args=[done.pk])).content.decode()
    assert "用手机号验证" in html and "您对办理结果满意吗" not in html  # verify a mobile first
    html = client.get(reverse("public:unit", args=[world.t1.pk])).content.decode()
    assert "协商成果公示" in html and "通报" in html  # the include on the unit's public page
    assert client.get(reverse("accountability:public_notices", args=[world.t1.pk])).status_code == 200
    assert client.get(reverse("accountability:public_results", args=[world.t1.pk])).status_code == 200
    cancelled = next(t for t in several if t.status == S.CANCELLED)
    assert client.get(reverse("accountability:public_task", args=[cancelled.pk])).status_code == 404


def test_a_consultation_not_yet_closed_is_not_posted(client, world, people):
    from tests.consultations.conftest import make

    draft = make(world, people)
    assert client.get(reverse("accountability:public_consultation", args=[draft.pk])).status_code == 404


def test_the_consultation_page_links_to_results_and_publication(client, world, consultation):
    client.force_login(world.users["convenor"])
    html = client.get(reverse("consultations:detail", args=[consultation.pk])).content.decode()
    assert reverse("accountability:consultation", args=[consultation.pk]) in html
    assert reverse("accountability:public_consultation", args=[consultation.pk]) in html


def test_resident_rates_with_a_verified_mobile_over_http(client, world, consultation, verify_mobile):
    task = walk(world, assign(world, consultation), S.DONE)
    url = reverse("accountability:public_task", args=[task.pk])
    page = client.get(url).content.decode()
    assert reverse("residents:verify") in page  # the task page sends a resident to the one verification page
    verify_mobile(client, "13733334444", next_url=url)
    response = client.post(reverse("accountability:rate", args=[task.pk]), {"score": "4", "comment": "不错"})
    assert response.status_code == 302
    again = client.post(reverse("accountability:rate", args=[task.pk]), {"score": "1"})
    assert again.status_code == 400 and "每人只能评价一次" in again.content.decode()
    assert task.ratings.get().mobile_masked == "137****4444"
    client.post(reverse("accountability:follow", args=[task.pk]))
    assert task.followers.get().mobile == "13733334444"


def test_supervisor_comments_and_escalates(client, world, task, django_capture_on_commit_callbacks):
    Supervision.objects.create(task=task, member=world.users["member"])
    client.force_login(world.users["member"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accountability:comment", args=[task.pk]), {"text": "请加快进度", "escalate": "on"})
    assert reload(task).escalated_at is not None
    from shangliang.notifications.models import Notification

    assert Notification.objects.filter(user=world.users["staff"], verb="task.escalate").exists()
    client.post(reverse("accountability:remind", args=[task.pk]), {"note": "请尽快签收"})
    assert task.reminders.count() == 1


def test_office_adds_a_supervisor_and_posts_a_notice(client, world, task):
    client.force_login(world.users["convenor"])
    client.post(reverse("accountability:supervisor", args=[task.pk]), {"member": world.users["member"].pk})
    assert task.supervisions.filter(member=world.users["member"]).exists()
    ResponsibilityTask.objects.filter(pk=task.pk).update(deadline=today() - timedelta(days=1))
    client.post(reverse("accountability:notice", args=[task.pk]), {"text": ""})
    assert task.notices.count() == 1


def test_settings_page_for_county_staff(client, world):
    client.force_login(world.users["staff"])
    url = reverse("accountability:settings", args=[world.a.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "what": "settings",
            "s-sign_days": "2",
            "s-hand_back_days": "4",
            "s-remind_before_days": "2",
            "s-notice_grace_days": "7",
            "s-dissatisfaction_percent": "25",
            "s-min_ratings": "5",
            "s-reopen_days": "15",
            "s-follow_up_months": "3",
        },
    )
    assert response.status_code == 302
    saved = services.settings_for(world.a)
    assert (saved.follow_up_months, saved.sign_days, saved.hand_back_days) == (3, 2, 4)
    response = client.post(
        url, {"what": "form", "f-name": "评估表", "f-items": "过程 | 40 | 程序规范\n结果 | 60 | 问题解决"}
    )
    assert response.status_code == 302
    bad = client.post(url, {"what": "form", "f-name": "评估表", "f-items": "随便写"})
    assert bad.status_code == 400 and "格式不正确" in bad.content.decode()
    client.force_login(world.users["convenor"])
    assert client.get(url).status_code == 403


def test_evaluator_fills_the_form(client, world, consultation):
    services.evaluation_form_save(
        actor=fresh(world.users["staff"]),
        county=world.a,
        name="表",
        items=[{"kind": "process", "text": "程序", "weight": 50}, {"kind": "outcome", "text": "效果", "weight": 50}],
    )
    client.force_login(world.users["evaluator"])
    page = client.get(reverse("accountability:evaluate", args=[consultation.pk]))
    assert page.status_code == 200
    items = page.context["form"].items
    data = {f"item_{i.pk}": "4" for i in items} | {"comment": "较好", "organisation": "某大学"}
    assert client.post(reverse("accountability:evaluate", args=[consultation.pk]), data).status_code == 302
    html = client.get(reverse("accountability:consultation", args=[consultation.pk])).content.decode()
    assert "75.0" in html and "某大学" in html


def test_exports_open_in_excel_and_word(client, world, several, consultation):
    from docx import Document
    from openpyxl import load_workbook

    FollowUpCheck.objects.update()
    client.force_login(world.users["staff"])
    for name, args in (
        ("accountability:unit_tasks_xlsx", [world.a.pk]),
        ("accountability:unit_effects_xlsx", [world.t1.pk]),
        ("accountability:consultation_tasks_xlsx", [consultation.pk]),
        ("accountability:consultation_effects_xlsx", [consultation.pk]),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [c.value for row in sheet.iter_rows() for c in row]
        assert "住建局" in values and "事项6" in values and "已办结" in values
    tasks_sheet = load_workbook(
        io.BytesIO(client.get(reverse("accountability:unit_tasks_xlsx", args=[world.a.pk])).content)
    ).active
    phones = [c.value for c in tasks_sheet["H"]]
    assert "13800001111" in phones  # the office gets full numbers
    client.force_login(world.users["liaison"])
    tasks_sheet = load_workbook(
        io.BytesIO(client.get(reverse("accountability:unit_tasks_xlsx", args=[world.t1.pk])).content)
    ).active
    assert "138****1111" in [c.value for c in tasks_sheet["H"]]
    response = client.get(reverse("accountability:loop_report", args=[consultation.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    for heading in ("协商成果报告", "七、工作责任清单", "八、落实效果", "九、协商质效评估", "附：落实过程记录"):
        assert heading in text
