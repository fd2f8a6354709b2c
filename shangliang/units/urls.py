from django.urls import path

from shangliang.units import views

app_name = "units"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/add-child/", views.add_child, name="add_child"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/rooms/add/", views.room_add, name="room_add"),
    path("<int:pk>/standard/", views.standard, name="standard"),
    path("rooms/<int:pk>/", views.room_detail, name="room"),
    path("rooms/<int:pk>/edit/", views.room_edit, name="room_edit"),
    path("rooms/<int:pk>/stage/", views.room_stage, name="room_stage"),
    path("rooms/<int:pk>/assess/", views.room_assess, name="room_assess"),
    path("rooms/<int:pk>/subsidies/", views.subsidy_add, name="subsidy_add"),
    path("evidence/<int:pk>/", views.evidence_photo, name="evidence_photo"),
]
