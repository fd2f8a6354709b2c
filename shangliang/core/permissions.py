from django.utils.translation import gettext as _

from shangliang.core.errors import NotAllowed


def require_perm(actor, perm: str, obj, message: str | None = None) -> None:
    """Services check permission themselves, so a rule holds whichever view or command calls them."""
    if actor is None or not actor.has_perm(perm, obj):
        raise NotAllowed(message or _("您无权进行此操作。"))
