"""GB/T 22239-2019 section 8.1.4 (安全计算环境), level 3, as far as the application answers for it.

Each check names its control and says whether this installation meets it (PASS), does not (FAIL, with the setting
to change), or whether the deployment answers for it (DEPLOY: TLS termination, the 国密 gateway, the host, backups).
A PASS without a setting behind it is a control the code meets by construction; docs/security.md names the code and
the test of each. `manage.py security_check` prints them.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext as _

from shangliang.core import audit
from shangliang.security.models import AdminKind, AdminRole
from shangliang.security.selectors import policy

PASS, FAIL, DEPLOY = "PASS", "FAIL", "DEPLOY"
DEVELOPMENT_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
    "shangliang.notifications.sms.ConsoleBackend",
    "shangliang.notifications.sms.LocmemBackend",
    "shangliang.notifications.sms.DummyBackend",
}


@dataclass
class Check:
    control: str
    title: str
    status: str
    detail: str = ""


class Checks(list):
    def add(self, control: str, title: str, ok: bool, fix: str = "") -> None:
        self.append(Check(control, title, PASS if ok else FAIL, "" if ok else fix))

    def deploy(self, control: str, title: str, by: str) -> None:
        self.append(Check(control, title, DEPLOY, by))


def _validators() -> set[str]:
    return {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}


def _min_length() -> int:
    for v in settings.AUTH_PASSWORD_VALIDATORS:
        if v["NAME"].endswith("MinimumLengthValidator"):
            return int(v.get("OPTIONS", {}).get("min_length", 8))
    return 0


def append_only_installed() -> bool:
    """PostgreSQL's trigger that refuses UPDATE and DELETE on the audit trail (core migration) is in place."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'core_auditrecord_append_only'")
        return cursor.fetchone()[0] == 1


