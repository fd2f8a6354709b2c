"""Issue 12, class 2: stored bad input must never break a reader.

A date or number outside the range every reader assumes is refused by the form (with a clear message), by the service
and by the model (validator and database constraint), and a reader handed one anyway does not fail.
"""

import importlib
import pkgutil
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse

import shangliang
from shangliang.consultations import norms
from shangliang.consultations.models import FrequencyNorm
from shangliang.core.errors import InvalidInput
from shangliang.core.months import add_months
from shangliang.core.validation import (
    DATE_MAX,
    DATE_MIN,
    InRange,
    check_range,
    clean_date,
    field_bounds,
    range_constraint_name,
)
from shangliang.units.models import Room, Unit

FAR = "9999-12-31"


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.users["staff"])
    return client


def test_far_establishment_date_is_refused_and_the_dashboards_stay_up(client, staff_client, world):
    response = staff_client.post(
        reverse("units:edit", args=[world.v1.pk]), {"name": "一村", "established_on": FAR, "description": ""}
    )
    assert response.status_code == 400
    assert "2099-12-31" in response.content.decode()
    world.v1.refresh_from_db()
    assert world.v1.established_on is None
    client.logout()
    for pk in (world.a.pk, world.t1.pk, world.v1.pk):
        assert client.get(reverse("dashboards:public", args=[pk])).status_code == 200


def test_far_norm_start_is_refused_and_the_rules_page_stays_up(staff_client, world):
    response = staff_client.post(
        reverse("consultations:rules", args=[world.a.pk]),
        {"what": "norm", "norm-level": "village", "norm-min_count": "1", "norm-period_months": "2",
         "norm-effective_from": FAR},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert "2099-12-31" in response.content.decode()
    assert not FrequencyNorm.objects.exists()
    assert staff_client.get(reverse("consultations:rules", args=[world.a.pk])).status_code == 200


@pytest.mark.parametrize(
    "update",
    [
        {"established_on": date(9999, 12, 31)},
        {"established_on": date(1, 1, 1)},
    ],
)
def test_the_database_refuses_what_no_form_would_store(world, update):
    """Imports, the API and raw saves go past forms; the constraint still holds."""
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=world.v1.pk).update(**update)


def test_the_database_refuses_a_far_norm_and_a_huge_year(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        FrequencyNorm.objects.create(county=world.a, level="village", min_count=1, period_months=2,
                                     effective_from=date(9999, 12, 31))  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        FrequencyNorm.objects.create(county=world.a, level="village", min_count=1, period_months=30000)
    with pytest.raises(IntegrityError), transaction.atomic():
        Room.objects.filter(pk=world.rooms["一村"].pk).update(stage_year=32000)


def test_full_clean_names_the_field(world):
    """The admin and model forms show the range on the field itself."""
    world.v1.established_on = date(9999, 12, 31)
    with pytest.raises(ValidationError) as caught:
        world.v1.full_clean()
    assert "established_on" in caught.value.message_dict
    assert "2099-12-31" in caught.value.message_dict["established_on"][0]


def test_services_refuse_far_dates_with_the_label():
    with pytest.raises(InvalidInput) as caught:
        clean_date("9999-12-31", label="设立日期", field="established_on")
    assert caught.value.field == "established_on"
    assert "设立日期" in str(caught.value.message)
    assert clean_date(DATE_MAX.isoformat(), label="x", field="x") == DATE_MAX
    assert check_range(5, label="次数", field="n", low=1, high=10) == 5
    with pytest.raises(InvalidInput):
        check_range(11, label="次数", field="n", low=1, high=10)


def test_readers_survive_a_far_date():
    """A value from before this guard (or a backup restored) must not take a page down either."""
    assert add_months(date(9999, 12, 31), 2) == date.max
    assert add_months(date(1, 1, 31), -2) == date.min
    spec = norms.NormSpec(1, 2, date(9999, 12, 31), True)
    status = norms.status_from(spec, Unit(kind="village"), [], date(2026, 5, 1))
    assert not status.behind and status.days_left > 0


def _project_models():
    return [m for m in apps.get_models() if m.__module__.startswith("shangliang.")]


def test_every_date_and_number_field_has_a_range_constraint():
    """A new model field is covered without anyone remembering to: core.apps guards every project model."""
    missing = []
    for model in _project_models():
        names = {c.name for c in model._meta.constraints if isinstance(c, models.CheckConstraint)}
        for field in model._meta.local_concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            if field_bounds(field) is None:
                assert not isinstance(field, models.DateField | models.DecimalField | models.SmallIntegerField)
                continue
            if range_constraint_name(model, field) not in names:
                missing.append(f"{model.__name__}.{field.name}")
            if not any(isinstance(v, InRange) for v in field.validators):
                missing.append(f"{model.__name__}.{field.name} (validator)")
    assert not missing
    # Dates in particular: every one of them is bounded by the same range.
    assert field_bounds(Unit._meta.get_field("established_on")) == (DATE_MIN, DATE_MAX)


def _project_forms() -> list[type[forms.BaseForm]]:
    for info in pkgutil.walk_packages(shangliang.__path__, "shangliang."):
        parts = info.name.split(".")
        if "migrations" in parts or not any("forms" in part or "views" in part for part in parts):
            continue  # forms live in forms and views modules; importing the rest (bench, demo) has side effects
        importlib.import_module(info.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("shangliang."):
                found.append(sub)
    return found


def test_every_form_date_and_number_field_has_the_range_validator():
    kinds = (forms.DateField, forms.DateTimeField, forms.IntegerField, forms.DecimalField, forms.FloatField)
    unguarded = []
    project_forms = _project_forms()
    assert len(project_forms) > 50
    for form_class in project_forms:
        for name, field in form_class.base_fields.items():
            if isinstance(field, kinds) and not any(isinstance(v, InRange) for v in field.validators):
                unguarded.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
    assert not unguarded


def test_a_date_field_reports_the_range_in_chinese():
    from shangliang.units.forms import UnitForm

    form = UnitForm({"name": "x", "established_on": FAR})
    assert not form.is_valid()
    assert form.errors["established_on"] == ["设立日期应在 1900-01-01 至 2099-12-31 之间。"]
