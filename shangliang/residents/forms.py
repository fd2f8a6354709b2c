from django import forms
from django.utils.translation import gettext_lazy as _


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("手机号"),
        error_messages={"required": _("请填写手机号。")},
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": 20}),
    )
    consent = forms.BooleanField(
        label=_("我已阅读隐私告知，同意本平台为验证身份处理我的手机号"),
        error_messages={"required": _("请阅读隐私告知并勾选同意后再获取验证码。")},
    )
    notice_version = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        error_messages={"required": _("请填写验证码。")},
        max_length=12,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 6}),
    )


class NoticeForm(forms.Form):
    body = forms.CharField(
        label=_("告知内容"), max_length=8000, widget=forms.Textarea(attrs={"rows": 16, "maxlength": 8000})
    )
