"""Documents follow the page (issue 12, class 8): whoever is sent away from a consultation's page (an invited
outside participant, who has a take-part page of their own) does not download its Word report, its suggestion list
or its research attachments either; those who see the page do."""

from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from shangliang.consultations.models import Attachment, ResearchKind, ResearchRecord
from tests.conftest import fresh


def with_attachment(c) -> Attachment:
    research = ResearchRecord.objects.create(
        consultation=c, kind=ResearchKind.choices[0][0], title="走访", text="走访三户", done_on=date(2026, 1, 5)
    )
    return Attachment.objects.create(
        consultation=c,
        research=research,
        file=ContentFile(b"%PDF-1.4 sweep", name="research.pdf"),
        original_name="调研记录.pdf",
        content_type="application/pdf",
        size=14,
    )


def documents(c):
    return [
        reverse("consultations:report", args=[c.pk]),
        reverse("consultations:suggestions_xlsx", args=[c.pk]),
    ]


def test_an_invited_participant_gets_no_document_of_a_page_they_may_not_open(client, world, people, make_consultation):
    c = make_consultation()
    assert c.participants.filter(user=people.alice).exists()
    assert not fresh(people.alice).has_perm("consultations.view_record", c)
    client.force_login(people.alice)
    page = client.get(reverse("consultations:detail", args=[c.pk]))
    assert page.status_code == 302 and page["Location"] == reverse("consultations:take_part", args=[c.pk])
    for url in documents(c):
        assert client.get(url).status_code == 403, url
    attachment = with_attachment(c)
    assert client.get(reverse("consultations:attachment", args=[attachment.pk])).status_code == 403
    assert client.get(reverse("consultations:take_part", args=[c.pk])).status_code == 200


@pytest.mark.parametrize("role", ["convenor", "staff", "approver", "liaison", "member"])
def test_who_sees_the_page_gets_its_documents(client, world, make_consultation, role):
    c = make_consultation()
    client.force_login(world.users[role])
    assert client.get(reverse("consultations:detail", args=[c.pk])).status_code == 200
    for url in documents(c):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("consultations:attachment", args=[with_attachment(c).pk])).status_code == 200


@pytest.mark.parametrize("role", ["department", "expert", "evaluator", "resident", "stranger"])
def test_who_is_refused_the_page_is_refused_its_documents(client, world, make_consultation, role):
    c = make_consultation()
    client.force_login(world.users[role])
    for url in [reverse("consultations:detail", args=[c.pk]), *documents(c)]:
        assert client.get(url).status_code in (302, 403), url
