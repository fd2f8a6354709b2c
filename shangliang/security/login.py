"""The sign-in page (身份鉴别, first step): the password, then the middleware sends staff on to their second factor
(security.views.verify); in demo mode the page lists the demo accounts, the three administrators after the roles."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.utils.translation import gettext_lazy as _

from shangliang.people.models import Position, Role, RoleAssignment
from shangliang.security.models import AdminRole
from shangliang.units.models import Unit


def demo_accounts() -> list[dict]:
    """One row per demo account: the roles in the order of docs/domain.md, then the three administrators."""
    order = {role: i for i, role in enumerate(Role.values)}
    seen: dict[int, dict] = {}
    rows = (
        RoleAssignment.objects.filter(user__is_demo=True, user__is_active=True, renounced_at__isnull=True)
        .select_related("user", "unit")
        .order_by("user_id", "id")
    )
    for a in rows:
        seen.setdefault(
            a.user_id,
            {
                "username": a.user.username,
                "display_name": a.user.display_name,
                "role": a.role,
                "role_label": a.get_role_display(),
                "unit_name": a.unit.name,
            },
        )
    accounts = sorted(seen.values(), key=lambda r: (order.get(r["role"], 99), r["username"]))
    admins = (
        AdminRole.objects.filter(user__is_demo=True, user__is_active=True, ended_at__isnull=True)
        .select_related("user")
        .order_by("kind")
    )
    accounts += [
        {
            "username": r.user.username,
            "display_name": r.user.display_name,
            "role": r.kind,
            "role_label": r.get_kind_display(),
            "unit_name": "",
        }
        for r in admins
    ]
    return accounts


# The loop in one village, step by step: what is done, by whom (role, and position for convenors).
LOOP_STEPS = [
    (_("群众出题（扫码或登录提交）、查看进展、评价满意度"), Role.RESIDENT, ""),
    (_("网格员收集群众议题"), Role.LIAISON, ""),
    (_("筛选议题（三议四不议）、组织协商、交办任务（第一召集人）"), Role.CONVENOR, Position.FIRST_CONVENOR),
    (_("审定议题、签收协商成果（同级党组织）"), Role.APPROVER, ""),
    (_("参加协商（第二召集人、联系委员）、督办任务"), Role.CONVENOR, Position.SECOND_CONVENOR),
    (_("签收、办理、报告落实任务（职能部门）"), Role.DEPARTMENT, ""),
    (_("第三方评估协商成果"), Role.EVALUATOR, ""),
    (_("全县统筹与统计（政协机关）"), Role.CPPCC_STAFF, ""),
]


def demo_loop() -> dict | None:
    """Which demo account runs which step of the loop in the demo resident's village (the demo's village where every
    step has an account): the village, and one row per step with the account doing it there or above it."""
    home = (
        RoleAssignment.objects.active()
        .filter(user__is_demo=True, user__is_active=True, role=Role.RESIDENT)
        .select_related("unit")
        .order_by("user__username", "id")
        .first()
    )
    if home is None:
        return None
    village = home.unit
    around = (
        RoleAssignment.objects.active()
        .filter(user__is_demo=True, user__is_active=True, unit__path__in=village.ancestor_paths())
        .select_related("user", "unit")
        .order_by("-unit__depth", "user__username", "id")
    )
    rows = []
    for label, role, position in LOOP_STEPS:
        found = next((a for a in around if a.role == role and (not position or a.position == position)), None)
        if found is not None:
            rows.append({"step": label, "username": found.user.username, "unit_name": found.unit.name})
    town = Unit.objects.filter(path=village.path[: -village.steplen]).first() if village.depth > 1 else None
    return {"village": village.name, "town": town.name if town else "", "rows": rows}


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_accounts"] = demo_accounts()
            context["demo_loop"] = demo_loop()
            context["demo_password"] = settings.DEMO_PASSWORD
        return context
