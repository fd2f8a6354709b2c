"""The demo's accounts complete the loop in one village: the demo resident's village has an account for every step,
the login page says which account runs which step there, and every demo account lands on its desk."""

import re

from django.conf import settings
from django.test import Client
from django.urls import reverse

from shangliang.demo.loader import DEMO_ACCOUNTS
from shangliang.demo.village_loop import SECRETARY, build_village_loop, demo_village_id
from shangliang.people.models import MemberLink, Position, Role, RoleAssignment, User


def test_the_residents_village_has_an_account_for_every_step(county):
    village = demo_village_id()
    secretary = User.objects.get(username=SECRETARY)
    assert secretary.is_demo and secretary.check_password(settings.DEMO_PASSWORD)
    held = set(RoleAssignment.objects.active().filter(user=secretary, unit_id=village).values_list("role", "position"))
    assert {(Role.CONVENOR, Position.FIRST_CONVENOR), (Role.APPROVER, "")} <= held
    member = User.objects.get(username="demo_member")
    assert MemberLink.objects.filter(member=member, unit_id=village, ended_on__isnull=True).exists()
    assert RoleAssignment.objects.active().filter(
        user=member, unit_id=village, role=Role.CONVENOR, position=Position.SECOND_CONVENOR
    )
    assert RoleAssignment.objects.active().filter(user__username="demo_liaison", unit_id=village).exists()
    assert build_village_loop(None) is False  # loaded once


def test_the_login_page_says_who_runs_which_step_in_which_village(county):
    html = Client().get(reverse("login")).content.decode()
    section = re.search(r'<section class="card" id="demo-loop".*?</section>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>(.*?)</td><td><button[^>]*>(\w+)</button></td><td>(.*?)</td></tr>", section)
    accounts = [username for _step, username, _unit in rows]
    assert accounts == [
        "demo_resident",
        "demo_liaison",
        SECRETARY,
        SECRETARY,
        "demo_member",
        "demo_department",
        "demo_evaluator",
        "demo_staff",
    ]
    village = RoleAssignment.objects.get(user__username="demo_resident").unit.name
    assert village in section


def test_every_demo_account_lands_on_its_desk(county):
    for username, _role in DEMO_ACCOUNTS:
        client = Client()
        client.force_login(User.objects.get(username=username))
        response = client.get("/")
        assert response.status_code == 200, username
        assert 'id="desk-summary"' in response.content.decode(), username


def _text(html: str) -> str:
    html = re.sub(r"<(script|style).*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_demo_residents_own_concern_tells_the_whole_story(county):
    """demo_resident's drain went the whole way (screened, approved, consulted, two tasks done and rated, checked
    again months later); their other concern waits for screening. Both pages say where each stands."""
    from shangliang.topics.models import Topic, TopicStatus
    from shangliang.topics.story import story_of

    resident = User.objects.get(username="demo_resident")
    topics = {t.title[:4]: t for t in Topic.objects.filter(submitter=resident)}
    drain, clinic = topics["村东头排"], topics["村卫生室"]
    assert clinic.status == TopicStatus.SUBMITTED
    stages = story_of(drain).stages
    assert [str(s.label) for s in stages] == ["提交", "筛选", "审定", "协商", "落实", "评价", "回访"]
    assert all(s.reached for s in stages), [(str(s.label), s.reached) for s in stages]
    client = Client()
    client.force_login(resident)
    track = _text(client.get(reverse("topics:track", args=[drain.tracking_code])).content.decode())
    for words in ("实地协商", "达成共识", "排水沟清淤", "责任人 村委会 郑海", "住房和城乡建设局", "完成时限", "100%",
                  "群众评价 3 人", "回访检查", "成效持续"):  # fmt: skip
        assert words in track, words
    assert 'class="rate-link"' in client.get(reverse("topics:track", args=[drain.tracking_code])).content.decode()
    mine = _text(client.get(reverse("topics:mine")).content.decode())
    assert "进展：回访：成效持续" in mine and "待筛选" in mine
    desk = client.get("/").content.decode()
    assert 'id="desk-accountability-rate"' in desk  # the drain's two tasks wait for the resident's own rating
    assert "回访：成效持续" in _text(desk)


def test_the_demo_liaisons_desk_shows_what_waits_and_where_their_concerns_stand(county):
    client = Client()
    client.force_login(User.objects.get(username="demo_liaison"))
    html = client.get("/").content.decode()
    returned = re.search(r'id="desk-topics-returned".*?</section>', html, re.S).group(0)
    assert "四组路口缺少减速带" in returned and "/public/track/" in returned
    entered = _text(re.search(r'id="desk-topics-entered".*?</section>', html, re.S).group(0))
    assert "三组饮用水水压不足" in entered and "落实：" in entered
    menu = re.search(r'id="nav-entered".*?</a>', html, re.S).group(0)
    assert ">1<" in menu.replace(" ", "")  # the returned concern counts under 我录入的议题
