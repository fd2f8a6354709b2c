"""Keys of personal data at rest (core.crypto).

    manage.py field_keys new       print a fresh SM4 key entry and a hash key (put them in the environment)
    manage.py field_keys rotate    re-encrypt every encrypted column under the newest FIELD_ENCRYPTION_KEYS entry
    manage.py field_keys status    how many stored values each key id holds

Rotation: prepend the new key to FIELD_ENCRYPTION_KEYS ("3:<hex>,2:<hex>"), restart, run `rotate`, check `status`
shows only the new id, then drop the old entry. Running it twice re-encrypts nothing the second time.
"""

from __future__ import annotations

from collections import Counter

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from shangliang.core import crypto


class Command(BaseCommand):
    help = "Create, rotate and count the keys that encrypt personal data at rest (SM4-GCM)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["new", "rotate", "status"])
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, action: str, batch: int, **options):
        if action == "new":
            self.stdout.write(f"FIELD_ENCRYPTION_KEYS entry: <id>:{crypto.new_key_hex()}")
            self.stdout.write(f"FIELD_HASH_KEY (once, never rotated): {crypto.new_key_hex()}{crypto.new_key_hex()}")
            return
        crypto.reset_keys()
        if action == "rotate":
            if batch < 1:
                raise CommandError("--batch must be positive")
            done = crypto.rotate(batch=batch)
            for name, count in sorted(done.items()):
                self.stdout.write(f"{name}: {count} re-encrypted")
            self.stdout.write(f"current key: {crypto.keys().current}")
            return
        quote = connection.ops.quote_name
        for field in crypto.encrypted_fields():
            ids: Counter[str] = Counter()
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(field.column)} FROM {quote(field.model._meta.db_table)} "  # noqa: S608
                    f"WHERE {quote(field.column)} <> ''"
                )
                for (token,) in cursor.fetchall():
                    ids[crypto.token_key_id(token or "") or "plain"] += 1
            label = f"{field.model._meta.label_lower}.{field.name}"
            self.stdout.write(f"{label}: " + (", ".join(f"{k}={v}" for k, v in sorted(ids.items())) or "empty"))
