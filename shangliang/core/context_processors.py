from django.conf import settings

from shangliang.core.links import site_root


def site(request):
    return {"DEMO_MODE": settings.DEMO_MODE, "SITE_URL": site_root(request)}
