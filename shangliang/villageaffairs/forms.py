"""Forms parse; services validate. Amounts travel as text so that the service gives the one Chinese message for a
negative or non-numeric amount; text limits are HTML attributes for the browser and checked again by the services."""

from uuid import uuid4

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shangliang.core import clock
from shangliang.core import forms as core_forms
from shangliang.villageaffairs.models import (
    AttendeeCapacity,
    DisputeKind,
    DisputeStatus,
    ExerciseKind,
    FeedbackKind,
    PetitionChannel,
    PetitionStatus,
    PowerCategory,
)

DATE = {"type": "date"}


def _please_fill(label) -> str:
    return gettext("请填写%(label)s。") % {"label": label}


# Evaluated when shown, in the visitor's language (not once at import).
_required = lazy(_please_fill, str)


def _date(label, required=True, **kwargs):
    return core_forms.DateField(label=label, required=required, widget=forms.DateInput(attrs=DATE), **kwargs)


def _text(label, max_length, *, required=True, rows=None, help_text=""):
    widget = (
        forms.Textarea(attrs={"maxlength": max_length, "rows": rows})
        if rows
        else forms.TextInput(attrs={"maxlength": max_length, "autocomplete": "off"})
    )
    # The service checks the length and gives the message; the form only passes the text on.
    return forms.CharField(
        label=label,
        required=required,
        widget=widget,
        help_text=help_text,
        strip=False,
        error_messages={"required": _required(label)},
    )


