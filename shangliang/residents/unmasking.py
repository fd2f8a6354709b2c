"""Staff see personal numbers masked (138****5678) unless their role needs the full value; every time a page or an
export shows full values, one audit event says who saw which field of what (core.audit, DATA_UNMASK), never the
value itself (PIPL art. 51: access control and records of processing)."""

from shangliang.core.audit import record_unmasking

__all__ = ["record_unmasking"]  # the audit trail's own helper (core.audit), used by the apps above people too
