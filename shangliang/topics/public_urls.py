"""Public pages of topics, under /public/: the room's QR code opens `submit`; the tracking code opens `track`."""

from django.urls import path

from shangliang.core.urls import moved
from shangliang.topics.views import public

urlpatterns = [
    path("rooms/<int:pk>/", public.room_topics, name="room"),
    path("rooms/<int:pk>/new/", public.submit, name="submit"),
    path("rooms/<int:pk>/poster/", public.poster, name="poster"),
    path("rooms/<int:pk>/qr.png", public.qr_png, name="qr_png"),
    path("rooms/<int:pk>/qr.svg", public.qr_svg, name="qr_svg"),
    path("units/<int:pk>/topics/", public.unit_topics, name="unit_public"),
    path("topics/similar/", public.similar, name="public_similar"),
    path("topics/<int:pk>/", public.public_topic, name="public_topic"),
    path("topics/<int:pk>/support/", public.support, name="support"),
    path("topics/thanks/<str:code>/", public.thanks, name="thanks"),
    path("track/", public.track_form, name="track_form"),
    path("track/<str:code>/", public.track, name="track"),
    path("track/<str:code>/resubmit/", public.track_resubmit, name="track_resubmit"),
    path("track/<str:code>/photos/<int:photo>/", public.track_photo, name="track_photo"),
]

# The addresses before /public/ (printed posters and QR codes carry them).
old_addresses = [
    moved("topics/rooms/<int:pk>/", "topics:room"),
    moved("topics/rooms/<int:pk>/new/", "topics:submit"),
    moved("topics/rooms/<int:pk>/poster/", "topics:poster"),
    moved("topics/rooms/<int:pk>/qr.png", "topics:qr_png"),
    moved("topics/rooms/<int:pk>/qr.svg", "topics:qr_svg"),
    moved("topics/public/similar/", "topics:public_similar"),
    moved("topics/public/<int:pk>/", "topics:public_topic"),
    moved("topics/public/<int:pk>/support/", "topics:support"),
    moved("topics/thanks/<str:code>/", "topics:thanks"),
    moved("topics/track/", "topics:track_form"),
    moved("topics/track/<str:code>/", "topics:track"),
    moved("topics/track/<str:code>/resubmit/", "topics:track_resubmit"),
    moved("topics/track/<str:code>/photos/<int:photo>/", "topics:track_photo"),
]
