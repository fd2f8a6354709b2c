"""Django admin for staff. Daily work happens in the app (services keep the event log); this is the back office."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from shangliang.people.models import Department, Expertise, MemberLink, RoleAssignment, Sector, Talent, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("个人信息"), {"fields": ("full_name", "phone", "email")}),
        (
            _("权限"),
            {"fields": ("is_active", "is_staff", "is_superuser", "is_demo", "groups", "user_permissions")},
        ),
        (_("重要日期"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "phone", "password1", "password2")}),
    )
    list_display = ("username", "full_name", "masked_phone", "email", "is_active", "is_staff", "is_demo")
    list_filter = ("is_active", "is_staff", "is_superuser", "is_demo")
    search_fields = ("username", "full_name", "email")  # the phone is encrypted: not searchable as text
    ordering = ("username",)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ("name", "county")
    list_select_related = ("county",)
    search_fields = ("name", "county__name")
    raw_id_fields = ("county",)


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "county", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("county",)
    search_fields = ("name", "county__name")
    raw_id_fields = ("county",)


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "position", "unit", "title", "assumed_at", "renounced_at")
    list_filter = ("role", "position", "renounced_at")
    list_select_related = ("user", "unit")
    search_fields = ("user__username", "user__full_name", "unit__name", "title")
    raw_id_fields = ("unit",)
    autocomplete_fields = ("user", "sector", "department", "created_by")
    date_hierarchy = "assumed_at"


@admin.register(MemberLink)
class MemberLinkAdmin(admin.ModelAdmin):
    list_display = ("member", "unit", "kind", "sector", "started_on", "ended_on")
    list_filter = ("kind", "ended_on")
    list_select_related = ("member", "unit", "sector")
    search_fields = ("member__username", "member__full_name", "unit__name")
    raw_id_fields = ("unit",)
    autocomplete_fields = ("member", "sector")


@admin.register(Expertise)
class ExpertiseAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(Talent)
class TalentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organisation", "title", "county", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("county",)
    search_fields = ("name", "organisation", "title", "fields__name")
    raw_id_fields = ("county",)
    autocomplete_fields = ("user", "fields")
