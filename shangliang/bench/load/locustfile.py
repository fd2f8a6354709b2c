"""The load of `manage.py bench_load`, run by locust (headless) against the stack. Plain locust and the standard
library only: locust runs it in its own gevent process, without Django. The plan (rooms, units, topics, convenors with
their authenticator keys) comes from the JSON file named by BENCH_LOAD_PLAN; what the clients saw accepted is written
to BENCH_LOAD_SEEN (one JSON line per process) for the reconciliation.

The mix, per simulated person (BENCH_LOAD_MIX=public: the residents' public pages alone):
- residents on phones (weight 8): the room's page, a unit's public page, a topic's public page, the submission form and
  a submission (a new concern: a write), the tracking page of what they submitted; without cookies of their own, as a
  first visit is, so nginx's micro-cache serves the public pages (BENCH_LOAD_NO_CACHE: with a language cookie, so
  Django renders each of them);
  residents also support (附议) a public topic and look at a unit's public figures; residents whose number was
  verified by the SMS code (a session each, made by the preparation) rate a finished task;
- convenors (weight 1): signed in once with password and authenticator code; their topic list, a topic, screening a
  submitted topic (accept: a transition with its event), their town's dashboard;
- grid workers (weight 1): the entry form and a concern entered on a resident's behalf (a write);
- the county CPPCC office's staff (weight 1): the topic list searched, the county's task list and its Excel export, the
  county's dashboard;
- a department's staff (weight 1): their task list, a task's page and a progress report on a task they signed for (a
  write with its event).
Each staff kind signs in with accounts of its own, one simulated person per account (an authenticator code is taken
once); a kind with no account left for a simulated person leaves that person idle.
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
SEEN = {"submitted": [], "screened": [], "entered": [], "supported": [], "rated": [], "progress": []}
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


def sign_in(user: HttpUser, account: dict, kind: str, landing: str) -> bool:
    """Password, then the authenticator code when the site asks for it; True once signed in."""
    form = user.client.get("/accounts/login/", name=f"{kind}: sign in")
    user.client.post(
        "/accounts/login/",
        data={**hidden_fields(form.text), "username": account["username"], "password": account["password"]},
        name=f"{kind}: sign in",
    )
    verify = user.client.get(f"/security/verify/?next={landing}", name=f"{kind}: second factor")
    if "/security/verify/" not in verify.url:
        return verify.ok
    response = user.client.post(
        f"/security/verify/?next={landing}",
        data={**hidden_fields(verify.text), "method": "totp", "token": totp(account["totp"], time.time())},
        name=f"{kind}: second factor",
    )
    return response.ok and "/security/verify/" not in response.url


def token(user: HttpUser) -> str:
    """The CSRF token just in time, as csrf.js fetches it on a page from the shared cache."""
    return user.client.get("/csrf-token", name="resident: csrf token").json()["token"]


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

    @task(1)
    def figures(self):
        self.client.get(f"/public/units/{random.choice(PLAN['units'])}/figures/", name="public: figures")  # noqa: S311

    @tag("write")
    @task(1)
    def support(self):
        if not PLAN["public_topics"]:
            return
        topic = random.choice(PLAN["public_topics"])  # noqa: S311
        with self.client.post(
            f"/public/topics/{topic}/support/",
            data={"csrfmiddlewaretoken": token(self)},
            headers={"Referer": f"{self.host}/public/topics/{topic}/"},
            name="resident: support",
            catch_response=True,
        ) as response:
            if "附议成功" in response.text:
                SEEN["supported"].append(topic)
                response.success()
            elif "每人只能附议一次" in response.text:  # this browser supported it before: a domain answer
                response.success()
            else:
                response.failure(f"support answered {response.status_code} without its message")

    @tag("write")
    @task(1)
    def rate(self):
        if not (PLAN["tasks_done"] and PLAN["resident_sessions"]):
            return
        task_id = random.choice(PLAN["tasks_done"])  # noqa: S311
        session = random.choice(PLAN["resident_sessions"])  # noqa: S311
        page = self.client.get(f"/public/tasks/{task_id}/", name="public: task", cookies={"sessionid": session})
        with self.client.post(
            f"/public/tasks/{task_id}/rate/",
            data={"csrfmiddlewaretoken": hidden_fields(page.text).get("csrfmiddlewaretoken", ""), "score": "5"},
            cookies={"sessionid": session},
            headers={"Referer": f"{self.host}/public/tasks/{task_id}/"},
            name="resident: rate",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                SEEN["rated"].append([task_id, session])
                response.success()
            elif "每人只能评价一次" in response.text:  # this resident rated it before: a domain answer
                response.success()
            else:
                response.failure(f"rate answered {response.status_code}")

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
        self.ready = sign_in(self, account, "convenor", "/topics/")

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


class Liaison(HttpUser):
    """A grid worker entering the concerns collected on a round."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        account = PLAN["liaisons"].pop() if PLAN["liaisons"] else None
        self.villages = PLAN["villages_of"].get(str(account["unit"]), []) if account else []
        self.ready = bool(self.villages) and sign_in(self, account, "grid worker", "/topics/new/grid/")

    @tag("write")
    @task
    def enter(self):
        if not self.ready:
            return
        form = self.client.get("/topics/new/grid/", name="grid worker: form")
        key = uuid.uuid4().hex
        data = {
            "csrfmiddlewaretoken": hidden_fields(form.text).get("csrfmiddlewaretoken", ""),
            "idempotency_key": key,
            "unit": random.choice(self.villages),  # noqa: S311
            "title": f"压测：网格员录入 {key[:6]}",
            "description": "走访中居民反映村口排水沟堵塞。",
            "name": "压测居民",
        }
        with self.client.post(
            "/topics/new/grid/", data=data, name="grid worker: enter", allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code == 302 and re.search(r"/topics/\d+/$", response.headers.get("Location", "")):
                SEEN["entered"].append(key)
                response.success()
            else:
                response.failure(f"entry answered {response.status_code}")


class Staff(HttpUser):
    """The county CPPCC office: lists, search, an export, the county's dashboard."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        account = PLAN["staff"].pop() if PLAN["staff"] else None
        self.ready = account is not None and sign_in(self, account, "staff", "/topics/")

    @task(3)
    def search(self):
        if self.ready:
            self.client.get("/topics/?q=路灯", name="staff: topics searched")

    @task(2)
    def task_list(self):
        if self.ready:
            self.client.get(f"/accountability/units/{PLAN['county']}/", name="staff: tasks")

    @task(1)
    def export(self):
        if self.ready:
            self.client.get(f"/accountability/units/{PLAN['county']}/tasks.xlsx", name="staff: tasks.xlsx")

    @task(1)
    def dashboard(self):
        if self.ready:
            self.client.get(f"/dashboards/units/{PLAN['county']}/", name="staff: county dashboard")


class Department(HttpUser):
    """A department's staff reporting progress on the tasks it signed for."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self):
        account = PLAN["departments"].pop() if PLAN["departments"] else None
        self.ready = account is not None and sign_in(self, account, "department", "/accountability/")

    @task(2)
    def listing(self):
        if self.ready:
            self.client.get("/accountability/", name="department: tasks")

    @tag("write")
    @task(1)
    def progress(self):
        if not (self.ready and PLAN["tasks_in_progress"]):
            return
        task_id = random.choice(PLAN["tasks_in_progress"])  # noqa: S311
        page = self.client.get(f"/accountability/tasks/{task_id}/", name="department: task")
        with self.client.post(
            f"/accountability/tasks/{task_id}/progress/",
            data={
                "csrfmiddlewaretoken": hidden_fields(page.text).get("csrfmiddlewaretoken", ""),
                "text": "压测：已完成部分路段",
                "percent": str(random.randint(10, 90)),  # noqa: S311
            },
            name="department: progress",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                SEEN["progress"].append(task_id)
                response.success()
            else:
                response.failure(f"progress answered {response.status_code}")


if os.environ.get("BENCH_LOAD_MIX") == "public":
    # Public pages alone (run with --exclude-tags write): residents reading, no staff.
    Convenor.abstract = Liaison.abstract = Staff.abstract = Department.abstract = True


@events.test_stop.add_listener
def write_seen(**_kwargs):
    with open(os.environ["BENCH_LOAD_SEEN"], "a") as out:  # noqa: PTH123
        out.write(json.dumps(SEEN) + "\n")
