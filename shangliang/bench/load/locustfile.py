"""The load of `manage.py bench_load`, run by locust (headless) against the stack. Plain locust and the standard
library only: locust runs it in its own gevent process, without Django. The plan (rooms, units, topics, convenors with
their authenticator keys) comes from the JSON file named by BENCH_LOAD_PLAN; what the clients saw accepted is written
to BENCH_LOAD_SEEN (one JSON line per process) for the reconciliation.

The mix, per simulated person (BENCH_LOAD_MIX=public: the residents' public pages alone):
- residents on phones (weight 8): the room's page, a unit's public page, a topic's public page, the submission form and
  a submission (a new concern: a write), the tracking page of what they submitted; without cookies of their own, as a
  first visit is, so nginx's micro-cache serves the public pages (BENCH_LOAD_NO_CACHE: with a language cookie, so
  Django renders each of them);
- convenors (weight 1): signed in once with password and authenticator code; their topic list, a topic, screening a
  submitted topic (accept: a transition with its event), their town's dashboard.
"""

import hmac
import json
import os
import random
import re
import struct
import time
import uuid
from hashlib import sha1

from locust import HttpUser, between, events, tag, task

PLAN = json.loads(open(os.environ["BENCH_LOAD_PLAN"]).read())  # noqa: SIM115, PTH123
SEEN = {"submitted": [], "screened": []}
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')
TOPIC_LINK = re.compile(r'href="/topics/(\d+)/"')


def totp(key_hex: str, at: float) -> str:
    counter = struct.pack(">Q", int(at) // 30)
    digest = hmac.new(bytes.fromhex(key_hex), counter, sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def hidden_fields(html: str) -> dict:
    return dict(HIDDEN.findall(html))


class Resident(HttpUser):
    weight = 8
    wait_time = between(1, 3)

    def on_start(self):
        self.codes = []
        if os.environ.get("BENCH_LOAD_NO_CACHE"):
            # A resident who chose the language: every public page is theirs, rendered by Django (no micro-cache).
            self.client.cookies.set("django_language", "zh-hans")

    @task(4)
    def room_page(self):
        self.client.get(f"/public/rooms/{random.choice(PLAN['rooms'])}/", name="public: room")  # noqa: S311

    @task(3)
    def unit_page(self):
        self.client.get(f"/public/units/{random.choice(PLAN['units'])}/", name="public: unit")  # noqa: S311

    @task(2)
    def topic_page(self):
        if PLAN["public_topics"]:
            self.client.get(f"/public/topics/{random.choice(PLAN['public_topics'])}/", name="public: topic")  # noqa: S311

    @tag("write")
    @task(2)
    def submit(self):
        room = random.choice(PLAN["rooms"])  # noqa: S311
        form = self.client.get(f"/public/rooms/{room}/new/", name="resident: form")
        fields = hidden_fields(form.text)
        key = fields.get("idempotency_key") or uuid.uuid4().hex
        data = {
            **fields,
            "idempotency_key": key,
            "title": f"压测：路灯 {key[:6]}",
            "description": "村口路灯不亮，晚上出行不便。",
            "name": "压测居民",
            "mobile": "139" + str(random.randint(10_000_000, 99_999_999)),  # noqa: S311
            "contact_consent": "on",
        }
        with self.client.post(
            f"/public/rooms/{room}/new/", data=data, name="resident: submit", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and "/thanks/" in response.headers.get("Location", ""):
                code = response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
                self.codes.append(code)
                SEEN["submitted"].append(key)
                response.success()
            else:
                response.failure(f"submit answered {response.status_code}")

    @tag("write")
    @task(1)
    def track(self):
        if self.codes:
            self.client.get(f"/public/track/{random.choice(self.codes)}/", name="resident: track")  # noqa: S311


class Convenor(HttpUser):
    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        account = PLAN["convenors"].pop() if PLAN["convenors"] else None
        self.ready = False
        if account is None:
            return
        self.unit = account["unit"]
        form = self.client.get("/accounts/login/", name="convenor: sign in")
        self.client.post(
            "/accounts/login/",
            data={**hidden_fields(form.text), "username": account["username"], "password": account["password"]},
            name="convenor: sign in",
        )
        verify = self.client.get("/security/verify/?next=/topics/", name="convenor: second factor")
        response = self.client.post(
            "/security/verify/?next=/topics/",
            data={**hidden_fields(verify.text), "method": "totp", "token": totp(account["totp"], time.time())},
            name="convenor: second factor",
        )
        self.ready = response.ok and "/security/verify/" not in response.url

    @task(3)
    def topic_list(self):
        if self.ready:
            self.client.get("/topics/", name="convenor: topics")

    @task(2)
    def screen_one(self):
        if not self.ready:
            return
        listing = self.client.get("/topics/?status=submitted", name="convenor: topics")
        ids = TOPIC_LINK.findall(listing.text)
        if not ids:
            return
        topic = random.choice(ids[:10])  # noqa: S311
        page = self.client.get(f"/topics/{topic}/", name="convenor: topic")
        token = hidden_fields(page.text).get("csrfmiddlewaretoken", "")
        with self.client.post(
            f"/topics/{topic}/screen/",
            data={"csrfmiddlewaretoken": token, "decision": "accept", "category": "livelihood"},
            name="convenor: screen",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                SEEN["screened"].append(int(topic))
                response.success()
            elif response.status_code in (400, 409):  # screened by another convenor first: a domain answer
                response.success()
            else:
                response.failure(f"screen answered {response.status_code}")

    @task(1)
    def dashboard(self):
        if self.ready:
            self.client.get(f"/dashboards/units/{self.unit}/", name="convenor: dashboard")


if os.environ.get("BENCH_LOAD_MIX") == "public":
    # Public pages alone (run with --exclude-tags write): residents reading, no convenors.
    Convenor.abstract = True


@events.test_stop.add_listener
def write_seen(**_kwargs):
    with open(os.environ["BENCH_LOAD_SEEN"], "a") as out:  # noqa: PTH123
        out.write(json.dumps(SEEN) + "\n")
