"""Publication (公示), no account needed, phone first: a consultation's results with their tasks, owners, deadlines and
progress; a task's page with its public timeline, evidence photos, rating (1–5) and following; the unit's public
notices (通报). Residents without an account verify a mobile number on the one verification page (residents) to rate
or follow."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangliang.accountability import selectors, services
from shangliang.accountability.forms import RatingForm
from shangliang.accountability.models import ProgressReport, TaskStatus
from shangliang.accountability.views.tasks import evidence_response
from shangliang.core import clock
from shangliang.core.errors import DomainError
from shangliang.core.pagination import paginate
from shangliang.core.printing import print_context
from shangliang.core.ratelimit import RateLimited
from shangliang.units.models import Unit
from shangliang.units.selectors import ancestors


@require_GET
def consultation(request, pk):
    c = selectors.public_consultation(pk)
    if c is None:
        raise Http404(_("该协商尚未公示。"))
    suggestions = selectors.suggestions_with_tasks(c, public=True)
    tasks = [t for s in suggestions for t in s.tasks.all()]
    # A third-party evaluator of the area reaches the evaluation form from the posted result (or sees their score).
    evaluator = request.user.is_authenticated and request.user.has_perm("accountability.evaluate", c)
    return render(
        request,
        "accountability/public/consultation.html",
        {
            "c": c,
            "unit": c.unit,
            "ancestors": ancestors(c.unit),
            "topics": list(c.topics.all()),
            "suggestions": suggestions,
            "ratings": selectors.rating_summary(tasks),
            "today": clock.today(),
            "evaluator": evaluator,
            "my_evaluation": selectors.evaluations_by(request.user).filter(consultation=c).first()
            if evaluator
            else None,
        },
    )


@require_GET
def consultation_print(request, pk):
    """The result notice (成果公示) on A4 for the bulletin board, with a QR code back to the live page."""
    c = selectors.public_consultation(pk)
    if c is None:
        raise Http404(_("该协商尚未公示。"))
    live = reverse("accountability:public_consultation", args=[c.pk])
    return render(
        request,
        "accountability/public/consultation_print.html",
        print_context(
            request,
            unit=c.unit,
            live_path=live,
            qr_title=str(_("协商成果公示")),
            c=c,
            topics=list(c.topics.all()),
            suggestions=selectors.suggestions_with_tasks(c, public=True),
        ),
    )


def _public_task(pk):
    t = selectors.public_task(pk)
    if t is None:
        raise Http404(_("该事项不存在或未公示。"))
    return t


def _task_page(request, t, *, rating_form=None, status=200):
    reports = list(ProgressReport.objects.filter(task=t).prefetch_related("files").order_by("-created_at", "-id")[:20])
    visitor = request.visitor
    return render(
        request,
        "accountability/public/task.html",
        {
            "t": t,
            "unit": t.unit,
            "timeline": selectors.task_timeline(t, public_only=True).order_by("-created_at", "-id")[:60],
            "reports": reports,
            "ratings": selectors.rating_summary([t]).get(t.pk),
            "can_rate": t.status == TaskStatus.DONE,
            "rating_form": rating_form or RatingForm(),
            "verified": visitor.masked_mobile if visitor.user is None else "",
            "needs_phone": not visitor.trusted,
            "today": clock.today(),
            "notices": list(t.notices.all()[:5]),
        },
        status=status,
    )


@require_GET
def task(request, pk):
    return _task_page(request, _public_task(pk))


@require_POST
def rate(request, pk):
    t = _public_task(pk)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.rating_submit(
                task=t,
                actor=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                visitor=request.visitor,
            )
        except RateLimited:
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return _task_page(request, t, rating_form=form, status=exc.status_code)
        messages.success(request, _("感谢您的评价！"))
        return redirect(reverse("accountability:public_task", args=[t.pk]) + "#rating")
    return _task_page(request, t, rating_form=form, status=400)


@require_POST
def follow(request, pk):
    t = _public_task(pk)
    try:
        services.task_follow(task=t, actor=request.user, visitor=request.visitor)
    except RateLimited:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已关注：办理进展将通过站内消息和邮件通知您。")
            if request.user.is_authenticated
            else _("已关注：办理进展将以短信通知您。"),
        )
    return redirect(reverse("accountability:public_task", args=[t.pk]) + "#follow")


@require_http_methods(["GET", "POST"])
def unfollow(request, token):
    if request.method == "POST":
        services.task_unfollow(token=token)
        messages.success(request, _("已取消关注，不再发送短信。"))
        return redirect("public:index")
    return render(request, "accountability/public/unfollow.html", {"token": token})


@require_GET
def notices(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("county"), pk=pk, is_active=True)
    return render(
        request,
        "accountability/public/notices.html",
        {
            "unit": unit,
            "ancestors": ancestors(unit),
            "page": paginate(request, selectors.notices_of(unit, subtree=True)),
        },
    )


@require_GET
def results(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("county"), pk=pk, is_active=True)
    return render(
        request,
        "accountability/public/results.html",
        {"unit": unit, "ancestors": ancestors(unit), "page": paginate(request, selectors.posted_results(unit))},
    )


@require_GET
def photo(request, pk):
    item = selectors.public_evidence(pk)
    if item is None:
        raise Http404
    return evidence_response(item, inline=True)
