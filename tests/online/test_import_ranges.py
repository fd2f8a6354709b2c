"""An import (issue 12: "no path — admin, import, API — can store a value that breaks a reader"): a Pol.is export
whose timestamps lie beyond the dates every reader assumes is answered with a warning per line, never a 500, and
nothing beyond the range is stored."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shangliang.core.validation import DATE_MAX, DATE_MIN
from shangliang.online.models import RoomStatus, Statement, Vote
from tests.online.rooms import make_room

pytestmark = pytest.mark.django_db

FAR = "253402214400000"  # 9999-12-31 in epoch milliseconds
HUGE = "99999999999999999999"


@pytest.mark.parametrize("stamp", [FAR, HUGE, "-62135596800000"])
def test_far_timestamps_in_an_import_never_store_a_far_date(client, world, stamp):
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    client.force_login(world.users["convenor"])
    comments = (
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        f"{stamp},x,0,0,1,0,1,应当公开账目\n"
        "1500000000001,x,1,1,0,1,1,应当先调研\n"
    )
    votes = f"timestamp,datetime,comment-id,voter-id,vote\n{stamp},x,0,0,1\n1500000000100,x,1,1,1\n"
    response = client.post(
        reverse("online:import", args=[target.pk]),
        {
            "votes": SimpleUploadedFile("votes.csv", votes.encode()),
            "comments": SimpleUploadedFile("comments.csv", comments.encode()),
        },
    )
    assert response.status_code < 500
    for moment in [*Statement.objects.filter(room=target).values_list("created_at", flat=True)] + [
        *Vote.objects.filter(room=target).values_list("created_at", flat=True)
    ]:
        assert DATE_MIN <= moment.date() <= DATE_MAX
    page = client.get(reverse("online:manage", args=[target.pk]))
    assert page.status_code == 200
