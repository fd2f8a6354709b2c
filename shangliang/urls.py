from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from shangliang.core import views as core_views

admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("units/", include("shangliang.units.urls")),
    path("people/", include("shangliang.people.urls")),
    path("public/", include("shangliang.units.public_urls")),
    path("village/", include("shangliang.villageaffairs.urls")),
    path("opinions/", include("shangliang.opinions.urls")),
    path("topics/", include("shangliang.topics.urls")),
    path("notifications/", include("shangliang.notifications.urls")),
    path("consultations/", include("shangliang.consultations.urls")),
    path("online/", include("shangliang.online.urls")),
    path("accountability/", include("shangliang.accountability.urls")),
    path("dashboards/", include("shangliang.dashboards.urls")),
]
