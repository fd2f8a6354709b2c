"""Forms parse; services validate (the Chinese messages for lengths, states and ids live there, once)."""

from __future__ import annotations

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from shangliang.core import forms as core_forms
from shangliang.online.models import STATEMENT_MAX, ModerationMode
from shangliang.online.services import DESCRIPTION_MAX, QUESTION_MAX
from shangliang.topics.forms import IdempotentForm


def _interpolate(message, values):
    """`message % values`, translated when shown (in the visitor's language), not when the module is imported."""
    return lazy(lambda: str(message) % values, str)()


def _datetime(label, help_text=""):
    return core_forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class RoomForm(forms.Form):
    question = forms.CharField(
        label=_("协商的问题"),
        help_text=_("参与者看到的一句话，例如：园区污水处理站怎么建、费用怎么分担？"),
        error_messages={"required": _("请填写协商的问题。")},
        widget=forms.TextInput(attrs={"maxlength": QUESTION_MAX}),
    )
    description = forms.CharField(
        label=_("背景说明"),
        required=False,
        widget=forms.Textarea(attrs={"maxlength": DESCRIPTION_MAX, "rows": 4}),
    )
    moderation = forms.ChoiceField(
        label=_("审核方式"), choices=ModerationMode.choices, initial=ModerationMode.PRE, widget=forms.RadioSelect
    )
    allow_statements = forms.BooleanField(label=_("参与者可以发表新观点"), required=False, initial=True)
    opens_at = _datetime(_("开始时间"), _("不填则开放后立即开始"))
    closes_at = _datetime(_("结束时间"), _("开放前须填写"))


class StatementForm(IdempotentForm):
    text = forms.CharField(
        label=_("我的观点"),
        help_text=_interpolate(_("一句话，%(max)d 字以内；请对事不对人。"), {"max": STATEMENT_MAX}),
        error_messages={"required": _("请填写观点。")},
        strip=False,
        widget=forms.Textarea(attrs={"maxlength": STATEMENT_MAX, "rows": 3}),
    )


class SeedForm(StatementForm):
    text = forms.CharField(
        label=_("预设观点"),
        help_text=_interpolate(_("一句话，%(max)d 字以内。"), {"max": STATEMENT_MAX}),
        error_messages={"required": _("请填写观点。")},
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": STATEMENT_MAX}),
    )


class VoteForm(forms.Form):
    statement = forms.CharField()
    value = forms.CharField()


class ModerateForm(forms.Form):
    action = forms.CharField()
    note = forms.CharField(required=False, max_length=500)


class ImportForm(forms.Form):
    archive = forms.FileField(
        label=_("zip 压缩包"),
        required=False,
        help_text=_(
            "内含 comments.csv 和 votes.csv（或 participants-votes.csv），如 Pol.is 开放数据和本系统导出的格式"
        ),
    )
    comments = forms.FileField(label=_("或 comments.csv"), required=False)
    votes = forms.FileField(label=_("和 votes.csv"), required=False)
    wide = forms.FileField(
        label=_("或 participants-votes.csv"),
        required=False,
        help_text=_("没有 votes.csv 时，从这份宽表读入每人的最新表态"),
    )
