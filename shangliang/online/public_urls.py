"""Public pages of the online room, under /public/ (phone first): taking part and the results."""

from django.urls import path

from shangliang.core.urls import moved
from shangliang.online.views import public

urlpatterns = [
    path("online/<int:pk>/", public.room_page, name="room"),
    path("online/<int:pk>/card/", public.card, name="card"),
    path("online/<int:pk>/vote/", public.vote, name="vote"),
    path("online/<int:pk>/statements/", public.add_statement, name="add_statement"),
    path("online/<int:pk>/verify/", public.verify, name="verify"),
    path("online/<int:pk>/results/", public.results, name="results"),
    path("online/<int:pk>/events/", public.events, name="events"),
    path("online/<int:pk>/poster/", public.poster, name="poster"),
    path("online/<int:pk>/qr.svg", public.qr_svg, name="qr_svg"),
    path("online/<int:pk>/qr.png", public.qr_png, name="qr_png"),
]

# The addresses before /public/.
old_addresses = [
    moved("online/r/<int:pk>/", "online:room"),
    moved("online/r/<int:pk>/card/", "online:card"),
    moved("online/r/<int:pk>/vote/", "online:vote"),
    moved("online/r/<int:pk>/statements/", "online:add_statement"),
    moved("online/r/<int:pk>/verify/", "online:verify"),
    moved("online/r/<int:pk>/results/", "online:results"),
]
