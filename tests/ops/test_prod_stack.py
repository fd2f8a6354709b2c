"""`make prod` end to end (scripts/prod.sh): the stack comes up from nothing on a port of its own — its own PostgreSQL
cluster, two gunicorn instances behind nginx, the worker and the periodic loop, DEBUG=0 — a resident submits a
concern and a convenor (password and authenticator code) screens it, both through nginx; /healthz is green and the
screening's event is delivered; `make prod-stop` leaves nothing running. Run by `make test-prod` (CI), not by the
SQLite and PostgreSQL passes."""

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django_otp.oath import totp

pytestmark = pytest.mark.prod

ROOT = Path(__file__).resolve().parents[2]
TOTP_KEY = "3132333435363738393031323334353637383930"
PASSWORD = "Smoke-Test-2026!prod"  # noqa: S105 (a throwaway account of a throwaway stack)

SEED = f"""
from django_otp.plugins.otp_totp.models import TOTPDevice
from shangliang.people.models import Role
from shangliang.units.models import UnitKind
from tests.factories import UserFactory, assign, make_room, make_unit, make_standard
county = make_unit("冒烟县", UnitKind.COUNTY)
make_standard(county)
town = make_unit("冒烟镇", UnitKind.TOWN, county)
village = make_unit("冒烟村", UnitKind.VILLAGE, town)
room = make_room(village)
convenor = UserFactory(username="smoke_convenor")
convenor.set_password("{PASSWORD}")
convenor.save()
assign(convenor, Role.CONVENOR, town, position="first")
TOTPDevice.objects.create(user=convenor, name="app", confirmed=True, key="{TOTP_KEY}")
print("ROOM", room.pk)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects (each step's answer is checked)."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"Referer": self.base + path, **(headers or {})}
        req = urllib.request.Request(self.base + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read().decode()

    def form(self, path: str) -> dict:
        status, _headers, html = self.request(path)
        assert status == 200, (path, status, html[:500])
        fields = dict(re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))
        return fields


def test_the_production_stack_comes_up_serves_and_stops():
    if not Path("/usr/sbin/nginx").exists() or not list(Path("/usr/lib/postgresql").glob("*/bin/initdb")):
        pytest.skip("needs Debian's nginx and PostgreSQL server (scripts/ensure-system.sh installs them)")
    var = Path(tempfile.mkdtemp(prefix="shangliang-prod-", dir="/tmp"))
    var.chmod(0o755)  # PostgreSQL runs as its own user when we are root
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env.update(
        PROD_VAR=str(var),
        PORT=str(port),
        PROD_PG_PORT=str(free_port()),
        PROD_INSTANCES="2",
        PROD_WORKERS="1",
        PERIODIC_SECONDS="3",
        BACKUP_NIGHTLY="0",
        # A throwaway cluster: no need to survive a power cut, and the migrations run much faster.
        PROD_PG_OPTIONS="-c fsync=off -c synchronous_commit=off -c full_page_writes=off",
    )
    base = f"http://127.0.0.1:{port}"
    try:
        started = subprocess.run(
            ["bash", "scripts/prod.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=400
        )
        assert started.returncode == 0, started.stdout + started.stderr
        app_env = dict(env)
        for name in ("secrets.env", "app.env"):
            for line in (var / "prod" / name).read_text().splitlines():
                key, _sep, value = line.partition("=")
                app_env[key] = value.strip("'")
        seeded = subprocess.run(
            [str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", SEED],
            cwd=ROOT, env=app_env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert seeded.returncode == 0, seeded.stderr
        room = int(re.search(r"ROOM (\d+)", seeded.stdout).group(1))

        # A resident, on the public form.
        resident = Browser(base)
        fields = resident.form(f"/public/rooms/{room}/new/")
        concern = {
            **fields,
            "title": "冒烟测试：路灯不亮",
            "description": "村口路灯坏了一个月。",
            "name": "王测试",
            "mobile": "13912345678",
            "contact_consent": "on",
        }
        status, headers, html = resident.request(f"/public/rooms/{room}/new/", concern)
        assert status == 302, html[:2000]
        assert "/public/topics/thanks/" in headers["Location"]

        # The public page of the room, from nginx's micro-cache: no cookie, the second answer from the cache; a visitor
        # with a cookie of their own gets their page from Django, private.
        page = f"/public/rooms/{room}/"
        status, first, html = Browser(base).request(page)
        assert status == 200 and "Set-Cookie" not in first, first
        assert first["Cache-Control"].startswith("public, max-age=") and first["X-Cache"] in ("MISS", "EXPIRED")
        assert "csrfmiddlewaretoken" not in html
        status, second, _html = Browser(base).request(page)
        assert (status, second["X-Cache"]) == (200, "HIT"), second
        status, own, html = Browser(base).request(page, headers={"Cookie": "sl_browser=" + "b" * 32})
        assert (status, own["X-Cache"], own["Cache-Control"]) == (200, "BYPASS", "private"), own
        # The language switch of the cached page: refused without a token, accepted with the token fetched just in
        # time (which sets the csrftoken cookie it goes with); the next page is the visitor's own.
        visitor = Browser(base)
        choice = {"language": "en", "next": page}
        assert visitor.request("/i18n/setlang/", choice)[0] == 403
        status, answer, body = visitor.request("/csrf-token")
        assert status == 200 and "no-store" in answer["Cache-Control"] and "csrftoken=" in answer["Set-Cookie"]
        token = json.loads(body)["token"]
        assert visitor.request("/i18n/setlang/", {**choice, "csrfmiddlewaretoken": token})[0] == 302
        status, own, html = visitor.request(page)
        assert (status, own["X-Cache"]) == (200, "BYPASS") and 'lang="en"' in html

        # The convenor: password, then the authenticator's code, then the screening.
        convenor = Browser(base)
        fields = convenor.form("/accounts/login/")
        status, headers, html = convenor.request(
            "/accounts/login/", {**fields, "username": "smoke_convenor", "password": PASSWORD}
        )
        assert status == 302, html[:2000]
        status, headers, _html = convenor.request("/topics/")  # staff pages want the second factor first
        verify = headers["Location"]
        assert status == 302 and "/security/verify/" in verify
        fields = convenor.form(verify)
        code = f"{totp(bytes.fromhex(TOTP_KEY), step=30, t0=0, digits=6):06d}"
        status, headers, html = convenor.request(verify, {**fields, "method": "totp", "token": code})
        assert status == 302, html[:2000]
        status, _h, listing = convenor.request("/topics/")
        assert status == 200 and "冒烟测试：路灯不亮" in listing
        topic = int(re.search(r'href="/topics/(\d+)/"', listing).group(1))
        fields = convenor.form(f"/topics/{topic}/")
        status, headers, html = convenor.request(
            f"/topics/{topic}/screen/",
            {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "decision": "accept", "category": "livelihood"},
        )
        assert status == 302, html[:2000]
        status, _h, detail = convenor.request(f"/topics/{topic}/")
        assert status == 200 and "已受理，待审定" in detail, detail[:3000]

        # Green, with the screening's notifications delivered by the worker (the outbox is empty).
        deadline = time.monotonic() + 30
        while True:
            status, _h, body = Browser(base).request("/healthz")
            report = json.loads(body)
            if status == 200 and report["ok"] and report["outbox"]["undelivered"] == 0:
                break
            assert time.monotonic() < deadline, report
            time.sleep(1)
    finally:
        stopped = subprocess.run(
            ["bash", "scripts/prod-stop.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        logs = {p.name: p.read_text()[-1500:] for p in (var / "prod" / "log").glob("*.log")} if var.exists() else {}
        shutil.rmtree(var, ignore_errors=True)
    assert stopped.returncode == 0, stopped.stderr
    assert "killed" not in stopped.stderr, (stopped.stderr, logs)
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # nothing listens any more
