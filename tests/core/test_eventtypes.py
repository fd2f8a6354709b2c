"""The one registry of event types: every app's vocabulary is registered at start-up and read by one filter."""

import pytest
from django.template import Context, Template
from django.utils import translation

from shangliang.accountability.workflow import TIMELINE_LABELS as TASK_LABELS
from shangliang.core import eventtypes
from shangliang.core.events import record_event
from shangliang.topics.workflow import TOPIC_WORKFLOW
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("app", "action"),
    [
        ("topics", "accept"),
        ("consultations", "create"),
        ("accountability", "remind"),
        ("online", "seed"),
        ("opinions", "endorse"),
        ("villageaffairs", "publish"),
    ],
)
def test_every_workflow_app_registers_its_events(app, action):
    assert eventtypes.event_type(app, action) is not None


def test_label_public_and_verb():
    with translation.override("zh-hans"):
        assert eventtypes.label("topics", "accept") == "受理"
        assert eventtypes.label("accountability", "remind") == str(TASK_LABELS["remind"])
    assert eventtypes.label("topics", "no-such-action") == "no-such-action"
    assert eventtypes.event_type("accountability", "remind").verb == "accountability.remind"
    public = {t.action for t in TOPIC_WORKFLOW.transitions if t.public}
    assert public and all(eventtypes.event_type("topics", a).public for a in public)


def test_the_filter_labels_an_event_by_its_subjects_app():
    unit = make_unit("甲县", "county")
    event = record_event(unit, actor=None, action="remind")
    html = Template("{% load shangliang %}{{ e|event_label }}").render(Context({"e": event}))
    assert html == "remind"  # units registers no vocabulary: the action itself is shown
