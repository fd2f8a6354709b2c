"""The audit trail's kinds of act of the public API: the clients' keys and every call a client makes."""

from django.utils.translation import gettext_lazy as _

from shangliang.core import audit

CLIENT_REGISTERED = "api.client_registered"
CLIENT_CHANGED = "api.client_changed"
KEY_ROTATED = "api.key_rotated"
CLIENT_REVOKED = "api.client_revoked"
WEBHOOK_CHANGED = "api.webhook_changed"
WEBHOOK_REPLAYED = "api.webhook_replayed"
CALL = "api.call"
CALL_REFUSED = "api.call_refused"


def register() -> None:
    audit.register_action(CLIENT_REGISTERED, _("登记接口客户端"))
    audit.register_action(CLIENT_CHANGED, _("修改接口客户端"))
    audit.register_action(KEY_ROTATED, _("更换接口密钥"))
    audit.register_action(CLIENT_REVOKED, _("停用接口客户端"))
    audit.register_action(WEBHOOK_CHANGED, _("修改事件推送"))
    audit.register_action(WEBHOOK_REPLAYED, _("重新推送事件"))
    audit.register_action(CALL, _("接口调用"))
    audit.register_action(CALL_REFUSED, _("接口调用被拒绝"))
