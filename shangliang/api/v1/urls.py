"""/api/v1/: the loop's own REST API (see docs/api.md), its OpenAPI schema and documentation page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView

from shangliang.api.v1 import common

urlpatterns = [
    path("client/", common.WhoAmI.as_view(), name="api_client"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
    path("docs/", login_not_required(TemplateView.as_view(template_name="api/docs.html")), name="api_docs"),
]
