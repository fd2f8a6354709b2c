"""Who is told what, after commit: convenors when a topic arrives, approvers when it is accepted, the submitter on
every change of status; email where an address exists; the inbox and the unread count in the header."""

import re

import pytest
from django.urls import reverse

from shangliang.core.events import deliver_event
from shangliang.core.models import Event
from shangliang.notifications.models import Notification
from shangliang.notifications.services import notify
from shangliang.topics import services
from shangliang.topics.models import TopicSource
from shangliang.topics.services import screening
from tests.conftest import fresh


def told(user, verb=None):
    qs = Notification.objects.filter(user=user)
    return qs.filter(verb=verb) if verb else qs


@pytest.fixture
def emails(world):
    world.users["convenor"].email = "convenor@example.cn"
    world.users["convenor"].save()
    return world


def test_the_whole_chain(world, emails, django_capture_on_commit_callbacks, mailoutbox):
    users = world.users
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_enter(
            actor=fresh(users["liaison"]),
            unit=world.t1,
            source=TopicSource.GRID,
            title="老旧小区改造",
            description="楼道破损，管线老化。",
            name="王大妈",
        )
    arrived = told(users["convenor"], "topic.arrived").get()
    assert "新议题待筛选" in arrived.text and arrived.link == reverse("topics:detail", args=[topic.pk])
    assert not told(users["liaison"]).exists()  # nobody is told about their own action
    assert not told(users["approver"]).exists()
    assert [m.to for m in mailoutbox] == [["convenor@example.cn"]]
    assert "老旧小区改造" in mailoutbox[0].subject and arrived.link in mailoutbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        screening.topic_screen(topic=topic, actor=fresh(users["convenor"]), decision="accept", category="livelihood")
    assert "议题待审定" in told(users["approver"], "topic.accepted").get().text
    assert "已受理" in told(users["liaison"], "topic.status").get().text

    with django_capture_on_commit_callbacks(execute=True):
        screening.topic_decide(topic=topic, actor=fresh(users["approver"]), decision="approve", note="同意")
    texts = list(told(users["liaison"], "topic.status").order_by("id").values_list("text", flat=True))
    assert len(texts) == 2 and "已审定" in texts[-1] and "同意" in texts[-1]
    assert told(users["convenor"]).count() == 1 and told(users["approver"]).count() == 1


def test_nothing_is_told_about_a_rolled_back_change(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.topic_enter(
            actor=fresh(world.users["staff"]),
            unit=world.t1,
            source=TopicSource.GRID,
            title="t",
            description="d",
            name="n",
        )
        raise RuntimeError
    assert callbacks == [] and not Notification.objects.exists()


def test_a_resident_without_an_account_is_not_told_in_app(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_submit(
            actor=services.TrackingCodeHolder(""),
            room=world.rooms["一镇"],
            title="路灯",
            description="坏了",
            anonymous=True,
        )
        screening.topic_screen(topic=topic, actor=fresh(world.users["convenor"]), decision="return", note="哪里？")
    assert set(Notification.objects.values_list("verb", flat=True)) == {"topic.arrived"}


def test_a_resident_with_an_account_is_told(world, django_capture_on_commit_callbacks):
    resident = world.users["resident"]
    with django_capture_on_commit_callbacks(execute=True):
        topic = services.topic_submit(
            actor=fresh(resident),
            room=world.rooms["一村"],
            title="路灯",
            description="坏了",
            anonymous=False,
            name="钱",
        )
        screening.topic_screen(
            topic=topic, actor=fresh(world.users["convenor"]), decision="reject", reason="unfair", note="理由如下"
        )
    note = told(resident, "topic.status").get()
    assert "不予协商" in note.text and "理由如下" in note.text


def test_an_excel_import_is_one_message(world, django_capture_on_commit_callbacks):
    from shangliang.topics.services import importing
    from tests.topics.test_import import GOOD, xlsx

    with django_capture_on_commit_callbacks(execute=True):
        importing.topics_import(actor=fresh(world.users["liaison"]), unit=world.t1, upload=xlsx(GOOD))
    [message] = told(world.users["convenor"])
    assert "批量录入 3 个新议题" in message.text


def test_delivering_an_event_twice_tells_once(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.topic_enter(
            actor=fresh(world.users["staff"]),
            unit=world.t1,
            source=TopicSource.GRID,
            title="t",
            description="d",
            name="n",
        )
    event = Event.objects.get(action="submit")
    deliver_event.call(event.pk)
    assert told(world.users["convenor"]).count() == 1


def test_notify_skips_inactive_and_duplicate_users(world):
    convenor = world.users["convenor"]
    stranger = world.users["stranger"]
    stranger.is_active = False
    stranger.save()
    created = notify(users=[convenor, convenor, stranger, None], verb="x", text="你好")
    assert [n.user for n in created] == [convenor]


def test_inbox_and_unread_count(client, world):
    convenor = world.users["convenor"]
    first = notify(users=[convenor], verb="x", text="第一条消息", link="/topics/")[0]
    notify(users=[convenor], verb="x", text="第二条消息")
    notify(users=[world.users["approver"]], verb="x", text="别人的消息")
    client.force_login(convenor)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "第一条消息" in page and "第二条消息" in page and "别人的消息" not in page
    assert re.search(r'<h1>消息 <span class="badge count">2 条未读</span></h1>', page)
    assert nav(convenor) == ["2"]
    header = re.search(r'id="nav-inbox">[^<]*<span class="badge count"[^>]*>(\d+)</span>', page)
    assert header and header.group(1) == "2"  # the count in the site header, on every page
    response = client.post(reverse("notifications:open", args=[first.pk]))
    assert response.status_code == 302 and response["Location"] == "/topics/"
    first.refresh_from_db()
    assert first.is_read
    unread = client.get(reverse("notifications:inbox"), {"show": "unread"}).content.decode()
    assert "第一条消息" not in unread and "第二条消息" in unread
    client.post(reverse("notifications:read_all"))
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert 'class="badge count"' not in page
    assert nav(fresh(convenor)) == []
    other = Notification.objects.get(text="别人的消息")
    assert client.post(reverse("notifications:open", args=[other.pk])).status_code == 404


def nav(user) -> list[str]:
    """The unread count the header's include shows for `user`."""
    from django.template.loader import render_to_string

    html = render_to_string("notifications/_nav.html", {"user": user})
    return re.findall(r'id="nav-inbox">[^<]*<span class="badge count"[^>]*>(\d+)</span>', html)


def test_inbox_needs_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_offsite_link_is_not_followed(client, world):
    n = notify(users=[world.users["convenor"]], verb="x", text="t", link="https://evil.example.com/")[0]
    client.force_login(world.users["convenor"])
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_a_failing_mail_server_keeps_the_in_app_notification(world, settings, monkeypatch):
    import shangliang.notifications.services as svc

    def boom(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr(svc, "send_mass_mail", boom)
    world.users["convenor"].email = "c@example.cn"
    created = notify(users=[world.users["convenor"]], verb="x", text="t")
    assert len(created) == 1 and Notification.objects.count() == 1
