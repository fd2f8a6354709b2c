"""Forms parse; services decide. Lengths, ranges and choices are checked again (same messages) in the services."""

from __future__ import annotations

from uuid import uuid4

from django import forms
from django.utils.translation import gettext_lazy as _

from shangliang.accountability.models import ItemKind, TaskStatus
from shangliang.consultations.forms import MultipleFileField
from shangliang.core import forms as core_forms
from shangliang.core.picker import PickedInput, PickField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PERCENT_ERRORS = {
    "min_value": _("进度应在 0—100 之间。"),
    "max_value": _("进度应在 0—100 之间。"),
    "invalid": _("进度应为 0—100 之间的整数。"),
    "required": _("请填写进度。"),
}


NOTE = _("说明")


def _note(label=NOTE, required=False, rows=2, max_length=1000):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
    )


class IdempotentForm(forms.Form):
    """Carries a random key: sending the same form twice (a double click, a reload) creates one task."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid4().hex)


class BodyFields(forms.Form):
    """The responsible body and person. The body (a department or a unit) and the person's account are picked by
    searching (core.picker); the view looks both up among what a task of the unit may be given to."""

    body = forms.CharField(
        label=_("责任单位"), max_length=20, widget=PickedInput, error_messages={"required": _("请选择责任单位。")}
    )
    owner_name = forms.CharField(
        label=_("责任人"), max_length=50, widget=forms.TextInput(attrs={"maxlength": 50, "autocomplete": "off"})
    )
    owner = PickField(label=_("责任人账号（选填）"), required=False)
    owner_phone = forms.CharField(
        label=_("责任人手机（选填）"),
        required=False,
        max_length=20,
        help_text=_("用于短信催办；公开页面不显示"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "maxlength": 20}),
    )


class DeadlineFields(forms.Form):
    deadline = core_forms.DateField(label=_("完成时限"), required=False, widget=DATE)
    working_days = core_forms.IntegerField(
        label=_("或：工作日数"),
        required=False,
        min_value=1,
        max_value=500,
        help_text=_("填写后按法定节假日和调休推算截止日期"),
        error_messages={"min_value": _("工作日数应为正整数。"), "invalid": _("工作日数应为正整数。")},
    )


class AssignForm(IdempotentForm, BodyFields, DeadlineFields):
    suggestion = forms.TypedChoiceField(label=_("协商建议"), coerce=int)
    action = forms.CharField(
        label=_("具体事项"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000})
    )
    field_order = ["suggestion", "action", "body", "owner_name", "owner", "owner_phone", "deadline"]

    def __init__(self, *args, suggestions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suggestion"].choices = [(s.pk, f"{s.order}. {s.text[:60]}") for s in suggestions]


class ReassignForm(BodyFields, DeadlineFields):
    note = _note(_("改派说明"))


class NoteForm(forms.Form):
    note = _note()


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("同意")), ("refuse", _("不同意"))], widget=forms.HiddenInput)
    note = _note(_("审批意见"))


class ProgressForm(forms.Form):
    text = _note(_("进展情况"), required=True, rows=3, max_length=2000)
    percent = core_forms.IntegerField(
        label=_("进度（%）"),
        min_value=0,
        max_value=100,
        error_messages=PERCENT_ERRORS,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1, "inputmode": "numeric"}),
    )
    files = MultipleFileField(
        label=_("照片或文件（选填）"), required=False, help_text=_("最多 5 个，PDF、Word、Excel 或图片")
    )


class CompletionForm(forms.Form):
    text = _note(_("办理结果"), required=True, rows=3, max_length=2000)
    files = MultipleFileField(label=_("佐证材料"), required=False, help_text=_("必填：照片或文件，最多 5 个"))


class ExtensionForm(forms.Form):
    new_deadline = core_forms.DateField(label=_("申请延至"), widget=DATE)
    note = _note(_("延期理由"), required=True)


class ReopenForm(forms.Form):
    deadline = core_forms.DateField(label=_("新的完成时限"), widget=DATE)
    note = _note(_("重办理由"), required=True)


class NoticeForm(forms.Form):
    text = _note(_("通报内容（不填则按模板生成）"), max_length=1000)


class SupervisorForm(forms.Form):
    # Picked from the county's members by searching (core.picker); the view looks the id up among them.
    member = PickField(label=_("督办委员"), error_messages={"required": _("请选择督办委员。")})


class CommentForm(core_forms.SubmitOnce):
    text = _note(_("督办意见"), required=True, rows=3, max_length=2000)
    escalate = forms.BooleanField(label=_("提请升级督办（告知政协机关和同级党组织）"), required=False)


class FollowUpForm(forms.Form):
    lasted = forms.TypedChoiceField(
        label=_("回访结论"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("成效持续")), ("no", _("成效未持续，需重办"))],
        widget=forms.RadioSelect,
    )
    note = _note(_("回访情况"), rows=3, max_length=2000)
    files = MultipleFileField(label=_("照片或文件（选填）"), required=False)


SCORES = [
    (5, _("5 分 · 很满意")),
    (4, _("4 分 · 满意")),
    (3, _("3 分 · 一般")),
    (2, _("2 分 · 不满意")),
    (1, _("1 分 · 很不满意")),
]


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=SCORES,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择 1—5 分的满意度。"), "invalid_choice": _("请选择 1—5 分的满意度。")},
    )
    comment = _note(_("评价意见（选填）"), rows=3, max_length=500)


class EvaluateForm(forms.Form):
    organisation = forms.CharField(label=_("评估机构"), required=False, max_length=100)
    comment = _note(_("总体评价"), rows=3, max_length=2000)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.pk}"] = forms.TypedChoiceField(
                label=f"{item.text}（{item.get_kind_display()}，{_('权重')} {item.weight}）",
                coerce=int,
                choices=[(s, str(s)) for s in (5, 4, 3, 2, 1)],
                widget=forms.RadioSelect,
                error_messages={"required": _("请为每一项评 1—5 分。")},
            )

    def answers(self) -> dict[int, int]:
        return {item.pk: self.cleaned_data[f"item_{item.pk}"] for item in self.items}


class SettingsForm(forms.Form):
    sign_days = core_forms.IntegerField(
        label=_("签收时限（天）"),
        min_value=1,
        max_value=30,
        help_text=_("交办后多少天内签收，工作日还是自然日见本县工作日历的“时限计日方式”"),
    )
    hand_back_days = core_forms.IntegerField(
        label=_("申退时限（天）"),
        min_value=1,
        max_value=30,
        help_text=_("交办后多少天内可以申请退回，过期须签收办理"),
    )
    remind_before_days = core_forms.IntegerField(label=_("到期前提醒天数"), min_value=0, max_value=30)
    notice_grace_days = core_forms.IntegerField(label=_("催办后通报宽限天数（自然日）"), min_value=1, max_value=60)
    dissatisfaction_percent = core_forms.IntegerField(label=_("不满意率重办阈值（%）"), min_value=1, max_value=100)
    min_ratings = core_forms.IntegerField(label=_("重办所需最少评价数"), min_value=1, max_value=1000)
    reopen_days = core_forms.IntegerField(label=_("重办期限（自然日）"), min_value=1, max_value=365)
    follow_up_months = core_forms.IntegerField(label=_("回访间隔（月）"), min_value=1, max_value=36)


KIND_WORDS = {"过程": ItemKind.PROCESS, "过程评估": ItemKind.PROCESS, "process": ItemKind.PROCESS}
KIND_WORDS |= {"结果": ItemKind.OUTCOME, "结果评估": ItemKind.OUTCOME, "outcome": ItemKind.OUTCOME}


class EvaluationConfigForm(forms.Form):
    name = forms.CharField(label=_("评估表名称"), max_length=100)
    items = forms.CharField(
        label=_("评估条目"),
        help_text=_("每行一条：类别（过程/结果）| 权重（1—100）| 评估内容"),
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def clean_items(self) -> list[dict]:
        rows = []
        for number, line in enumerate(self.cleaned_data["items"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.replace("｜", "|").split("|")]
            if len(parts) != 3 or parts[0] not in KIND_WORDS:
                raise forms.ValidationError(
                    _("第 %(n)d 行格式不正确：应为“类别 | 权重 | 内容”，类别为“过程”或“结果”。") % {"n": number}
                )
            rows.append({"kind": KIND_WORDS[parts[0]], "weight": parts[1], "text": parts[2]})
        return rows


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, max_length=50)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *TaskStatus.choices])
    overdue = forms.BooleanField(label=_("只看逾期"), required=False)
