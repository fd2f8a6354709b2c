from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "shangliang.dashboards"
    label = "dashboards"
    verbose_name = _("统计与考核")

    def ready(self) -> None:
        from shangliang.core.periodic import register_periodic
        from shangliang.dashboards.cells import refill_line, register_handlers
        from shangliang.dashboards.counters import register_projectors

        # Flows are kept by delta inside the transaction of each change; cells of states at a moment are dropped
        # after the transaction that changed their data commits (core.events).
        register_projectors()
        register_handlers()
        # Runs after accountability's job (registered first: INSTALLED_APPS order), whose notices change figures.
        register_periodic("dashboards", refill_line)

        from shangliang.dashboards.unit_page import page_figures
        from shangliang.units.selectors import register_page_figures

        # The unit page of a county or above reads its coverage from the figure cache.
        register_page_figures(page_figures)

        from shangliang.people.desk import MenuEntry, has_any_role, register_menu_entry, sees_units, url
        from shangliang.people.models import Role

        # The menu shows 统计 to those with figures to see: units in the app, or a member's county (people.desk).
        register_menu_entry(
            MenuEntry(
                "dashboards",
                _("统计"),
                url("dashboards:index"),
                lambda user: sees_units(user) or has_any_role(Role.MEMBER)(user),
                order=50,
            )
        )
