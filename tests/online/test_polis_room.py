"""A room's conversation in the Pol.is CSV format: export and import from the UI and from the commands, the round
trip, malformed rows reported by line with nothing changed, hidden / rejected / unreviewed statements never exported."""

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from shangliang.online import services
from shangliang.online.consensus import load_polis_export
from shangliang.online.models import OnlineParticipant, RoomStatus, Statement, StatementStatus, Vote
from shangliang.online.services import tasks
from tests.online.conftest import require_conversation
from tests.online.rooms import _clear_cache, convenor, make_room, participant, statements  # noqa: F401

pytestmark = pytest.mark.django_db
STANDARD = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated", "comment-body"]


@pytest.fixture
def conversation(world):
    """An open room with votes, one participant's statement approved, one hidden, one rejected, one pending."""
    room = make_room(world)
    seeds = statements(room)
    people = [participant(room, number=f"1360000{i:04d}") for i in range(6)]
    approved = services.statement_add(participant=people[0], text="每季度公开一次处理站运行情况")
    services.statement_moderate(actor=convenor(world), statement=approved, action="approve")
    hidden = seeds[4]
    rejected = services.statement_add(participant=people[1], text="这条不该出现在导出里")
    services.statement_moderate(actor=convenor(world), statement=rejected, action="reject", note="无关")
    pending = services.statement_add(participant=people[2], text="这条还在等待审核")
    for i, p in enumerate(people):
        for j, s in enumerate([*seeds, approved]):
            services.vote_cast(participant=p, statement_id=s.pk, value=[1, -1, 0][(i + j) % 3])
    services.vote_cast(participant=people[0], statement_id=seeds[0].pk, value=-1)  # a change of mind
    services.statement_moderate(actor=convenor(world), statement=hidden, action="hide", note="不当")
    tasks.recompute(room.pk)
    return room, {"hidden": hidden, "rejected": rejected, "pending": pending, "approved": approved}


