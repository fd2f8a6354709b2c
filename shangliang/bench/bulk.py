"""Bulk loading for generated data: PostgreSQL's COPY (psycopg) where it helps, plain batched INSERTs elsewhere.

Rows are dicts of attnames; every other concrete field gets its null, its default, or (for auto_now fields) now.
Unique defaults (tracking codes, sign-in codes, tokens) must be given per row: a default is computed once.
Ids are chosen by the caller (`next_id`), so that rows can point at each other without reading anything back;
`finish` resets the sequences afterwards.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from shangliang.core import clock
from shangliang.core.db import refresh_statistics


class Loader:
    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.loaded: dict[str, int] = {}
        self._models: list[type] = []

    def next_id(self, model) -> int:
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def _defaults(self, fields) -> dict:
        now = clock.now()
        out = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                out[f.attname] = now
            elif f.null:
                out[f.attname] = None
            elif f.has_default():
                out[f.attname] = f.get_default()
            elif isinstance(f, (models.CharField, models.TextField, models.FileField)):
                out[f.attname] = ""
            else:
                out[f.attname] = _Missing(f.attname)
        return out

    def load(self, model, rows: Iterable[dict]) -> int:
        """Write the rows; when they carry no id, the table's sequence numbers them."""
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        rows = itertools.chain([first], rows)
        fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in first)]
        defaults = self._defaults(fields)
        names = [f.attname for f in fields]
        json_fields = {f.attname for f in fields if isinstance(f, models.JSONField)}

        def values(row: dict) -> list:
            out = []
            for name in names:
                v = row.get(name, defaults[name])
                if isinstance(v, _Missing):
                    raise ValueError(f"{model.__name__}.{name} needs a value")
                if name in json_fields:
                    v = json.dumps(v, ensure_ascii=False)
                out.append(v)
            return out

        n = self._write(model, fields, (values(r) for r in rows))
        self.loaded[model._meta.label] = self.loaded.get(model._meta.label, 0) + n
        if model not in self._models:
            self._models.append(model)
        return n

    def load_through(self, through, columns: list[str], rows: Iterable[tuple]) -> int:
        """Rows of an automatic many-to-many table (its id comes from the sequence)."""
        fields = [through._meta.get_field(c) for c in columns]
        n = self._write(through, fields, (list(r) for r in rows))
        self.loaded[through._meta.label] = self.loaded.get(through._meta.label, 0) + n
        return n

    def _write(self, model, fields, rows) -> int:
        table = connection.ops.quote_name(model._meta.db_table)
        cols = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        n = 0
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
                return n
            sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
            batch = []
            for row in rows:
                batch.append([f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)])
                if len(batch) >= 2000:
                    cursor.executemany(sql, batch)
                    n += len(batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)
                n += len(batch)
        return n

    def finish(self) -> None:
        """Point the id sequences past the ids written, and refresh the planner's statistics."""

        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), self._models):
                cursor.execute(sql)
        refresh_statistics()


class _Missing:
    def __init__(self, name: str):
        self.name = name
