from django.urls import path

from shangliang.villageaffairs import case_views, disclosure_views, meeting_views, public_views, views

app_name = "villageaffairs"
urlpatterns = [
    path("units/<int:pk>/", views.overview, name="overview"),
    path("units/<int:pk>/powers/", views.power_list, name="powers"),
    path("units/<int:pk>/powers/add/", views.power_add, name="power_add"),
    path("powers/<int:pk>/edit/", views.power_edit, name="power_edit"),
    path("units/<int:pk>/norm/", views.norm, name="norm"),
    # disclosures (公示)
    path("units/<int:pk>/disclosures/", disclosure_views.disclosure_list, name="disclosures"),
    path("units/<int:pk>/disclosures/new/", disclosure_views.disclosure_new, name="disclosure_new"),
    path("disclosures/<int:pk>/", disclosure_views.disclosure_detail, name="disclosure"),
    path("disclosures/<int:pk>/edit/", disclosure_views.disclosure_edit, name="disclosure_edit"),
    path("disclosures/<int:pk>/correct/", disclosure_views.disclosure_correct, name="disclosure_correct"),
    path("disclosures/<int:pk>/publish/", disclosure_views.disclosure_publish, name="disclosure_publish"),
    path("disclosures/<int:pk>/discard/", disclosure_views.disclosure_discard, name="disclosure_discard"),
    path("disclosures/<int:pk>/documents/", disclosure_views.documents_add, name="documents_add"),
    path("documents/<int:pk>/", disclosure_views.document_download, name="document"),
    path("documents/<int:pk>/delete/", disclosure_views.document_delete, name="document_delete"),
    path("feedback/<int:pk>/reply/", disclosure_views.feedback_reply, name="feedback_reply"),
    # monthly meetings (月例会)
    path("units/<int:pk>/meetings/", meeting_views.meeting_list, name="meetings"),
    path("units/<int:pk>/meetings/plan/", meeting_views.meeting_plan, name="meeting_plan"),
    path("meetings/<int:pk>/", meeting_views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", meeting_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/compose/", meeting_views.meeting_compose, name="meeting_compose"),
    path("meetings/<int:pk>/items/", meeting_views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/attendees/", meeting_views.attendee_add, name="attendee_add"),
    path("meetings/<int:pk>/hold/", meeting_views.meeting_hold, name="meeting_hold"),
    path("meetings/<int:pk>/cancel/", meeting_views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/consultation/", meeting_views.consultation_open, name="consultation_open"),
    path("meetings/<int:pk>/consultation/link/", meeting_views.consultation_link, name="consultation_link"),
    path("items/<int:pk>/resolve/", meeting_views.agenda_resolve, name="agenda_resolve"),
    # disputes (矛盾纠纷) and petitions (信访)
    path("units/<int:pk>/disputes/", case_views.disputes, name="disputes"),
    path("units/<int:pk>/petitions/", case_views.petitions, name="petitions"),
    path("disputes/<int:pk>/decide/", case_views.dispute_decide, name="dispute_decide"),
    path("petitions/<int:pk>/decide/", case_views.petition_decide, name="petition_decide"),
    # public pages (no account needed)
    path("public/units/<int:pk>/", public_views.village, name="public_village"),
    path("public/disclosures/<int:pk>/", public_views.disclosure, name="public_disclosure"),
    path("public/receipts/<str:code>/", public_views.receipt, name="receipt"),
]
