"""Database settings for the dashboards' reads."""

from functools import wraps

from django.db import connection, transaction


def jit_off(cursor=None) -> None:
    """PostgreSQL compiles a query with JIT when its estimated cost is high: 100-150 ms spent before the first row,
    for aggregates that then run in a few milliseconds. The dashboards turn it off for their own reads."""
    if connection.vendor != "postgresql":
        return
    if cursor is not None:
        cursor.execute("SET LOCAL jit = off")
        return
    with connection.cursor() as c:
        c.execute("SET jit = off")


def without_jit(view):
    """Run a view in one transaction with JIT off (SET LOCAL: the connection is left as it was)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if connection.vendor != "postgresql":
            return view(request, *args, **kwargs)
        with transaction.atomic():
            with connection.cursor() as cursor:
                jit_off(cursor)
            return view(request, *args, **kwargs)

    return wrapped
