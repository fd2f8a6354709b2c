from django.urls import path

from shangliang.villageaffairs.views import cases, disclosures, main, meetings

app_name = "villageaffairs"
urlpatterns = [
    path("units/<int:pk>/", main.overview, name="overview"),
    path("units/<int:pk>/powers/", main.power_list, name="powers"),
    path("units/<int:pk>/powers/add/", main.power_add, name="power_add"),
    path("powers/<int:pk>/edit/", main.power_edit, name="power_edit"),
    path("units/<int:pk>/norm/", main.norm, name="norm"),
    # disclosures (公示)
    path("units/<int:pk>/disclosures/", disclosures.disclosure_list, name="disclosures"),
    path("units/<int:pk>/disclosures/new/", disclosures.disclosure_new, name="disclosure_new"),
    path("disclosures/<int:pk>/", disclosures.disclosure_detail, name="disclosure"),
    path("disclosures/<int:pk>/edit/", disclosures.disclosure_edit, name="disclosure_edit"),
    path("disclosures/<int:pk>/correct/", disclosures.disclosure_correct, name="disclosure_correct"),
    path("disclosures/<int:pk>/publish/", disclosures.disclosure_publish, name="disclosure_publish"),
    path("disclosures/<int:pk>/discard/", disclosures.disclosure_discard, name="disclosure_discard"),
    path("disclosures/<int:pk>/documents/", disclosures.documents_add, name="documents_add"),
    path("documents/<int:pk>/", disclosures.document_download, name="document"),
    path("documents/<int:pk>/delete/", disclosures.document_delete, name="document_delete"),
    path("feedback/<int:pk>/reply/", disclosures.feedback_reply, name="feedback_reply"),
    # monthly meetings (月例会)
    path("units/<int:pk>/meetings/", meetings.meeting_list, name="meetings"),
    path("units/<int:pk>/meetings/plan/", meetings.meeting_plan, name="meeting_plan"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meetings.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/compose/", meetings.meeting_compose, name="meeting_compose"),
    path("meetings/<int:pk>/items/", meetings.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendees/", meetings.attendee_add, name="attendee_add"),
    path("meetings/<int:pk>/hold/", meetings.meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/cancel/", meetings.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/consultation/", meetings.consultation_open, name="consultation_open"),
    path("meetings/<int:pk>/consultation/link/", meetings.consultation_link, name="consultation_link"),
    path("items/<int:pk>/resolve/", meetings.agenda_resolve, name="agenda_resolve"),
    # disputes (矛盾纠纷) and petitions (信访)
    path("units/<int:pk>/disputes/", cases.disputes, name="disputes"),
    path("units/<int:pk>/petitions/", cases.petitions, name="petitions"),
    path("disputes/<int:pk>/decide/", cases.dispute_decide, name="dispute_decide"),
    path("petitions/<int:pk>/decide/", cases.petition_decide, name="petition_decide"),
]
