"""The first accounts of an installation: the three administrators (三员), never a superuser.

    manage.py create_administrators --system sysadmin --security secadmin --audit auditadmin

Each gets a one-time password (printed once) that must be changed at the first sign-in, and must bind an
authenticator app then. Refuses when any administrator already exists (the security administrator grants later
roles in the app).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from shangliang.security.models import AdminKind, AdminRole
from shangliang.security.services import admin_role_grant, mark_must_change, temporary_password


class Command(BaseCommand):
    help = "创建首批账号：系统管理员、安全管理员、审计管理员（三员分立，不使用超级用户）。"

    def add_arguments(self, parser):
        parser.add_argument("--system", required=True, help="系统管理员的用户名")
        parser.add_argument("--security", required=True, help="安全管理员的用户名")
        parser.add_argument("--audit", required=True, help="审计管理员的用户名")

    def handle(self, *args, **options):
        User = get_user_model()
        names = {
            AdminKind.SYSTEM: options["system"],
            AdminKind.SECURITY: options["security"],
            AdminKind.AUDIT: options["audit"],
        }
        if len(set(names.values())) != 3:
            raise CommandError(_("三员须由三个不同的账号担任。"))
        if AdminRole.objects.filter(ended_at__isnull=True).exists():
            raise CommandError(_("已有管理员：之后的管理员角色由安全管理员在系统中授予。"))
        with transaction.atomic():
            for kind, username in names.items():
                if User.objects.filter(username__iexact=username).exists():
                    raise CommandError(_("用户名 %(name)s 已存在。") % {"name": username})
                password = temporary_password()
                user = User(username=username, full_name=str(AdminKind(kind).label))
                user.set_password(password)
                user.save()
                mark_must_change(user)
                admin_role_grant(actor=None, user=user, kind=kind, bootstrap=True)
                self.stdout.write(
                    _("%(kind)s：%(name)s  临时密码 %(password)s")
                    % {"kind": AdminKind(kind).label, "name": username, "password": password}
                )
        self.stdout.write(_("首次登录须修改密码并绑定身份验证器。临时密码只显示这一次。"))
