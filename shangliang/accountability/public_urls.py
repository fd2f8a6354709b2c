"""Public pages of implementation, under /public/: publication (公示), rating, following, notices (通报)."""

from django.urls import path

from shangliang.accountability.views import public
from shangliang.core.urls import moved

urlpatterns = [
    path("consultations/<int:pk>/", public.consultation, name="public_consultation"),
    path("consultations/<int:pk>/print/", public.consultation_print, name="public_consultation_print"),
    path("tasks/<int:pk>/", public.task, name="public_task"),
    path("tasks/<int:pk>/rate/", public.rate, name="rate"),
    path("tasks/<int:pk>/follow/", public.follow, name="follow"),
    path("tasks/unfollow/<str:token>/", public.unfollow, name="unfollow"),
    path("tasks/evidence/<int:pk>/", public.photo, name="public_photo"),
    path("units/<int:pk>/notices/", public.notices, name="public_notices"),
    path("units/<int:pk>/results/", public.results, name="public_results"),
]

# The addresses before /public/ (text messages to followers carry them).
old_addresses = [
    moved("accountability/public/consultations/<int:pk>/", "accountability:public_consultation"),
    moved("accountability/public/tasks/<int:pk>/", "accountability:public_task"),
    moved("accountability/public/tasks/<int:pk>/rate/", "accountability:rate"),
    moved("accountability/public/tasks/<int:pk>/follow/", "accountability:follow"),
    moved("accountability/public/unfollow/<str:token>/", "accountability:unfollow"),
    moved("accountability/public/photos/<int:pk>/", "accountability:public_photo"),
    moved("accountability/public/units/<int:pk>/notices/", "accountability:public_notices"),
    moved("accountability/public/units/<int:pk>/results/", "accountability:public_results"),
]
