"""What topics keeps of a resident: a topic raised with a number is the resident's own data once they verify that
number; erasure and retention take the number, its hash, the name and the photos (which may show people)."""

from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.files.storage import default_storage

from shangliang.core import clock
from shangliang.core.crypto import mobile_hash
from shangliang.residents.personal_data import Person, collect_all, erase_all
from shangliang.topics import services
from shangliang.topics.models import Topic, TopicPhoto, TopicStatus
from shangliang.topics.personal_data import retention_line
from tests.uploads import png

MOBILE = "13912340001"


def _raise(world, **extra) -> Topic:
    return services.topic_submit(
        actor=AnonymousUser(),
        room=world.rooms["一村"],
        title="路灯不亮",
        description="村口路灯坏了一周",
        anonymous=False,
        name="王五",
        mobile=MOBILE,
        contact_consent=True,
        photos=[png()],
        **extra,
    )


def test_a_topic_raised_with_a_number_is_found_by_that_number_and_erased_with_its_photos(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    topic = _raise(world)
    other = services.topic_submit(
        actor=AnonymousUser(), room=world.rooms["一村"], title="别人的", description="别人的事", anonymous=True
    )
    assert topic.mobile_hash == mobile_hash(MOBILE) and "1391234" not in topic.mobile_hash
    person = Person(mobile_hash=mobile_hash(MOBILE))
    [row] = collect_all(person)["topics.topics"]
    assert row["议题"] == "路灯不亮" and row["联系手机"] == "139****0001"
    name = topic.photos.get().image.name
    assert default_storage.exists(name)

    erase_all(person)
    topic.refresh_from_db()
    assert (topic.mobile, topic.mobile_hash, topic.submitted_by_name, topic.anonymous) == ("", "", "", True)
    assert not topic.photos.exists() and not default_storage.exists(name)
    assert Topic.objects.filter(pk=other.pk).exists() and collect_all(person)["topics.topics"] == []


def test_retention_deletes_the_photos_of_long_closed_topics_only(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    old, recent, open_ = _raise(world), _raise(world), _raise(world)
    long_ago = clock.now() - timedelta(days=800)  # beyond the default 730 days for photos
    Topic.objects.filter(pk=old.pk).update(status=TopicStatus.DECLINED, updated_at=long_ago)
    Topic.objects.filter(pk=recent.pk).update(status=TopicStatus.DECLINED)
    Topic.objects.filter(pk=open_.pk).update(updated_at=long_ago)
    line = retention_line(clock.today())
    assert "删除过期照片 1 张" in line
    assert not TopicPhoto.objects.filter(topic=old).exists()
    assert TopicPhoto.objects.filter(topic__in=[recent, open_]).count() == 2
    old.refresh_from_db()
    assert old.mobile == "" and old.mobile_hash == ""
