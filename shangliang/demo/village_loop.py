"""One village where the demo's accounts complete the whole loop (issue 14): the demo resident's village gets a demo
account for its party secretary, who is the village's first convenor (screens, runs consultations) and its party
approver (审定); with demo_resident, demo_liaison, demo_member (the village's linked member and second convenor),
demo_department and demo_evaluator, every step of the loop has an account in that village. The login page says
which account runs which step (security.login.demo_loop).

A loader step of its own: it gives the secretary already in the county a demo username and the demo password, then
runs demo_resident's first concern (the blocked drain) through the whole loop with these accounts, so that the
resident's own page and the tracking page tell a finished story (screened, approved, the consultation, its
suggestions, two tasks done and verified, residents' ratings, the follow-up check six months later); the resident's
other concern stays where it is, waiting for the secretary's screening. Each step runs through the services at its
own moment (clock.frozen), after the topic was last resubmitted."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from shangliang.accountability import services as acc
from shangliang.accountability.models import FollowUpCheck
from shangliang.consultations import services as consult
from shangliang.consultations.models import Participant
from shangliang.core import clock
from shangliang.core.models import Event
from shangliang.demo.accountability import photo
from shangliang.people.models import Department, Position, Role, RoleAssignment, User
from shangliang.topics.models import Topic, TopicSource, TopicStatus
from shangliang.topics.services import intake, screening
from shangliang.units.models import Unit

SECRETARY = "demo_secretary"


def demo_village_id() -> int | None:
    """The village the demo resident lives in."""
    return (
        RoleAssignment.objects.active()
        .filter(user__username="demo_resident", role=Role.RESIDENT)
        .values_list("unit_id", flat=True)
        .first()
    )


def build_village_loop(ctx) -> bool:
    if User.objects.filter(username=SECRETARY).exists():
        return False
    village = demo_village_id()
    if village is None:
        return False
    today = clock.today()
    secretary = (
        User.objects.filter(
            assignments__in=RoleAssignment.objects.active(today).filter(
                unit_id=village, role=Role.CONVENOR, position=Position.FIRST_CONVENOR
            )
        )
        .filter(assignments__in=RoleAssignment.objects.active(today).filter(unit_id=village, role=Role.APPROVER))
        .order_by("pk")
        .first()
    )
    if secretary is None:
        return False
    secretary.username = SECRETARY
    secretary.is_demo = True
    secretary.password = ctx.demo_password_hash()
    secretary.save(update_fields=["username", "is_demo", "password"])
    resident_story(secretary)
    liaison_returned(secretary)
    return True


def liaison_returned(secretary: User) -> None:
    """A concern demo_liaison entered last week, returned by the secretary for more detail: it waits on the liaison's
    desk (退回补充) to be completed and resubmitted."""
    liaison = User.objects.filter(username="demo_liaison").first()
    village = demo_village_id()
    if liaison is None or village is None:
        return
    unit = Unit.objects.get(pk=village)
    today = clock.today()
    with clock.frozen(datetime.combine(today - timedelta(days=6), time(16))) as moment:
        topic = intake.topic_enter(
            actor=liaison,
            unit=unit,
            source=TopicSource.GRID,
            title="四组路口缺少减速带，学生上学不安全",
            description="四组路口车速快，早上学生过路危险，村民希望设减速带和警示牌。",
            name="网格走访记录",
        )
        moment.move_to(datetime.combine(today - timedelta(days=4), time(10)))
        screening.topic_screen(
            topic=topic, actor=secretary, decision="return", note="请补充路口具体位置、每天经过的学生人数和照片。"
        )


# demo_resident's concern whose story the demo finishes (demo.topics); its steps, days after its resubmission.
DRAIN = "村东头排水沟堵塞"
SUGGESTIONS = (
    "村东头老井至小桥约 200 米排水沟清淤，沟边垃圾清运",
    "排水沟加铺盖板并在汛期前每月巡查一次",
)
TASKS = (  # (suggestion order, action, body: a department's name or "" for the village, person, phone, days to do)
    (1, "组织村民清理排水沟淤泥和垃圾，疏通 200 米沟渠", "", "村委会 郑海", "13904531101", 20),
    (2, "为排水沟加铺混凝土盖板 200 米，汛期前每月巡查", "住房和城乡建设局", "刘建军", "13904530101", 45),
)


def resident_story(secretary: User) -> None:
    """The drain: screened and approved by the secretary, consulted on the spot with the village's demo accounts,
    two tasks (the village's and a department's) done, verified and rated, checked again six months later."""
    topic = (
        Topic.objects.filter(submitter__username="demo_resident", title__startswith=DRAIN)
        .select_related("unit")
        .first()
    )
    demo = {u.username: u for u in User.objects.filter(username__startswith="demo_")}
    if topic is None or topic.status != TopicStatus.SUBMITTED or "demo_department" not in demo:
        return
    village = topic.unit
    last = Event.objects.filter(content_type__app_label="topics", object_id=topic.pk).order_by("-created_at").first()
    begin = clock.localtime() if last is None else last.created_at
    day0 = (begin + timedelta(days=4)).date()
    # The tasks are done about two months in; the follow-up check comes six months after verification (the
    # county's setting) and is left pending if that day has not come yet.
    today = clock.today()
    if day0 + timedelta(days=70) > today:
        return

    def at(days: int, hour: int = 10):
        return datetime.combine(day0 + timedelta(days=days), time(hour))

    residents = list(
        User.objects.filter(assignments__in=RoleAssignment.objects.active().filter(unit=village, role=Role.RESIDENT))
        .exclude(username="demo_resident")
        .order_by("pk")[:3]
    )
    department = Department.objects.filter(county_id=village.county_id, name=TASKS[1][2]).first()
    with clock.frozen(at(0)) as moment:
        screening.topic_screen(
            topic=topic, actor=secretary, decision="accept", category="livelihood", note="雨季前需解决，列入协商。"
        )
        moment.move_to(at(2, 15))
        screening.topic_decide(
            topic=Topic.objects.get(pk=topic.pk),
            actor=secretary,
            decision="approve",
            note="同意，请包村干部和住建局派员参加现场协商。",
        )
        moment.move_to(at(5))
        c = consult.consultation_create(
            actor=secretary,
            unit=village,
            topics=[Topic.objects.get(pk=topic.pk)],
            form="onsite",
            room=village.rooms.order_by("id").first(),
            location="村东头老井旁",
        )
        for username, kind in (
            ("demo_resident", "stakeholder"),
            ("demo_liaison", "resident_rep"),
            ("demo_member", "member"),
            ("demo_department", "department"),
        ):
            if username in demo:
                consult.participant_add(actor=secretary, consultation=c, kind=kind, user=demo[username])
        for resident in residents[:2]:
            consult.participant_add(actor=secretary, consultation=c, kind="stakeholder", user=resident)
        consult.participant_add(
            actor=secretary, consultation=c, kind="party_member", name="郑海", organisation="村委会委员"
        )
        consult.participants_choose(actor=secretary, consultation=c, override_reason="涉及住户均已列入。")
        consult.research_add(
            actor=secretary,
            consultation=c,
            kind="site_inspection",
            title="排水沟现场查看",
            text="沿沟查看 200 米，淤积深约 40 厘米，3 处被生活垃圾堵死；走访沿沟 8 户，两户 7 月进过水。",
            done_on=moment.today(),
        )
        start = clock.localtime().replace(hour=9, minute=30) + timedelta(days=9)
        consult.consultation_schedule(
            actor=secretary, consultation=c, planned_start=start, planned_end=start + timedelta(hours=2)
        )
        moment.move_to(at(7))
        for p in Participant.objects.filter(consultation=c).select_related("user").order_by("id"):
            if p.user_id is None:
                consult.participant_respond(actor=None, participant=p, accept=True, token=p.token)
            else:
                consult.participant_respond(actor=p.user, participant=p, accept=True)
        moment.move_to(at(14, 9))
        consult.consultation_open(actor=secretary, consultation=c)
        present = list(Participant.objects.filter(consultation=c).order_by("id"))
        for p in present:
            consult.sign_in_by_convenor(actor=secretary, consultation=c, participant_id=p.pk)
        consult.opinion_record(
            actor=secretary,
            consultation=c,
            participant_id=present[0].pk,
            text="沟里垃圾是主要原因，清完以后要有人管，不然明年还堵。",
        )
        consult.minutes_save(
            actor=secretary,
            consultation=c,
            text="沿沟住户反映积水情况；住建局介绍盖板做法和费用；议定先清淤、再加盖板，汛期前每月巡查。",
        )
        for text in SUGGESTIONS:
            suggestion = consult.suggestion_add(actor=secretary, consultation=c, text=text)
            for p in present:
                consult.suggestion_vote(
                    actor=secretary, consultation=c, suggestion_id=suggestion.pk, participant_id=p.pk, choice="agree"
                )
        moment.move_to(at(14, 11))
        consult.consultation_close(
            actor=secretary,
            consultation=c,
            consensus=True,
            conclusion="一致同意先清淤、后加盖板，村里和住建局分工落实。",
        )
        moment.move_to(at(15))
        consult.consultation_submit(
            actor=secretary,
            consultation=c,
            level="same",
            recipients=f"中共{village.name}支部委员会、{village.name}村民委员会",
            note="协商意见建议清单附后。",
        )
        moment.move_to(at(16))
        consult.results_acknowledge(actor=secretary, consultation=c, note="收悉，按清单分工落实。")
        tasks = []
        suggestions = {s.order: s for s in c.suggestions.all()}
        for order, action, body, person, phone, days in TASKS:
            moment.move_to(at(17))
            bodies = {"department": department} if body and department else {"owner_unit": village}
            task = acc.task_assign(
                actor=secretary,
                suggestion=suggestions[order],
                owner_name=person,
                owner_phone=phone,
                action=action,
                deadline=moment.today() + timedelta(days=days),
                **bodies,
            )
            signer = demo["demo_department"] if "department" in bodies else secretary
            moment.move_to(at(18))
            acc.task_sign(actor=signer, task=task, note="已签收，明确专人负责。")
            moment.move_to(at(17 + days // 2))
            acc.progress_report(
                actor=signer, task=task, text="已完成一半，正在继续施工。", percent=50, files=[photo("排水沟现场.png")]
            )
            moment.move_to(at(17 + days - 3))
            acc.completion_report(actor=signer, task=task, text=f"已完成：{action}。", files=[photo("排水沟现场.png")])
            moment.move_to(at(17 + days - 1))
            acc.completion_verify(actor=secretary, task=task, note="现场查看，验收合格。")
            # The resident follows the results of their own concern: their rating waits on their desk.
            acc.task_follow(task=task, actor=demo["demo_resident"])
            for i, resident in enumerate(residents):
                moment.move_to(at(17 + days + 2 + i, 19))
                acc.rating_submit(
                    task=task, actor=resident, score=(5, 5, 4)[i], comment=("办得好！", "满意。", "基本满意。")[i]
                )
            tasks.append(task)
        for task in tasks:
            check = FollowUpCheck.objects.filter(task=task, round=0).first()
            if check is None or check.due_on > today:
                continue
            moment.move_to(datetime.combine(check.due_on, time(10)))
            acc.follow_up_record(
                actor=secretary, check=check, lasted=True, note="回访：雨后沟渠畅通，沿沟住户未再进水。"
            )
