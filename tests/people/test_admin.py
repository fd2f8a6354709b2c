"""Django admin for staff: every people model's list, search, edit and add pages open without an N+1 query."""

import pytest
from django.urls import reverse

from shangliang.people.models import Department, Expertise, MemberLink, RoleAssignment, Sector, Talent, User
from tests.factories import DepartmentFactory, SectorFactory, UserFactory, assign, link

MODELS = [User, RoleAssignment, Sector, Department, MemberLink, Expertise, Talent]


@pytest.fixture
def rows(world):
    """A few rows of each model, so list pages would repeat a query per row if they could."""
    for name in ("农业界", "经济界", "教育界"):
        SectorFactory(county=world.a, name=name)
    DepartmentFactory(county=world.a, name="民政局")
    DepartmentFactory(county=world.b, name="水利局")
    member = UserFactory(full_name="周委员")
    assign(member, "member", world.a)
    link(member, world.v2)
    link(member, world.t2, kind="area")
    talent = Talent.objects.create(county=world.a, name="李教授", kind="expert", user=world.users["expert"])
    talent.fields.set([Expertise.objects.create(name="法律"), Expertise.objects.create(name="城建")])
    Talent.objects.create(county=world.b, name="赵律师", kind="lawyer")
    return world


def _allow_two_user_loads(settings):
    # The change page of a user loads two users: the one signed in and the one edited. That is not an N+1.
    settings.ZEAL_ALLOWLIST = [{"model": "people.User", "field": "get()"}]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_admin_pages_open(admin_client, rows, model, settings):
    if model is User:
        _allow_two_user_loads(settings)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert model.objects.count() >= 2
    response = admin_client.get(changelist)
    assert response.status_code == 200
    assert admin_client.get(changelist, {"q": "李"}).status_code == 200
    obj = model.objects.order_by("pk").first()
    assert (
        admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])).status_code == 200
    )
    assert admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).status_code == 200


def test_user_admin_shows_shangliang_fields(admin_client, world, settings):
    _allow_two_user_loads(settings)
    page = admin_client.get(reverse("admin:people_user_change", args=[world.users["staff"].pk])).content.decode()
    for name in ("full_name", "phone", "is_demo"):
        assert f'name="{name}"' in page


def test_admin_is_for_staff_only(client, world):
    client.force_login(world.users["staff"])  # CPPCC staff in the app, but not a Django staff account
    response = client.get(reverse("admin:people_roleassignment_changelist"))
    assert response.status_code == 302
