from django.urls import path

from shangliang.units import public_views

app_name = "public"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("units/<int:pk>/", public_views.unit, name="unit"),
]
