from django_tasks import task


@task()
def verify_audit_chain() -> str:
    """Seal, verify and alert (as the periodic job does), recording the verification."""
    from shangliang.core import audit
    from shangliang.security.alerts import check_chain

    line = check_chain()
    result_ok = "0 problems" in line
    audit.record(
        audit.AUDIT_VERIFY,
        outcome=audit.AuditOutcome.SUCCESS if result_ok else audit.AuditOutcome.FAILURE,
        detail={"summary": line, "via": "audit_page"},
    )
    return line
