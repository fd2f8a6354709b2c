"""Permissions on residents' personal data. The object is a county (Unit).

- edit the county's privacy notice, see and answer residents' data requests, set retention: CPPCC staff of the county;
- everything a resident does about their own data is checked against the visitor (services), not a role.
"""

from __future__ import annotations

import rules

from shangliang.people.rules import is_county_staff

rules.add_perm("residents.edit_notice", rules.is_superuser | is_county_staff)
rules.add_perm("residents.handle_requests", rules.is_superuser | is_county_staff)
