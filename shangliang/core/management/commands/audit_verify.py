"""Verify the audit trail: every record's HMAC-SM3 and every link of the chain (core.audit.verify).

Seals what a stopped process left unsealed first; exits with status 1 and lists the problems when a record was
edited, deleted or inserted behind the application's back.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shangliang.core import audit


class Command(BaseCommand):
    help = "校验审计记录链：发现被修改、删除或插入的审计记录。"

    def handle(self, *args, **options):
        sealed = audit.seal_pending()
        result = audit.verify()
        self.stdout.write(
            _("审计记录 %(records)s 条，已封存入链 %(seals)s 条（本次封存 %(sealed)s 条），待封存 %(pending)s 条。")
            % {"records": result.records, "seals": result.seals, "sealed": sealed, "pending": result.pending}
        )
        audit.record(
            audit.AUDIT_VERIFY,
            outcome=audit.AuditOutcome.SUCCESS if result.ok else audit.AuditOutcome.FAILURE,
            detail={"records": result.records, "problems": len(result.problems), "via": "audit_verify"},
        )
        if result.ok:
            self.stdout.write(self.style.SUCCESS(_("审计链完整。")))
            return
        for line in result.problems:
            self.stderr.write(line)
        raise CommandError(_("审计链不完整：发现 %(n)s 处问题。") % {"n": len(result.problems)})
