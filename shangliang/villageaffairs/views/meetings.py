"""The monthly village-affairs meeting (月例会) inside the app: a village's meetings, planning one, its agenda and
attendance, recording it as held or not held. Thin: parse, call a service or selector, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.core import clock
from shangliang.core.access import check_action, get_for, get_for_action
from shangliang.core.events import timeline
from shangliang.core.forms import flash_errors, form_action, run_service
from shangliang.core.pagination import paginate
from shangliang.units.selectors import ancestors
from shangliang.villageaffairs import selectors
from shangliang.villageaffairs.forms import (
    AgendaItemForm,
    AttendeeForm,
    HoldForm,
    LinkConsultationForm,
    MeetingEditForm,
    MeetingPlanForm,
    NoteForm,
    OpenConsultationForm,
    ResolveForm,
)
from shangliang.villageaffairs.models import AgendaItem, MeetingStatus, MonthlyMeeting
from shangliang.villageaffairs.services import meetings
from shangliang.villageaffairs.views.main import UNITS, chosen_year, form_status
from shangliang.villageaffairs.workflow import AGENDA_WORKFLOW, MEETING_WORKFLOW

MEETINGS = MonthlyMeeting.objects.select_related("unit", "unit__county", "consultation")


def meeting_list(request, pk):
    unit = get_for(request, UNITS, "villageaffairs.view_village", pk=pk)
    can_manage = selectors.is_village(unit) and request.user.has_perm("villageaffairs.manage_village", unit)
    year = chosen_year(request, unit)
    context = {
        "unit": unit,
        "ancestors": ancestors(unit),
        "year": year,
        "can_manage": can_manage,
        "is_village": selectors.is_village(unit),
        "plan_form": MeetingPlanForm() if can_manage else None,
    }
    if context["is_village"]:
        context["page"] = paginate(request, selectors.meetings_of_unit(unit), per_page=12)
    norm = selectors.norm_status(unit, year=year)
    context["norm"] = norm
    context["norm_page"] = paginate(request, norm.rows, per_page=50)
    return render(request, "villageaffairs/meeting_list.html", context)


@require_POST
def meeting_plan(request, pk):
    unit = get_for(request, UNITS, "villageaffairs.manage_village", pk=pk)
    form = MeetingPlanForm(request.POST)
    if form.is_valid():
        meeting = run_service(form, lambda: meetings.meeting_plan(actor=request.user, unit=unit, **form.cleaned_data))
        if meeting:
            messages.success(request, _("已登记 %(month)s 的月例会并组成议程。") % {"month": f"{meeting.month:%Y-%m}"})
            return redirect("villageaffairs:meeting", meeting.pk)
    flash_errors(request, form)
    return redirect("villageaffairs:meetings", unit.pk)


def meeting_detail(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.view_village", pk=pk)
    can_manage = request.user.has_perm("villageaffairs.manage_village", meeting)
    planned = meeting.status == MeetingStatus.PLANNED
    agenda = selectors.meeting_agenda(meeting)
    attendance = selectors.meeting_attendance(meeting)
    can_link = can_manage and meeting.consultation_id is None and meeting.status != MeetingStatus.CANCELLED
    return render(
        request,
        "villageaffairs/meeting_detail.html",
        {
            "meeting": meeting,
            "unit": meeting.unit,
            "ancestors": ancestors(meeting.unit),
            "agenda": agenda,
            "attendance": attendance,
            "timeline": timeline(meeting).order_by("-created_at", "-id")[:30],
            "can_edit": can_manage and planned,
            "item_form": AgendaItemForm(),
            "attendee_form": AttendeeForm(),
            "resolve_form": ResolveForm(),
            "cancel_form": NoteForm(),
            "edit_form": MeetingEditForm(initial={"scheduled_on": meeting.scheduled_on, "place": meeting.place}),
            "open_form": _open_form(meeting) if can_link else None,
            "link_form": _link_form(meeting) if can_link else None,
        },
    )


def _open_form(meeting, data=None):
    """Only the village's convenor opens a consultation (the consultations app's rule); others see no form."""
    return OpenConsultationForm(data, topics=list(selectors.consultable_topics(meeting)[:50]))


def _link_form(meeting, data=None):
    return LinkConsultationForm(data, consultations=list(selectors.linkable_consultations(meeting)[:50]))


@require_POST
def consultation_open(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.manage_village", pk=pk)
    form = _open_form(meeting, request.POST)
    if form.is_valid():
        topics = list(selectors.consultable_topics(meeting).filter(pk__in=form.cleaned_data["topics"]))
        consultation = run_service(
            form,
            lambda: meetings.meeting_open_consultation(
                actor=request.user, meeting=meeting, topics=topics, title=form.cleaned_data["title"]
            ),
        )
        if consultation:
            messages.success(request, _("已发起月例会协商，下一步：挑选参加人员。"))
            return redirect("consultations:participants", consultation.pk)
    flash_errors(request, form)
    return redirect("villageaffairs:meeting", meeting.pk)


@require_POST
def consultation_link(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.manage_village", pk=pk)
    form = _link_form(meeting, request.POST)
    if form.is_valid():
        consultation = selectors.linkable_consultations(meeting).get(pk=form.cleaned_data["consultation"])
        if run_service(
            form,
            lambda: meetings.meeting_link_consultation(actor=request.user, meeting=meeting, consultation=consultation),
        ):
            messages.success(request, _("已关联协商活动。"))
    flash_errors(request, form)
    return redirect("villageaffairs:meeting", meeting.pk)


@require_POST
def meeting_edit(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.manage_village", pk=pk)
    form = MeetingEditForm(request.POST)
    form_action(
        request, form, lambda d: meetings.meeting_update(actor=request.user, meeting=meeting, **d), _("已保存。")
    )
    return redirect("villageaffairs:meeting", meeting.pk)


@require_POST
def meeting_compose(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.manage_village", pk=pk)
    result = meetings.meeting_compose(actor=request.user, meeting=meeting)
    messages.success(
        request,
        _("议程已更新：新增 %(items)d 项公示事项，%(people)d 位应出席人员。")
        % {"items": result.items, "people": result.attendees},
    )
    return redirect("villageaffairs:meeting", meeting.pk)


@require_POST
def agenda_add(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.manage_village", pk=pk)
    form = AgendaItemForm(request.POST)
    form_action(
        request, form, lambda d: meetings.agenda_item_add(actor=request.user, meeting=meeting, **d), _("已加入议程。")
    )
    return redirect("villageaffairs:meeting", meeting.pk)


@require_POST
def agenda_resolve(request, pk):
    item = get_object_or_404(AgendaItem.objects.select_related("meeting__unit"), pk=pk)
    check_action(request, item, AGENDA_WORKFLOW, ("resolve", "carry"))
    form = ResolveForm(request.POST)
    form_action(
        request, form, lambda d: meetings.agenda_item_resolve(actor=request.user, item=item, **d), _("已记录议定结果。")
    )
    return redirect("villageaffairs:meeting", item.meeting_id)


@require_POST
def attendee_add(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.manage_village", pk=pk)
    form = AttendeeForm(request.POST)
    form_action(
        request, form, lambda d: meetings.attendee_add(actor=request.user, meeting=meeting, **d), _("已加入出席名单。")
    )
    return redirect("villageaffairs:meeting", meeting.pk)


@require_http_methods(["GET", "POST"])
def meeting_hold(request, pk):
    meeting = get_for(request, MEETINGS, "villageaffairs.manage_village", pk=pk)
    MEETING_WORKFLOW.check(meeting, action="hold", actor=request.user)
    attendance = selectors.meeting_attendance(meeting)
    form = HoldForm(request.POST or None, attendance=attendance, initial={"held_on": clock.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: meetings.meeting_hold(
                actor=request.user,
                meeting=meeting,
                held_on=data["held_on"],
                minutes=data["minutes"],
                present_ids=data["present"],
            ),
        )
        if done:
            messages.success(request, _("已记录召开；未议结的事项已转入下次例会。"))
            return redirect("villageaffairs:meeting", meeting.pk)
    return render(
        request,
        "villageaffairs/form.html",
        {
            "unit": meeting.unit,
            "ancestors": ancestors(meeting.unit),
            "form": form,
            "title": _("记录 %(month)s 月例会召开情况") % {"month": f"{meeting.month:%Y-%m}"},
            "back": meeting,
        },
        status=form_status(form),
    )


@require_POST
def meeting_cancel(request, pk):
    meeting = get_for_action(request, MEETINGS, MEETING_WORKFLOW, "cancel", pk=pk)
    form = NoteForm(request.POST)
    form_action(
        request,
        form,
        lambda d: meetings.meeting_cancel(actor=request.user, meeting=meeting, **d),
        _("已记录本月未召开；议程已转入下次例会。"),
    )
    return redirect("villageaffairs:meeting", meeting.pk)
