"""A person's own lists: the third-party evaluator's results to evaluate and evaluations done (with their scores),
and a resident's followed results. Thin: the selectors say what is the person's."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from shangliang.accountability import selectors
from shangliang.core.access import LoginRequired
from shangliang.core.pagination import paginate


def _login(request) -> None:
    if not request.user.is_authenticated:
        raise LoginRequired


@require_GET
def evaluations(request):
    """第三方评估: posted results in the evaluator's area waiting for their evaluation; below, those done."""
    _login(request)
    user = request.user
    return render(
        request,
        "accountability/evaluations.html",
        {
            "waiting": paginate(request, selectors.results_to_evaluate(user)),
            "done": list(selectors.evaluations_by(user)[:100]),
        },
    )


@require_GET
def followed(request):
    """关注的结果: the tasks a resident follows, with their state and, once done, the rating link."""
    _login(request)
    return render(
        request,
        "accountability/followed.html",
        {"page": paginate(request, selectors.followed_tasks(request.user))},
    )
