"""The public site's front pages, under /public/ in the namespace `public`: the county list and a unit's page."""

from django.urls import path

from shangliang.units.views import public

app_name = "public"
urlpatterns = [
    path("", public.index, name="index"),
    path("units/<int:pk>/", public.unit, name="unit"),
]
