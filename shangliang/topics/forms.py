"""Forms parse; services validate. Text fields carry their limits as HTML attributes for the browser, and the
services give the Chinese message when a limit is broken (one place for each rule)."""

from uuid import uuid4

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from shangliang.core import forms as core_forms
from shangliang.core.picker import PickField
from shangliang.people.models import Department
from shangliang.topics.models import RejectionReason, TopicCategory, TopicSource, TopicStatus
from shangliang.topics.services import DESCRIPTION_MAX, MAX_PHOTOS, NAME_MAX, TITLE_MAX


def _interpolate(message, values):
    """`message % values`, translated when shown (in the visitor's language), not when the module is imported."""
    return lazy(lambda: str(message) % values, str)()


def _required(label):
    return {"required": _interpolate(_("请填写%(label)s。"), {"label": label})}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images from one <input type=file multiple> (checked by content in the service)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _interpolate(_("照片（最多 %(n)d 张）"), {"n": MAX_PHOTOS}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(PhotosField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


def _title():
    return forms.CharField(
        label=_("标题"),
        error_messages=_required(_("标题")),
        help_text=_("一句话说清楚是什么事"),
        widget=forms.TextInput(attrs={"maxlength": TITLE_MAX, "autocomplete": "off"}),
    )


def _description():
    return forms.CharField(
        label=_("详细描述"),
        error_messages=_required(_("详细描述")),
        help_text=_("在哪里、涉及多少人、持续多久、希望怎样解决"),
        widget=forms.Textarea(attrs={"maxlength": DESCRIPTION_MAX, "rows": 5}),
    )


def _mobile(help_text=None):
    return forms.CharField(
        label=_("手机号"),
        required=False,
        help_text=help_text or _("选填。仅本单元工作人员可见，用于回访"),
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "tel", "maxlength": 20}),
    )


class IdempotentForm(forms.Form):
    """Carries a random key: sending the same form twice (a double click, a reload) creates one topic."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid4().hex)


class PublicSubmitForm(IdempotentForm):
    """A resident's concern at a room (群众出题), from the room's QR code or public page."""

    title = _title()
    description = _description()
    photos = PhotosField()
    anonymous = forms.BooleanField(
        label=_("匿名提交（不保存姓名）"), required=False, help_text=_("匿名时不保存姓名，公开页面显示为“匿名”")
    )
    name = forms.CharField(
        label=_("您的姓名"),
        required=False,
        help_text=_("公开页面只显示姓氏，如“张*”"),
        widget=forms.TextInput(attrs={"maxlength": NAME_MAX, "autocomplete": "name"}),
    )
    mobile = _mobile()
    contact_consent = forms.BooleanField(
        label=_("同意本单元工作人员用我留下的姓名和手机号联系我、办理此事（不公开）"), required=False
    )
    publish_name = forms.BooleanField(
        label=_("另行同意：在公开页面显示我的完整姓名"),
        required=False,
        help_text=_("不勾选时公开页面只显示姓氏，如“张*”；可随时在“我的个人信息”中撤回"),
    )


class GridEntryForm(IdempotentForm):
    """A liaison enters a concern collected in grid work, on a resident's behalf (网格员收集)."""

    # Picked by searching the units the person may enter topics in (core.picker); the view looks the id up there.
    unit = PickField(label=_("所属单元"), error_messages=_required(_("所属单元")))
    title = _title()
    description = _description()
    anonymous = forms.BooleanField(label=_("反映人要求匿名"), required=False)
    name = forms.CharField(label=_("反映人姓名"), required=False, widget=forms.TextInput(attrs={"maxlength": NAME_MAX}))
    mobile = _mobile(_("选填。反映人的联系手机，仅本单元工作人员可见"))
    urgent = forms.BooleanField(label=_("急需协商"), required=False)
    photos = PhotosField()


class MemberEntryForm(GridEntryForm):
    """A member recommends a topic (委员荐题): under their own name."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("anonymous", "name", "mobile"):
            del self.fields[name]


class AssignEntryForm(GridEntryForm):
    """A party or government body assigns a topic (党政点题)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["anonymous"]
        del self.fields["mobile"]
        self.fields["name"].label = _("点题单位")
        self.fields["name"].help_text = _("如：绥阳镇党委、东宁市人民政府")


ENTRY_FORMS = {
    TopicSource.GRID: GridEntryForm,
    TopicSource.MEMBER: MemberEntryForm,
    TopicSource.ASSIGNED: AssignEntryForm,
}


class ResubmitForm(forms.Form):
    title = _title()
    description = _description()
    note = forms.CharField(
        label=_("补充说明"), required=False, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500})
    )
    photos = PhotosField(label=_("补充照片"))


