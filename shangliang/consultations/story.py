"""The consultation's chapter of a topic's story (topics.story): when and how it was consulted on, the outcome and
the suggestions, as the public result page shows them. Registered in ConsultationsConfig.ready()."""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from shangliang.consultations.models import CLOSED, HELD, Consultation, ConsultationStatus, Suggestion, SuggestionStatus
from shangliang.topics.models import Topic
from shangliang.topics.story import Chapter, Stage, register_teller

S = ConsultationStatus
# Before invitations go out a consultation is the office's draft: not part of the public story.
NOT_YET_PUBLIC = (S.DRAFT, S.PARTICIPANTS_CHOSEN, S.RESEARCH_RECORDED)


def _when(c: Consultation):
    moment = c.held_at or c.planned_start or c.written_deadline or c.online_closes_at
    return timezone.localtime(moment) if moment else None


def tell(topics: list[Topic], contexts: dict[int, dict]) -> dict[int, Chapter]:
    """The chapters of `topics` in three queries however many they are: the links, the consultations, their
    suggestions."""
    links = (
        Consultation.topics.through.objects.filter(topic_id__in=[t.pk for t in topics])
        .exclude(consultation__status__in=NOT_YET_PUBLIC)
        .values_list("topic_id", "consultation_id")
    )
    of_topic: dict[int, set[int]] = {}
    for topic_id, consultation_id in links:
        of_topic.setdefault(topic_id, set()).add(consultation_id)
    active = Suggestion.objects.filter(status=SuggestionStatus.ACTIVE).order_by("order", "id")
    ids = set().union(*of_topic.values())
    consultations = (
        list(
            Consultation.objects.filter(pk__in=ids)
            .prefetch_related(Prefetch("suggestions", queryset=active))
            .order_by("created_at", "id")
        )
        if ids
        else []
    )
    return {
        t.pk: _chapter([c for c in consultations if c.pk in of_topic.get(t.pk, ())], contexts[t.pk]) for t in topics
    }


def _chapter(consultations: list[Consultation], context: dict) -> Chapter:
    rows = []
    for c in consultations:
        closed = c.status in CLOSED
        rows.append(
            {
                "title": c.title,
                "form": c.get_form_display(),
                "when": _when(c),
                "status": c.get_status_display(),
                "status_code": c.status,
                "outcome": c.get_outcome_display() if c.outcome else "",
                "conclusion": c.conclusion if closed else "",
                "suggestions": [s.text for s in c.suggestions.all()] if closed else [],
                "link": reverse("accountability:public_consultation", args=[c.pk]) if closed else "",
            }
        )
    context["closed_consultations"] = [c.pk for c in consultations if c.status in CLOSED]
    held = [c for c in consultations if c.status in HELD]
    note = ""
    if held:
        last = held[-1]
        when = _when(last)
        note = " · ".join(x for x in (f"{when:%Y-%m-%d}" if when else "", last.get_form_display()) if x)
    return Chapter(
        key="consultation",
        order=10,
        template="consultations/_story.html" if rows else "",
        data={"consultations": rows},
        stages=[Stage(pgettext_lazy("story stage", "协商"), bool(held), note)],
    )


def register() -> None:
    register_teller(10, tell, stages=[pgettext_lazy("story stage", "协商")])
