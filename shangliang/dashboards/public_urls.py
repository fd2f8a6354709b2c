"""Public figures of a unit, under /public/ (no account needed)."""

from django.urls import path

from shangliang.core.urls import moved
from shangliang.dashboards import views

urlpatterns = [
    path("units/<int:pk>/figures/", views.public, name="public"),
    path("units/<int:pk>/figures/export/", views.public_export, name="public_export"),
]

# The addresses before /public/.
old_addresses = [
    moved("dashboards/public/<int:pk>/", "dashboards:public"),
    moved("dashboards/public/<int:pk>/export/", "dashboards:public_export"),
]
