from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

from shangliang.core.errors import DomainError
from shangliang.core.ratelimit import RateLimited


class DomainErrorMiddleware:
    """A DomainError escaping a view becomes a clear message, never a 500.

    For a form post the user is sent back to the page they came from with the message; otherwise an error page
    with the right status (403 for "not allowed for you", 409 for "not possible in this state", 400 for bad input).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, RateLimited):
            # The one "too many" page of every public write, whatever the form.
            response = render(request, "core/too_many.html", {"error": exception}, status=429)
            response["Retry-After"] = str(exception.retry_after)
            return response
        referer = request.headers.get("Referer", "")
        if request.method == "POST" and referer and not request.htmx and _same_origin(request, referer):
            messages.error(request, exception.message)
            return HttpResponseRedirect(referer)
        return render(request, "core/domain_error.html", {"error": exception}, status=exception.status_code)


def _same_origin(request, url: str) -> bool:

    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


class LanguageMiddleware:
    """Chinese unless the user chose otherwise with the language switch (its cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; here zh-hans is the default for everyone
    and English is reached only through the switch, as the offices asked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
