from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, *, per_page: int | None = None):
    """A page of `queryset` from ?page=; bad or out-of-range numbers give the nearest valid page."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))
