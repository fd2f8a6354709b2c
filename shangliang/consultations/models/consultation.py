"""The consultation (开展协商) and its participants (明确主体)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.core.models import TimeStamped


class ConsultationForm(models.TextChoices):
    MEETING = "meeting", _("会议协商")
    WRITTEN = "written", _("书面协商")
    ONSITE = "onsite", _("实地协商")
    ONLINE = "online", _("网络协商")
    EXPERT = "expert", _("专家论证")
    BENCH = "bench", _("板凳协商会")
    MONTHLY = "monthly", _("月例会")


# Forms where people meet in one place: they sign in (QR code or ticked by the convenor) and the agenda runs.
IN_PERSON_FORMS = frozenset(
    {
        ConsultationForm.MEETING,
        ConsultationForm.ONSITE,
        ConsultationForm.EXPERT,
        ConsultationForm.BENCH,
        ConsultationForm.MONTHLY,
    }
)
# Forms that collect contributions until a deadline instead of a meeting.
REMOTE_FORMS = frozenset({ConsultationForm.WRITTEN, ConsultationForm.ONLINE})


class ConsultationStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PARTICIPANTS_CHOSEN = "participants_chosen", _("已确定参加人员")
    RESEARCH_RECORDED = "research_recorded", _("已完成商前调研")
    SCHEDULED = "scheduled", _("已安排，已发邀请")
    IN_SESSION = "in_session", _("协商进行中")
    CLOSED_CONSENSUS = "closed_consensus", _("已达成共识")
    CLOSED_NO_CONSENSUS = "closed_no_consensus", _("议而不决")
    RECONVENED = "reconvened", _("议而不决，已再次协商")
    SUBMITTED = "submitted", _("成果已报送")
    ACKNOWLEDGED = "acknowledged", _("成果已签收")
    CANCELLED = "cancelled", _("已取消")


S = ConsultationStatus
# Before the session: details, participants and research can still change.
PREPARING = frozenset({S.DRAFT, S.PARTICIPANTS_CHOSEN, S.RESEARCH_RECORDED, S.SCHEDULED})
# Held: the session was opened (counts as an activity for the frequency norms).
HELD = frozenset({S.IN_SESSION, S.CLOSED_CONSENSUS, S.CLOSED_NO_CONSENSUS, S.RECONVENED, S.SUBMITTED, S.ACKNOWLEDGED})
CLOSED = frozenset({S.CLOSED_CONSENSUS, S.CLOSED_NO_CONSENSUS, S.RECONVENED, S.SUBMITTED, S.ACKNOWLEDGED})
# Invitations are out: participants can answer them.
INVITING = frozenset({S.SCHEDULED, S.IN_SESSION})


class Outcome(models.TextChoices):
    NONE = "", _("—")
    CONSENSUS = "consensus", _("达成共识")
    NO_CONSENSUS = "no_consensus", _("未达成共识（议而不决）")


def new_code() -> str:
    """Unguessable: 32 random bytes, URL-safe (the QR code and the personal invitation links carry it)."""
    return secrets.token_urlsafe(32)


class Consultation(TimeStamped):
    unit = models.ForeignKey(
        "units.Unit", on_delete=models.PROTECT, related_name="consultations", verbose_name=_("所属单元")
    )
    topics = models.ManyToManyField("topics.Topic", related_name="consultations", verbose_name=_("议题"))
    title = models.CharField(_("协商名称"), max_length=100)
    form = models.CharField(_("协商形式"), max_length=20, choices=ConsultationForm.choices)
    status = models.CharField(
        _("状态"), max_length=30, choices=ConsultationStatus.choices, default=ConsultationStatus.DRAFT, db_index=True
    )
    outcome = models.CharField(_("协商结果"), max_length=20, choices=Outcome.choices, blank=True, default="")
    room = models.ForeignKey(
        "units.Room",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultations",
        verbose_name=_("议事室"),
    )
    location = models.CharField(_("地点"), max_length=200, blank=True)
    planned_start = models.DateTimeField(_("计划开始时间"), null=True, blank=True)
    planned_end = models.DateTimeField(_("计划结束时间"), null=True, blank=True)
    online_opens_at = models.DateTimeField(_("网络协商开始"), null=True, blank=True)
    online_closes_at = models.DateTimeField(_("网络协商结束"), null=True, blank=True)
    written_deadline = models.DateTimeField(_("书面意见截止时间"), null=True, blank=True)
    held_at = models.DateTimeField(_("开始协商时间"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    conclusion = models.TextField(_("协商结论"), blank=True)

    # 议而不决: a consultation closed without consensus can be reconvened; the new one points back at it and counts
    # how many times the matter has been reconvened (1 for the first reconvening).
    reconvened_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reconvened_as",
        verbose_name=_("再次协商自"),
    )
    reconvene_count = models.PositiveSmallIntegerField(_("再次协商次数"), default=0)

    # Overriding a representativeness warning needs a reason; the warnings it covered are kept with it, so that a
    # later change of the list that causes a new warning needs a new reason.
    representativeness_override_reason = models.TextField(_("代表性说明"), blank=True)
    representativeness_overridden = models.JSONField(_("已说明的代表性提示"), default=list, blank=True)

    signin_code = models.CharField(_("签到码"), max_length=64, unique=True, default=new_code, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("创建人"),
    )

    class Meta:
        verbose_name = _("协商活动")
        verbose_name_plural = _("协商活动")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="consult_unit_status_idx"),
            models.Index(fields=["unit", "held_at"], name="consult_unit_held_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reconvened_from__isnull=True, reconvene_count=0)
                | Q(reconvened_from__isnull=False, reconvene_count__gte=1),
                name="consult_reconvene_count_matches",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def in_person(self) -> bool:
        return self.form in IN_PERSON_FORMS

    @property
    def is_written(self) -> bool:
        return self.form == ConsultationForm.WRITTEN

    @property
    def is_preparing(self) -> bool:
        return self.status in PREPARING

    @property
    def contributions_close_at(self):
        """When written opinions (written form) or online contributions (online form) stop being accepted."""
        if self.form == ConsultationForm.WRITTEN:
            return self.written_deadline
        if self.form == ConsultationForm.ONLINE:
            return self.online_closes_at
        return None

    @property
    def place(self) -> str:
        return self.location or (self.room.name if self.room_id else "")


class ParticipantKind(models.TextChoices):
    STAKEHOLDER = "stakeholder", _("利益相关方")
    RESIDENT_REP = "resident_rep", _("群众代表")
    MEMBER = "member", _("政协委员")
    DEPARTMENT = "department", _("职能部门")
    EXPERT = "expert", _("专家学者")
    PARTY_MEMBER = "party_member", _("党员代表")
    ENTERPRISE = "enterprise", _("企业代表")


# Officials: whose share of a consultation the representativeness rule caps (seeds: "党政主导协商议事").
OFFICIAL_KINDS = frozenset({ParticipantKind.DEPARTMENT, ParticipantKind.PARTY_MEMBER})


class InvitationStatus(models.TextChoices):
    PENDING = "pending", _("待邀请")
    INVITED = "invited", _("已邀请")
    CONFIRMED = "confirmed", _("已确认参加")
    DECLINED = "declined", _("已婉拒")


class SignInMethod(models.TextChoices):
    NONE = "", _("—")
    QR = "qr", _("扫码签到")
    CONVENOR = "convenor", _("召集人勾选")


class Participant(TimeStamped):
    """One person on a consultation's list: an account, a talent-pool entry, or just a name (no account)."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="participants", verbose_name=_("协商活动")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("账号"),
    )
    talent = models.ForeignKey(
        "people.Talent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="participations",
        verbose_name=_("人才库成员"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("参加身份"), max_length=20, choices=ParticipantKind.choices)
    organisation = models.CharField(_("单位/身份"), max_length=100, blank=True)
    email = models.EmailField(_("邮箱"), blank=True)
    status = models.CharField(
        _("邀请状态"), max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.PENDING
    )
    invited_at = models.DateTimeField(_("邀请时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.CharField(_("婉拒原因"), max_length=200, blank=True)
    signed_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    signin_method = models.CharField(_("签到方式"), max_length=10, choices=SignInMethod.choices, blank=True, default="")
    # The personal invitation link (/public/invitations/<token>/): lets a person without an account answer
    # the invitation and, in the same browser, sign in by scanning the meeting's code.
    token = models.CharField(_("个人邀请码"), max_length=64, unique=True, default=new_code, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("参加人员")
        verbose_name_plural = _("参加人员")
        ordering = ["consultation_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "user"], condition=Q(user__isnull=False), name="consult_one_row_per_user"
            ),
            models.UniqueConstraint(
                fields=["consultation", "talent"],
                condition=Q(talent__isnull=False),
                name="consult_one_row_per_talent",
            ),
        ]
        indexes = [models.Index(fields=["user", "consultation"], name="consult_participant_user_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def signed_in(self) -> bool:
        return self.signed_in_at is not None

    @property
    def is_official(self) -> bool:
        return self.kind in OFFICIAL_KINDS
