"""What /api/v1/ shows and accepts. Output serializers read prefetched data only (no query per row); input
serializers carry the Chinese labels an error names the field by."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shangliang.api import ratings


class ErrorItem(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(required=False)
    field_zh = serializers.CharField(required=False)
    field_en = serializers.CharField(required=False)


class Errors(serializers.Serializer):
    errors = ErrorItem(many=True)


class UnitOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    kind_label = serializers.CharField(source="get_kind_display")
    code = serializers.CharField()
    parent_path = serializers.SerializerMethodField()
    path = serializers.CharField()
    county_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()

    def get_parent_path(self, unit) -> str:
        return unit.path[: -unit.steplen]


class RoomOut(serializers.Serializer):
    id = serializers.IntegerField()
    unit_id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    stage = serializers.CharField()
    address = serializers.CharField()
    submit_url = serializers.SerializerMethodField(help_text="The page the room's QR code opens (raise a topic).")
    qr_png_url = serializers.SerializerMethodField()
    updated_at = serializers.DateTimeField()

    def _url(self, name, room) -> str:
        request = self.context.get("request")
        path = reverse(name, args=[room.pk])
        return request.build_absolute_uri(path) if request is not None else path

    def get_submit_url(self, room) -> str:
        return self._url("topics:submit", room)

    def get_qr_png_url(self, room) -> str:
        return self._url("topics:qr_png", room)


class RatingSummaryOut(serializers.Serializer):
    count = serializers.IntegerField(help_text="How many residents rated (the tasks' current round).")
    average = serializers.FloatField(allow_null=True, help_text="1–5; null before anyone rated.")
    satisfied = serializers.IntegerField(help_text="Scores of 4–5.")
    dissatisfied = serializers.IntegerField(help_text="Scores of 1–2.")
    satisfied_percent = serializers.FloatField(allow_null=True, help_text="Share of 4–5 scores, in %.")


RATING_HELP = "Residents' ratings (群众评价) of its tasks, as the public page shows them."


class TopicOut(serializers.Serializer):
    code = serializers.CharField(source="tracking_code")
    title = serializers.CharField()
    description = serializers.CharField()
    source = serializers.CharField()
    category = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    stage = serializers.SerializerMethodField()
    stage_label = serializers.SerializerMethodField()
    open = serializers.SerializerMethodField()
    unit_id = serializers.IntegerField()
    room_id = serializers.IntegerField(allow_null=True)
    submitter = serializers.CharField(source="public_submitter")
    urgent = serializers.BooleanField()
    supports_count = serializers.IntegerField()
    responsible = serializers.SerializerMethodField()
    expected_date = serializers.SerializerMethodField()
    rating = serializers.SerializerMethodField(help_text=RATING_HELP)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def _progress(self, topic):
        return self.context["progress"][topic.pk]

    def get_stage(self, topic) -> str:
        return self._progress(topic).stage

    def get_stage_label(self, topic) -> str:
        return self._progress(topic).label

    def get_open(self, topic) -> bool:
        return self._progress(topic).open

    def get_responsible(self, topic) -> list[str]:
        return self._progress(topic).responsible

    def get_expected_date(self, topic) -> str | None:
        expected = self._progress(topic).expected
        return expected.isoformat() if expected else None

    @extend_schema_field(RatingSummaryOut)
    def get_rating(self, topic) -> dict:
        tasks = [t for c in topic.consultations.all() for t in c.tasks.all()]
        found = ratings.of_tasks(self.context, tasks)
        return ratings.as_data(ratings.combined(found.get(t.pk) for t in tasks))


class TimelineEntry(serializers.Serializer):
    at = serializers.DateTimeField(source="created_at")
    action = serializers.CharField()
    label = serializers.CharField()
    to_state = serializers.CharField()
    note = serializers.CharField()


class TopicDetail(TopicOut):
    timeline = TimelineEntry(many=True, source="public_timeline")


class TopicIn(serializers.Serializer):
    description = serializers.CharField(label=_("详细描述"), max_length=2000)
    title = serializers.CharField(label=_("标题"), max_length=100, required=False, allow_blank=True)
    unit_id = serializers.IntegerField(label=_("所属单元"), required=False, min_value=1, max_value=2**62)
    name = serializers.CharField(label=_("反映人姓名"), max_length=50, required=False, allow_blank=True)
    mobile = serializers.CharField(label=_("联系手机"), max_length=20, required=False, allow_blank=True)
    contact_consent = serializers.BooleanField(label=_("同意联系"), required=False, default=False)
    address = serializers.CharField(label=_("地点"), max_length=200, required=False, allow_blank=True)
    photos = serializers.ListField(
        label=_("照片"), child=serializers.ImageField(), required=False, max_length=3, allow_empty=True
    )


class TaskOut(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    percent = serializers.IntegerField()
    deadline = serializers.DateField()
    body = serializers.CharField(source="body_name")
    owner_name = serializers.CharField()
    unit_id = serializers.IntegerField()
    consultation_id = serializers.IntegerField()
    consultation_title = serializers.CharField(source="consultation.title")
    suggestion = serializers.CharField(source="suggestion.text")
    signed_at = serializers.DateTimeField(allow_null=True)
    reported_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    rating = serializers.SerializerMethodField(help_text="Residents' ratings (群众评价) of the task's current round.")
    updated_at = serializers.DateTimeField()

    @extend_schema_field(RatingSummaryOut)
    def get_rating(self, task) -> dict:
        return ratings.as_data(ratings.of_tasks(self.context, [task]).get(task.pk))


class NoteIn(serializers.Serializer):
    note = serializers.CharField(label=_("说明"), max_length=500, required=False, allow_blank=True)


class ReasonIn(serializers.Serializer):
    reason = serializers.CharField(label=_("申请退回理由"), max_length=1000)


class ProgressIn(serializers.Serializer):
    text = serializers.CharField(label=_("进展情况"), max_length=2000)
    percent = serializers.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    files = serializers.ListField(
        label=_("佐证材料"), child=serializers.FileField(), required=False, max_length=5, allow_empty=True
    )


class CompletionIn(serializers.Serializer):
    text = serializers.CharField(label=_("办理结果"), max_length=2000)
    files = serializers.ListField(label=_("佐证材料"), child=serializers.FileField(), min_length=1, max_length=5)


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    task_id = serializers.IntegerField()
    text = serializers.CharField()
    percent = serializers.IntegerField()
    is_completion = serializers.BooleanField()
    created_at = serializers.DateTimeField()


class ResultTask(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    body = serializers.CharField(source="body_name")
    deadline = serializers.DateField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    percent = serializers.IntegerField()
    rating = serializers.SerializerMethodField(help_text="Residents' ratings (群众评价) of the task's current round.")

    @extend_schema_field(RatingSummaryOut)
    def get_rating(self, task) -> dict:
        return ratings.as_data(ratings.of_tasks(self.context, [task]).get(task.pk))


class ResultSuggestion(serializers.Serializer):
    order = serializers.IntegerField()
    text = serializers.CharField()
    tasks = ResultTask(many=True, source="tasks.all")


class ResultOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    unit_id = serializers.IntegerField()
    status = serializers.CharField()
    status_label = serializers.CharField(source="get_status_display")
    closed_at = serializers.DateTimeField(allow_null=True)
    suggestions = ResultSuggestion(many=True, source="public_suggestions")
    rating = serializers.SerializerMethodField(help_text=RATING_HELP)
    updated_at = serializers.DateTimeField()

    @extend_schema_field(RatingSummaryOut)
    def get_rating(self, consultation) -> dict:
        tasks = result_tasks([consultation])
        found = ratings.of_tasks(self.context, tasks)
        return ratings.as_data(ratings.combined(found.get(t.pk) for t in tasks))


def result_tasks(consultations) -> list:
    """The tasks of posted results (prefetched with their suggestions)."""
    return [t for c in consultations for sug in c.public_suggestions for t in sug.tasks.all()]


class ResultDetail(ResultOut):
    timeline = TimelineEntry(many=True, source="public_timeline")
