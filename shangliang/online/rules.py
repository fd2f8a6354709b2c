"""Permissions on online rooms. The object is an OnlineRoom, a Statement (judged as its room), or a Consultation for
"open a room here".

- view the room's staff page (moderation queue, analysis status, log): whoever sees the unit in the app (staff:
  county; convenors, approvers, liaisons: their subtree; members: the units they are linked to);
- run (open a room, edit, open and close it, seed statements, import, pull a statement into the suggestion list)
  and moderate: the convenor of the consultation's own unit, nobody above or below: as for the consultation itself;
- export the conversation (Pol.is CSV): whoever views the room's staff page;
- see the results: everyone once the room is open or closed; before that whoever views the staff page;
- take part (vote, add a statement): anyone identified by an account or a verified mobile number; whether the room
  takes votes now is a matter of its state and period, not of the person.
"""

import rules

from shangliang.consultations.rules import is_unit_convenor
from shangliang.people.rules import sees_unit


def _room(obj):
    return getattr(obj, "room", obj)


@rules.predicate
def room_is_public(user, obj) -> bool:
    room = _room(obj)
    return room is not None and room.is_public


is_superuser = rules.is_superuser

rules.add_perm("online.create_room", is_superuser | is_unit_convenor)
rules.add_perm("online.view_room", is_superuser | sees_unit)
rules.add_perm("online.run_room", is_superuser | is_unit_convenor)
rules.add_perm("online.moderate_statement", is_superuser | is_unit_convenor)
rules.add_perm("online.export_room", is_superuser | sees_unit)
rules.add_perm("online.view_results", room_is_public | is_superuser | sees_unit)
rules.add_perm("online.take_part", rules.always_allow)
