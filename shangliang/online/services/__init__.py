"""Every write on the online room: keyword-only, typed, one transaction each, permission checked inside.

Split by area: rooms (rooms, statements, participants, votes), polis (the Pol.is CSV import and export), tasks (the
background recomputation of a room's analysis).
"""

from shangliang.online.services.rooms import (
    DESCRIPTION_MAX,
    MAX_AHEAD,
    QUESTION_MAX,
    RECOMPUTE_LEASE,
    analysis_request,
    clean_statement,
    participant_for,
    room_close,
    room_create,
    room_open,
    room_update,
    statement_add,
    statement_add_by,
    statement_moderate,
    statement_pull,
    statement_seed,
    vote_by,
    vote_cast,
)

__all__ = [
    "DESCRIPTION_MAX",
    "MAX_AHEAD",
    "QUESTION_MAX",
    "RECOMPUTE_LEASE",
    "analysis_request",
    "clean_statement",
    "participant_for",
    "room_close",
    "room_create",
    "room_open",
    "room_update",
    "statement_add",
    "statement_add_by",
    "statement_moderate",
    "statement_pull",
    "statement_seed",
    "vote_by",
    "vote_cast",
]
