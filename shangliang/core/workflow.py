"""One transition table per workflow, and the one function that applies it.

A workflow model has a `status` field (TextChoices). Its table maps (from, action) → to, with the rules permission
that decides who may, whether a note is required and whether the step is public. `Workflow.apply` refuses with
NotAllowed ("not allowed for you") or NotPossible ("not possible in this state"), changes the status under a row
lock and writes the Event in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import models, transaction
from django.utils.translation import gettext as _

from shangliang.core import audit
from shangliang.core.errors import InvalidInput, NotAllowed, NotPossible
from shangliang.core.events import record_event


@dataclass(frozen=True)
class Transition:
    source: str
    action: str
    target: str
    permission: str
    note_required: bool = False
    public: bool = False


@dataclass
class Workflow:
    name: str
    transitions: Iterable[Transition]
    action_labels: dict[str, str] = field(default_factory=dict)
    state_field: str = "status"

    def __post_init__(self) -> None:
        self.transitions = tuple(self.transitions)
        self._table: dict[tuple[str, str], Transition] = {}
        for t in self.transitions:
            key = (t.source, t.action)
            if key in self._table:
                raise ValueError(f"{self.name}: duplicate transition {key}")
            self._table[key] = t

    def actions(self) -> set[str]:
        return {t.action for t in self.transitions}

    def transition_for(self, state: str, action: str) -> Transition | None:
        return self._table.get((state, action))

    def available(self, obj: models.Model, user) -> list[Transition]:
        """Transitions the user may take from the object's current state (for buttons)."""
        state = getattr(obj, self.state_field)
        return [t for t in self.transitions if t.source == state and user.has_perm(t.permission, obj)]

    def _label(self, action: str) -> str:
        return str(self.action_labels.get(action, action))

    def permission_for(self, state: str, action: str) -> str | None:
        """The rules permission that decides who may take `action` from `state` (where the state has no such step:
        the action's permission anywhere, so that "not allowed for you" comes before "not possible now"); None for an
        action the table does not know."""
        transition = self._table.get((state, action))
        if transition is None:
            transition = next((t for t in self.transitions if t.action == action), None)
        return transition.permission if transition else None

    def permits(self, obj: models.Model, user, actions: Iterable[str]) -> bool:
        """Whether `user` may take one of `actions` on `obj`: the question a view asks before it reads any input
        (core.access.get_for_action). Whether the step is possible in this state is the service's answer."""
        if user is None:
            return False
        state = getattr(obj, self.state_field)
        for action in actions:
            permission = self.permission_for(state, action)
            if permission is not None and user.has_perm(permission, obj):
                return True
        return False

    def check(self, obj: models.Model, *, action: str, actor) -> Transition:
        """Raise the right refusal, or return the transition that applies."""
        state = getattr(obj, self.state_field)
        permission = self.permission_for(state, action)
        if permission is None:
            raise NotPossible(_("未知操作：%(action)s") % {"action": action})
        transition = self._table.get((state, action))
        if actor is None or not actor.has_perm(permission, obj):
            raise NotAllowed(_("您无权执行“%(action)s”。") % {"action": self._label(action)})
        if transition is None:
            state_label = obj._meta.get_field(self.state_field).flatchoices
            state_name = dict(state_label).get(state, state)
            raise NotPossible(
                _("当前状态为“%(state)s”，不能执行“%(action)s”。")
                % {"state": state_name, "action": self._label(action)}
            )
        return transition

    def move(self, obj: models.Model, *, action: str) -> Transition:
        """Set the state of `obj` by the table, for a part of a larger object (a participant's invitation, a
        suggestion, an extension request, a follow-up check) whose owner's service has checked the permission and
        records the event on the owner. The caller saves. NotPossible when the table has no such step."""
        state = getattr(obj, self.state_field)
        transition = self._table.get((state, action))
        if transition is None:
            state_name = dict(obj._meta.get_field(self.state_field).flatchoices).get(state, state)
            raise NotPossible(
                _("当前状态为“%(state)s”，不能执行“%(action)s”。")
                % {"state": state_name, "action": self._label(action)}
            )
        setattr(obj, self.state_field, transition.target)
        return transition

    def target(self, state: str, action: str) -> str:
        """The state `action` leads to from `state` (for a bulk update of rows that are all in `state`)."""
        transition = self._table.get((state, action))
        if transition is None:
            raise NotPossible(_("未知操作：%(action)s") % {"action": self._label(action)})
        return transition.target

    def apply(
        self,
        obj: models.Model,
        *,
        action: str,
        actor,
        note: str = "",
        data: dict | None = None,
        extra_update_fields: Iterable[str] = (),
    ):
        """Apply `action` to `obj`: checks, row lock, status change and Event in one transaction.

        Callers that change other fields as part of the step set them on `obj` first and name them in
        `extra_update_fields`, so they are saved in the same UPDATE.
        """
        note = (note or "").strip()
        transition = self.check(obj, action=action, actor=actor)
        if transition.note_required and not note:
            raise InvalidInput(_("“%(action)s”需要填写说明。") % {"action": self._label(action)}, field="note")
        with transaction.atomic():
            # Lock the row and re-read the state: two people clicking at once must not both succeed.
            current = (
                type(obj)
                ._default_manager.select_for_update()
                .filter(pk=obj.pk)
                .values_list(self.state_field, flat=True)
                .first()
            )
            if current != transition.source:
                raise NotPossible(_("该事项的状态已被他人更改，请刷新后重试。"))
            setattr(obj, self.state_field, transition.target)
            obj.save(update_fields=[self.state_field, *extra_update_fields, *self._auto_now_fields(obj)])
            event = record_event(
                obj,
                actor=actor,
                action=action,
                from_state=transition.source,
                to_state=transition.target,
                note=note,
                public=transition.public,
                data=data or {},
            )
            audit.record(
                audit.WORKFLOW_TRANSITION,
                actor=actor,
                subject=obj,
                unit=event.unit_id,
                detail={
                    "workflow": str(self.name),
                    "action": action,
                    "from": transition.source,
                    "to": transition.target,
                },
            )
            return event

    @staticmethod
    def _auto_now_fields(obj: models.Model) -> list[str]:
        return [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
