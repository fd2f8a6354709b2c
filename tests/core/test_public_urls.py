"""One address scheme: every public page is under /public/, and every address a public page had before answers with
a permanent redirect to it (printed QR codes and posters, text messages already sent)."""

import pytest
from django.urls import URLPattern, get_resolver, reverse

from shangliang.core.urls import MovedView

# (old address, new address): every public page of every app, as it was printed before and as it is now.
MOVED = [
    ("/topics/rooms/7/", "/public/rooms/7/"),
    ("/topics/rooms/7/new/", "/public/rooms/7/new/"),
    ("/topics/rooms/7/poster/", "/public/rooms/7/poster/"),
    ("/topics/rooms/7/qr.png", "/public/rooms/7/qr.png"),
    ("/topics/rooms/7/qr.svg", "/public/rooms/7/qr.svg"),
    ("/topics/public/similar/", "/public/topics/similar/"),
    ("/topics/public/7/", "/public/topics/7/"),
    ("/topics/public/7/support/", "/public/topics/7/support/"),
    ("/topics/thanks/AB12/", "/public/topics/thanks/AB12/"),
    ("/topics/track/", "/public/track/"),
    ("/topics/track/AB12/", "/public/track/AB12/"),
    ("/topics/track/AB12/resubmit/", "/public/track/AB12/resubmit/"),
    ("/topics/track/AB12/photos/3/", "/public/track/AB12/photos/3/"),
    ("/accountability/public/consultations/7/", "/public/consultations/7/"),
    ("/accountability/public/tasks/7/", "/public/tasks/7/"),
    ("/accountability/public/tasks/7/rate/", "/public/tasks/7/rate/"),
    ("/accountability/public/tasks/7/follow/", "/public/tasks/7/follow/"),
    ("/accountability/public/unfollow/tok/", "/public/tasks/unfollow/tok/"),
    ("/accountability/public/photos/7/", "/public/tasks/evidence/7/"),
    ("/accountability/public/units/7/notices/", "/public/units/7/notices/"),
    ("/accountability/public/units/7/results/", "/public/units/7/results/"),
    ("/online/r/7/", "/public/online/7/"),
    ("/online/r/7/card/", "/public/online/7/card/"),
    ("/online/r/7/vote/", "/public/online/7/vote/"),
    ("/online/r/7/statements/", "/public/online/7/statements/"),
    ("/online/r/7/verify/", "/public/online/7/verify/"),
    ("/online/r/7/results/", "/public/online/7/results/"),
    ("/village/public/units/7/", "/public/units/7/village/"),
    ("/village/public/disclosures/7/", "/public/disclosures/7/"),
    ("/village/public/receipts/AB12/", "/public/receipts/AB12/"),
    ("/dashboards/public/7/", "/public/units/7/figures/"),
    ("/dashboards/public/7/export/", "/public/units/7/figures/export/"),
    ("/consultations/7/take-part/", "/public/consultations/7/take-part/"),
    ("/consultations/7/take-part/respond/", "/public/consultations/7/take-part/respond/"),
    ("/consultations/7/take-part/opinion/", "/public/consultations/7/take-part/opinion/"),
    ("/consultations/7/take-part/vote/3/", "/public/consultations/7/take-part/vote/3/"),
    ("/consultations/signin/AB12/", "/public/signin/AB12/"),
    ("/consultations/invitation/tok/", "/public/invitations/tok/"),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_an_old_public_address_redirects_permanently(client, old, new):
    r = client.get(old)
    assert r.status_code == 301
    assert r["Location"] == new


def test_the_query_string_follows_and_a_post_stays_a_post(client):
    r = client.get("/topics/rooms/7/new/", {"from": "poster"})
    assert (r.status_code, r["Location"]) == (301, "/public/rooms/7/new/?from=poster")
    r = client.post("/online/r/7/vote/", {"statement": "1"})
    assert (r.status_code, r["Location"]) == (308, "/public/online/7/vote/")


def _public_patterns(resolver, prefix=""):
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLPattern):
            yield route, p
        else:
            yield from _public_patterns(p, route)


def test_every_old_address_is_listed_here_and_every_public_page_is_under_public():
    redirects = {
        route for route, p in _public_patterns(get_resolver()) if getattr(p.callback, "view_class", None) is MovedView
    }
    assert len(redirects) == len(MOVED)
    for route, p in _public_patterns(get_resolver()):
        module = getattr(p.callback, "__module__", "")
        if module.endswith(".views.public") or module.endswith(".take_part"):
            assert route.startswith("public/"), route


def test_a_room_qr_code_and_a_meeting_sign_in_code_carry_the_public_address():
    assert reverse("topics:submit", args=[7]) == "/public/rooms/7/new/"
    assert reverse("consultations:signin", args=["AB12"]) == "/public/signin/AB12/"
