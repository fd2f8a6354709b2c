"""Who may do what in security: the three administrators (三员), each on their own ground only.

An administrator role is not a role in a unit: it opens none of the consultation work, and none of the three
administrators' pages opens for anyone else (superusers included: production has none).
"""

import rules

from shangliang.security.models import AdminKind, AdminRole


def admin_kind(user) -> str | None:
    """The administrator role the user holds now (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return None
    if not hasattr(user, "_admin_kind"):
        user._admin_kind = (
            AdminRole.objects.filter(user_id=user.pk, ended_at__isnull=True).values_list("kind", flat=True).first()
        )
    return user._admin_kind


@rules.predicate
def is_system_admin(user) -> bool:
    return admin_kind(user) == AdminKind.SYSTEM


@rules.predicate
def is_security_admin(user) -> bool:
    return admin_kind(user) == AdminKind.SECURITY


@rules.predicate
def is_audit_admin(user) -> bool:
    return admin_kind(user) == AdminKind.AUDIT


@rules.predicate
def is_administrator(user) -> bool:
    return admin_kind(user) is not None


# System administrator: accounts (reset a password), configuration, the Django admin.
rules.add_perm("security.manage_accounts", is_system_admin)
rules.add_perm("security.use_admin_site", is_system_admin)
rules.add_perm("security.view_outbox", is_system_admin)
# Security administrator: the policy, the administrator roles, locks and second factors, the alerts.
rules.add_perm("security.change_policy", is_security_admin)
rules.add_perm("security.grant_admin_roles", is_security_admin)
rules.add_perm("security.lock_accounts", is_security_admin)
rules.add_perm("security.view_alerts", is_security_admin)
# Audit administrator: read, search and export the audit trail; nothing else.
rules.add_perm("security.view_audit", is_audit_admin)
rules.add_perm("security.export_audit", is_audit_admin)
# Each administrator sees what the other two did (三员相互监督).
rules.add_perm("security.view_admin_actions", is_administrator)