def _note(label=None, required=False, help_text=""):
    label = label or _("说明")
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        error_messages=_required(label),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
    )


class AcceptForm(forms.Form):
    decision = forms.CharField(widget=forms.HiddenInput, initial="accept")
    category = forms.ChoiceField(
        label=_("议题类别（三议）"), choices=[("", "—"), *TopicCategory.choices], required=False
    )
    urgent = forms.BooleanField(label=_("急需协商（可随时召集）"), required=False)
    note = _note()


class RejectForm(forms.Form):
    decision = forms.CharField(widget=forms.HiddenInput, initial="reject")
    reason = forms.ChoiceField(
        label=_("不予协商的理由（四不议）"), choices=[("", "—"), *RejectionReason.choices], required=False
    )
    note = _note(_("给反映人的说明"), help_text=_("必填，反映人可以看到"))


class ReturnForm(forms.Form):
    decision = forms.CharField(widget=forms.HiddenInput, initial="return")
    note = _note(_("需要补充的内容"), help_text=_("必填，反映人补充后可重新提交"))


class MergeForm(forms.Form):
    decision = forms.CharField(widget=forms.HiddenInput, initial="merge")
    merge_into = forms.TypedChoiceField(label=_("并入的议题"), coerce=int, required=False, widget=forms.RadioSelect)
    merge_into_id = core_forms.IdField(label=_("或输入议题编号"), required=False, help_text=_("议题详情页标题旁的编号"))
    note = _note()

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["merge_into"].choices = [
            (s.topic.pk, f"#{s.topic.pk} {s.topic.title}（{s.topic.get_status_display()}）") for s in candidates
        ]

    def target_id(self) -> int | None:
        data = self.cleaned_data
        return data.get("merge_into_id") or data.get("merge_into") or None


class ReferForm(forms.Form):
    decision = forms.CharField(widget=forms.HiddenInput, initial="refer")
    department = forms.ModelChoiceField(
        label=_("转办部门"), queryset=Department.objects.none(), required=False, empty_label=_("（不选）")
    )
    referred_to = forms.CharField(
        label=_("转办去向"),
        required=False,
        help_text=_("如：村人民调解委员会、镇司法所"),
        widget=forms.TextInput(attrs={"maxlength": 200}),
    )
    note = _note()

    def __init__(self, *args, county=None, **kwargs):
        super().__init__(*args, **kwargs)
        if county is not None:
            self.fields["department"].queryset = Department.objects.filter(county=county, is_active=True)


SCREEN_FORMS = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "return": ReturnForm,
    "merge": MergeForm,
    "refer": ReferForm,
}


class DecideForm(forms.Form):
    """Approve or decline. The template has one form per decision, each sending its own hidden `decision`
    (a named submit button would not do: the double-submit guard disables buttons, and disabled ones are not sent)."""

    decision = forms.ChoiceField(choices=[("approve", _("审定通过")), ("decline", _("不予审定"))])
    note = _note()

    def __init__(self, *args, decision: str = "approve", **kwargs):
        super().__init__(*args, **kwargs)
        if decision == "decline":
            self.fields["note"].label = _("不予审定的理由")
            self.fields["note"].help_text = _("必填，反映人可以看到")


class UrgentForm(forms.Form):
    urgent = forms.BooleanField(required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, widget=forms.TextInput(attrs={"maxlength": 500}))


class TopicFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *TopicStatus.choices], required=False)
    source = forms.ChoiceField(label=_("来源"), choices=[("", _("全部")), *TopicSource.choices], required=False)
    category = forms.ChoiceField(label=_("类别"), choices=[("", _("全部")), *TopicCategory.choices], required=False)
    # Searched among the units one sees (core.picker): a city has thousands; none is left out of the filter.
    unit = PickField(label=_("单元"), required=False)
    start = core_forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = core_forms.DateField(label=_("终止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    urgent = forms.BooleanField(label=_("只看急需协商"), required=False)


class ImportForm(IdempotentForm):
    # Picked by searching the units one may enter topics in (core.picker), as on the entry form.
    unit = PickField(label=_("所属单元"), error_messages=_required(_("所属单元")))
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        error_messages={"required": _("请选择要导入的 Excel 文件。")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        error_messages=_required(_("查询码")),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class PublicityForm(forms.Form):
    shown = forms.MultipleChoiceField(
        label=_("在公开页面列出哪些来源的议题"),
        choices=TopicSource.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("只列出待筛选、已受理、已审定的议题；群众的姓名和手机号始终遮盖。"),
    )
