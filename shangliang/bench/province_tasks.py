"""The synthetic province's implementation records (accountability app): responsibility tasks for the agreed
suggestions (1,000,000 at scale 1), residents' ratings of finished ones, members supervising some, and third-party
evaluations of some consultations (fed by `province.Generator` as it writes the consultations); and members'
public-opinion reports."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from shangliang.accountability.models import (
    EvaluationForm,
    EvaluationItem,
    EvaluationResponse,
    Rating,
    ResponsibilityTask,
    Supervision,
)
from shangliang.opinions.models import Adoption, OpinionReport
from shangliang.people.models import RoleAssignment, User

# Agreed suggestions per consultation held, as the generator makes them (measured at scale 1: 965,100 tasks at 1.45).
SUGGESTIONS_PER_CONSULTATION = 1.40


class Tasks:
    def __init__(self, gen, *, tasks: int, consultations: int):
        self.gen, self.rng, self.L, self.today = gen, gen.rng, gen.loader, gen.today
        self.per_suggestion = tasks / max(1, consultations * SUGGESTIONS_PER_CONSULTATION)
        self.tid = self.L.next_id(ResponsibilityTask)
        self.rating_id = self.L.next_id(Rating)
        self.rows: dict[type, list[dict]] = {
            ResponsibilityTask: [],
            Rating: [],
            Supervision: [],
            EvaluationResponse: [],
        }
        self.forms: dict[int, int] = {}
        self.evaluators: dict[int, list[int]] = {}

    def prepare(self) -> None:
        """Each county's evaluation form and two third-party evaluators."""
        form_id, uid = self.L.next_id(EvaluationForm), self.L.next_id(User)
        forms, items, users, roles = [], [], [], []
        password = make_password(None)
        for county in self.gen.tree.counties:
            forms.append({"id": form_id, "county_id": county, "name": "协商质效评估表"})
            for order, kind in enumerate(("process", "outcome"), start=1):
                items.append({"form_id": form_id, "kind": kind, "order": order, "text": "评估", "weight": 50})
            self.forms[county] = form_id
            form_id += 1
            self.evaluators[county] = []
            for _ in range(2):
                users.append({"id": uid, "password": password, "username": f"eval{uid}", "full_name": "评估员"})
                roles.append(
                    {"user_id": uid, "role": "evaluator", "unit_id": county, "assumed_at": self.gen.plan_start}
                )
                self.evaluators[county].append(uid)
                uid += 1
        self.L.load(User, users)
        self.L.load(RoleAssignment, roles)
        self.L.load(EvaluationForm, forms)
        self.L.load(EvaluationItem, items)

    def for_suggestion(self, suggestion: int, consultation: int, unit: int, county: int, held: datetime) -> None:
        rng = self.rng
        k = int(self.per_suggestion) + (rng.random() < self.per_suggestion % 1)
        for _ in range(k):
            deadline = held.date() + timedelta(days=rng.randint(30, 120))
            overdue_by = (self.today - deadline).days
            if overdue_by > 0:
                status = self.gen.weighted_status(
                    [("done", 80), ("in_progress", 7), ("reopened", 2), ("cancelled", 3), ("completion_reported", 8)]
                )
            else:
                status = self.gen.weighted_status([("assigned", 20), ("in_progress", 60), ("done", 20)])
            completed = None
            if status == "done":
                day = held.date() + timedelta(days=rng.randint(10, (deadline - held.date()).days + 20))
                completed = self.gen.moment(min(day, self.today))
            row = {
                "id": self.tid,
                "created_at": held,
                "updated_at": held,
                "suggestion_id": suggestion,
                "consultation_id": consultation,
                "unit_id": unit,
                "owner_unit_id": unit,
                "owner_name": "责任人",
                "action": "落实协商建议",
                "deadline": deadline,
                "status": status,
                "percent": 100 if status in ("done", "completion_reported") else rng.choice((0, 20, 50, 80)),
                "completed_at": completed,
                "round": 1 if status == "reopened" else 0,
            }
            self.rows[ResponsibilityTask].append(row)
            if completed is not None and rng.random() < 0.4:
                for _r in range(rng.choice((1, 1, 2, 3))):
                    score = self.gen.weighted_status([(5, 45), (4, 30), (3, 13), (2, 7), (1, 5)])
                    when = completed + timedelta(days=rng.randint(0, 20))
                    if when.date() > self.today:
                        when = completed
                    self.rows[Rating].append(
                        {
                            "id": self.rating_id,
                            "task_id": self.tid,
                            "round": 0,
                            "score": score,
                            # A synthetic resident's stand-in hash (unique per rating), never a number.
                            "mobile_hash": f"{self.rating_id:064x}",
                            "mobile_masked": "139****" + f"{self.rating_id % 10000:04d}",
                            "created_at": when,
                        }
                    )
                    self.rating_id += 1
            if rng.random() < 0.08:
                member = rng.choice(self.gen.members[county])
                self.rows[Supervision].append({"task_id": self.tid, "member_id": member, "assigned_at": held})
            self.tid += 1

    def for_consultation(self, consultation: int, county: int, held: datetime) -> None:
        if self.rng.random() < 0.05:
            score = Decimal(str(round(self.rng.uniform(60, 98), 1)))
            self.rows[EvaluationResponse].append(
                {
                    "consultation_id": consultation,
                    "form_id": self.forms[county],
                    "evaluator_id": self.rng.choice(self.evaluators[county]),
                    "score": score,
                    "process_score": score,
                    "outcome_score": score,
                    "created_at": held + timedelta(days=30),
                }
            )

    def flush(self) -> None:
        for model, rows in self.rows.items():
            self.L.load(model, rows)
            rows.clear()


def opinion_reports(gen) -> None:
    """Public-opinion reports by members (30,000 at scale 1), about a third adopted by the county, some by the city."""

    rng, L = gen.rng, gen.loader
    rid = L.next_id(OpinionReport)
    reports, adoptions = [], []
    places = [(v, c) for v, _t, c in gen.tree.villages]
    for _ in range(max(10, round(30_000 * gen.plan.scale))):
        unit, county = places[rng.randrange(len(places))]
        submitted = gen.moment()
        adopted = rng.random() < 0.35
        reports.append(
            {
                "id": rid,
                "created_at": submitted,
                "updated_at": submitted,
                "county_id": county,
                "unit_id": unit,
                "author_id": rng.choice(gen.members[county]),
                "author_kind": "member",
                "title": "社情民意信息",
                "body": "反映情况与建议。",
                "status": "adopted" if adopted else "submitted",
                "submitted_at": submitted,
            }
        )
        if adopted:
            on = min(gen.today, submitted.date() + timedelta(days=rng.randint(3, 40)))
            adoptions.append({"report_id": rid, "level": "county", "adopted_on": on})
            if rng.random() < 0.2:
                adoptions.append({"report_id": rid, "level": "city", "adopted_on": on + timedelta(days=10)})
        rid += 1
    L.load(OpinionReport, reports)
    L.load(Adoption, adoptions)
