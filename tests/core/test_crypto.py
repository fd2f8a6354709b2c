"""core.crypto: SM4-GCM tokens bound to their column, HMAC-SM3 keyed hashes, keys from the environment."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from shangliang.core import crypto

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
