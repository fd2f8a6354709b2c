"""Who is on a consultation's list, and whether that list is representative under the county's rule.

The seeds criticise consultations "dominated by party and government, where residents are not represented and
stakeholders are missing". A county configures the thresholds (RepresentativenessRule); a list that breaks one gets a
warning, and going on regardless needs a recorded reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from shangliang.consultations.models import (
    OFFICIAL_KINDS,
    InvitationStatus,
    Participant,
    ParticipantKind,
    RepresentativenessRule,
)


def rule_for(county) -> RepresentativenessRule:
    """The county's rule, or the defaults (unsaved) when the county has not configured one."""
    if county is None:
        return RepresentativenessRule()
    rule = RepresentativenessRule.objects.filter(county=county).first()
    return rule or RepresentativenessRule(county=county)


@dataclass(frozen=True)
class Concern:
    code: str
    message: str


@dataclass
class Composition:
    total: int
    by_kind: list[tuple[str, str, int]]  # (kind, label, count) in the order of ParticipantKind
    officials: int
    rule: RepresentativenessRule
    warnings: list[Concern] = field(default_factory=list)

    @property
    def official_percent(self) -> float | None:
        return None if self.total == 0 else 100.0 * self.officials / self.total

    @property
    def warning_codes(self) -> list[str]:
        return sorted(w.code for w in self.warnings)

    @property
    def representative(self) -> bool:
        return not self.warnings


def composition_of(kinds: Iterable[str], rule: RepresentativenessRule) -> Composition:
    """Counts and warnings for a list of participant kinds (declined invitations are left out by the caller)."""
    kinds = list(kinds)
    counts = dict.fromkeys(ParticipantKind.values, 0)
    for k in kinds:
        counts[k] = counts.get(k, 0) + 1
    total = len(kinds)
    officials = sum(counts[k] for k in OFFICIAL_KINDS)
    result = Composition(
        total=total,
        by_kind=[(k.value, k.label, counts[k.value]) for k in ParticipantKind],
        officials=officials,
        rule=rule,
    )
    if total < rule.min_participants:
        result.warnings.append(
            Concern(
                "too_few",
                _("参加人员只有 %(n)d 人，本县要求至少 %(min)d 人。") % {"n": total, "min": rule.min_participants},
            )
        )
    if counts[ParticipantKind.STAKEHOLDER] < rule.min_stakeholders:
        result.warnings.append(
            Concern(
                "stakeholders",
                _("利益相关方只有 %(n)d 人，本县要求至少 %(min)d 人：与议题利害相关的人不在场，协商难有代表性。")
                % {"n": counts[ParticipantKind.STAKEHOLDER], "min": rule.min_stakeholders},
            )
        )
    if counts[ParticipantKind.RESIDENT_REP] < rule.min_resident_reps:
        result.warnings.append(
            Concern(
                "resident_reps",
                _("群众代表只有 %(n)d 人，本县要求至少 %(min)d 人。")
                % {"n": counts[ParticipantKind.RESIDENT_REP], "min": rule.min_resident_reps},
            )
        )
    # Officials above the cap: compare in integers (officials × 100 > cap × total) so 50% of 4 is exactly allowed.
    if total and officials * 100 > rule.max_official_percent * total:
        result.warnings.append(
            Concern(
                "officials",
                _("职能部门和党员代表共 %(n)d 人，占 %(pct).0f%%，超过本县上限 %(max)d%%：防止党政主导协商。")
                % {"n": officials, "pct": 100.0 * officials / total, "max": rule.max_official_percent},
            )
        )
    return result


def composition(consultation, *, rule: RepresentativenessRule | None = None) -> Composition:
    if rule is None:
        rule = rule_for(consultation.unit.county if consultation.unit.county_id else None)
    kinds = (
        Participant.objects.filter(consultation=consultation)
        .exclude(status=InvitationStatus.DECLINED)
        .values_list("kind", flat=True)
    )
    return composition_of(kinds, rule)


def uncovered_warnings(consultation, comp: Composition) -> list[Concern]:
    """Warnings the recorded override reason does not cover (a new one needs a new reason)."""
    covered = set(consultation.representativeness_overridden or [])
    if not consultation.representativeness_override_reason:
        covered = set()
    return [w for w in comp.warnings if w.code not in covered]
