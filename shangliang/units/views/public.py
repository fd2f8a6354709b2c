"""Public pages: open to everyone, no personal data, aggregates only."""

from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from shangliang.core.pagination import paginate
from shangliang.units import selectors
from shangliang.units.models import Room, Unit, UnitKind

SEARCH_MAX = 50


@require_GET
def index(request):
    """The counties; with ?q=, every unit whose name contains the words (a village, a town, a community)."""
    query = request.GET.get("q", "").strip()[:SEARCH_MAX]
    if query:
        units = selectors.public_unit_search(query)
    else:
        units = Unit.objects.filter(kind=UnitKind.COUNTY, is_active=True).order_by("path")
    return render(request, "public/index.html", {"page": paginate(request, units), "query": query})


@require_GET
def unit(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("county"), pk=pk, is_active=True)
    children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, is_active=True).order_by("path")
    return render(
        request,
        "public/unit.html",
        {
            "unit": unit,
            "ancestors": selectors.ancestors(unit),
            "rooms": Room.objects.filter(unit=unit).order_by("id"),
            "children_page": paginate(request, children, per_page=60),
            "coverage_now": selectors.coverage(unit) if unit.depth and not unit.is_room_bearing else None,
            "public_rooms": selectors.public_room_status(unit),
        },
    )
