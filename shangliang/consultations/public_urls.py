"""A participant's own pages, under /public/ (phone first; an invitation link works without an account): the
invitation, the meeting's sign-in QR code, their answer, opinion and votes."""

from django.urls import path

from shangliang.consultations.views import take_part
from shangliang.core.urls import moved

urlpatterns = [
    path("consultations/<int:pk>/take-part/", take_part.take_part, name="take_part"),
    path("consultations/<int:pk>/take-part/respond/", take_part.respond, name="respond"),
    path("consultations/<int:pk>/take-part/opinion/", take_part.own_opinion, name="own_opinion"),
    path("consultations/<int:pk>/take-part/vote/<int:suggestion_pk>/", take_part.own_vote, name="own_vote"),
    path("signin/<str:code>/", take_part.signin, name="signin"),
    path("invitations/<str:token>/", take_part.invitation, name="invitation"),
]

# The addresses before /public/ (the sign-in QR code and the invitation text message carry them).
old_addresses = [
    moved("consultations/<int:pk>/take-part/", "consultations:take_part"),
    moved("consultations/<int:pk>/take-part/respond/", "consultations:respond"),
    moved("consultations/<int:pk>/take-part/opinion/", "consultations:own_opinion"),
    moved("consultations/<int:pk>/take-part/vote/<int:suggestion_pk>/", "consultations:own_vote"),
    moved("consultations/signin/<str:code>/", "consultations:signin"),
    moved("consultations/invitation/<str:token>/", "consultations:invitation"),
]
