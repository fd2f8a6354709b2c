"""Public pages of residents, under /public/: the one verification page and the privacy notices."""

from django.urls import path

from shangliang.residents import own_views, views

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/forget/", views.forget, name="forget"),
    path("privacy/", views.notice, name="notice"),
    path("privacy/<int:county>/", views.notice, name="county_notice"),
    path("me/", own_views.mine, name="mine"),
    path("me/data.json", own_views.mine_json, name="mine_json"),
    path("me/data.xlsx", own_views.mine_xlsx, name="mine_xlsx"),
    path("me/consents/<int:pk>/withdraw/", own_views.withdraw, name="withdraw"),
    path("me/requests/", own_views.ask, name="ask"),
    path("me/requests/counties/", own_views.ask_counties, name="ask_counties"),
]
