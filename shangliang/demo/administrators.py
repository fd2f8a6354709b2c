"""The demo county's three administrators (三员): demo_sysadmin, demo_secadmin, demo_auditadmin.

Demo accounts like the others (the shared demo password; no second factor, no forced password change and no
single-session rule while DEMO_MODE is on). Each is granted as the first-accounts command grants them, so the audit
trail and the administrators' page show the grants; one open alert shows the security administrator's alerts page.
"""

from __future__ import annotations

from shangliang.people.models import User
from shangliang.security import alerts, services
from shangliang.security.models import AdminKind, AdminRole, AlertKind

ADMINISTRATORS: list[tuple[str, str, str]] = [
    ("demo_sysadmin", AdminKind.SYSTEM, "演示系统管理员"),
    ("demo_secadmin", AdminKind.SECURITY, "演示安全管理员"),
    ("demo_auditadmin", AdminKind.AUDIT, "演示审计管理员"),
]


def build_administrators(ctx) -> bool:
    if AdminRole.objects.filter(user__username=ADMINISTRATORS[0][0]).exists():
        return False
    for username, kind, name in ADMINISTRATORS:
        user = User.objects.create(username=username, full_name=name, is_demo=True, password=ctx.demo_password_hash())
        services.admin_role_grant(actor=None, user=user, kind=kind, bootstrap=True)
    alerts.raise_alert(
        kind=AlertKind.FAILED_SIGN_INS,
        key="demo:failed:203.0.113.7",
        text="地址 203.0.113.7 在 60 分钟内对 6 个账号登录失败（疑似密码喷洒）。",
    )
    return True
