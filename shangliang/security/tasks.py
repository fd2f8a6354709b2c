from django_tasks import task

from shangliang.security.alerts import check_chain


@task()
def verify_audit_chain() -> str:
    """The audit page's "verify now": seal, verify, alert on a break, record the verification."""
    return check_chain(via="audit_page")[0]
