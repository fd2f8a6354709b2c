"""The report workflow: the whole path allowed, every step refused in the wrong state (not possible) or by the
wrong person (not allowed), with its event; editing, merging, adoption at several levels, endorsements."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.models import Event
from shangliang.notifications.models import Notification
from shangliang.opinions import services
from shangliang.opinions.models import Adoption, OpinionReport, ReportStatus
from shangliang.opinions.workflow import REPORT_WORKFLOW
from tests.conftest import fresh
from tests.opinions.conftest import drive, write

S = ReportStatus


def test_the_whole_path_with_its_events_and_notifications(op, django_capture_on_commit_callbacks):
    w = op.world
    staff, body = fresh(w.users["staff"]), fresh(w.users["department"])
    r = write(op)
    assert (r.status, r.author_kind, r.county_id) == (S.DRAFT, "member", w.a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_submit(actor=fresh(op.writer), report=r)
    assert r.submitted_at is not None and r.submitted_body == r.body
    assert Notification.objects.filter(user=staff, verb="opinions.submit").exists()
    services.report_edit(actor=staff, report=r, title="农村饮水工程管护问题", body="编辑后的正文", note="压缩篇幅")
    r.refresh_from_db()
    assert r.title == "农村饮水工程管护问题" and r.submitted_title == "农村饮水安全工程后期管护亟待加强"
    assert r.edited_by_office
    services.report_adopt(actor=staff, report=r, level="county", body="区政协办公室", publication="2025年第3期")
    r.refresh_from_db()
    assert r.status == S.ADOPTED
    services.report_adopt(actor=staff, report=r, level="city", body="市政协办公室")
    assert set(Adoption.objects.filter(report=r).values_list("level", flat=True)) == {"county", "city"}
    services.report_endorse(
        actor=staff,
        report=r,
        leader="王某",
        leader_title="区委书记",
        level="county",
        endorsed_on=timezone.localdate(),
        text="请水利局研究落实。",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.report_hand(actor=staff, report=r, department=w.department, answer_due=timezone.localdate())
    assert Notification.objects.filter(user=body, verb="opinions.hand").exists()
    services.report_transition(actor=body, report=r, action="sign")
    services.report_answer(actor=body, report=r, answer="已排查全区供水设施。")
    services.report_transition(actor=staff, report=r, action="send_back", note="请说明经费来源")
    r.refresh_from_db()
    assert (r.status, r.answered_at) == (S.SIGNED, None)
    services.report_answer(actor=body, report=r, answer="经费由区财政列支。")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_transition(actor=staff, report=r, action="accept")
    r.refresh_from_db()
    assert r.status == S.CLOSED and r.closed_at is not None
    steps = list(
        Event.objects.filter(object_id=r.pk, content_type__model="opinionreport").values_list("action", flat=True)
    )
    assert steps == [
        "create", "submit", "office_edit", "adopt", "adopt_level", "endorse", "hand",
        "sign", "answer", "send_back", "answer", "accept",
    ]  # fmt: skip
    assert Notification.objects.filter(user=op.writer, verb="opinions.accept").exists()


# Who may take each step, and from which states it is possible ("send" is the author's submit from a draft and
# resubmit from a returned report: one service, two rows of the table).
STEP_ACTOR = {
    "send": "writer",
    "return": "staff",
    "decline": "staff",
    "sign": "department",
    "hand_back": "department",
    "accept": "staff",
    "send_back": "staff",
}
POSSIBLE_FROM = {t.action: {t.source} for t in REPORT_WORKFLOW.transitions}
POSSIBLE_FROM["send"] = POSSIBLE_FROM.pop("submit") | POSSIBLE_FROM.pop("resubmit")
STATES = [S.DRAFT, S.SUBMITTED, S.RETURNED, S.NOT_ADOPTED, S.ADOPTED, S.HANDED, S.SIGNED, S.ANSWERED, S.CLOSED]


def _act(op, actor_name, report, action):
    actor = fresh(op.writer if actor_name == "writer" else op.world.users[actor_name])
    if action == "send":
        return services.report_submit(actor=actor, report=report)
    return services.report_transition(actor=actor, report=report, action=action, note="说明")


@pytest.mark.parametrize("state", STATES)
def test_each_step_is_possible_only_from_its_state(op, state):
    for action, actor_name in STEP_ACTOR.items():
        report = drive(op, state)
        if state in POSSIBLE_FROM[action]:
            _act(op, actor_name, report, action)
            report.refresh_from_db()
            assert report.status != state, (state, action)
            continue
        # The right person, the wrong state: "not possible" (or "not allowed" where the state hides the report,
        # e.g. the office cannot see a draft and the body only sees what was handed to it).
        with pytest.raises((NotPossible, NotAllowed)):
            _act(op, actor_name, report, action)
        report.refresh_from_db()
        assert report.status == state, (state, action)


def test_the_wrong_person_is_not_allowed(op):
    w = op.world
    submitted = drive(op, S.SUBMITTED)
    for name in ("convenor", "member", "department", "approver", "liaison"):
        with pytest.raises(NotAllowed):
            services.report_transition(actor=fresh(w.users[name]), report=submitted, action="return", note="x")
        with pytest.raises(NotAllowed):
            services.report_adopt(actor=fresh(w.users[name]), report=submitted, level="county")
    draft = drive(op, S.DRAFT)
    with pytest.raises(NotAllowed):  # only the author submits
        services.report_submit(actor=fresh(w.users["staff"]), report=draft)
    handed = drive(op, S.HANDED)
    other_body = fresh(op.writer)
    with pytest.raises(NotAllowed):
        services.report_transition(actor=other_body, report=handed, action="sign")
    # A body's staff may only work on what was handed to their own body.
    from tests.factories import UserFactory, assign

    water_clerk = UserFactory(username="water")
    assign(water_clerk, "department", w.a, department=op.water)
    with pytest.raises(NotAllowed):
        services.report_transition(actor=fresh(water_clerk), report=handed, action="sign")
    # Staff of county B cannot touch county A's reports.
    staff_b = UserFactory(username="staff_b")
    assign(staff_b, "cppcc_staff", w.b)
    with pytest.raises(NotAllowed):
        services.report_adopt(actor=fresh(staff_b), report=submitted, level="county")


def test_return_and_resubmit(op):
    r = drive(op, S.RETURNED)
    with pytest.raises(InvalidInput):  # a return needs a reason
        services.report_transition(actor=fresh(op.world.users["staff"]), report=drive(op, S.SUBMITTED), action="return")
    services.report_update(actor=fresh(op.writer), report=r, title="补充后的标题", body="补充了数据", source="research")
    services.report_submit(actor=fresh(op.writer), report=r)
    r.refresh_from_db()
    assert (r.status, r.submitted_title) == (S.SUBMITTED, "补充后的标题")
    with pytest.raises(NotPossible):  # the author no longer edits once it is with the office
        services.report_update(actor=fresh(op.writer), report=r, title="再改", body="再改", source="research")


def test_merging_credits_the_merged_authors(op):
    w = op.world
    staff = fresh(w.users["staff"])
    target = drive(op, S.SUBMITTED)
    other = drive(op, S.SUBMITTED, author=op.informant, title="村里水管经常爆裂")
    draft = drive(op, S.DRAFT, author=op.informant)
    services.report_merge(actor=staff, target=target, sources=[other])
    other.refresh_from_db()
    assert (other.status, other.merged_into_id) == (S.MERGED, target.pk)
    assert list(target.contributors.all()) == [op.informant]
    assert other.author_kind == "informant"
    with pytest.raises(NotAllowed):  # a draft is the author's alone: the office cannot even see it
        services.report_merge(actor=staff, target=target, sources=[draft])
    declined = drive(op, S.NOT_ADOPTED)
    with pytest.raises(NotPossible):
        services.report_merge(actor=staff, target=target, sources=[declined])
    declined.refresh_from_db()
    assert (declined.status, declined.merged_into_id) == (S.NOT_ADOPTED, None)
    with pytest.raises(InvalidInput):
        services.report_merge(actor=staff, target=target, sources=[target])


def test_adoption_rules(op):
    staff = fresh(op.world.users["staff"])
    r = drive(op, S.SUBMITTED)
    with pytest.raises(InvalidInput):
        services.report_adopt(actor=staff, report=r, level="galaxy")
    with pytest.raises(InvalidInput):
        services.report_adopt(actor=staff, report=r, level="county", adopted_on=timezone.localdate() + timedelta(1))
    services.report_adopt(actor=staff, report=r, level="county", adopted_on=date(2025, 3, 1))
    with pytest.raises(InvalidInput) as caught:
        services.report_adopt(actor=staff, report=r, level="county")
    assert "已有区县级采用记录" in str(caught.value.message)
    declined = drive(op, S.NOT_ADOPTED)
    with pytest.raises(NotPossible):
        services.report_adopt(actor=staff, report=declined, level="city")
    with pytest.raises(NotPossible):
        services.report_endorse(
            actor=staff,
            report=drive(op, S.SUBMITTED),
            leader="王某",
            leader_title="区长",
            level="county",
            endorsed_on=date(2025, 3, 1),
            text="阅",
        )


def test_handing_needs_a_body_of_the_county(op):
    w = op.world
    staff = fresh(w.users["staff"])
    r = drive(op, S.ADOPTED)
    from tests.factories import DepartmentFactory

    elsewhere = DepartmentFactory(county=w.b, name="乙县水利局")
    with pytest.raises(InvalidInput):
        services.report_hand(actor=staff, report=r, department=elsewhere)
    with pytest.raises(InvalidInput):
        services.report_hand(actor=staff, report=r, department=None)
    with pytest.raises(InvalidInput):
        services.report_hand(
            actor=staff, report=r, department=w.department, answer_due=timezone.localdate() - timedelta(days=1)
        )
    r.refresh_from_db()
    assert (r.status, r.department_id) == (S.ADOPTED, None)
    services.report_hand(actor=staff, report=r, department=w.department)
    services.report_transition(actor=fresh(w.users["department"]), report=r, action="hand_back", note="不属本局职责")
    r.refresh_from_db()
    assert (r.status, r.department_id) == (S.ADOPTED, None)


def test_writing_needs_a_member_or_informant(op):
    w = op.world
    for name in ("staff", "convenor", "approver", "department", "resident", "stranger"):
        with pytest.raises(NotAllowed):
            write(op, author=w.users[name])
    with pytest.raises(NotAllowed):  # an informant writes about their own subtree only
        write(op, author=op.informant, unit=w.v2)
    with pytest.raises(NotAllowed):
        write(op, unit=w.vb)  # a member of county A, not B
    assert not OpinionReport.objects.exists()
