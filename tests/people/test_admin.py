"""The Django admin, the system administrator's alone (三员): every people model's list, search and change pages open
without an N+1 query; accounts and reference lists can be added, role assignments and member links only read (they
change through the people services, which check permissions and write the audit trail)."""

import pytest
from django.urls import reverse

from shangliang.people.models import Department, Expertise, MemberLink, RoleAssignment, Sector, Talent, User
from tests.factories import DepartmentFactory, SectorFactory, UserFactory, assign, link

MODELS = [User, RoleAssignment, Sector, Department, MemberLink, Expertise, Talent]
READ_ONLY = {RoleAssignment, MemberLink}


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
def test_admin_pages_open(system_admin_client, rows, model, settings):
    client = system_admin_client
    if model is User:
        _allow_two_user_loads(settings)
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert model.objects.count() >= 2
    response = client.get(changelist)
    assert response.status_code == 200
    assert client.get(changelist, {"q": "李"}).status_code == 200
    obj = model.objects.order_by("pk").first()
    change = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    assert change.status_code == 200
    add = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code == (403 if model in READ_ONLY else 200)


def test_user_admin_shows_shangliang_fields(system_admin_client, world, settings):
    _allow_two_user_loads(settings)
    url = reverse("admin:people_user_change", args=[world.users["staff"].pk])
    page = system_admin_client.get(url).content.decode()
    for name in ("full_name", "phone"):
        assert f'name="{name}"' in page
    assert 'name="is_superuser"' not in page and 'name="is_demo"' not in page  # no flags that bypass the roles


@pytest.mark.parametrize("who", ["staff", "convenor"])
def test_admin_is_for_the_system_administrator_only(client, world, who):
    client.force_login(world.users[who])  # CPPCC staff in the app, but not the system administrator
    response = client.get(reverse("admin:people_roleassignment_changelist"), follow=True)
    assert response.status_code == 403


def test_a_superuser_does_not_open_the_admin(admin_client, world):
    assert admin_client.get(reverse("admin:index"), follow=True).status_code == 403
