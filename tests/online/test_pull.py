"""Pulling a statement into the consultation's suggestion list (协商意见建议清单): one action each, through the
consultations services, with its level of agreement; refused for hidden statements, for others than the convenor,
and when the consultation is not in session."""

import pytest
from django.urls import reverse

from shangliang.consultations.models import Suggestion
from shangliang.core.errors import NotAllowed, NotPossible
from shangliang.core.events import timeline
from shangliang.online import services
from shangliang.online.models import Statement, Vote
from tests.conftest import fresh
from tests.online.rooms import _clear_cache, convenor, make_room, participant, statements  # noqa: F401

pytestmark = pytest.mark.django_db


def test_pull_adds_a_suggestion_with_the_counts_once(world):
    room = make_room(world)
    s = statements(room)[2]
    for i, value in enumerate([1, 1, 1, -1, 0]):
        services.vote_cast(participant=participant(room, number=f"1370000{i:04d}"), statement_id=s.pk, value=value)
    suggestion = services.statement_pull(actor=convenor(world), statement=s)
    assert suggestion.consultation_id == room.consultation_id
    assert suggestion.text == f"{s.text}（网上协商表态：3 人同意，1 人不同意，1 人跳过）"
    assert Statement.objects.get(pk=s.pk).suggestion_id == suggestion.pk
    again = services.statement_pull(actor=convenor(world), statement=Statement.objects.get(pk=s.pk))
    assert again.pk == suggestion.pk
    assert Suggestion.objects.filter(consultation=room.consultation).count() == 1
    assert [e.action for e in timeline(room)].count("pull") == 1
    # the consultation's own log has it too (written by its service)
    assert "add_suggestion" in [e.action for e in timeline(room.consultation)]


@pytest.mark.parametrize("role", ["staff", "approver", "liaison", "member", "resident"])
def test_only_the_convenor_pulls(world, role):
    room = make_room(world)
    with pytest.raises(NotAllowed):
        services.statement_pull(actor=fresh(world.users[role]), statement=statements(room)[0])
    assert not Suggestion.objects.exists()


def test_hidden_statements_cannot_be_pulled(world):
    room = make_room(world)
    s = statements(room)[0]
    services.statement_moderate(actor=convenor(world), statement=s, action="hide", note="不当")
    with pytest.raises(NotPossible, match="不能纳入建议清单"):
        services.statement_pull(actor=convenor(world), statement=s)
    assert not Suggestion.objects.exists()


def test_the_consultation_must_be_in_session(world):
    room = make_room(world, consultation_status="scheduled")
    with pytest.raises(NotPossible, match="只有协商进行中才能纳入建议清单"):
        services.statement_pull(actor=convenor(world), statement=statements(room)[0])
    assert not Suggestion.objects.exists() and not Statement.objects.filter(suggestion__isnull=False).exists()


def test_pull_from_the_results_page_and_the_consultation_page_links_the_room(client, world):
    room = make_room(world)
    s = statements(room)[0]
    Vote.objects.create(room=room, participant=participant(room, number="13700009999"), statement=s, value=1)
    client.force_login(world.users["convenor"])
    response = client.post(reverse("online:pull", args=[room.pk, s.pk]), {"back": "results"})
    assert response.status_code == 302 and response["Location"].endswith("#common-ground")
    assert Suggestion.objects.get(consultation=room.consultation).text.startswith(s.text)
    # forged: a statement of another room under this room's URL
    other = make_room(world, seeds=("另一个议事室的观点",))
    forged = client.post(reverse("online:pull", args=[room.pk, statements(other)[0].pk]))
    assert forged.status_code == 404
    detail = client.get(reverse("consultations:detail", args=[room.consultation_id])).content.decode()
    assert reverse("online:manage", args=[room.pk]) in detail
    suggestions = client.get(reverse("consultations:detail", args=[room.consultation_id])).content.decode()
    assert s.text in suggestions  # the consultation's suggestion list shows it


def test_the_consultation_page_offers_to_open_a_room(client, world):
    from tests.online.rooms import consultation

    c = consultation(world)
    client.force_login(world.users["convenor"])
    html = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert reverse("online:create", args=[c.pk]) in html
    client.force_login(world.users["staff"])  # sees it, does not run it
    html = client.get(reverse("consultations:detail", args=[c.pk])).content.decode()
    assert reverse("online:create", args=[c.pk]) not in html
