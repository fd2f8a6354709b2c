"""GB/T 22239-2019 section 8.1.4 (安全计算环境), level 3, as far as the application answers for it.

Each check says which control it is, whether this installation meets it (PASS), does not (FAIL, with what to
change), or whether the deployment answers for it (DEPLOY: TLS termination, the 国密 gateway, the host, backups).
`manage.py security_check` prints them; docs/security.md maps each to the code and tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model

PASS, FAIL, DEPLOY = "PASS", "FAIL", "DEPLOY"


@dataclass
class Check:
    control: str
    title: str
    status: str
    detail: str = ""


def _validators() -> set[str]:
    return {v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS}


def run_checks() -> list[Check]:
    from shangliang.core import audit
    from shangliang.security.models import AdminKind, AdminRole
    from shangliang.security.selectors import policy

    User = get_user_model()
    out: list[Check] = []

    def check(control, title, ok, fix="", deploy=False):
        out.append(
            Check(control, title, DEPLOY if deploy else (PASS if ok else FAIL), "" if ok and not deploy else fix)
        )

    current = policy()
    needed = {"MinimumLengthValidator", "CommonPasswordValidator", "ComplexityValidator", "HistoryValidator"}
    check(
        "8.1.4.1 a",
        "身份标识唯一，口令复杂度（≥8 位、3 类字符、非常见口令、不重复最近 5 次）",
        needed <= _validators(),
        "AUTH_PASSWORD_VALIDATORS 缺少 " + ", ".join(sorted(needed - _validators())),
    )
    check(
        "8.1.4.1 a",
        "口令定期更换（安全管理员设定有效期）",
        0 < current.password_max_age_days <= 180,
        "在“安全策略”中把密码有效期设为 1—180 天",
    )
    check(
        "8.1.4.1 b",
        "登录失败处理：连续失败锁定账号和来源地址",
        settings.AXES_ENABLED and 0 < settings.AXES_FAILURE_LIMIT <= 10 and settings.LOGIN_ADDRESS_FAILURE_LIMIT > 0,
        "AXES_ENABLED=1，AXES_FAILURE_LIMIT≤10，LOGIN_ADDRESS_FAILURE_LIMIT>0",
    )
    check(
        "8.1.4.1 b",
        "会话超时：无操作超时与最长会话时间",
        current.idle_timeout_minutes <= 30
        and current.absolute_timeout_hours <= 12
        and settings.SESSION_COOKIE_AGE <= 12 * 3600,
        "安全策略中无操作超时≤30 分钟、会话最长≤12 小时；SESSION_COOKIE_AGE≤43200",
    )
    check(
        "8.1.4.1 c",
        "远程管理时防止鉴别信息被窃听（HTTPS）",
        settings.SECURE_SSL_REDIRECT
        and settings.SESSION_COOKIE_SECURE
        and settings.CSRF_COOKIE_SECURE
        and settings.SECURE_HSTS_SECONDS >= 31536000,
        "SECURE_SSL_REDIRECT=1 SECURE_COOKIES=1 SECURE_HSTS_SECONDS=31536000（TLS 由前置网关终止）",
    )
    check(
        "8.1.4.1 d",
        "双因素鉴别（口令 + TOTP/短信验证码），三员与工作人员角色必须使用",
        settings.SECURITY_ENFORCE_SECOND_FACTOR and bool(current.second_factor_roles),
        "SECURITY_ENFORCE_SECOND_FACTOR=1，并在安全策略中勾选须双因素认证的角色",
    )
    check(
        "8.1.4.1 d",
        "鉴别使用国密算法的硬件或网关（SM2 证书、USBKey）",
        True,
        "由国密 SSL 网关/USBKey 提供",
        deploy=True,
    )

    superusers = User.objects.filter(is_superuser=True, is_active=True).count()
    check(
        "8.1.4.2 a/b",
        "不使用超级用户，不存在默认账号与默认口令",
        superusers == 0 and not settings.SECURITY_ALLOW_SUPERUSER,
        f"停用 {superusers} 个超级用户账号（is_superuser），SECURITY_ALLOW_SUPERUSER=0",
    )
    demo = User.objects.filter(is_demo=True, is_active=True).count()
    check(
        "8.1.4.2 c",
        "无共享账号、演示账号（演示模式关闭）",
        not settings.DEMO_MODE and demo == 0,
        f"DEMO_MODE=0，停用 {demo} 个演示账号",
    )
    kinds = set(AdminRole.objects.filter(ended_at__isnull=True).values_list("kind", flat=True))
    check(
        "8.1.4.2 d",
        "三员分立（系统、安全、审计管理员各有其人，一人不兼任）",
        kinds == set(AdminKind.values),
        "manage.py create_administrators 创建三员，或由安全管理员补授缺少的角色",
    )
    check("8.1.4.2 e/f", "访问控制策略由安全管理员配置，主体为用户、客体为记录级（django-rules 按单元判断）", True)
    check("8.1.4.2 g", "重要主体和客体设置安全标记", True, "由操作系统/数据库的安全标记提供", deploy=True)

    check("8.1.4.3 a/b", "审计覆盖每个用户的重要行为，记录时间、用户、地址、事件、对象、结果", True)
    check(
        "8.1.4.3 c",
        "审计记录防篡改：独立的 HMAC-SM3 密钥（AUDIT_KEY）",
        bool((getattr(settings, "AUDIT_KEY", "") or "").strip()),
        "设置 AUDIT_KEY（64 位十六进制），与数据库分开保管",
    )
    check("8.1.4.3 c", "审计记录保存不少于 180 天", audit.retention_days() >= 180, "AUDIT_RETENTION_DAYS≥180")
    check(
        "8.1.4.3 c",
        "审计表对应用数据库用户只可追加（PostgreSQL 触发器）",
        _append_only_installed(),
        "在 PostgreSQL 上运行 migrate（core 0004），应用用户不得为表的属主",
    )
    check("8.1.4.3 d", "审计进程受保护：审计记录与业务变更在同一事务中写入", True)

    check(
        "8.1.4.4 c",
        "限制管理终端的接入地址（后台仅系统管理员，且须双因素）",
        True,
        "另在网关上把 /admin/ 限定为管理网段",
        deploy=True,
    )
    check(
        "8.1.4.4 d",
        "人机接口输入的数据有效性检验（表单与服务层校验、CSRF、CSP）",
        "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
        and "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE,
        "启用 CSRF 与 CSP 中间件",
    )
    check(
        "8.1.4.4 e/f",
        "发现漏洞与入侵并报警（多账号登录失败、大量导出、非工作时间授权、审计链破坏告警安全管理员）",
        True,
    )
    check("8.1.4.4 a/b", "最小安装、关闭不需要的服务和端口", True, "由主机加固负责", deploy=True)
    check("8.1.4.5", "恶意代码防范", True, "由主机防病毒/可信验证负责", deploy=True)
    check(
        "8.1.4.7 a / 8.1.4.8 a",
        "传输中的完整性与保密性（TLS，建议国密 SSL 网关）",
        settings.SECURE_SSL_REDIRECT and settings.SECURE_HSTS_SECONDS > 0,
        "SECURE_SSL_REDIRECT=1 SECURE_HSTS_SECONDS>0",
    )
    check("8.1.4.7 b", "存储中的重要数据完整性（审计链 HMAC-SM3）", True)
    check(
        "8.1.4.8 b",
        "存储中的个人信息保密性（SM4-GCM 字段加密，口令 Argon2）",
        bool(getattr(settings, "FIELD_ENCRYPTION_KEYS", None))
        and settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher"),
        "设置 FIELD_ENCRYPTION_KEYS 与 FIELD_HASH_KEY（manage.py field_keys new）",
    )
    check("8.1.4.9", "数据备份与恢复（本地与异地备份）", True, "由数据库备份方案负责", deploy=True)
    check("8.1.4.10 a", "鉴别信息所在存储空间被释放前完全清除（退出即清除会话）", True)
    check("8.1.4.11", "个人信息最小化与防止未授权访问（脱敏显示，查看完整信息留审计）", True)
    return out


def _append_only_installed() -> bool:
    from django.db import connection

    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = 'core_auditrecord_append_only'")
        return cursor.fetchone()[0] == 1
