from django import forms
from django.utils.translation import gettext_lazy as _

from shangliang.core import clock
from shangliang.core import forms as core_forms
from shangliang.core.models import DayCount, TimeLimitStep
from shangliang.core.validation import YEAR_MAX, YEAR_MIN
from shangliang.units.models import RoomKind, RoomStage, UnitKind


def this_year() -> int:
    return clock.today().year


class UnitForm(forms.Form):
    name = forms.CharField(label=_("单元名称"), max_length=100)
    code = forms.CharField(label=_("区划代码"), max_length=20, required=False)
    established_on = core_forms.DateField(
        label=_("设立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    description = forms.CharField(label=_("简介"), required=False, max_length=2000, widget=forms.Textarea)


class ChildUnitForm(UnitForm):
    kind = forms.ChoiceField(label=_("类型"), choices=UnitKind.choices)

    field_order = ["kind", "name", "code", "established_on", "description"]

    def __init__(self, *args, allowed_kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allowed_kinds is not None:
            self.fields["kind"].choices = [(k.value, k.label) for k in allowed_kinds]


class MoveUnitForm(forms.Form):
    new_parent = core_forms.IdField(label=_("新的上级单元"), widget=forms.Select)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].widget.choices = [(p.pk, f"{'　' * (p.depth - 1)}{p.name}") for p in parents]


class RoomForm(forms.Form):
    name = forms.CharField(label=_("议事室名称"), max_length=100)
    kind = forms.ChoiceField(label=_("形式"), choices=RoomKind.choices)
    address = forms.CharField(label=_("地址"), max_length=200, required=False)
    description = forms.CharField(label=_("简介"), required=False, max_length=2000, widget=forms.Textarea)


class NewRoomForm(core_forms.SubmitOnce, RoomForm):
    stage = forms.ChoiceField(label=_("建设阶段"), choices=RoomStage.choices)
    stage_year = core_forms.IntegerField(label=_("阶段年份"), initial=this_year, min_value=YEAR_MIN, max_value=YEAR_MAX)


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("建设阶段"), choices=RoomStage.choices)
    year = core_forms.IntegerField(label=_("年份"), initial=this_year, min_value=YEAR_MIN, max_value=YEAR_MAX)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class SubsidyForm(forms.Form):
    amount = forms.CharField(label=_("补贴金额（元）"), max_length=20)
    year = core_forms.IntegerField(label=_("年度"), initial=this_year, min_value=YEAR_MIN, max_value=YEAR_MAX)
    purpose = forms.CharField(label=_("用途"), max_length=200)


class AssessmentForm(core_forms.SubmitOnce):
    """One pass/fail, note, evidence date and photo per item of the standard (fields named by item id); sent twice,
    it stores one assessment."""

    assessed_on = core_forms.DateField(label=_("评估日期"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("总体说明"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"passed_{item.pk}"] = forms.TypedChoiceField(
                label=item.name,
                choices=[("1", _("达标")), ("0", _("未达标"))],
                coerce=lambda v: v == "1",
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(label=_("说明"), required=False, max_length=500)
            self.fields[f"date_{item.pk}"] = core_forms.DateField(
                label=_("佐证日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
            )
            self.fields[f"photo_{item.pk}"] = forms.FileField(
                label=_("佐证照片"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "image/*"})
            )

    def item_rows(self):
        for item in self.items:
            yield item, [self[f"{p}_{item.pk}"] for p in ("passed", "note", "date", "photo")]


class StandardItemForm(forms.Form):
    name = forms.CharField(label=_("条目"), max_length=50)
    description = forms.CharField(label=_("要求"), required=False, max_length=1000)
    order = core_forms.IntegerField(label=_("顺序"), required=False, min_value=0, max_value=999)
    is_active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class NewStandardForm(forms.Form):
    name = forms.CharField(label=_("标准名称"), max_length=50, help_text=_("如：五有、六有"))
    items = forms.CharField(
        label=_("条目"), widget=forms.Textarea, max_length=2000, help_text=_("每行一个条目，如：有组织")
    )
    description = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=forms.Textarea)


class CalendarYearForm(forms.Form):
    """A year of the county's working-day calendar: dates listed, or the State Council notice's lines pasted."""

    year = core_forms.IntegerField(label=_("年份"), min_value=YEAR_MIN, max_value=YEAR_MAX)
    source = forms.CharField(
        label=_("依据"), max_length=200, required=False, help_text=_("如：国务院办公厅关于 2027 年部分节假日安排的通知")
    )
    holidays = forms.CharField(
        label=_("放假日期"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("每行一个日期或一段日期，可加节日名称，如“2027-02-05 春节”或“2027-02-05 至 2027-02-11 春节”"),
    )
    workdays = forms.CharField(
        label=_("调休上班日期"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个周六或周日，如“2027-02-14 春节调休”"),
    )
    notice = forms.CharField(
        label=_("或粘贴通知原文"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "如“二、春节：2月15日（周日）至23日（周一）放假调休，共9天。2月14日（周六）、2月28日（周六）上班。”"
        ),
    )


class TimeLimitsForm(forms.Form):
    """Per step: count its time limit in working or calendar days."""

    def __init__(self, *args, counts: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for step, label in TimeLimitStep.choices:
            self.fields[step] = forms.ChoiceField(
                label=label, choices=DayCount.choices, initial=counts.get(step), widget=forms.RadioSelect
            )
