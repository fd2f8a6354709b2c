from django.conf import settings

from shangliang.core.display import large_text_on
from shangliang.core.links import site_root


def site(request):
    return {"DEMO_MODE": settings.DEMO_MODE, "SITE_URL": site_root(request), "LARGE_TEXT": large_text_on(request)}
