"""Public-opinion information (社情民意信息): reports written by CPPCC members and invited informants, edited,
merged and adopted (采用) by the CPPCC office at a level, endorsed (批示) by leaders, handed to a body that signs for,
handles and answers them, and the answer reviewed by the office.

Every change goes through `services` and the one transition table in `workflow`; never `.save()` elsewhere.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.core.models import TimeStamped


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("退回修改")
    MERGED = "merged", _("已合并")
    ADOPTED = "adopted", _("已采用")
    NOT_ADOPTED = "not_adopted", _("未采用")
    HANDED = "handed", _("已交办")
    SIGNED = "signed", _("已签收办理")
    ANSWERED = "answered", _("已答复")
    CLOSED = "closed", _("已办结")


S = ReportStatus
# Adopted and everything after it: endorsements and adoptions at further levels can be recorded.
ADOPTED_STATES = frozenset({S.ADOPTED, S.HANDED, S.SIGNED, S.ANSWERED, S.CLOSED})
# Handed to a body: the body sees and works on it.
HANDED_STATES = frozenset({S.HANDED, S.SIGNED, S.ANSWERED, S.CLOSED})
# The author may change the text.
AUTHOR_EDITABLE = frozenset({S.DRAFT, S.RETURNED})


class AdoptionLevel(models.TextChoices):
    COUNTY = "county", _("区县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


class AuthorKind(models.TextChoices):
    MEMBER = "member", _("政协委员")
    INFORMANT = "informant", _("特邀信息员")


class ReportSource(models.TextChoices):
    RESEARCH = "research", _("调研走访")
    CONSULTATION = "consultation", _("协商活动")
    TOPIC = "topic", _("群众议题")
    LIAISON = "liaison", _("联系群众")
    OTHER = "other", _("其他")


class OpinionReport(TimeStamped):
    county = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("所属区县"))
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="opinion_reports", verbose_name=_("反映地")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opinion_reports", verbose_name=_("撰稿人")
    )
    author_kind = models.CharField(_("撰稿人身份"), max_length=20, choices=AuthorKind.choices)
    # Authors of reports merged into this one: adoption, endorsement and answer count for them too.
    contributors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="contributed_reports", verbose_name=_("合并稿作者")
    )
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    # The author's own text as last submitted: kept when the office edits.
    submitted_title = models.CharField(_("原稿标题"), max_length=100, blank=True)
    submitted_body = models.TextField(_("原稿正文"), blank=True)
    source = models.CharField(_("来源"), max_length=20, choices=ReportSource.choices, default=ReportSource.RESEARCH)
    topic = models.ForeignKey(
        "topics.Topic",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinion_reports",
        verbose_name=_("相关议题"),
    )
    consultation = models.ForeignKey(
        "consultations.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinion_reports",
        verbose_name=_("相关协商活动"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_reports", verbose_name=_("并入")
    )
    department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinion_reports",
        verbose_name=_("承办单位"),
    )
    answer_due = models.DateField(_("答复期限"), null=True, blank=True)
    # The answer_due the body was reminded of once it passed (the periodic job; a new due date reminds again).
    answer_reminded_for = models.DateField(null=True, blank=True, editable=False)
    answer = models.TextField(_("办理答复"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True, db_index=True)
    handed_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    class Meta:
        verbose_name = _("社情民意信息")
        verbose_name_plural = _("社情民意信息")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["county", "status"], name="opinions_county_status_idx"),
            models.Index(fields=["author", "status"], name="opinions_author_status_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="opinions_one_report_per_submit"
            ),
            models.CheckConstraint(
                condition=Q(status="merged", merged_into__isnull=False) | ~Q(status="merged"),
                name="opinions_merged_has_target",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def awaits_answer(self) -> bool:
        return self.status in (S.HANDED, S.SIGNED)

    def answer_overdue(self, today) -> bool:
        return self.awaits_answer and self.answer_due is not None and self.answer_due < today

    @property
    def edited_by_office(self) -> bool:
        return bool(self.submitted_body) and (self.submitted_body != self.body or self.submitted_title != self.title)


class Adoption(models.Model):
    """The report was adopted (采用) at a level: by the county office, or taken up by a city, provincial or national
    CPPCC. One row per level."""

    report = models.ForeignKey(
        OpinionReport, on_delete=models.CASCADE, related_name="adoptions", verbose_name=_("信息")
    )
    level = models.CharField(_("采用级别"), max_length=20, choices=AdoptionLevel.choices)
    adopted_on = models.DateField(_("采用日期"), db_index=True)
    body = models.CharField(_("采用单位"), max_length=100, blank=True)
    publication = models.CharField(_("刊发期号"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("采用记录")
        verbose_name_plural = _("采用记录")
        ordering = ["adopted_on", "id"]
        constraints = [models.UniqueConstraint(fields=["report", "level"], name="opinions_one_adoption_per_level")]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.adopted_on}"


class Endorsement(models.Model):
    """A leader's written instruction (批示) on an adopted report."""

    report = models.ForeignKey(
        OpinionReport, on_delete=models.CASCADE, related_name="endorsements", verbose_name=_("信息")
    )
    leader = models.CharField(_("批示领导"), max_length=50)
    leader_title = models.CharField(_("职务"), max_length=100)
    level = models.CharField(_("级别"), max_length=20, choices=AdoptionLevel.choices)
    endorsed_on = models.DateField(_("批示日期"), db_index=True)
    text = models.TextField(_("批示内容"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        ordering = ["endorsed_on", "id"]

    def __str__(self) -> str:
        return f"{self.leader_title} {self.leader}"
