from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from shangliang.api.models import CLIENT_SOURCES, Scope, SignatureAlgorithm, WebhookKind
from shangliang.api.services import rate_limit_names
from shangliang.core.picker import PickField

User = get_user_model()


class ClientForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=100, help_text=_("如“某县网格化管理平台”“某局办件系统”"))
    # Picked by searching the active units (core.picker); the view looks the id up among them.
    unit = PickField(label=_("服务范围（单元及其下级）"), error_messages={"required": _("请选择服务范围（单元）。")})
    scopes = forms.MultipleChoiceField(label=_("权限范围"), choices=Scope.choices, widget=forms.CheckboxSelectMultiple)
    topic_source = forms.ChoiceField(label=_("提交的议题来源"), choices=CLIENT_SOURCES)
    account = forms.CharField(
        label=_("代为操作的账号（用户名）"),
        max_length=150,
        required=False,
        help_text=_("网格员收集的议题、部门办理工作责任都以这个账号的权限进行；只读或群众出题可以不填。"),
    )
    rate_limit = forms.ChoiceField(label=_("调用频率限制"), choices=())
    contact = forms.CharField(label=_("联系人"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rate_limit"].choices = [(n, n) for n in rate_limit_names()]

    def clean_account(self):
        username = self.cleaned_data.get("account", "").strip()
        if not username:
            return None
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有这个有效账号。"))
        return user


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("停用原因"), max_length=200)


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("接收地址"), max_length=300, assume_scheme="https")
    kinds = forms.MultipleChoiceField(
        label=_("推送的事件"), choices=WebhookKind.choices, widget=forms.CheckboxSelectMultiple
    )
    algorithm = forms.ChoiceField(label=_("签名算法"), choices=SignatureAlgorithm.choices)
