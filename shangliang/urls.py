from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from shangliang.core.display import large_text
from shangliang.core.health import healthz
from shangliang.core.publiccache import csrf_token_json
from shangliang.core.urls import app_urls
from shangliang.people import views_home
from shangliang.security.login import LoginView

# The database away (a restart): the Chinese "briefly unavailable" page with 503, not a 500 (core.health).
handler500 = "shangliang.core.health.server_error"
admin.site.site_header = settings.ADMIN_SITE_HEADER
admin.site.site_title = settings.ADMIN_SITE_HEADER

# Internal pages under /<app>/, public pages under /public/ (shangliang.core.urls says how).
urlpatterns = [
    path("", views_home.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("csrf-token", csrf_token_json, name="csrf_token"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("security/", include("shangliang.security.urls")),
    path("public/display/large-text/", large_text, name="large_text"),
    path("public/", include("shangliang.units.public_urls")),
    app_urls("units", public=False),
    app_urls("people"),
    app_urls("villageaffairs", "village"),
    app_urls("opinions"),
    app_urls("topics"),
    app_urls("residents"),
    app_urls("notifications"),
    app_urls("consultations"),
    app_urls("online"),
    app_urls("accountability"),
    app_urls("dashboards"),
    # The public API: the REST API with its schema and documentation page, Open311 GeoReport v2, the clients' pages.
    path("api/v1/", include("shangliang.api.v1.urls")),
    path("open311/v2/", include("shangliang.api.open311.urls")),
    app_urls("api"),
]
