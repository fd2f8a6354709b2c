"""Public pages, no account needed, phone first: a village's disclosures, one disclosure with its versions and the
form to comment or object during its period, and the receipt that shows where an objection went."""

from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from shangliang.core.errors import DomainError
from shangliang.core.pagination import paginate
from shangliang.core.printing import print_context
from shangliang.core.ratelimit import RateLimited
from shangliang.units.models import Unit
from shangliang.villageaffairs import selectors, services
from shangliang.villageaffairs.forms import FeedbackForm
from shangliang.villageaffairs.models import PUBLIC_DISCLOSURE_STATUSES, Disclosure, Feedback, normalise_receipt
from shangliang.villageaffairs.selectors import VILLAGE_KINDS

PUBLIC = Disclosure.objects.select_related("unit", "power_item", "superseded_by").filter(
    status__in=PUBLIC_DISCLOSURE_STATUSES, unit__is_active=True
)


@require_GET
def village(request, pk):
    unit = get_object_or_404(Unit, pk=pk, is_active=True, kind__in=VILLAGE_KINDS)
    return render(
        request,
        "villageaffairs/public/village.html",
        {
            "unit": unit,
            "ancestors": Unit.objects.filter(path__in=unit.ancestor_paths()[:-1]).order_by("depth"),
            "page": paginate(request, selectors.public_disclosures(unit)),
        },
    )


@require_http_methods(["GET", "POST"])
def disclosure(request, pk):
    item = get_object_or_404(PUBLIC, pk=pk)
    form = FeedbackForm(request.POST or None)
    status = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            feedback = services.feedback_submit(
                actor=request.user,
                disclosure=item,
                kind=data["kind"],
                text=data["text"],
                name=data["name"],
                contact_consent=data["contact_consent"],
                visitor=request.visitor,
                idempotency_key=data["idempotency_key"],
            )
        except RateLimited:
            raise
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            status = exc.status_code
        else:
            return redirect("villageaffairs:receipt", feedback.receipt_code)
    elif form.is_bound:
        status = 400
    return render(
        request,
        "villageaffairs/public/disclosure.html",
        {
            "disclosure": item,
            "unit": item.unit,
            "documents": list(item.documents.all()),
            "versions": selectors.version_chain(item, public_only=True),
            "counts": selectors.feedback_counts(item),
            "form": form if item.is_open or form.is_bound else None,
        },
        status=status or 200,
    )


@require_GET
def disclosure_print(request, pk):
    """The disclosure on A4 for the village's bulletin board (村务公开栏), with a QR code back to the live page where
    residents comment or object."""
    item = get_object_or_404(PUBLIC, pk=pk)
    live = reverse("villageaffairs:public_disclosure", args=[item.pk])
    return render(
        request,
        "villageaffairs/public/disclosure_print.html",
        print_context(request, unit=item.unit, live_path=live, qr_title=item.title, disclosure=item),
    )


@require_GET
def receipt(request, code):
    feedback = get_object_or_404(
        Feedback.objects.select_related("disclosure__unit"), receipt_code=normalise_receipt(code)
    )
    return render(
        request,
        "villageaffairs/public/receipt.html",
        {
            "feedback": feedback,
            "disclosure": feedback.disclosure,
            "item": selectors.latest_agenda_item(feedback),
        },
    )
