"""Forms parse; services decide. Lengths and choices are checked again (with the same messages) in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from shangliang.consultations.models import (
    ConsultationForm,
    ConsultationStatus,
    ParticipantKind,
    ResearchKind,
    SegmentKind,
    SubmissionLevel,
    VoteChoice,
)
from shangliang.core import forms as core_forms
from shangliang.units.models import UnitLevel

DATE = {"type": "date"}


def _datetime(label, required=False):
    return core_forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by content in the service (core.uploads)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.doc,.docx,.xls,.xlsx,image/*", "multiple": True})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class EditForm(forms.Form):
    """Create or edit a consultation: approved topics of the unit, form, room."""

    topics = forms.TypedMultipleChoiceField(
        label=_("议题（本单元已审定）"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一个已审定的议题。")},
    )
    form = forms.ChoiceField(label=_("协商形式"), choices=ConsultationForm.choices)
    title = forms.CharField(
        label=_("协商名称"),
        required=False,
        help_text=_("不填则用第一个议题的标题"),
        widget=forms.TextInput(attrs={"maxlength": 100}),
    )
    room = forms.TypedChoiceField(label=_("议事室"), coerce=int, required=False, empty_value=None)
    location = forms.CharField(
        label=_("地点"),
        required=False,
        help_text=_("实地协商、板凳会等不在议事室时填写"),
        widget=forms.TextInput(attrs={"maxlength": 200}),
    )

    def __init__(self, *args, topics=(), rooms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = [(t.pk, f"{t.title}{'（急需协商）' if t.urgent else ''}") for t in topics]
        self.fields["room"].choices = [("", _("—"))] + [(r.pk, r.name) for r in rooms]


class PersonPickForm(forms.Form):
    user = forms.TypedChoiceField(label=_("人员"), coerce=int)
    kind = forms.ChoiceField(label=_("参加身份"), choices=ParticipantKind.choices)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [
            (c.user.pk, f"{c.user.display_name} · {c.role_label} · {c.unit_name}") for c in candidates
        ]


class TalentPickForm(forms.Form):
    talent = forms.TypedChoiceField(label=_("人才库"), coerce=int)
    kind = forms.ChoiceField(label=_("参加身份"), choices=ParticipantKind.choices, initial=ParticipantKind.EXPERT)

    def __init__(self, *args, talents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["talent"].choices = [
            (t.pk, f"{t.name} · {t.get_kind_display()}{' · ' + t.organisation if t.organisation else ''}")
            for t in talents
        ]


class NamedPersonForm(forms.Form):
    name = forms.CharField(label=_("姓名"), widget=forms.TextInput(attrs={"maxlength": 50}))
    kind = forms.ChoiceField(label=_("参加身份"), choices=ParticipantKind.choices)
    organisation = forms.CharField(
        label=_("单位/身份"), required=False, widget=forms.TextInput(attrs={"maxlength": 100})
    )
    email = forms.CharField(
        label=_("邮箱"),
        required=False,
        help_text=_("有邮箱的，邀请和日程文件会发到邮箱"),
        widget=forms.EmailInput(attrs={"maxlength": 254}),
    )


class ChooseForm(forms.Form):
    override_reason = forms.CharField(
        label=_("代表性说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text=_("名单有代表性提示而仍按此进行时，须写明理由"),
    )


class ResearchForm(forms.Form):
    kind = forms.ChoiceField(label=_("调研方式"), choices=ResearchKind.choices)
    title = forms.CharField(label=_("标题"), widget=forms.TextInput(attrs={"maxlength": 100}))
    done_on = core_forms.DateField(label=_("调研日期"), widget=forms.DateInput(attrs=DATE))
    text = forms.CharField(label=_("调研情况"), widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000}))
    files = MultipleFileField(label=_("附件"), required=False, help_text=_("PDF、Word、Excel 或图片，最多 5 个"))


class VisitForm(forms.Form):
    party = forms.CharField(label=_("走访对象"), widget=forms.TextInput(attrs={"maxlength": 100}))
    participant = forms.TypedChoiceField(label=_("对应参加人员"), coerce=int, required=False, empty_value=None)
    visited_on = core_forms.DateField(label=_("走访日期"), widget=forms.DateInput(attrs=DATE))
    views = forms.CharField(label=_("对方意见"), widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}))
    agreed = forms.CharField(
        label=_("达成的共识"), required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000})
    )
    files = MultipleFileField(label=_("附件"), required=False)

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [("", _("—"))] + [(p.pk, p.name) for p in participants]


class ScheduleForm(forms.Form):
    planned_start = _datetime(_("协商时间"))
    planned_end = _datetime(_("预计结束"))
    written_deadline = _datetime(_("书面意见截止时间"))
    online_opens_at = _datetime(_("网络协商开始"))
    online_closes_at = _datetime(_("网络协商结束"))
    room = forms.TypedChoiceField(label=_("议事室"), coerce=int, required=False, empty_value=None)
    location = forms.CharField(label=_("地点"), required=False, widget=forms.TextInput(attrs={"maxlength": 200}))
    note = forms.CharField(label=_("调整说明"), required=False, widget=forms.TextInput(attrs={"maxlength": 200}))

    FIELDS_BY_FORM = {
        ConsultationForm.WRITTEN: ("written_deadline",),
        ConsultationForm.ONLINE: ("online_opens_at", "online_closes_at"),
    }
    IN_PERSON_FIELDS = ("planned_start", "planned_end", "room", "location")

    def __init__(self, *args, consultation=None, rooms=(), rescheduling=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].choices = [("", _("—"))] + [(r.pk, r.name) for r in rooms]
        keep = set(self.FIELDS_BY_FORM.get(consultation.form, self.IN_PERSON_FIELDS))
        if rescheduling:
            keep.add("note")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]


class SegmentForm(core_forms.SubmitOnce):
    # The meeting page holds several forms: a prefix each keeps ids (and labels' for=) unique.
    prefix = "segment"
    kind = forms.ChoiceField(label=_("环节"), choices=SegmentKind.choices)
    title = forms.CharField(label=_("内容"), widget=forms.TextInput(attrs={"maxlength": 100}))
    speaker = forms.TypedChoiceField(label=_("发言人"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].choices = [("", _("—"))] + [(p.pk, p.name) for p in participants]


class NotesForm(forms.Form):
    notes = forms.CharField(
        label=_("记录"), required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 10000})
    )


class MinutesForm(forms.Form):
    prefix = "minutes"
    text = forms.CharField(label=_("会议记录"), widget=forms.Textarea(attrs={"rows": 8, "maxlength": 50000}))


class OpinionForm(forms.Form):
    prefix = "opinion"
    participant = forms.TypedChoiceField(label=_("参加人员"), coerce=int)
    text = forms.CharField(label=_("意见（原话）"), widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}))

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.pk, p.name) for p in participants]


class OwnOpinionForm(forms.Form):
    text = forms.CharField(label=_("我的意见"), widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}))


class SuggestionForm(forms.Form):
    prefix = "suggestion"
    text = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("表决"),
        choices=VoteChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意、弃权、不同意或反对。")},
    )
    dissent = forms.CharField(
        label=_("不同意见（原话记录）"), required=False, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000})
    )


class CloseForm(forms.Form):
    consensus = forms.TypedChoiceField(
        label=_("协商结果"),
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        choices=[("1", _("达成共识")), ("0", _("未达成共识（议而不决）"))],
    )
    conclusion = forms.CharField(
        label=_("协商结论"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000}),
        help_text=_("议而不决时须写明原因"),
    )


class SubmitForm(forms.Form):
    level = forms.ChoiceField(label=_("报送层级"), choices=SubmissionLevel.choices, widget=forms.RadioSelect)
    recipients = forms.CharField(label=_("报送对象"), widget=forms.TextInput(attrs={"maxlength": 200}))
    note = forms.CharField(
        label=_("报送说明"), required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}))


class RespondForm(forms.Form):
    reason = forms.CharField(label=_("婉拒原因"), required=False, widget=forms.TextInput(attrs={"maxlength": 200}))


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False)
    form = forms.ChoiceField(label=_("形式"), required=False, choices=[("", _("全部"))] + ConsultationForm.choices)

    def __init__(self, *args, **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("全部"))] + ConsultationStatus.choices


class RuleForm(forms.Form):
    min_participants = core_forms.IntegerField(label=_("最少参加人数"), min_value=1, max_value=500)
    min_stakeholders = core_forms.IntegerField(label=_("利益相关方至少"), max_value=500)
    min_resident_reps = core_forms.IntegerField(label=_("群众代表至少"), max_value=500)
    max_official_percent = core_forms.IntegerField(label=_("党政人员占比上限（%）"), max_value=100)


class NormForm(forms.Form):
    level = forms.ChoiceField(
        label=_("单元层级"),
        choices=[(lv.value, lv.label) for lv in (UnitLevel.TOWN, UnitLevel.VILLAGE, UnitLevel.SPECIAL)],
    )
    min_count = core_forms.IntegerField(label=_("至少次数"), min_value=1, max_value=100)
    period_months = core_forms.IntegerField(
        min_value=1,
        max_value=24,
        label=_("周期（月）"),
        help_text=_("如：镇级 12 个月 2 次；村级 2 个月 1 次；月例会 1 个月 1 次"),
    )
    effective_from = core_forms.DateField(label=_("起算日期"), widget=forms.DateInput(attrs=DATE))