def audit_tables_owned_by_the_application() -> bool:
    """The database user the application connects as owns the audit tables, so it could disable the trigger or
    truncate them (PostgreSQL; on another database there is no trigger to protect)."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE tablename IN ('core_auditrecord', 'core_auditseal') "
            "AND tableowner = current_user"
        )
        return cursor.fetchone()[0] > 0


def run_checks() -> list[Check]:
    User = get_user_model()
    current = policy()
    out = Checks()

    # 8.1.4.1 身份鉴别
    needed = {"MinimumLengthValidator", "CommonPasswordValidator", "ComplexityValidator", "HistoryValidator"}
    missing = needed - _validators()
    out.add(
        "8.1.4.1 a",
        _("口令复杂度：至少 8 位、3 类字符、非常见口令、不含用户名、不重复最近 5 次"),
        not missing and _min_length() >= 8,
        _("AUTH_PASSWORD_VALIDATORS 须含 %(names)s，最短长度不少于 8") % {"names": ", ".join(sorted(needed))},
    )
    out.add(
        "8.1.4.1 a",
        _("口令定期更换（安全管理员设定有效期，首次登录和重置后必须修改）"),
        0 < current.password_max_age_days <= 180,
        _("在“安全策略”中把密码有效期设为 1—180 天"),
    )
    out.add(
        "8.1.4.1 b",
        _("登录失败处理：连续失败锁定账号，多账号失败锁定来源地址"),
        settings.AXES_ENABLED and 0 < settings.AXES_FAILURE_LIMIT <= 10 and settings.LOGIN_ADDRESS_FAILURE_LIMIT > 0,
        "AXES_ENABLED=1, AXES_FAILURE_LIMIT≤10, LOGIN_ADDRESS_FAILURE_LIMIT>0",
    )
    out.add(
        "8.1.4.1 b",
        _("登录连接超时自动退出：无操作超时与会话最长时间"),
        current.idle_timeout_minutes <= 30
        and current.absolute_timeout_hours <= 12
        and settings.SESSION_COOKIE_AGE <= 12 * 3600,
        _("安全策略中无操作超时不超过 30 分钟、会话最长不超过 12 小时；SESSION_COOKIE_AGE≤43200"),
    )
    out.add(
        "8.1.4.1 c",
        _("远程管理时防止鉴别信息被窃听（只用 HTTPS，安全 Cookie，HSTS）"),
        settings.SECURE_SSL_REDIRECT
        and settings.SESSION_COOKIE_SECURE
        and settings.CSRF_COOKIE_SECURE
        and settings.SECURE_HSTS_SECONDS >= 31536000,
        "SECURE_SSL_REDIRECT=1 SECURE_COOKIES=1 SECURE_HSTS_SECONDS=31536000",
    )
    out.add(
        "8.1.4.1 d",
        _("双因素鉴别（口令 + 身份验证器/短信验证码），三员与安全策略所列角色必须使用"),
        settings.SECURITY_ENFORCE_SECOND_FACTOR and bool(current.second_factor_roles),
        _("SECURITY_ENFORCE_SECOND_FACTOR=1，并在安全策略中勾选须双因素认证的角色"),
    )
    out.deploy(
        "8.1.4.1 d",
        _("鉴别中使用国密密码技术（SM2 证书、USBKey）"),
        _("由国密 SSL 网关或 USBKey 提供"),
    )

    # 8.1.4.2 访问控制
    superusers = User.objects.filter(is_superuser=True, is_active=True).count()
    out.add(
        "8.1.4.2 b",
        _("不使用超级用户，不存在默认账号与默认口令"),
        superusers == 0 and not settings.SECURITY_ALLOW_SUPERUSER,
        _("停用 %(n)s 个超级用户账号（is_superuser），SECURITY_ALLOW_SUPERUSER=0") % {"n": superusers},
    )
    demo = User.objects.filter(is_demo=True, is_active=True).count()
    out.add(
        "8.1.4.2 c",
        _("无共享账号、演示账号（演示模式关闭）"),
        not settings.DEMO_MODE and demo == 0,
        _("DEMO_MODE=0，停用 %(n)s 个演示账号") % {"n": demo},
    )
    kinds = set(AdminRole.objects.filter(ended_at__isnull=True).values_list("kind", flat=True))
    out.add(
        "8.1.4.2 d",
        _("管理用户权限分离：系统、安全、审计管理员各有其人，一人不兼任"),
        kinds == set(AdminKind.values),
        _("manage.py create_administrators 创建三员，或由安全管理员补授缺少的角色"),
    )
    out.add(
        "8.1.4.2 e/f",
        _("访问控制策略由授权主体配置，粒度为用户级主体、记录级客体（按单元和角色判断）"),
        True,
    )
    out.deploy("8.1.4.2 g", _("重要主体和客体设置安全标记"), _("由操作系统或数据库的安全标记提供"))

    # 8.1.4.3 安全审计
    out.add("8.1.4.3 a/b", _("审计覆盖每个用户的重要行为，记录时间、用户、地址、事件、对象与结果"), True)
    out.add(
        "8.1.4.3 c",
        _("审计记录防篡改：独立保管的 HMAC-SM3 密钥（AUDIT_KEY）"),
        bool((settings.AUDIT_KEY or "").strip()),
        _("设置 AUDIT_KEY（64 位十六进制），与数据库分开保管"),
    )
    out.add(
        "8.1.4.3 c",
        _("审计记录保存不少于 180 天（定期任务只清理超过保存期限的记录）"),
        audit.retention_days() >= audit.MINIMUM_RETENTION_DAYS,
        "AUDIT_RETENTION_DAYS≥180",
    )
    out.add(
        "8.1.4.3 c",
        _("审计表对应用数据库用户只可追加（PostgreSQL 触发器）"),
        append_only_installed(),
        _("使用 PostgreSQL（DATABASE_URL）并运行 migrate；应用的数据库用户不得是表的属主"),
    )
    out.add(
        "8.1.4.3 c",
        _("应用的数据库用户不是审计表的属主（不能停用触发器或清空审计表）"),
        not audit_tables_owned_by_the_application(),
        _("由另一个数据库用户运行 migrate 并拥有各表；应用连接所用的用户只授予读写权限"),
    )
    out.deploy("8.1.4.3 c", _("审计记录定期备份"), _("由数据库备份方案负责（与业务数据一起备份）"))
    out.add("8.1.4.3 d", _("审计进程受保护：审计记录与业务变更在同一事务中写入，不能单独关闭"), True)

    # 8.1.4.4 入侵防范
    out.deploy("8.1.4.4 a/b", _("最小安装，关闭不需要的服务、共享和端口"), _("由主机加固负责"))
    out.deploy(
        "8.1.4.4 c",
        _("限制管理终端的接入方式和地址（后台仅系统管理员，且须双因素）"),
        _("另在网关上把 /admin/ 和 /security/ 限定为管理网段"),
    )
    out.add(
        "8.1.4.4 d",
        _("人机接口输入的数据有效性检验（表单与服务层校验、CSRF、CSP）"),
        "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
        and "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE,
        _("启用 CSRF 与 CSP 中间件"),
    )
    out.deploy("8.1.4.4 e", _("发现并修补已知漏洞"), _("依赖已锁定（uv.lock、package-lock.json）；定期漏洞扫描与升级"))
    channels = {settings.EMAIL_BACKEND, settings.SMS_BACKEND}
    out.add(
        "8.1.4.4 f",
        _("检测入侵并报警：多账号登录失败、大量导出、非工作时间授权、审计链破坏，站内并经短信或邮件告知安全管理员"),
        not channels <= DEVELOPMENT_BACKENDS,
        _("设置 SMS_BACKEND 或 EMAIL_BACKEND（及 EMAIL_HOST 等）为实际的发送渠道"),
    )

    # 8.1.4.5–8.1.4.11
    out.deploy("8.1.4.5", _("恶意代码防范"), _("由主机防病毒或主动免疫可信验证负责"))
    out.deploy("8.1.4.6", _("可信验证"), _("由可信计算环境负责"))
    out.add(
        "8.1.4.7 a / 8.1.4.8 a",
        _("传输中的完整性与保密性（TLS）"),
        settings.SECURE_SSL_REDIRECT and settings.SECURE_HSTS_SECONDS > 0,
        "SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS>0",
    )
    out.deploy("8.1.4.7 a / 8.1.4.8 a", _("传输使用国密算法"), _("由国密 SSL 网关负责"))
    out.add("8.1.4.7 b", _("存储中的重要数据完整性（审计链 HMAC-SM3）"), True)
    out.add(
        "8.1.4.8 b",
        _("存储中的个人信息和鉴别信息保密性（SM4-GCM 字段加密，口令 Argon2）"),
        bool(settings.FIELD_ENCRYPTION_KEYS)
        and bool(settings.FIELD_HASH_KEY)
        and settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"),
        _("设置 FIELD_ENCRYPTION_KEYS 与 FIELD_HASH_KEY（manage.py field_keys new）"),
    )
    out.deploy("8.1.4.9", _("数据备份与恢复（本地与异地备份）"), _("由数据库备份方案负责"))
    out.add(
        "8.1.4.10 a",
        _("鉴别信息所在存储空间被释放前完全清除（退出即删除会话，浏览器关闭即失效）"),
        settings.SESSION_EXPIRE_AT_BROWSER_CLOSE,
        "SESSION_EXPIRE_AT_BROWSER_CLOSE=True",
    )
    out.deploy("8.1.4.10 b", _("敏感数据所在存储空间被释放前完全清除"), _("由数据库与磁盘的安全擦除负责"))
    out.add("8.1.4.11", _("个人信息最小化与防止未授权访问（脱敏显示，查看完整信息和导出留审计）"), True)
    return out
