"""What each URL pattern is about: how the sweeps fill a pattern's arguments with an object of a place of the fixture
county (tests/sweep/fixtures.py). One entry per URL name; a pattern whose arguments cannot be filled from here is
swept with made-up values (a forged code, an id that does not exist), which every actor must be refused or not find.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Model

from shangliang.accountability.models import Evidence, FollowUpCheck, ResponsibilityTask
from shangliang.consultations.models import AgendaSegment, Attachment, Consultation, Participant, Suggestion
from shangliang.notifications.models import Notification
from shangliang.online.models import OnlineRoom, Statement
from shangliang.opinions.models import OpinionReport
from shangliang.people.models import MemberLink, RoleAssignment, Talent
from shangliang.residents.models import Consent
from shangliang.security.models import AdminRole
from shangliang.topics.models import Topic, TopicPhoto
from shangliang.units.models import AssessmentResult, Room, Unit
from shangliang.villageaffairs.models import (
    AgendaItem,
    DisclosureDocument,
    Dispute,
    Feedback,
    MonthlyMeeting,
    Petition,
    PowerItem,
)
from shangliang.villageaffairs.models import Disclosure as VillageDisclosure

UNIT_PLACES = ("A", "T", "V", "V2", "V3")
NO_PLACE = ("-",)


@dataclass(frozen=True)
class Subject:
    """`model` found in a place through `unit` (a lookup to its Unit; "" for the unit itself), bound to the URL
    argument `arg`; `parts` fill further arguments from objects belonging to it: name → (model, lookup to it)."""

    model: type[Model] | None = None
    unit: str = "unit"
    arg: str = "pk"
    parts: dict[str, tuple[type[Model], str]] = field(default_factory=dict)
    fixed: dict[str, object] = field(default_factory=dict)
    places: tuple[str, ...] = UNIT_PLACES
    filters: dict[str, object] = field(default_factory=dict)

    def kwargs(self, county, place: str) -> dict | None:
        kwargs = dict(self.fixed)
        if self.model is None:
            return kwargs
        if place == NO_PLACE[0]:
            obj = self.model.objects.filter(**self.filters).order_by("pk").first()  # not in a unit: the first one
        elif self.model is Unit and not self.unit:
            obj = county.units[place]
        else:
            obj = county.first(self.model.objects.filter(**self.filters), place, self.unit)
        if obj is None:
            return None
        kwargs[self.arg] = obj.pk
        for name, (model, lookup) in self.parts.items():
            part = model.objects.filter(**{lookup: obj}).order_by("pk").first()
            if part is None:
                return None
            kwargs[name] = part.pk
        return kwargs


@dataclass(frozen=True)
class OwnRecord(Subject):
    """A county (`pk`) and one of the sweep's actors (`user_pk`): a person's own record there, which they may read
    beside whoever the policy admits to everyone's."""

    actor: str = "member"

    def kwargs(self, county, place: str) -> dict | None:
        return {"pk": county.units[place].pk, "user_pk": county.actors[self.actor].pk}


def unit(arg: str = "pk") -> Subject:
    return Subject(Unit, "", arg)


def county(arg: str = "pk") -> Subject:
    return Subject(Unit, "", arg, places=("A",))


def none(**fixed) -> Subject:
    """No object: the pattern has no arguments, or only fixed ones."""
    return Subject(fixed=fixed, places=NO_PLACE)


FORGED = "sweep-forged-code-0000"
MISSING = 987654321


def forged(**fixed) -> Subject:
    """Arguments no actor can know (bearer codes, ids that do not exist)."""
    return Subject(fixed=fixed, places=NO_PLACE)


def on(model, lookup: str = "unit", arg: str = "pk", **parts) -> Subject:
    return Subject(model, lookup, arg, parts)


C = "consultation__unit"

