"""Personal data at rest: SM4-GCM encryption (GB/T 32907) and HMAC-SM3 keyed hashes (GB/T 32905), through
`cryptography`.

Keys come from the environment (settings.FIELD_ENCRYPTION_KEYS, newest first, and settings.FIELD_HASH_KEY); with
DEBUG on and nothing set, development keys are derived from SECRET_KEY so that nothing needs configuring to run.

- `encrypt(value, context=…)` / `decrypt(token, context=…)`: a text token `sm4gcm$<key id>$<base64url(nonce‖ct‖tag)>`;
  the context (e.g. "residents.contact.mobile") is authenticated data, so a token copied into another column does not
  decrypt. `encrypt_bytes`/`decrypt_bytes` do the same for files (backups).
- `EncryptedTextField`: a model column that stores the token and reads back the plain text. Not searchable: store a
  `keyed_hash` beside it for lookups and uniqueness.
- `keyed_hash(value, purpose=…)`: HMAC-SM3 under a key derived per purpose, hex (64 characters): the same input gives
  the same hash, so it can be indexed and compared, but without the key nobody can try all 10^11 mobile numbers.
- `mac(data, purpose=…)` / `mac_verify`: HMAC-SM3 of bytes (the audit chain uses it).
- Key rotation: put a new key first in FIELD_ENCRYPTION_KEYS (`manage.py field_keys new` prints one), keep the old
  ones after it, run `manage.py field_keys rotate` (re-encrypts every EncryptedTextField row under the newest key),
  then drop the old key. The hash key is not rotated: hashes of numbers kept only as hashes cannot be recomputed.
"""

from __future__ import annotations

import base64
import binascii
import hmac as std_hmac
import os
import re
from dataclasses import dataclass
from functools import cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as crypto_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection, models

PREFIX = "sm4gcm"
NONCE_BYTES = 12
TAG_BYTES = 16
KEY_ID = re.compile(r"^[a-z0-9]{1,8}$")
_TOKEN = re.compile(r"^sm4gcm\$([a-z0-9]{1,8})\$([A-Za-z0-9_-]+=*)$")


class DecryptionError(Exception):
    """A token that no configured key opens, or that was altered or moved to another context."""


@dataclass(frozen=True)
class Keys:
    current: str
    by_id: dict[str, bytes]
    hash_key: bytes


def _sm3_hmac(key: bytes, data: bytes) -> bytes:
    h = crypto_hmac.HMAC(key, hashes.SM3())
    h.update(data)
    return h.finalize()


def hmac_sm3(key: bytes, data: bytes) -> str:
    """Plain HMAC-SM3 under a caller's own key, hex (for a chain whose key the caller manages)."""
    return _sm3_hmac(key, data).hex()


def parse_keys(entries: list[str]) -> list[tuple[str, bytes]]:
    """`["2:<32 hex digits>", "1:<32 hex digits>"]` → [(id, 16-byte key)], newest first; fails loudly on a bad entry."""
    parsed: list[tuple[str, bytes]] = []
    for entry in entries:
        kid, _sep, hexkey = entry.partition(":")
        try:
            key = binascii.unhexlify(hexkey.strip())
        except (binascii.Error, ValueError):
            key = b""
        if not KEY_ID.match(kid.strip()) or len(key) != 16:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS entries are 'id:32 hex digits' (id: up to 8 lowercase letters or digits)"
            )
        parsed.append((kid.strip(), key))
    if len({kid for kid, _k in parsed}) != len(parsed):
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS names one key id twice")
    return parsed


@cache
def keys() -> Keys:
    entries = parse_keys(list(getattr(settings, "FIELD_ENCRYPTION_KEYS", []) or []))
    hash_hex = (getattr(settings, "FIELD_HASH_KEY", "") or "").strip()
    if not entries or not hash_hex:
        if not settings.DEBUG:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS and FIELD_HASH_KEY must be set when DEBUG is off")
        seed = settings.SECRET_KEY.encode()
        if not entries:
            entries = [("dev", _sm3_hmac(seed, b"shangliang.crypto.field-key")[:16])]
        hash_key = _sm3_hmac(seed, b"shangliang.crypto.hash-key") if not hash_hex else bytes.fromhex(hash_hex)
    else:
        try:
            hash_key = bytes.fromhex(hash_hex)
        except ValueError as exc:
            raise ImproperlyConfigured("FIELD_HASH_KEY is hexadecimal (64 digits)") from exc
        if len(hash_key) < 16:
            raise ImproperlyConfigured("FIELD_HASH_KEY needs at least 32 hex digits")
    return Keys(current=entries[0][0], by_id=dict(entries), hash_key=hash_key)


def reset_keys() -> None:
    """Forget the cached keys (after settings changed: tests, the rotation command)."""
    keys.cache_clear()
    _purpose_key.cache_clear()


def new_key_hex() -> str:
    return os.urandom(16).hex()


# ---- encryption ------------------------------------------------------------------------------------------------


