from django.urls import path

from shangliang.dashboards import assessment_views, views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/<int:pk>/", views.dashboard, name="unit"),
    path("units/<int:pk>/export/", views.export, name="export"),
    path("units/<int:pk>/summary/", views.summary, name="summary"),
    path("units/<int:pk>/norms/", assessment_views.norms, name="norms"),
    path("counties/<int:pk>/members/", assessment_views.members, name="members"),
    path("counties/<int:pk>/members/<int:user_pk>/", assessment_views.member, name="member"),
    path("counties/<int:pk>/units/", assessment_views.units, name="units"),
    path("counties/<int:pk>/scoring/", assessment_views.scoring, name="scoring"),
]
