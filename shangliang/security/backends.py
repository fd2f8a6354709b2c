"""Password sign-in: Django's ModelBackend, except that a superuser cannot sign in where superusers are not allowed
(production: the three administrators replace them; SECURITY_ALLOW_SUPERUSER, on only with DEBUG)."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend


class SecurityModelBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if user.is_superuser and not settings.SECURITY_ALLOW_SUPERUSER:
            return False
        return super().user_can_authenticate(user)
