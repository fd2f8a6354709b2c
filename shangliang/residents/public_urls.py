"""Public pages of residents, under /public/: the one verification page and the privacy notices."""

from django.urls import path

from shangliang.residents import views

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/forget/", views.forget, name="forget"),
    path("privacy/", views.notice, name="notice"),
    path("privacy/<int:county>/", views.notice, name="county_notice"),
]
