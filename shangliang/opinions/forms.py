"""Forms parse; services validate (one Chinese message per rule, in the service)."""

from uuid import uuid4

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from shangliang.core import forms as core_forms
from shangliang.core.picker import PickField
from shangliang.opinions.models import AdoptionLevel, ReportSource, ReportStatus


def _please_fill(label) -> str:
    return gettext("请填写%(label)s。") % {"label": label}


_required = lazy(_please_fill, str)


def _text(label, max_length, *, required=True, rows=None, help_text=""):
    widget = (
        forms.Textarea(attrs={"maxlength": max_length, "rows": rows})
        if rows
        else forms.TextInput(attrs={"maxlength": max_length, "autocomplete": "off"})
    )
    return forms.CharField(
        label=label,
        required=required,
        widget=widget,
        help_text=help_text,
        strip=False,
        error_messages={"required": _required(label)},
    )


def _date(label, required=True):
    return core_forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class ReportForm(forms.Form):
    # Picked by searching the units one may write about (core.picker); the view looks the id up among them.
    unit = PickField(label=_("反映地"), help_text=_("信息反映的是哪里的情况"))
    title = _text(_("标题"), 100, help_text=_("一句话概括反映的问题"))
    body = _text(_("正文"), 8000, rows=12, help_text=_("情况、原因分析、意见建议"))
    source = forms.ChoiceField(label=_("来源"), choices=ReportSource.choices)
    topic = forms.TypedChoiceField(label=_("相关议题"), coerce=int, required=False, empty_value=None)
    consultation = forms.TypedChoiceField(label=_("相关协商活动"), coerce=int, required=False, empty_value=None)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, topics=(), consultations=(), with_unit=True, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid4().hex)
        self.topics = {t.pk: t for t in topics}
        self.consultations = {c.pk: c for c in consultations}
        self.fields["topic"].choices = [("", "—")] + [(t.pk, t.title) for t in topics]
        self.fields["consultation"].choices = [("", "—")] + [(c.pk, c.title) for c in consultations]
        if not with_unit:
            del self.fields["unit"]
            del self.fields["idempotency_key"]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "body": data["body"],
            "source": data["source"],
            "topic": self.topics.get(data.get("topic")),
            "consultation": self.consultations.get(data.get("consultation")),
        }


class OfficeEditForm(forms.Form):
    title = _text(_("标题"), 100)
    body = _text(_("正文"), 8000, rows=12)
    note = _text(_("修改说明"), 500, required=False)


class NoteForm(forms.Form):
    note = _text(_("说明"), 2000, required=False, rows=2)


class MergeForm(forms.Form):
    sources = forms.TypedMultipleChoiceField(label=_("并入本篇的信息"), coerce=int, widget=forms.CheckboxSelectMultiple)
    note = _text(_("说明"), 500, required=False)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {r.pk: r for r in candidates}
        self.fields["sources"].choices = [(r.pk, f"{r.title}（{r.author.display_name}）") for r in candidates]


class AdoptForm(forms.Form):
    level = forms.ChoiceField(label=_("采用级别"), choices=AdoptionLevel.choices)
    adopted_on = _date(_("采用日期"), required=False)
    body = _text(_("采用单位"), 100, required=False, help_text=_("如：市政协办公室"))
    publication = _text(_("刊发期号"), 100, required=False, help_text=_("如：《社情民意》2025年第12期"))


class EndorseForm(forms.Form):
    leader = _text(_("批示领导"), 50)
    leader_title = _text(_("职务"), 100, help_text=_("如：区委书记"))
    level = forms.ChoiceField(label=_("级别"), choices=AdoptionLevel.choices)
    endorsed_on = _date(_("批示日期"))
    text = _text(_("批示内容"), 2000, rows=3)


class HandForm(forms.Form):
    department = forms.TypedChoiceField(label=_("承办单位"), coerce=int)
    answer_due = _date(_("答复期限"), required=False)
    note = _text(_("交办意见"), 500, required=False)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = {d.pk: d for d in departments}
        self.fields["department"].choices = [(d.pk, d.name) for d in departments]


class AnswerForm(forms.Form):
    answer = _text(_("办理答复"), 5000, rows=5)


class FilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + ReportStatus.choices)
    level = forms.ChoiceField(label=_("采用级别"), required=False, choices=[("", _("全部"))] + AdoptionLevel.choices)
    q = forms.CharField(label=_("关键词"), required=False, max_length=50)
    mine = forms.BooleanField(label=_("只看我写的"), required=False)


class YearForm(forms.Form):
    year = core_forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