def read_zip(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {name: z.read(name).decode("utf-8") for name in z.namelist()}


def rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def standard(comments: str) -> list[list[str]]:
    return [[row[c] for c in STANDARD] for row in rows(comments)]


def test_export_leaves_out_what_participants_cannot_see(client, world, conversation):
    room, special = conversation
    client.force_login(world.users["convenor"])
    response = client.get(reverse("online:export", args=[room.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    files = read_zip(response.content)
    assert set(files) == {"votes.csv", "comments.csv"}
    comments = rows(files["comments.csv"])
    bodies = {c["comment-body"] for c in comments}
    for name in ("hidden", "rejected", "pending"):
        assert special[name].text not in bodies, name
    assert special["approved"].text in bodies and len(comments) == 8  # 7 seeds left + the approved one
    exported_ids = {int(c["comment-id"]) for c in comments}
    voted_ids = {int(v["comment-id"]) for v in rows(files["votes.csv"])}
    assert voted_ids <= exported_ids and special["hidden"].polis_id not in voted_ids
    assert len(rows(files["votes.csv"])) == 6 * 8  # one latest vote per participant and visible statement
    assert "group-informed-consensus" in comments[0]
    seed_row = next(c for c in comments if c["comment-body"] == statements(room)[0].text)
    assert seed_row["author-id"] == "" and seed_row["moderated"] == "1"


def test_round_trip_through_the_ui(client, world, conversation):
    room, _special = conversation
    client.force_login(world.users["convenor"])
    first = client.get(reverse("online:export", args=[room.pk])).content
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    upload = SimpleUploadedFile("polis.zip", first, content_type="application/zip")
    response = client.post(reverse("online:import", args=[target.pk]), {"archive": upload})
    assert response.status_code == 302, response.content.decode()
    assert Statement.objects.filter(room=target).count() == 8
    assert Vote.objects.filter(room=target).count() == 48
    assert set(OnlineParticipant.objects.filter(room=target).values_list("kind", flat=True)) == {"imported"}
    second = client.get(reverse("online:export", args=[target.pk])).content
    a, b = read_zip(first), read_zip(second)
    assert a["votes.csv"] == b["votes.csv"]
    assert standard(a["comments.csv"]) == standard(b["comments.csv"])


def test_round_trip_through_the_commands(world, conversation, tmp_path):
    room, _special = conversation
    out = io.StringIO()
    call_command("online_export", room.pk, str(tmp_path / "a"), stdout=out)
    assert "已导出 8 条观点、48 次表态" in out.getvalue()
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    out = io.StringIO()
    call_command("online_import", target.pk, str(tmp_path / "a"), stdout=out)
    assert "已导入 8 条观点、6 位参与者、48 次表态" in out.getvalue()
    call_command("online_export", target.pk, str(tmp_path / "b"), stdout=io.StringIO())
    assert (tmp_path / "a" / "votes.csv").read_text() == (tmp_path / "b" / "votes.csv").read_text()
    assert standard((tmp_path / "a" / "comments.csv").read_text()) == standard(
        (tmp_path / "b" / "comments.csv").read_text()
    )
    # the imported room analyses like any other
    run = tasks.recompute(target.pk)
    assert run.n_votes == 48 and run.n_participants == 6


def write(folder: Path, votes: str, comments: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "votes.csv").write_text(votes, encoding="utf-8")
    (folder / "comments.csv").write_text(comments, encoding="utf-8")
    return folder


COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    "1500000000000,x,0,0,1,0,1,应当公开账目\n"
    "1500000000001,x,1,1,0,1,1,应当先调研\n"
)
BAD_VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "1500000000100,x,0,0,1\n"
    "1500000000101,x,7,1,1\n"
    "1500000000102,x,1,1,2\n"
    "1500000000103,x,1,abc,1\n"
    "1500000000104,x,1\n"
)


def test_blemished_rows_are_imported_with_a_warning_per_line_in_the_report(client, world, tmp_path):
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    client.force_login(world.users["convenor"])
    response = client.post(
        reverse("online:import", args=[target.pk]),
        {
            "votes": SimpleUploadedFile("votes.csv", BAD_VOTES.encode()),
            "comments": SimpleUploadedFile("comments.csv", (COMMENTS + "1500000000002,x,2,1,0,0,1,\n").encode()),
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "已导入 3 条观点、2 位参与者、1 次表态" in html and "有 5 处需要注意" in html
    for line, message in [
        (4, "comments.csv 第 4 行：comment-id 2 的内容为空"),
        (3, "votes.csv 第 3 行：comment-id 7 不在 comments.csv 中，已跳过"),
        (4, "votes.csv 第 4 行：投票值不是 -1、0 或 1，已跳过"),
        (5, "votes.csv 第 5 行：voter-id 不是整数，已跳过"),
        (6, "votes.csv 第 6 行：列数不对"),
    ]:
        assert message in html, line
    empty = Statement.objects.get(room=target, polis_id=2)
    assert empty.text == "（原评论 #2 内容为空）" and empty.status == StatementStatus.APPROVED
    assert Vote.objects.filter(room=target).count() == 1
    # the command prints the same report
    other = make_room(world, status=RoomStatus.DRAFT, seeds=())
    out = io.StringIO()
    call_command("online_import", other.pk, str(write(tmp_path / "blemished", BAD_VOTES, COMMENTS)), stdout=out)
    assert "4 处警告" in out.getvalue() and "votes.csv 第 4 行：投票值不是 -1、0 或 1" in out.getvalue()


def test_an_unreadable_file_is_refused_with_its_line_and_nothing_is_imported(client, world, tmp_path):
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    client.force_login(world.users["convenor"])
    comments = COMMENTS.encode() + "1500000000002,x,2,1,0,0,1,编码不对\n".encode("gbk")
    votes = "timestamp,datetime,comment-id,voter-id,vote\n1500000000100,x,0,0,1\n"
    response = client.post(
        reverse("online:import", args=[target.pk]),
        {
            "votes": SimpleUploadedFile("votes.csv", votes.encode()),
            "comments": SimpleUploadedFile("comments.csv", comments),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "文件有 1 处错误，未导入任何数据" in html and "comments.csv 第 4 行：不是 UTF-8 编码的文本" in html
    assert not Statement.objects.filter(room=target).exists() and not Vote.objects.filter(room=target).exists()
    folder = write(tmp_path / "bad", votes, "")
    (folder / "comments.csv").write_bytes(comments)
    with pytest.raises(CommandError, match="comments.csv 第 4 行：不是 UTF-8 编码的文本"):
        call_command("online_import", target.pk, str(folder))
    assert not OnlineParticipant.objects.filter(room=target).exists()


def test_a_wide_only_export_imports_from_participants_votes(client, world):
    folder = require_conversation("london.youth.policing")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("comments.csv", (folder / "comments.csv").read_bytes())
        z.writestr("participants-votes.csv", (folder / "participants-votes.csv").read_bytes())
        z.writestr("votes.csv", b"")
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    client.force_login(world.users["convenor"])
    response = client.post(
        reverse("online:import", args=[target.pk]), {"archive": SimpleUploadedFile("p.zip", out.getvalue())}
    )
    assert response.status_code == 302
    export = load_polis_export(folder)
    latest = {(int(p), int(s)) for p, s in zip(export.votes.participant_ids, export.votes.statement_ids, strict=True)}
    moderated_out = set(export.moderated_out)
    # the wide matrix has no columns for comments moderated out; every other latest vote is there
    assert Vote.objects.filter(room=target).count() == len({(p, s) for p, s in latest if s not in moderated_out})


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"archive": ("x.zip", b"not a zip")}, "无法读取压缩包"),
        ({"votes": ("votes.csv", b"timestamp,datetime,comment-id,voter-id,vote\n")}, "请上传 zip 压缩包"),
        ({}, "请上传 zip 压缩包"),
    ],
)
def test_bad_uploads_are_refused(client, world, files, message):
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    client.force_login(world.users["convenor"])
    data = {k: SimpleUploadedFile(name, content) for k, (name, content) in files.items()}
    response = client.post(reverse("online:import", args=[target.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Statement.objects.filter(room=target).exists()


def test_a_zip_without_both_files_is_refused(client, world):
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("votes.csv", "timestamp,datetime,comment-id,voter-id,vote\n")
    client.force_login(world.users["convenor"])
    response = client.post(
        reverse("online:import", args=[target.pk]), {"archive": SimpleUploadedFile("p.zip", out.getvalue())}
    )
    assert response.status_code == 400 and "缺少 comments.csv" in response.content.decode()


def test_only_an_empty_room_takes_an_import(world, tmp_path):
    room = make_room(world)
    with pytest.raises(CommandError, match="只能导入到还没有观点和表态的议事室"):
        call_command(
            "online_import",
            room.pk,
            str(
                write(tmp_path / "ok", "timestamp,datetime,comment-id,voter-id,vote\n1500000000100,x,0,0,1\n", COMMENTS)
            ),
        )
    with pytest.raises(CommandError, match="不存在"):
        call_command("online_import", 999999, str(tmp_path / "ok"))


def test_moderated_out_comments_come_in_rejected_and_stay_out(world, tmp_path):
    comments = COMMENTS + "1500000000002,x,2,1,0,0,-1,被删除的评论\n"
    votes = "timestamp,datetime,comment-id,voter-id,vote\n1500000000100,x,2,0,1\n1500000000101,x,0,0,1\n"
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    call_command("online_import", target.pk, str(write(tmp_path / "m", votes, comments)), stdout=io.StringIO())
    assert Statement.objects.get(room=target, polis_id=2).status == StatementStatus.REJECTED
    call_command("online_export", target.pk, str(tmp_path / "out"), stdout=io.StringIO())
    assert "被删除的评论" not in (tmp_path / "out" / "comments.csv").read_text()
    assert len(rows((tmp_path / "out" / "votes.csv").read_text())) == 1


def test_a_real_pol_is_conversation_imports_with_its_latest_votes(world, tmp_path):
    folder = require_conversation("london.youth.policing")
    export = load_polis_export(folder)
    target = make_room(world, status=RoomStatus.DRAFT, seeds=())
    call_command("online_import", target.pk, str(folder), stdout=io.StringIO())
    latest = {(int(p), int(s)) for p, s in zip(export.votes.participant_ids, export.votes.statement_ids, strict=True)}
    assert Vote.objects.filter(room=target).count() == len(latest)
    assert Statement.objects.filter(room=target).count() == len(export.statements)
    run = tasks.recompute(target.pk)
    engine = export.analyse()
    assert run.n_votes == engine.n_votes and run.n_participants == len(engine.participant_ids)
