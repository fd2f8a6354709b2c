from django.urls import path

from shangliang.units.views import calendar, main

app_name = "units"
urlpatterns = [
    path("", main.index, name="index"),
    path("<int:pk>/", main.detail, name="detail"),
    path("<int:pk>/edit/", main.edit, name="edit"),
    path("<int:pk>/add-child/", main.add_child, name="add_child"),
    path("<int:pk>/move/", main.move, name="move"),
    path("<int:pk>/rooms/add/", main.room_add, name="room_add"),
    path("<int:pk>/standard/", main.standard, name="standard"),
    path("<int:pk>/calendar/", calendar.calendar, name="calendar"),
    path("<int:pk>/calendar/limits/", calendar.calendar_limits, name="calendar_limits"),
    path("<int:pk>/calendar/deadlines/<int:deadline_pk>/", calendar.calendar_resolve, name="calendar_resolve"),
    path("rooms/<int:pk>/", main.room_detail, name="room"),
    path("rooms/<int:pk>/edit/", main.room_edit, name="room_edit"),
    path("rooms/<int:pk>/stage/", main.room_stage, name="room_stage"),
    path("rooms/<int:pk>/assess/", main.room_assess, name="room_assess"),
    path("rooms/<int:pk>/subsidies/", main.subsidy_add, name="subsidy_add"),
    path("evidence/<int:pk>/", main.evidence_photo, name="evidence_photo"),
]
