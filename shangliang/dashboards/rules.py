"""Who sees which figures (obj is a Unit).

- a unit's dashboard and its norms: whoever sees the unit inside the app (units.view_unit: CPPCC staff over their
  county, convenors, approvers and liaisons over their subtree, members over the units they are linked to);
- members' duty records, units' assessment and the ranked lists: the county's CPPCC staff (a member also sees
  their own record, checked in the view);
- the assessment weights and coverage plan: the county's CPPCC staff;
- the public dashboard needs no account and shows aggregates only (no names of people, no norms or rankings).
"""

import rules

from shangliang.people.rules import is_county_staff, sees_unit

is_superuser = rules.is_superuser

rules.add_perm("dashboards.view_dashboard", is_superuser | sees_unit)
rules.add_perm("dashboards.view_assessment", is_superuser | is_county_staff)
rules.add_perm("dashboards.configure", is_superuser | is_county_staff)
