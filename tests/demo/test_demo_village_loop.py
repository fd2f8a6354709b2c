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
