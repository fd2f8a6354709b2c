"""core.crypto: SM4-GCM tokens bound to their column, HMAC-SM3 keyed hashes, keys from the environment."""

from io import StringIO

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from shangliang.core import crypto
from shangliang.people.models import Talent, User
from tests.factories import TalentFactory, UnitKind, UserFactory, make_unit

KEY_A = "a:" + "00112233445566778899aabbccddeeff"
KEY_B = "b:" + "ffeeddccbbaa99887766554433221100"
HASH = "ab" * 32


@pytest.fixture
def two_keys(settings):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    settings.FIELD_HASH_KEY = HASH
    crypto.reset_keys()
    yield
    crypto.reset_keys()


def test_round_trip_and_no_plain_text_in_token(two_keys):
    token = crypto.encrypt("13812345678", context="t.mobile")
    assert token.startswith("sm4gcm$b$") and "13812345678" not in token
    assert crypto.decrypt(token, context="t.mobile") == "13812345678"
    # Random nonces: the same value encrypts differently each time.
    assert crypto.encrypt("13812345678", context="t.mobile") != token


def test_token_moved_to_another_column_or_altered_does_not_open(two_keys):
    token = crypto.encrypt("13812345678", context="t.mobile")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, context="t.other")
    altered = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(altered, context="t.mobile")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt("13812345678", context="t.mobile")


def test_old_key_still_opens_until_dropped(settings, two_keys):
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    crypto.reset_keys()
    old = crypto.encrypt("x", context="c")
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    crypto.reset_keys()
    assert crypto.token_key_id(old) == "a" and crypto.decrypt(old, context="c") == "x"
    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]
    crypto.reset_keys()
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(old, context="c")


def test_bytes_round_trip(two_keys):
    blob = crypto.encrypt_bytes(b"\x00backup\xff" * 100, context="backup")
    assert crypto.decrypt_bytes(blob, context="backup") == b"\x00backup\xff" * 100


def test_keyed_hash_is_stable_per_purpose_and_key(settings, two_keys):
    h = crypto.keyed_hash("13812345678", purpose="mobile")
    assert len(h) == 64 and h == crypto.keyed_hash("13812345678", purpose="mobile")
    assert h != crypto.keyed_hash("13812345678", purpose="id_number")
    assert crypto.mac_verify(b"13812345678", crypto.mac(b"13812345678", purpose="mobile"), purpose="mobile")
    settings.FIELD_HASH_KEY = "cd" * 32
    crypto.reset_keys()
    assert crypto.keyed_hash("13812345678", purpose="mobile") != h


def test_hmac_sm3_is_the_standard_construction():
    """HMAC (RFC 2104) over SM3 (GB/T 32905: SM3("abc") = 66c7f0f4…), computed independently by hashlib."""
    import hashlib
    import hmac

    assert hashlib.new("sm3", b"abc").hexdigest().startswith("66c7f0f462eeedd9")
    expected = hmac.new(b"key", b"abc", lambda *a: hashlib.new("sm3", *a)).hexdigest()
    assert crypto.hmac_sm3(b"key", b"abc") == expected


@pytest.mark.parametrize(
    "entries",
    [["nohex"], ["a:1234"], ["A!:" + "00" * 16], [KEY_A, KEY_A.replace("a:", "a:1")[:34]], [KEY_A, KEY_A]],
)
def test_bad_key_entries_fail_loudly(entries):
    with pytest.raises(ImproperlyConfigured):
        crypto.parse_keys(entries)


def test_production_without_keys_refuses(settings):
    settings.DEBUG = False
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_HASH_KEY = ""
    crypto.reset_keys()
    try:
        with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_KEYS"):
            crypto.keys()
    finally:
        crypto.reset_keys()


def _raw_tokens(model, column: str) -> list[str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {quote(column)} FROM {quote(model._meta.db_table)} WHERE {quote(column)} <> ''")  # noqa: S608
        return [token for (token,) in cursor.fetchall()]


def test_rotation_re_encrypts_every_row_under_the_new_key(settings, db):
    settings.FIELD_HASH_KEY = HASH
    settings.FIELD_ENCRYPTION_KEYS = [KEY_A]
    crypto.reset_keys()
    phones = [f"1391234{i:04d}" for i in range(7)]
    users = [UserFactory(phone=p) for p in phones[:4]]
    county = make_unit("甲县", UnitKind.COUNTY)
    talents = [TalentFactory(phone=p, county=county) for p in phones[4:]]
    assert {crypto.token_key_id(t) for t in _raw_tokens(User, "phone") + _raw_tokens(Talent, "phone")} == {"a"}

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B, KEY_A]  # the new key first, the old one kept to read
    out = StringIO()
    call_command("field_keys", "rotate", "--batch", "2", stdout=out)
    assert "people.user.phone: 4 re-encrypted" in out.getvalue()
    assert "people.talent.phone: 3 re-encrypted" in out.getvalue()
    tokens = _raw_tokens(User, "phone") + _raw_tokens(Talent, "phone")
    assert len(tokens) == 7 and {crypto.token_key_id(t) for t in tokens} == {"b"}
    status = StringIO()
    call_command("field_keys", "status", stdout=status)
    assert "people.user.phone: b=4" in status.getvalue() and "a=" not in status.getvalue()
    again = StringIO()
    call_command("field_keys", "rotate", stdout=again)
    assert "people.user.phone: 0 re-encrypted" in again.getvalue()

    settings.FIELD_ENCRYPTION_KEYS = [KEY_B]  # the old key dropped: every value still opens
    crypto.reset_keys()
    assert [User.objects.get(pk=u.pk).phone for u in users] == phones[:4]
    assert [Talent.objects.get(pk=t.pk).phone for t in talents] == phones[4:]
    crypto.reset_keys()
