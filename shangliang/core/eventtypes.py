"""The vocabulary of events, in one registry (Wagtail's log-action registry): for every app and action, the label a
timeline, an export or a message shows, whether such an event is public, and the verb of its notifications.

Each app registers its vocabulary explicitly in AppConfig.ready() (`register_app_events`); pages read it through one
template filter, `{{ event|event_label }}` (core templatetags `shangliang`), and code through `label`/`label_of`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType

from shangliang.core.workflow import Workflow


@dataclass(frozen=True)
class EventType:
    app: str  # the app label of the subjects ("topics")
    action: str  # the event's action ("accept")
    label: str  # what people read (lazy: translated when shown)
    public: bool  # shown on public pages (the workflow's transitions say so for theirs)
    verb: str  # the verb of the notifications it sends ("topics.accept")


_registry: dict[tuple[str, str], EventType] = {}


def register_app_events(
    app: str,
    labels: Mapping[str, str],
    *,
    workflows: Iterable[Workflow] = (),
    public: Iterable[str] = (),
    verbs: Mapping[str, str] | None = None,
) -> None:
    """Register the app's event types: `labels` maps each action to its label; an action is public when one of the
    app's `workflows` records it publicly or it is named in `public`; `verbs` overrides "<app>.<action>"."""
    public_actions = set(public) | {t.action for w in workflows for t in w.transitions if t.public}
    verbs = verbs or {}
    for action, label in labels.items():
        _registry[(app, action)] = EventType(
            app=app,
            action=action,
            label=label,
            public=action in public_actions,
            verb=verbs.get(action, f"{app}.{action}"),
        )


def event_type(app: str, action: str) -> EventType | None:
    return _registry.get((app, action))


def label(app: str, action: str) -> str:
    """The label of `action` in `app`, or the action itself when it is not registered."""
    found = _registry.get((app, action))
    return str(found.label) if found is not None else action


def app_of(event) -> str:
    # ContentType.objects.get_for_id is cached: a page of events costs no query per event.
    return ContentType.objects.get_for_id(event.content_type_id).app_label


def label_of(event) -> str:
    """The label of an Event row."""
    return label(app_of(event), event.action)
