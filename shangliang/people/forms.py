import re

from django import forms
from django.utils.translation import gettext_lazy as _

from shangliang.core import clock
from shangliang.core import forms as core_forms
from shangliang.core.picker import PickField
from shangliang.people.models import Department, LinkKind, Position, Role, Sector, TalentKind
from shangliang.people.selectors import AssignmentStatus, LinkStatus


def today():
    return clock.today()


def _date_field(label, *, required: bool = True, **kwargs) -> core_forms.DateField:
    return core_forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class AssignmentFieldsForm(forms.Form):
    """The fields of a role assignment; sector and department choices are limited to the unit's county."""

    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    position = forms.ChoiceField(
        label=_("职务"), choices=Position.choices, required=False, help_text=_("第一/第二召集人只适用于召集人")
    )
    title = forms.CharField(label=_("身份说明"), max_length=100, required=False, help_text=_("如：村党支部书记"))
    sector = forms.ModelChoiceField(
        label=_("界别"), queryset=Sector.objects.none(), required=False, empty_label=_("（不选）")
    )
    department = forms.ModelChoiceField(
        label=_("所属部门"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("（不选）"),
        help_text=_("职能部门人员必填"),
    )
    assumed_at = _date_field(_("起始日期"), initial=today)
    renounced_at = _date_field(_("终止日期"), required=False, help_text=_("留空表示尚未终止"))

    def __init__(self, *args, county=None, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(county=county) if county else Sector.objects.none()
        self.fields["department"].queryset = (
            Department.objects.filter(county=county, is_active=True) if county else Department.objects.none()
        )
        if roles is not None:
            # Offer only the roles this actor may assign. Validation still accepts every role, so a forged one
            # reaches the service, which says who assigns it.
            self.fields["role"].widget.choices = [(v, label) for v, label in Role.choices if v in roles]


class PersonForm(AssignmentFieldsForm):
    """A new person of the unit: the account and the first role, in one step."""

    full_name = forms.CharField(label=_("姓名"), max_length=50)
    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("登录用，字母、数字和 @/./+/-/_"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    email = forms.EmailField(label=_("邮箱"), max_length=254, required=False)
    password = forms.CharField(
        label=_("初始密码"),
        required=False,
        strip=False,
        help_text=_("留空则暂不能登录"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    field_order = [
        "full_name",
        "username",
        "phone",
        "email",
        "password",
        "role",
        "position",
        "title",
        "sector",
        "department",
        "assumed_at",
        "renounced_at",
    ]


class AssignForm(AssignmentFieldsForm):
    """A role for someone who is already among the county's people."""

    # Picked from the county's people by searching (core.picker); the view looks the id up among them.
    person = PickField(label=_("人员"), error_messages={"required": _("请选择人员。")})

    field_order = ["person", "role", "position", "title", "sector", "department", "assumed_at", "renounced_at"]


class EndAssignmentForm(forms.Form):
    renounced_at = _date_field(_("终止日期"), initial=today, help_text=_("自该日起不再担任"))


class AssignmentFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            (AssignmentStatus.CURRENT, _("在任")),
            (AssignmentStatus.PAST, _("已卸任")),
            (AssignmentStatus.ALL, _("全部")),
        ],
    )
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices])


class MemberLinkForm(forms.Form):
    """A member linked to a town or village. Both are picked by searching (core.picker: a county has hundreds of
    members and villages); the view looks the posted ids up among the county's members and towns/villages."""

    member = PickField(label=_("委员"), error_messages={"required": _("请选择委员。")})
    kind = forms.ChoiceField(label=_("联系方式"), choices=LinkKind.choices)
    unit = PickField(label=_("联系单元"), error_messages={"required": _("请选择联系单元。")})
    sector = forms.ModelChoiceField(
        label=_("界别工作室"),
        queryset=Sector.objects.none(),
        required=False,
        empty_label=_("（不选）"),
        help_text=_("界别工作室联系必填"),
    )
    started_on = _date_field(_("起始日期"), initial=today)
    ended_on = _date_field(_("终止日期"), required=False, help_text=_("留空表示尚未终止"))
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, county, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = Sector.objects.filter(county=county)


class EndLinkForm(forms.Form):
    ended_on = _date_field(_("终止日期"), initial=today)


class MemberLinkFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("联系方式"), required=False, choices=[("", _("全部")), *LinkKind.choices])
    member = forms.CharField(label=_("委员姓名"), required=False, max_length=50)
    # Searched among the county's towns and villages (core.picker); the view looks the id up among them.
    unit = PickField(label=_("单元"), required=False)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[(LinkStatus.CURRENT, _("联系中")), (LinkStatus.ENDED, _("已终止")), (LinkStatus.ALL, _("全部"))],
    )


FIELD_SEPARATORS = re.compile(r"[,，、;；\n]+")


class TalentForm(core_forms.SubmitOnce):
    name = forms.CharField(label=_("姓名"), max_length=50)
    kind = forms.ChoiceField(label=_("类别"), choices=TalentKind.choices)
    organisation = forms.CharField(label=_("工作单位"), max_length=100, required=False)
    title = forms.CharField(label=_("职务/职称"), max_length=100, required=False)
    fields = forms.CharField(
        label=_("专业领域"), max_length=600, required=False, help_text=_("用逗号或顿号分隔，如：法律、城乡建设")
    )
    phone = forms.CharField(
        label=_("手机号"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "off"}),
    )
    bio = forms.CharField(label=_("简介"), max_length=2000, required=False, widget=forms.Textarea)
    is_active = forms.BooleanField(label=_("在库"), required=False, initial=True)

    def clean_fields(self) -> list[str]:
        return [f.strip() for f in FIELD_SEPARATORS.split(self.cleaned_data["fields"]) if f.strip()]


class TalentFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部")), *TalentKind.choices])
    field = forms.ModelChoiceField(label=_("专业领域"), queryset=None, required=False, empty_label=_("全部领域"))
    q = forms.CharField(
        label=_("搜索"), required=False, max_length=50, widget=forms.TextInput(attrs={"type": "search"})
    )

    def __init__(self, *args, expertise, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].queryset = expertise