class IdempotentForm(forms.Form):
    """Carries a random key: sending the same form twice (a double click, a reload) stores one row."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid4().hex)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    """Several files from one <input type=file multiple> (checked by content in the service)."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(attrs={"multiple": True, "accept": ".pdf,.docx,.xlsx,image/jpeg,image/png,image/webp"}),
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("附件"))
        kwargs.setdefault("help_text", _("合同、发票、会议记录、现场照片等：PDF、Word、Excel 或图片，每个不超过 10 MB"))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(DocumentsField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class PowerItemForm(forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=PowerCategory.choices)
    name = _text(_("权力事项"), 100)
    procedure = _text(_("运行流程"), 3000, rows=5, help_text=_("每行一个步骤"))
    basis = _text(_("依据"), 200, required=False)
    order = core_forms.IntegerField(label=_("顺序"), required=False, min_value=0, max_value=999)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class DisclosureForm(IdempotentForm):
    power_item = forms.TypedChoiceField(label=_("权力事项"), coerce=int)
    kind = forms.ChoiceField(label=_("事项类型"), choices=ExerciseKind.choices)
    title = _text(_("公示标题"), 100)
    content = _text(_("公示内容"), 5000, rows=6, help_text=_("事由、经过的程序、结果；涉及资金的写明用途"))
    amount = forms.CharField(
        label=_("金额（元）"),
        required=False,
        help_text=_("项目和资金支付必填，如 128000.50"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 20}),
    )
    decided_on = _date(_("决策/发生日期"))
    period_start = _date(_("公示开始日期"))
    period_end = _date(_("公示截止日期"))
    documents = DocumentsField()

    def __init__(self, *args, power_items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.power_items = {item.pk: item for item in power_items}
        self.fields["power_item"].choices = [
            (item.pk, f"{item.get_category_display()} · {item.name}") for item in power_items
        ]

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        data.pop("documents", None)
        data.pop("correction_reason", None)
        data.pop("keep_documents", None)
        data["power_item"] = self.power_items.get(data["power_item"])
        return data


class DisclosureEditForm(DisclosureForm):
    """A draft's fields; its documents are managed on the disclosure's page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["documents"]


class CorrectionForm(DisclosureForm):
    correction_reason = _text(_("更正原因"), 500, rows=2, help_text=_("公开显示，说明原公示哪里有误"))
    keep_documents = forms.BooleanField(label=_("沿用原公示的附件"), required=False, initial=True)

    field_order = ["correction_reason"]


class DocumentsForm(forms.Form):
    documents = DocumentsField(required=True)


class NoteForm(forms.Form):
    note = _text(_("说明"), 500, rows=2)


class FeedbackForm(IdempotentForm):
    kind = forms.ChoiceField(
        label=_("类型"), choices=FeedbackKind.choices, widget=forms.RadioSelect, initial=FeedbackKind.COMMENT
    )
    text = _text(_("意见内容"), 1000, rows=4, help_text=_("异议将列入本村下一次月例会议程，由会议议定答复"))
    name = _text(_("姓名"), 50, required=False, help_text=_("选填"))
    contact_consent = forms.BooleanField(
        label=_("同意村（社区）工作人员用我的姓名和已验证的手机号联系答复（不公开）"), required=False
    )


class ReplyForm(forms.Form):
    reply = _text(_("答复"), 1000, rows=2)


class MeetingPlanForm(forms.Form):
    month = forms.CharField(label=_("月份"), widget=forms.TextInput(attrs={"type": "month"}), help_text=_("如 2026-03"))
    scheduled_on = _date(_("计划日期"), required=False)
    place = _text(_("地点"), 100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("month", clock.today().strftime("%Y-%m"))


class MeetingEditForm(forms.Form):
    scheduled_on = _date(_("计划日期"), required=False)
    place = _text(_("地点"), 100, required=False)


class AgendaItemForm(core_forms.SubmitOnce):
    title = _text(_("议程事项"), 200)
    detail = _text(_("说明"), 2000, required=False, rows=2)


class ResolveForm(forms.Form):
    resolution = _text(_("议定结果"), 2000, rows=2)


class AttendeeForm(core_forms.SubmitOnce):
    name = _text(_("姓名"), 50)
    capacity = forms.ChoiceField(label=_("身份"), choices=AttendeeCapacity.choices)
    note = _text(_("备注"), 200, required=False)


class HoldForm(forms.Form):
    held_on = _date(_("召开日期"))
    minutes = _text(_("会议纪要"), 10000, rows=6)
    present = forms.TypedMultipleChoiceField(
        label=_("出席人员"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attendance=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["present"].choices = [(a.pk, f"{a.name}（{a.get_capacity_display()}）") for a in attendance]
        if not self.is_bound:
            self.initial.setdefault("present", [a.pk for a in attendance if a.present])


class OpenConsultationForm(forms.Form):
    topics = forms.TypedMultipleChoiceField(
        label=_("协商议题"), coerce=int, widget=forms.CheckboxSelectMultiple, help_text=_("本村已审定的议题")
    )
    title = _text(_("协商名称"), 100, required=False, help_text=_("不填则为“某年某月村务民主协商监督月例会”"))

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.pk, t.title) for t in topics]


class LinkConsultationForm(forms.Form):
    consultation = forms.TypedChoiceField(label=_("协商活动"), coerce=int)

    def __init__(self, *args, consultations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultation"].choices = [(c.pk, f"{c.title}（{c.get_status_display()}）") for c in consultations]


class NormForm(forms.Form):
    started_on = _date(_("实施日期"))
    interval_months = core_forms.IntegerField(label=_("间隔（月）"), min_value=1, max_value=12, initial=1)
    note = _text(_("说明"), 200, required=False)


class DisputeForm(IdempotentForm):
    received_on = _date(_("受理日期"))
    kind = forms.ChoiceField(label=_("纠纷类型"), choices=DisputeKind.choices)
    summary = _text(_("纠纷概要"), 200, help_text=_("不写当事人姓名"))
    parties = core_forms.IntegerField(label=_("当事人数"), initial=2, min_value=1, max_value=10000)
    mediator = _text(_("调解人"), 50, required=False)


class DisputeDecideForm(forms.Form):
    action = forms.ChoiceField(
        label=_("结果"),
        choices=[("resolve", _("调解成功")), ("fail", _("调解未成")), ("refer", _("转交处理"))],
        widget=forms.RadioSelect,
    )
    outcome = _text(_("化解结果"), 2000, rows=2)
    closed_on = _date(_("办结日期"), required=False)


class PetitionForm(IdempotentForm):
    received_on = _date(_("登记日期"))
    channel = forms.ChoiceField(label=_("信访形式"), choices=PetitionChannel.choices)
    collective = forms.BooleanField(label=_("集体访（5人以上）"), required=False)
    subject = _text(_("信访事项"), 200, help_text=_("不写信访人姓名"))


class PetitionDecideForm(forms.Form):
    action = forms.ChoiceField(
        label=_("结果"), choices=[("conclude", _("办结")), ("refer", _("转交办理"))], widget=forms.RadioSelect
    )
    outcome = _text(_("办理结果"), 2000, rows=2)
    concluded_on = _date(_("办结日期"), required=False)


class CaseFilterForm(forms.Form):
    year = core_forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    status = forms.ChoiceField(label=_("状态"), required=False)

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部"))] + list(statuses)


def dispute_filter(data):
    return CaseFilterForm(data, statuses=DisputeStatus.choices)


def petition_filter(data):
    return CaseFilterForm(data, statuses=PetitionStatus.choices)


class YearForm(forms.Form):
    year = core_forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