def encrypt_bytes(data: bytes, *, context: str) -> bytes:
    """nonce ‖ ciphertext ‖ tag under the current key; the key id is returned in front, ASCII, ended by b"$"."""
    k = keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(k.by_id[k.current]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(data) + encryptor.finalize()
    return k.current.encode() + b"$" + nonce + body + encryptor.tag


def decrypt_bytes(blob: bytes, *, context: str) -> bytes:
    kid, sep, rest = blob.partition(b"$")
    key = keys().by_id.get(kid.decode("ascii", "replace")) if sep else None
    if key is None or len(rest) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("unknown key or malformed data")
    nonce, body, tag = rest[:NONCE_BYTES], rest[NONCE_BYTES:-TAG_BYTES], rest[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionError("altered data, wrong key or wrong context") from exc


def sm4_gcm_seal(key: bytes, nonce: bytes, data: bytes, *, aad: bytes) -> bytes:
    """SM4-GCM under a caller's own key (a backup's): ciphertext ‖ tag. The nonce must never repeat under a key."""
    encryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    return encryptor.update(data) + encryptor.finalize() + encryptor.tag


def sm4_gcm_open(key: bytes, nonce: bytes, sealed: bytes, *, aad: bytes) -> bytes:
    if len(sealed) < TAG_BYTES:
        raise DecryptionError("malformed data")
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, sealed[-TAG_BYTES:])).decryptor()
    decryptor.authenticate_additional_data(aad)
    try:
        return decryptor.update(sealed[:-TAG_BYTES]) + decryptor.finalize()
    except InvalidTag as exc:
        raise DecryptionError("altered data or wrong key") from exc


def derived_development_key(purpose: bytes) -> bytes:
    """A 16-byte key derived from SECRET_KEY, for development only (DEBUG on and no key set)."""
    return _sm3_hmac(settings.SECRET_KEY.encode(), purpose)[:16]


def encrypt(value: str, *, context: str) -> str:
    blob = encrypt_bytes(value.encode(), context=context)
    kid, _sep, rest = blob.partition(b"$")
    return f"{PREFIX}${kid.decode()}${base64.urlsafe_b64encode(rest).decode()}"


def is_token(value) -> bool:
    return isinstance(value, str) and bool(_TOKEN.match(value))


def token_key_id(token: str) -> str:
    match = _TOKEN.match(token)
    return match.group(1) if match else ""


def decrypt(token: str, *, context: str) -> str:
    match = _TOKEN.match(token or "")
    if not match:
        raise DecryptionError("not an encrypted value")
    try:
        rest = base64.urlsafe_b64decode(match.group(2))
    except (binascii.Error, ValueError) as exc:
        raise DecryptionError("malformed data") from exc
    return decrypt_bytes(match.group(1).encode() + b"$" + rest, context=context).decode()


# ---- keyed hashes ----------------------------------------------------------------------------------------------


@cache
def _purpose_key(purpose: str) -> bytes:
    return _sm3_hmac(keys().hash_key, b"shangliang.purpose:" + purpose.encode())


def mac(data: bytes, *, purpose: str) -> str:
    """HMAC-SM3 of `data` under the key of `purpose`, hex."""
    return _sm3_hmac(_purpose_key(purpose), data).hex()


def mac_verify(data: bytes, digest: str, *, purpose: str) -> bool:
    return std_hmac.compare_digest(mac(data, purpose=purpose), str(digest or ""))


def keyed_hash(value: str, *, purpose: str) -> str:
    """The searchable stand-in of a personal value (a mobile number, an ID number): HMAC-SM3, 64 hex digits."""
    return mac(value.encode(), purpose=purpose)


def mobile_hash(mobile: str) -> str:
    """The one keyed hash of a mainland mobile number, wherever numbers are compared (accounts, residents)."""
    return keyed_hash(mobile, purpose="mobile") if mobile else ""


# ---- model field -----------------------------------------------------------------------------------------------


class EncryptedTextField(models.TextField):
    """Text stored as an SM4-GCM token, read back as plain text; the empty string stays empty (so `blank` works).

    Lookups on it do not work (every encryption differs): filter on a keyed-hash column beside it. Serialisation
    (dumpdata) writes the token, never the plain text; loaddata reads tokens and plain values alike.
    """

    description = "Text encrypted at rest (SM4-GCM)"

    @property
    def context(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, context=self.context)

    def to_python(self, value):
        if is_token(value):
            try:
                return decrypt(value, context=self.context)
            except DecryptionError:
                return value
        return super().to_python(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "" or is_token(value):
            return value
        return encrypt(str(value), context=self.context)

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return self.get_prep_value(value) or ""


def encrypted_fields() -> list[EncryptedTextField]:
    """Every EncryptedTextField of every installed model (the rotation command and the tests walk them)."""

    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        found.extend(f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField))
    return found


def rotate(*, batch: int = 500) -> dict[str, int]:
    """Re-encrypt every stored token not under the current key; returns {"app.model.field": rows rewritten}."""
    return {f"{f.model._meta.label_lower}.{f.name}": rotate_field(f, batch=batch) for f in encrypted_fields()}


def rotate_field(field: EncryptedTextField, *, batch: int = 500) -> int:
    """Bring every value of one encrypted column under the current key (a plain value left by a migration that
    turned a text column into an encrypted one is encrypted); returns the rows rewritten.

    Reads the raw tokens in SQL (the ORM would decrypt them) in primary-key batches and writes each row with a
    conditional update on its old token, so a row changed meanwhile is left to the next run, not overwritten.
    Migrations call it with their historical model's field (same table, same context).
    """
    current = keys().current
    model = field.model
    table, column, pk = model._meta.db_table, field.column, model._meta.pk.column
    quote = connection.ops.quote_name
    context = f"{model._meta.label_lower}.{field.name}"
    count, last = 0, None
    while True:
        where = f"{quote(column)} <> ''" + (f" AND {quote(pk)} > %s" if last is not None else "")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} WHERE {where} "  # noqa: S608 (quoted names)
                f"ORDER BY {quote(pk)} LIMIT {int(batch)}",
                [last] if last is not None else [],
            )
            rows = cursor.fetchall()
        if not rows:
            return count
        for row_pk, token in rows:
            last = row_pk
            if token is None or token_key_id(token) == current:
                continue
            plain = decrypt(token, context=context) if is_token(token) else token
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608 (quoted names)
                    f"WHERE {quote(pk)} = %s AND {quote(column)} = %s",
                    [encrypt(plain, context=context), row_pk, token],
                )
                count += cursor.rowcount
