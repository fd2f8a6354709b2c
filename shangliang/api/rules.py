"""Who may manage the API's clients: the system administrator (系统管理员), like every other piece of configuration.

What a client may do once registered is its scopes (shangliang.api.auth) and, for writes that need a person, the
permissions its account has on the pages (the other apps' rules, unchanged)."""

import rules

from shangliang.security.rules import is_system_admin

rules.add_perm("api.manage_clients", is_system_admin)
