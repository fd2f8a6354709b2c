"""/open311/v2/: every address with `.json` or `.xml` (or neither: JSON)."""

from django.urls import re_path

from shangliang.api.open311 import views

FORMAT = r"(?:\.(?P<format>json|xml))?$"
SLUG = r"(?P<{}>[A-Za-z0-9_-]{{1,64}})"

urlpatterns = [
    re_path(r"^discovery" + FORMAT, views.Discovery.as_view(), name="open311_discovery"),
    re_path(r"^services" + FORMAT, views.Services.as_view(), name="open311_services"),
    re_path(r"^services/" + SLUG.format("code") + FORMAT, views.ServiceDefinition.as_view(), name="open311_service"),
    re_path(r"^requests" + FORMAT, views.Requests.as_view(), name="open311_requests"),
    re_path(r"^requests/" + SLUG.format("code") + FORMAT, views.RequestDetail.as_view(), name="open311_request"),
    re_path(r"^tokens/" + SLUG.format("token") + FORMAT, views.Token.as_view(), name="open311_token"),
]
