"""The uploads' disk full: a clear message, nothing half-saved (no row, no partial or orphan file); once space is
back, the same form goes through once. The full disk is simulated by a write that fails with ENOSPC after a number
of bytes (what the kernel does when the last block is taken); the drill (bench_drills --only disk) fills a real one."""

import errno
import os
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.storage import storages
from django.urls import reverse

from shangliang.core.models import Event
from shangliang.topics.models import Topic, TopicPhoto
from tests.topics.conftest import key
from tests.uploads import png

pytestmark = pytest.mark.django_db


class Disk:
    """os.fdopen in Django's file system storage, with `free` bytes left on the disk."""

    def __init__(self, free: int):
        self.free = free
        self.real = os.fdopen

    def fdopen(self, fd, *args, **kwargs):
        disk, handle = self, self.real(fd, *args, **kwargs)

        class Limited:
            def write(self, chunk):
                if len(chunk) > disk.free:
                    handle.write(chunk[: disk.free])
                    handle.flush()
                    disk.free = 0
                    raise OSError(errno.ENOSPC, "No space left on device")
                disk.free -= len(chunk)
                return handle.write(chunk)

            def close(self):
                handle.close()

        return Limited()


@pytest.fixture
def uploads(settings, tmp_path, monkeypatch):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "shangliang.core.storage.UploadStorage"}}
    settings.MEDIA_ROOT = tmp_path
    storages._storages.pop("default", None)
    cache.clear()
    yield tmp_path
    storages._storages.pop("default", None)
    cache.clear()


def files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_full_disk_refuses_the_submission_clearly_and_keeps_nothing_then_the_same_form_goes_through(
    client, world, uploads, monkeypatch
):
    room = world.rooms["一村"]
    photo_a, photo_b = png(size=(300, 300), color=(10, 200, 30)), png("b.png", size=(300, 300), color=(200, 10, 30))
    disk = Disk(free=photo_a.size + photo_b.size // 2)  # room for the first photo, not the second
    monkeypatch.setattr("django.core.files.storage.filesystem.os.fdopen", disk.fdopen)
    data = {
        "title": "三楼以上水压不足",
        "description": "早晚高峰三楼以上没水。",
        "anonymous": "on",
        "idempotency_key": key(),
    }
    url = reverse("topics:submit", args=[room.pk])
    events = Event.objects.count()

    response = client.post(url, {**data, "photos": [photo_a, photo_b]})
    assert response.status_code == 507
    assert "服务器存储空间已满" in response.content.decode()
    assert not Topic.objects.exists() and not TopicPhoto.objects.exists() and Event.objects.count() == events
    assert files(uploads) == []  # neither the cut-off second photo nor the first one, whose row rolled back

    disk.free = 10**9  # the operator made room
    photo_a.seek(0), photo_b.seek(0)
    response = client.post(url, {**data, "photos": [photo_a, photo_b]})
    topic = Topic.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("topics:thanks", args=[topic.tracking_code])
    stored = sorted(p.stat().st_size for p in files(uploads))
    assert stored == sorted([photo_a.size, photo_b.size]) and topic.photos.count() == 2


def test_healthz_reports_the_uploads_free_space_without_failing_on_it(client, uploads, settings):
    settings.HEALTH_UPLOADS_MIN_FREE_MB = 10**9
    report = client.get("/healthz").json()
    assert report["uploads"]["low"] is True and report["uploads"]["free_mb"] > 0
    assert report["ok"] is True
