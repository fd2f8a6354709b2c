"""core.links: every absolute address (QR codes, posters, messages) on the address the site is served on."""

from django.test import RequestFactory

from shangliang.core.links import absolute_url, site_root


def test_the_configured_site_url_wins(settings):
    settings.SITE_URL = "https://ysh.example.cn/"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8765")
    assert absolute_url("/public/x/", request) == "https://ysh.example.cn/public/x/"
    assert absolute_url("/public/x/") == "https://ysh.example.cn/public/x/"


def test_without_site_url_the_request_host_and_port(settings):
    settings.SITE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8765")
    assert absolute_url("/public/x/", request) == "http://127.0.0.1:8765/public/x/"
    secure = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8765", secure=True)
    assert site_root(secure) == "https://127.0.0.1:8765"


def test_outside_a_request_the_local_address_on_port(settings):
    settings.SITE_URL = ""
    settings.LOCAL_SITE_URL = "http://127.0.0.1:8765"
    assert absolute_url("/public/x/") == "http://127.0.0.1:8765/public/x/"
    assert absolute_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


def test_port_sets_the_local_address(monkeypatch):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PORT": "8765", "DJANGO_SETTINGS_MODULE": "shangliang.settings"}
    env.pop("SITE_URL", None)
    code = "import django; django.setup(); from django.conf import settings; print(settings.LOCAL_SITE_URL)"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "http://127.0.0.1:8765", out.stderr
