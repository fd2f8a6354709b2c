"""Topics (议题): intake from the four sources, supports (附议), screening under 三议四不议, party approval (审定).

Every change goes through `services` (intake, supports) and `screening` (the workflow); never `.save()` elsewhere.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shangliang.core.crypto import EncryptedTextField
from shangliang.core.models import TimeStamped
from shangliang.people.models import mask_phone


class TopicSource(models.TextChoices):
    ASSIGNED = "assigned", _("党政点题")
    RESIDENT = "resident", _("群众出题")
    MEMBER = "member", _("委员荐题")
    GRID = "grid", _("网格员收集")


class TopicStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待筛选")
    RETURNED = "returned", _("退回补充")
    ACCEPTED = "accepted", _("已受理，待审定")
    REJECTED = "rejected", _("不予协商")
    MERGED = "merged", _("已合并")
    REFERRED = "referred", _("已转办")
    APPROVED = "approved", _("已审定")
    DECLINED = "declined", _("未通过审定")


class TopicCategory(models.TextChoices):
    """三议: what a consultation room discusses."""

    PARTY_GOVERNMENT = "party_government", _("党政工作要事")
    LIVELIHOOD = "livelihood", _("民生改善实事")
    GOVERNANCE = "governance", _("社会治理难事")


class RejectionReason(models.TextChoices):
    """四不议: what it does not."""

    AGAINST_POLICY = "against_policy", _("违反政策原则")
    INDIVIDUAL_DISPUTE = "individual_dispute", _("个体矛盾")
    UNFAIR = "unfair", _("有失公平")
    SEVERE_DISAGREEMENT = "severe_disagreement", _("严重分歧")


# Open topics are listed on the public pages and can be supported; the others are seen through their tracking code.
PUBLIC_STATUSES = (TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.APPROVED)
# A topic may be merged into one of these (never into a closed one).
MERGE_TARGET_STATUSES = (TopicStatus.SUBMITTED, TopicStatus.ACCEPTED, TopicStatus.APPROVED)

# Tracking codes: 12 characters from 32 unambiguous ones (no 0/O, 1/I) = 60 random bits, read out over the phone.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CODE_LENGTH = 12


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What a person types (lower case, spaces, dashes) → the stored form."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())[:32]


class Topic(TimeStamped):
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="topics", verbose_name=_("所属单元"))
    room = models.ForeignKey(
        "units.Room",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="topics",
        verbose_name=_("议事室"),
    )
    source = models.CharField(_("来源"), max_length=20, choices=TopicSource.choices)
    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("详细描述"), max_length=2000)
    status = models.CharField(
        _("状态"), max_length=20, choices=TopicStatus.choices, default=TopicStatus.SUBMITTED, db_index=True
    )
    category = models.CharField(_("议题类别（三议）"), max_length=20, choices=TopicCategory.choices, blank=True)
    rejection_reason = models.CharField(
        _("不议理由（四不议）"), max_length=20, choices=RejectionReason.choices, blank=True
    )
    urgent = models.BooleanField(_("急需协商"), default=False)

    # The account that entered the topic: the resident, the liaison on their behalf, the member, the party body's
    # staff. None for a resident without an account (they follow it with the tracking code).
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submitted_topics",
        verbose_name=_("录入人"),
    )
    # Who raised it: a resident's name, or the assigning body (党政点题). Empty when anonymous.
    submitted_by_name = models.CharField(_("反映人"), max_length=50, blank=True)
    anonymous = models.BooleanField(_("匿名"), default=False)
    # Encrypted at rest (SM4-GCM): the unit's staff call the resident back; everyone else sees it masked.
    mobile = EncryptedTextField(_("联系手机"), blank=True)
    # The number's keyed hash (HMAC-SM3), so that a resident who verifies it finds the topic among their own data.
    mobile_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # Set only from the resident's separate consent (PIPL art. 25): the public pages then show the whole name.
    name_public = models.BooleanField(_("同意公开姓名"), default=False)

    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True, default=new_tracking_code, editable=False)
    # A random key sent with the form: a double-clicked or replayed submit finds the topic it already created.
    idempotency_key = models.CharField(max_length=80, blank=True, editable=False)

    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_topics",
        verbose_name=_("并入议题"),
    )
    referred_to = models.CharField(_("转办去向"), max_length=200, blank=True)
    referred_department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_topics",
        verbose_name=_("转办部门"),
    )
    # Kept equal to the number of Support rows by the services (F() updates under the topic's row lock).
    supports_count = models.PositiveIntegerField(_("附议数"), default=0)
    # jieba tokens of title and description, space-separated with a space at both ends: " 停车 停车难 车位 ".
    # Search and similarity match whole tokens with `contains " token "`, on SQLite and PostgreSQL alike.
    search_terms = models.TextField(_("检索词"), blank=True, editable=False)

    class Meta:
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        ordering = ["-urgent", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "status"], name="topics_unit_status_idx"),
            models.Index(fields=["-urgent", "-created_at", "-id"], name="topics_list_order_idx"),
            models.Index(fields=["submitter"], name="topics_submitter_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], condition=~Q(idempotency_key=""), name="topics_one_topic_per_submit"
            ),
            models.CheckConstraint(
                condition=~Q(status=TopicStatus.MERGED) | Q(merged_into__isnull=False), name="topics_merged_has_target"
            ),
            models.CheckConstraint(
                condition=~Q(status=TopicStatus.REJECTED) | ~Q(rejection_reason=""), name="topics_rejected_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_STATUSES

    @property
    def raiser_account_hidden(self) -> bool:
        """A resident who raised the topic anonymously is not named by their account either: not as who entered it
        (录入), not as the actor on its timeline, to anyone inside (staff, convenor, member, liaison, approver)."""
        return self.anonymous and self.submitter_id is not None and self.source == TopicSource.RESIDENT

    @property
    def entered_by(self):
        """The account that entered the topic, as pages and exports may name it (None when that would name an
        anonymous resident)."""
        return None if self.raiser_account_hidden else self.submitter

    @property
    def public_submitter(self) -> str:
        """Who raised it, as the public may see it: bodies and members by name, residents masked (张*) unless they
        consented separately to their name being published."""
        if self.anonymous or not self.submitted_by_name:
            return str(_("匿名"))
        if self.source in (TopicSource.ASSIGNED, TopicSource.MEMBER) or self.name_public:
            return self.submitted_by_name
        return self.submitted_by_name[0] + "*" * min(len(self.submitted_by_name) - 1, 2)


def topic_photo_upload_to(instance, filename: str) -> str:
    # The stored name is generated (core.uploads.checked_image), never the user's.
    return f"topics/{filename}"


class TopicPhoto(models.Model):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="photos", verbose_name=_("议题"))
    image = models.ImageField(_("照片"), upload_to=topic_photo_upload_to)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("议题照片")
        verbose_name_plural = _("议题照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.image.name}"


class Support(models.Model):
    """One person's support (附议) of a topic.

    A person is a logged-in account (user) or, without an account, a browser: `client_key` is an HMAC of a random
    long-lived cookie, so the raw cookie is never stored. One support per user and per client key.
    """

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="supports", verbose_name=_("议题"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="topic_supports",
        verbose_name=_("附议人"),
    )
    client_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("附议时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附议")
        verbose_name_plural = _("附议")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "user"], condition=Q(user__isnull=False), name="topics_one_support_per_user"
            ),
            models.UniqueConstraint(
                fields=["topic", "client_key"], condition=~Q(client_key=""), name="topics_one_support_per_client"
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(client_key=""), name="topics_support_has_a_person"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} ← {self.user_id or self.client_key[:8]}"


class TopicPublicity(models.Model):
    """Which sources' open topics a county shows on its public pages (每个单元的公开议题). Every source is public
    unless the county's office turns it off; a county without a row shows all four."""

    county = models.OneToOneField(
        "units.Unit", on_delete=models.CASCADE, related_name="topic_publicity", verbose_name=_("区县")
    )
    assigned = models.BooleanField(_("公开党政点题"), default=True)
    resident = models.BooleanField(_("公开群众出题"), default=True)
    member = models.BooleanField(_("公开委员荐题"), default=True)
    grid = models.BooleanField(_("公开网格员收集的议题"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("议题公开范围")
        verbose_name_plural = _("议题公开范围")

    def __str__(self) -> str:
        return str(self.county_id)

    def shows(self, source: str) -> bool:
        return bool(getattr(self, source, True))
