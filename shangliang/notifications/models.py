"""In-app notifications (站内消息): one row per person told; email goes out alongside where an address exists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("接收人")
    )
    # What happened, as a short code ("topic.arrived", "topic.accepted", …): lets pages group and tests assert.
    verb = models.CharField(_("类型"), max_length=50)
    text = models.CharField(_("内容"), max_length=300)
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # The event that caused it: delivering the same event twice must not tell anyone twice.
    event = models.ForeignKey(
        "core.Event", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("事件")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="notif_user_unread_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event", "verb"], condition=models.Q(event__isnull=False), name="notif_once_per_event"
            )
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
