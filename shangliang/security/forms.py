from django import forms
from django.utils.translation import gettext_lazy as _

from shangliang.core import forms as core_forms
from shangliang.core.models import AuditOutcome
from shangliang.people.models import Role
from shangliang.security.models import AdminKind

CODE_ATTRS = {"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}


class TokenForm(forms.Form):
    token = forms.CharField(label=_("验证码"), max_length=20, widget=forms.TextInput(attrs=CODE_ATTRS))


class VerifyForm(forms.Form):
    METHODS = [("totp", _("身份验证器")), ("recovery", _("恢复码")), ("sms", _("短信验证码"))]
    method = forms.ChoiceField(label=_("方式"), choices=METHODS, initial="totp")
    token = forms.CharField(label=_("验证码"), max_length=20, widget=forms.TextInput(attrs=CODE_ATTRS))


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(
        label=_("原密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    new_password1 = forms.CharField(
        label=_("新密码"),
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("至少 10 位，含大写字母、小写字母、数字、符号中的 3 类；不能含用户名，不能是最近 5 次用过的密码。"),
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"), max_length=128, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def clean(self):
        data = super().clean()
        if data.get("new_password1") and data.get("new_password1") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致。"))
        return data


class PolicyForm(forms.Form):
    password_max_age_days = core_forms.IntegerField(label=_("密码有效期（天）"), min_value=1, max_value=180)
    idle_timeout_minutes = core_forms.IntegerField(label=_("无操作超时（分钟）"), min_value=2, max_value=30)
    absolute_timeout_hours = core_forms.IntegerField(label=_("会话最长时间（小时）"), min_value=1, max_value=12)
    second_factor_roles = forms.MultipleChoiceField(
        label=_("须双因素认证的角色（三员始终需要）"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sms_counties = forms.ModelMultipleChoiceField(
        label=_("允许用短信验证码代替身份验证器的区县"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sms_counties"].queryset = counties


class AccountSearchForm(forms.Form):
    q = forms.CharField(label=_("用户名或姓名"), max_length=150, required=False)


class GrantForm(forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    kind = forms.ChoiceField(label=_("管理员类型"), choices=AdminKind.choices)


class AuditSearchForm(forms.Form):
    person = forms.CharField(label=_("操作人账号"), max_length=150, required=False)
    unit = forms.CharField(label=_("单元名称"), max_length=100, required=False)
    action = forms.ChoiceField(label=_("事件类型"), required=False)
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=[("", "—"), *AuditOutcome.choices])
    start = core_forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = core_forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", "—"), *actions]

    def clean(self):
        data = super().clean()
        for name in ("start", "end"):
            day = data.get(name)
            if day is not None and not 2000 <= day.year <= 2100:
                self.add_error(name, _("请填写 2000 到 2100 年之间的日期。"))
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("截止日期不能早于起始日期。"))
        return data
