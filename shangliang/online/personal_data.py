"""What the online room keeps about a resident (residents.personal_data): participation, statements, votes."""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from shangliang.online.models import OnlineParticipant, ParticipantKind, Statement
from shangliang.residents.personal_data import Person, Provider, register_provider, unlinkable


def _participation(person: Person) -> list[dict]:
    rows = (
        OnlineParticipant.objects.filter(person.q())
        .select_related("room")
        .annotate(n_votes=Count("votes"))
        .order_by("id")
    )
    texts = {}
    for s in Statement.objects.filter(author__in=[p.pk for p in rows]).order_by("id"):
        texts.setdefault(s.author_id, []).append(s.text)
    return [
        {"网上协商": p.room.question, "表态次数": p.n_votes, "发表的观点": "；".join(texts.get(p.pk, []))} for p in rows
    ]


def _erase(person: Person) -> int:
    """Votes and statements stay in the room's analysis; the participant is nobody any more."""
    done = 0
    for pk in OnlineParticipant.objects.filter(person.q()).values_list("pk", flat=True):
        OnlineParticipant.objects.filter(pk=pk).update(
            user=None, kind=ParticipantKind.MOBILE, mobile_hash=unlinkable(), mobile_masked=""
        )
        done += 1
    return done


def _counties(person: Person):
    return OnlineParticipant.objects.filter(person.q()).values_list("room__unit__county_id", flat=True)


def register() -> None:
    register_provider("online.participation", Provider(_("网上协商"), _participation, _erase, counties=_counties))
