"""Staff see personal numbers masked (138****5678) unless their role needs the full value; every time a page or an
export shows full values, one audit event says who saw which field of what (core.audit, DATA_UNMASK), never the
value itself (PIPL art. 51: access control and records of processing)."""

from __future__ import annotations

from shangliang.core import audit


def record_unmasking(request, subject, *, field: str, count: int = 1) -> None:
    """Record that the user of `request` was shown `count` full values of `field` on or under `subject`."""
    if count <= 0:
        return
    audit.record(audit.DATA_UNMASK, request=request, subject=subject, detail={"field": field, "count": count})
