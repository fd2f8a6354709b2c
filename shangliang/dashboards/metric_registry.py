"""The registry of figures: each metric is a function of a `Scope` registered with its title and definition
(`metrics` and `metrics_results` register theirs; pages, exports and assessments look them up here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from shangliang.dashboards.scope import Scope


@dataclass
class Table:
    columns: list[str]
    rows: list[list[Any]]  # the first cell of each row is its label
    links: list[str | None] = field(default_factory=list)  # per row: a unit to drill down to (its pk), or None
    chart_columns: list[int] = field(default_factory=lambda: [1])  # which columns the chart plots


@dataclass(frozen=True)
class Metric:
    key: str
    title: Promise
    definition: Promise
    fn: Callable[[Scope], Any]
    chart: str = ""  # bar, pie, line, funnel; "" for a number
    public: bool = True  # shown on the public dashboard (aggregates only)
    unit: Promise | str = ""
    do_not_call_in_templates = True  # templates read its title and definition; they must not call it

    def __call__(self, scope: Scope):
        return self.fn(scope)


METRICS: dict[str, Metric] = {}


def metric(key: str, title, definition, *, chart: str = "", public: bool = True, unit=""):
    def register(fn):
        METRICS[key] = Metric(key, title, definition, fn, chart, public, unit)
        return fn

    return register


def rate(part, whole) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)
