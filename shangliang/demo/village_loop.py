"""One village where the demo's accounts complete the whole loop (issue 14): the demo resident's village gets a demo
account for its party secretary, who is the village's first convenor (screens, runs consultations) and its party
approver (审定); with demo_resident, demo_liaison, demo_member (the village's linked member and second convenor),
demo_department and demo_evaluator, every step of the loop has an account in that village. The login page says
which account runs which step (security.login.demo_loop).

A loader step of its own: it gives the secretary already in the county a demo username and the demo password."""

from __future__ import annotations

from shangliang.core import clock
from shangliang.people.models import Position, Role, RoleAssignment, User

SECRETARY = "demo_secretary"


def demo_village_id() -> int | None:
    """The village the demo resident lives in."""
    return (
        RoleAssignment.objects.active()
        .filter(user__username="demo_resident", role=Role.RESIDENT)
        .values_list("unit_id", flat=True)
        .first()
    )


def build_village_loop(ctx) -> bool:
    if User.objects.filter(username=SECRETARY).exists():
        return False
    village = demo_village_id()
    if village is None:
        return False
    today = clock.today()
    secretary = (
        User.objects.filter(
            assignments__in=RoleAssignment.objects.active(today).filter(
                unit_id=village, role=Role.CONVENOR, position=Position.FIRST_CONVENOR
            )
        )
        .filter(assignments__in=RoleAssignment.objects.active(today).filter(unit_id=village, role=Role.APPROVER))
        .order_by("pk")
        .first()
    )
    if secretary is None:
        return False
    secretary.username = SECRETARY
    secretary.is_demo = True
    secretary.password = ctx.demo_password_hash()
    secretary.save(update_fields=["username", "is_demo", "password"])
    return True
