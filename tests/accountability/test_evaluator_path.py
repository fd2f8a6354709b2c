"""The third-party evaluator's path: results posted in their area arrive as a message and on their desk, the
posted result page links to the evaluation form, and done evaluations are listed with their scores."""

import pytest
from django.urls import reverse

from shangliang.accountability import services
from shangliang.accountability.models import ItemKind
from shangliang.consultations.models import ConsultationStatus as C
from shangliang.notifications.models import Notification
from shangliang.people.models import Role
from tests.conftest import fresh
from tests.consultations.conftest import make, people  # noqa: F401 (the `people` fixture)
from tests.factories import UserFactory, assign

pytestmark = pytest.mark.django_db


def evaluation_form(world):
    return services.evaluation_form_save(
        actor=fresh(world.users["staff"]),
        county=world.a,
        name="质效评估表",
        items=[
            {"kind": ItemKind.PROCESS, "text": "程序规范", "weight": 30},
            {"kind": ItemKind.OUTCOME, "text": "群众受益", "weight": 70},
        ],
    )


@pytest.mark.parametrize("state", [C.CLOSED_CONSENSUS, C.CLOSED_NO_CONSENSUS])
def test_posted_results_tell_the_evaluators_of_the_area_only(
    world,
    people,  # noqa: F811
    state,
    django_capture_on_commit_callbacks,
):
    elsewhere = UserFactory(username="evaluator_b")
    assign(elsewhere, Role.EVALUATOR, world.b)
    with django_capture_on_commit_callbacks(execute=True):
        c = make(world, people, state)
    told = Notification.objects.filter(verb="consultation.results_posted")
    assert list(told.values_list("user__username", "link")) == [
        ("evaluator", reverse("accountability:evaluate", args=[c.pk]))
    ]
    assert c.title in told.get().text


def test_the_posted_result_page_leads_the_evaluator_to_the_form_and_then_shows_the_score(
    client,
    world,
    people,  # noqa: F811
):
    c = make(world, people, C.CLOSED_CONSENSUS)
    form = evaluation_form(world)
    public = reverse("accountability:public_consultation", args=[c.pk])
    assert "evaluation-link" not in client.get(public).content.decode()  # nobody signed in
    client.force_login(world.users["resident"])
    assert "evaluation-link" not in client.get(public).content.decode()
    client.force_login(world.users["evaluator"])
    page = client.get(public).content.decode()
    assert reverse("accountability:evaluate", args=[c.pk]) in page

    items = {i.kind: i for i in form.items.all()}
    posted = client.post(
        reverse("accountability:evaluate", args=[c.pk]),
        {f"item_{items[ItemKind.PROCESS].pk}": "5", f"item_{items[ItemKind.OUTCOME].pk}": "4", "comment": "程序完整"},
    )
    assert posted.status_code == 302, posted.content.decode()[:3000]
    assert "82.5" in client.get(public).content.decode()
    listed = client.get(reverse("accountability:evaluations")).content.decode()
    assert "82.5" in listed and c.title in listed
    assert reverse("accountability:evaluate", args=[c.pk]) not in listed.split('id="done-title"')[0]
