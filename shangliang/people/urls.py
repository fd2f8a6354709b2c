from django.urls import path

from shangliang.people import views

app_name = "people"
urlpatterns = [
    path("units/<int:pk>/", views.unit_people, name="unit_people"),
    path("units/<int:pk>/add/", views.person_add, name="person_add"),
    path("units/<int:pk>/assign/", views.assign, name="assign"),
    path("units/<int:pk>/assign/people/", views.person_search, name="person_search"),
    path("assignments/<int:pk>/end/", views.assignment_end, name="assignment_end"),
    path("counties/<int:pk>/links/", views.member_links, name="member_links"),
    path("counties/<int:pk>/links/units/", views.link_filter_units, name="link_filter_units"),
    path("counties/<int:pk>/links/add/", views.member_link_add, name="member_link_add"),
    path("counties/<int:pk>/links/add/members/", views.link_member_search, name="link_member_search"),
    path("counties/<int:pk>/links/add/units/", views.link_unit_search, name="link_unit_search"),
    path("links/<int:pk>/end/", views.member_link_end, name="member_link_end"),
    path("counties/<int:pk>/talent/", views.talent_list, name="talent_list"),
    path("counties/<int:pk>/talent/add/", views.talent_add, name="talent_add"),
    path("talent/<int:pk>/edit/", views.talent_edit, name="talent_edit"),
]
