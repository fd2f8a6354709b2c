from django.urls import path

from shangliang.residents import views

urlpatterns = [
    path("privacy/<int:county>/edit/", views.notice_edit, name="notice_edit"),
]
