from django.urls import path

from shangliang.residents import own_views, views

urlpatterns = [
    path("privacy/<int:county>/edit/", views.notice_edit, name="notice_edit"),
    path("requests/<int:county>/", own_views.requests_page, name="requests"),
]
