"""Picking participants (挑好人): the unit's people, the county's talent pool, or a name; the composition summary
with the representativeness warnings; confirming the list (with a reason when a warning is overridden)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from shangliang.consultations import selectors, services
from shangliang.consultations.forms import ChooseForm, NamedPersonForm, PersonPickForm, TalentPickForm
from shangliang.consultations.models import ConsultationStatus
from shangliang.consultations.representation import composition, uncovered_warnings
from shangliang.consultations.views.common import load, status_of
from shangliang.core.forms import form_action, id_from, run_service
from shangliang.people.models import Talent, User
from shangliang.units.selectors import ancestors

S = ConsultationStatus


@require_http_methods(["GET", "POST"])
def participants(request, pk):
    c = load(request, pk, "consultations.run_consultation")
    query = (request.GET.get("q") or "").strip()[:50]
    candidates = selectors.candidate_people(c, query=query)
    talent_query = (request.GET.get("tq") or "").strip()[:50]
    talents = selectors.candidate_talents(c, query=talent_query)
    person_form = PersonPickForm(prefix="person", candidates=candidates)
    talent_form = TalentPickForm(prefix="talent", talents=talents)
    name_form = NamedPersonForm(prefix="named")
    choose_form = ChooseForm(prefix="choose")
    if request.method == "POST":
        source = request.POST.get("source")
        if source == "person":
            # The choices are what the page offered; a search may have offered someone else: re-offer the posted id.
            posted = User.objects.filter(pk=id_from(request.POST, "person-user")).first()
            offered = candidates + ([selectors.Candidate(posted, "", "", "")] if posted else [])
            person_form = PersonPickForm(request.POST, prefix="person", candidates=offered)
            form, add = (
                person_form,
                lambda d: services.participant_add(actor=request.user, consultation=c, kind=d["kind"], user=posted),
            )
        elif source == "talent":
            talent = Talent.objects.filter(pk=id_from(request.POST, "talent-talent")).select_related("user").first()
            talent_form = TalentPickForm(request.POST, prefix="talent", talents=talents + ([talent] if talent else []))
            form, add = (
                talent_form,
                lambda d: services.participant_add(actor=request.user, consultation=c, kind=d["kind"], talent=talent),
            )
        else:
            name_form = NamedPersonForm(request.POST, prefix="named")
            form, add = name_form, lambda d: services.participant_add(actor=request.user, consultation=c, **d)
        if form.is_valid():
            p = run_service(form, lambda: add(form.cleaned_data))
            if p:
                messages.success(request, _("已将“%(name)s”加入名单。") % {"name": p.name})
                return redirect("consultations:participants", c.pk)
    comp = composition(c)
    return render(
        request,
        "consultations/participants.html",
        {
            "c": c,
            "unit": c.unit,
            "ancestors": ancestors(c.unit),
            "participants": list(selectors.participants_of(c)),
            "comp": comp,
            "uncovered": uncovered_warnings(c, comp),
            "query": query,
            "talent_query": talent_query,
            "person_form": person_form,
            "talent_form": talent_form,
            "name_form": name_form,
            "choose_form": choose_form,
            "editable": c.is_preparing,
        },
        status=status_of(person_form, talent_form, name_form),
    )


@require_POST
def remove(request, pk, participant_pk):
    c = load(request, pk, "consultations.run_consultation")
    services.participant_remove(actor=request.user, consultation=c, participant_id=participant_pk)
    messages.success(request, _("已从名单移除。"))
    return redirect("consultations:participants", c.pk)


@require_POST
def choose(request, pk):
    """Confirm the list (draft → participants chosen), or, later, record why a warning is overridden."""
    c = load(request, pk, "consultations.run_consultation")
    form = ChooseForm(request.POST, prefix="choose")
    reason = request.POST.get("choose-override_reason", "")
    if c.status == S.DRAFT:
        done = form_action(
            request,
            form,
            lambda d: services.participants_choose(
                actor=request.user, consultation=c, override_reason=d["override_reason"]
            ),
            _("参加人员已确定，下一步：商前调研。"),
        )
        if done:
            return redirect("consultations:research", c.pk)
    else:
        form_action(
            request,
            form,
            lambda d: services.representativeness_explain(actor=request.user, consultation=c, reason=reason),
            _("已记录代表性说明。"),
        )
    return redirect("consultations:participants", c.pk)