SUBJECTS: dict[str, Subject | Callable] = {
    # the site
    "home": none(),
    "login": none(),
    "logout": none(),
    "password_change": none(),
    "password_change_done": none(),
    "password_reset": none(),
    "password_reset_done": none(),
    "password_reset_confirm": forged(uidb64="MQ", token=FORGED),
    "password_reset_complete": none(),
    "set_language": none(),
    "healthz": none(),
    "csrf_token": none(),
    "large_text": none(),
    # security
    "security:verify": none(),
    "security:send_sms": none(),
    "security:enrol": none(),
    "security:password_change": none(),
    "security:keepalive": none(),
    "security:account": none(),
    "security:index": none(),
    "security:policy": none(),
    "security:administrators": none(),
    "security:administrator_end": Subject(AdminRole, places=NO_PLACE, unit=""),
    "security:accounts": none(),
    "security:account_action": forged(pk=MISSING, action="lock"),
    "security:alerts": none(),
    "security:admin_actions": none(),
    "security:audit": none(),
    "security:audit_verify": none(),
    "security:audit_export_csv": none(),
    "security:audit_export_xlsx": none(),
    "security:outbox": none(),
    # units
    "public:index": none(),
    "public:unit": unit(),
    "units:index": none(),
    "units:detail": unit(),
    "units:edit": unit(),
    "units:add_child": unit(),
    "units:move": unit(),
    "units:room_add": unit(),
    "units:standard": county(),
    "units:calendar": county(),
    "units:calendar_limits": county(),
    "units:calendar_resolve": forged(pk=MISSING, deadline_pk=MISSING),
    "units:room": on(Room),
    "units:room_edit": on(Room),
    "units:room_stage": on(Room),
    "units:room_assess": on(Room),
    "units:subsidy_add": on(Room),
    "units:evidence_photo": Subject(AssessmentResult, "assessment__room__unit", filters={"photo__gt": ""}),
    # people
    "people:unit_people": unit(),
    "people:person_add": unit(),
    "people:assign": unit(),
    "people:assignment_end": on(RoleAssignment),
    "people:member_links": county(),
    "people:link_filter_units": county(),
    "people:member_link_add": county(),
    "people:member_link_end": on(MemberLink),
    "people:talent_list": county(),
    "people:talent_add": county(),
    "people:talent_edit": Subject(Talent, "county", places=("A",)),
    # village affairs
    "villageaffairs:overview": unit(),
    "villageaffairs:powers": unit(),
    "villageaffairs:power_add": unit(),
    "villageaffairs:power_edit": on(PowerItem),
    "villageaffairs:norm": unit(),
    "villageaffairs:disclosures": unit(),
    "villageaffairs:disclosure_new": unit(),
    "villageaffairs:disclosure": on(VillageDisclosure),
    "villageaffairs:disclosure_edit": on(VillageDisclosure),
    "villageaffairs:disclosure_correct": on(VillageDisclosure),
    "villageaffairs:disclosure_publish": on(VillageDisclosure),
    "villageaffairs:disclosure_discard": on(VillageDisclosure),
    "villageaffairs:documents_add": on(VillageDisclosure),
    "villageaffairs:document": on(DisclosureDocument, "disclosure__unit"),
    "villageaffairs:document_delete": on(DisclosureDocument, "disclosure__unit"),
    "villageaffairs:feedback_reply": on(Feedback, "disclosure__unit"),
    "villageaffairs:meetings": unit(),
    "villageaffairs:meeting_plan": unit(),
    "villageaffairs:meeting": on(MonthlyMeeting),
    "villageaffairs:meeting_edit": on(MonthlyMeeting),
    "villageaffairs:meeting_compose": on(MonthlyMeeting),
    "villageaffairs:agenda_add": on(MonthlyMeeting),
    "villageaffairs:attendee_add": on(MonthlyMeeting),
    "villageaffairs:meeting_hold": on(MonthlyMeeting),
    "villageaffairs:meeting_cancel": on(MonthlyMeeting),
    "villageaffairs:consultation_open": on(MonthlyMeeting),
    "villageaffairs:consultation_link": on(MonthlyMeeting),
    "villageaffairs:agenda_resolve": on(AgendaItem, "meeting__unit"),
    "villageaffairs:disputes": unit(),
    "villageaffairs:petitions": unit(),
    "villageaffairs:dispute_decide": on(Dispute),
    "villageaffairs:petition_decide": on(Petition),
    "villageaffairs:public_village": unit(),
    "villageaffairs:public_disclosure": on(VillageDisclosure),
    "villageaffairs:public_disclosure_print": on(VillageDisclosure),
    "villageaffairs:receipt": forged(code=FORGED),
    # opinions
    "opinions:index": none(),
    "opinions:new": none(),
    "opinions:detail": on(OpinionReport),
    "opinions:edit": on(OpinionReport),
    "opinions:act": Subject(OpinionReport, fixed={"action": "sign"}),
    "opinions:adopt": on(OpinionReport),
    "opinions:endorse": on(OpinionReport),
    "opinions:hand": on(OpinionReport),
    "opinions:answer": on(OpinionReport),
    "opinions:merge": on(OpinionReport),
    "opinions:figures": unit(),
    "opinions:units": none(),
    # topics
    "topics:list": none(),
    "topics:enter": none(source="grid"),
    "topics:similar": none(),
    "topics:import": none(),
    "topics:import_template": none(),
    "topics:unit_search": none(source="grid"),
    "topics:mine": none(),
    "topics:filter_units": none(),
    "topics:publicity": county(),
    "topics:unit_public": unit(),
    "topics:detail": on(Topic),
    "topics:screen": on(Topic),
    "topics:decide": on(Topic),
    "topics:urgent": on(Topic),
    "topics:resubmit": on(Topic),
    "topics:photo": on(Topic, photo=(TopicPhoto, "topic")),
    "topics:room": on(Room),
    "topics:submit": on(Room),
    "topics:poster": on(Room),
    "topics:qr_png": on(Room),
    "topics:qr_svg": on(Room),
    "topics:public_similar": none(),
    "topics:public_topic": on(Topic),
    "topics:support": on(Topic),
    "topics:thanks": forged(code=FORGED),
    "topics:track_form": none(),
    "topics:track": forged(code=FORGED),
    "topics:track_resubmit": forged(code=FORGED),
    "topics:track_photo": forged(code=FORGED, photo=MISSING),
    # residents
    "residents:notice_edit": county("county"),
    "residents:requests": county("county"),
    "residents:verify": none(),
    "residents:forget": none(),
    "residents:notice": none(),
    "residents:county_notice": county("county"),
    "residents:mine": none(),
    "residents:mine_json": none(),
    "residents:mine_xlsx": none(),
    "residents:withdraw": Subject(Consent, unit="", places=NO_PLACE),
    "residents:ask": none(),
    "residents:ask_counties": none(),
    # notifications
    "notifications:inbox": none(),
    "notifications:open": Subject(Notification, unit="", places=NO_PLACE),
    "notifications:read_all": none(),
    # consultations
    "consultations:index": none(),
    "consultations:mine": none(),
    "consultations:create": unit("unit_pk"),
    "consultations:detail": on(Consultation),
    "consultations:edit": on(Consultation),
    "consultations:open": on(Consultation),
    "consultations:cancel": on(Consultation),
    "consultations:reconvene": on(Consultation),
    "consultations:participants": on(Consultation),
    "consultations:choose": on(Consultation),
    "consultations:remove_participant": on(Consultation, participant_pk=(Participant, "consultation")),
    "consultations:research": on(Consultation),
    "consultations:attachment": on(Attachment, C),
    "consultations:schedule": on(Consultation),
    "consultations:ics": on(Consultation),
    "consultations:qr": on(Consultation),
    "consultations:meeting": on(Consultation),
    "consultations:signin_list": on(Consultation),
    "consultations:projection": on(Consultation),
    "consultations:projection_count": on(Consultation),
    "consultations:print_signin": on(Consultation),
    "consultations:print_agenda": on(Consultation),
    "consultations:tick": on(Consultation, participant_pk=(Participant, "consultation")),
    "consultations:segment_add": on(Consultation),
    "consultations:segment_start": on(Consultation, segment_pk=(AgendaSegment, "consultation")),
    "consultations:segment_notes": on(Consultation, segment_pk=(AgendaSegment, "consultation")),
    "consultations:minutes": on(Consultation),
    "consultations:opinion": on(Consultation),
    "consultations:suggestion_add": on(Consultation),
    "consultations:suggestion_withdraw": on(Consultation, suggestion_pk=(Suggestion, "consultation")),
    "consultations:vote_for": on(Consultation, suggestion_pk=(Suggestion, "consultation")),
    "consultations:close": on(Consultation),
    "consultations:submit": on(Consultation),
    "consultations:acknowledge": on(Consultation),
    "consultations:report": on(Consultation),
    "consultations:suggestions_xlsx": on(Consultation),
    "consultations:rules": county(),
    "consultations:take_part": on(Consultation),
    "consultations:respond": on(Consultation),
    "consultations:own_opinion": on(Consultation),
    "consultations:own_vote": on(Consultation, suggestion_pk=(Suggestion, "consultation")),
    "consultations:signin": forged(code=FORGED),
    "consultations:invitation": forged(token=FORGED),
    # online
    "online:create": on(Consultation, arg="consultation_pk"),
    "online:manage": on(OnlineRoom),
    "online:edit": on(OnlineRoom),
    "online:transition": on(OnlineRoom),
    "online:seed": on(OnlineRoom),
    "online:moderate": on(OnlineRoom, statement_pk=(Statement, "room")),
    "online:pull": on(OnlineRoom, statement_pk=(Statement, "room")),
    "online:reanalyse": on(OnlineRoom),
    "online:export": on(OnlineRoom),
    "online:import": on(OnlineRoom),
    "online:room": on(OnlineRoom),
    "online:card": on(OnlineRoom),
    "online:vote": on(OnlineRoom),
    "online:add_statement": on(OnlineRoom),
    "online:verify": on(OnlineRoom),
    "online:results": on(OnlineRoom),
    "online:events": on(OnlineRoom),
    "online:poster": on(OnlineRoom),
    "online:qr_svg": on(OnlineRoom),
    "online:qr_png": on(OnlineRoom),
    # accountability
    "accountability:index": none(),
    "accountability:evaluations": none(),
    "accountability:followed": none(),
    "accountability:supervisor_search": on(ResponsibilityTask),
    "accountability:public_consultation_print": on(Consultation),
    "accountability:unit": unit(),
    "accountability:failures": unit(),
    "accountability:unit_tasks_xlsx": unit(),
    "accountability:unit_effects_xlsx": unit(),
    "accountability:settings": county(),
    "accountability:consultation": on(Consultation),
    "accountability:assign": on(Consultation),
    "accountability:assign_search": on(Consultation),
    "accountability:evaluate": on(Consultation),
    "accountability:consultation_tasks_xlsx": on(Consultation),
    "accountability:consultation_effects_xlsx": on(Consultation),
    "accountability:loop_report": on(Consultation),
    "accountability:task": on(ResponsibilityTask),
    "accountability:step": Subject(ResponsibilityTask, fixed={"action": "sign"}),
    "accountability:progress": on(ResponsibilityTask),
    "accountability:complete": on(ResponsibilityTask),
    "accountability:extension": on(ResponsibilityTask),
    "accountability:extension_decide": on(ResponsibilityTask),
    "accountability:reassign": on(ResponsibilityTask),
    "accountability:reassign_search": on(ResponsibilityTask),
    "accountability:reopen": on(ResponsibilityTask),
    "accountability:remind": on(ResponsibilityTask),
    "accountability:notice": on(ResponsibilityTask),
    "accountability:supervisor": on(ResponsibilityTask),
    "accountability:comment": on(ResponsibilityTask),
    "accountability:follow_up": on(ResponsibilityTask, check_pk=(FollowUpCheck, "task")),
    "accountability:evidence": on(Evidence, "task__unit"),
    "accountability:public_consultation": on(Consultation),
    "accountability:public_task": on(ResponsibilityTask),
    "accountability:rate": on(ResponsibilityTask),
    "accountability:follow": on(ResponsibilityTask),
    "accountability:unfollow": forged(token=FORGED),
    "accountability:public_photo": on(Evidence, "task__unit"),
    "accountability:public_notices": unit(),
    "accountability:public_results": unit(),
    # dashboards
    "dashboards:index": none(),
    "dashboards:unit": unit(),
    "dashboards:export": unit(),
    "dashboards:summary": unit(),
    "dashboards:norms": unit(),
    "dashboards:members": county(),
    "dashboards:member": OwnRecord(actor="member", places=("A",)),
    "dashboards:units": county(),
    "dashboards:scoring": county(),
    "dashboards:public": unit(),
    "dashboards:public_export": unit(),
    # api: the browser pages that manage clients (sessions), then the REST and Open311 endpoints (a client's key or a
    # resident's token, never a session: every actor here is refused or reads only what is public)
    "api:clients": none(),
    "api:client_new": none(),
    "api:client_unit_search": none(),
    # (the demo county registers no client: a made-up id, which these views look up only after checking the system
    # administrator, so every actor here is refused by the check itself)
    "api:client_detail": forged(pk=MISSING),
    "api:client_rotate": forged(pk=MISSING),
    "api:client_revoke": forged(pk=MISSING),
    "api:webhook_add": forged(pk=MISSING),
    "api:webhook_end": forged(pk=MISSING),
    "api:webhook_replay": forged(pk=MISSING),
    "api_client": none(),
    "api_units": none(),
    "api_rooms": none(),
    "api_topics": none(),
    "api_topic": forged(code=FORGED),
    "api_topic_support": forged(code=FORGED),
    "api_resident_code": none(),
    "api_resident_token": none(),
    "api_resident_topics": none(),
    "api_results": none(),
    "api_result": on(Consultation),
    "api_tasks": none(),
    "api_task": on(ResponsibilityTask),
    "api_task_sign": on(ResponsibilityTask),
    "api_task_hand_back": on(ResponsibilityTask),
    "api_task_progress": on(ResponsibilityTask),
    "api_task_completion": on(ResponsibilityTask),
    "api_schema": none(),
    "api_docs": none(),
    "/api/v1/^": none(),
    "open311_discovery": none(),
    "open311_services": none(),
    "open311_service": forged(code="sweep"),
    "open311_requests": none(),
    "open311_request": forged(code=FORGED),
    "open311_token": forged(token=FORGED),
    "api_ratings": none(),
    "api_resident_statements": none(),
    "api_figures": unit(),
    "api_disclosures": none(),
    "api_disclosure": on(VillageDisclosure),
    "api_online_rooms": none(),
    "api_online_room": on(OnlineRoom),
    "api_online_statements": on(OnlineRoom),
    "api_online_next": on(OnlineRoom),
    "api_online_votes": on(OnlineRoom),
    "api_online_results": on(OnlineRoom),
    "people:link_member_search": county(),
    "people:link_unit_search": county(),
    "people:person_search": unit(),
}
