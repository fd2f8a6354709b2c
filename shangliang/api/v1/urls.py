"""/api/v1/: the loop's own REST API (see docs/api.md), its OpenAPI schema and documentation page."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import TemplateView
from drf_spectacular.views import SpectacularAPIView

from shangliang.api.v1 import civic, common, online, public, resident, tasks

urlpatterns = [
    path("client/", common.WhoAmI.as_view(), name="api_client"),
    path("units/", public.Units.as_view(), name="api_units"),
    path("rooms/", public.Rooms.as_view(), name="api_rooms"),
    path("topics/", public.Topics.as_view(), name="api_topics"),
    path("topics/<str:code>/", public.TopicByCode.as_view(), name="api_topic"),
    path("topics/<str:code>/support/", resident.Support.as_view(), name="api_topic_support"),
    path("resident/code/", resident.CodeSend.as_view(), name="api_resident_code"),
    path("resident/token/", resident.TokenIssue.as_view(), name="api_resident_token"),
    path("resident/topics/", resident.MyTopics.as_view(), name="api_resident_topics"),
    path("resident/statements/", online.MyStatements.as_view(), name="api_resident_statements"),
    path("results/", public.Results.as_view(), name="api_results"),
    path("results/<int:pk>/", public.ResultDetail.as_view(), name="api_result"),
    path("ratings/", resident.Ratings.as_view(), name="api_ratings"),
    path("units/<int:pk>/figures/", civic.Figures.as_view(), name="api_figures"),
    path("disclosures/", civic.Disclosures.as_view(), name="api_disclosures"),
    path("disclosures/<int:pk>/", civic.DisclosureDetail.as_view(), name="api_disclosure"),
    path("online-rooms/", online.Rooms.as_view(), name="api_online_rooms"),
    path("online-rooms/<int:pk>/", online.RoomDetail.as_view(), name="api_online_room"),
    path("online-rooms/<int:pk>/statements/", online.Statements.as_view(), name="api_online_statements"),
    path("online-rooms/<int:pk>/next/", online.Next.as_view(), name="api_online_next"),
    path("online-rooms/<int:pk>/votes/", online.Votes.as_view(), name="api_online_votes"),
    path("online-rooms/<int:pk>/results/", online.Results.as_view(), name="api_online_results"),
    path("tasks/", tasks.Tasks.as_view(), name="api_tasks"),
    path("tasks/<int:pk>/", tasks.TaskDetail.as_view(), name="api_task"),
    path("tasks/<int:pk>/sign/", tasks.Sign.as_view(), name="api_task_sign"),
    path("tasks/<int:pk>/hand-back/", tasks.HandBack.as_view(), name="api_task_hand_back"),
    path("tasks/<int:pk>/progress/", tasks.Progress.as_view(), name="api_task_progress"),
    path("tasks/<int:pk>/completion/", tasks.Completion.as_view(), name="api_task_completion"),
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="api_schema"),
    path("docs/", login_not_required(TemplateView.as_view(template_name="api/docs.html")), name="api_docs"),
    re_path(r"^", csrf_exempt(login_not_required(common.not_found))),
]
