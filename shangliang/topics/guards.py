"""The gate for everything downstream of topics (participants, research, consultations): nothing may start on a topic
that the same-level party organisation has not approved (审定).

    from shangliang.topics.guards import require_topic_approved

    with transaction.atomic():
        topic = require_topic_approved(topic, lock=True)   # raises NotPossible with a clear message
        ...create the consultation...
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from shangliang.core.errors import NotPossible
from shangliang.topics.models import Topic, TopicStatus


def topic_is_approved(topic: Topic | int) -> bool:
    """Whether the topic is approved now (read from the database, not from a possibly stale object)."""
    pk = topic.pk if isinstance(topic, Topic) else topic
    return Topic.objects.filter(pk=pk, status=TopicStatus.APPROVED).exists()


def require_topic_approved(topic: Topic | int, *, lock: bool = False) -> Topic:
    """The approved topic, or NotPossible. With `lock`, the row stays locked until the caller's transaction ends, so
    that the topic cannot leave the approved state while work on it is being created."""
    pk = topic.pk if isinstance(topic, Topic) else topic
    qs = Topic.objects.select_for_update() if lock else Topic.objects.all()
    current = qs.filter(pk=pk).first()
    if current is None:
        raise NotPossible(_("议题不存在。"))
    if current.status != TopicStatus.APPROVED:
        raise NotPossible(
            _("议题“%(title)s”当前状态为“%(status)s”：须经同级党组织审定后才能开展后续工作。")
            % {"title": current.title, "status": current.get_status_display()}
        )
    return current
