from shangliang.security.selectors import policy


def session(request):
    """The idle timeout, for the warning a minute before it (static/security/idle.js)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"security_idle_seconds": policy().idle_timeout_minutes * 60}
