"""deploy/nginx.conf.in's micro-cache keeps to what Django says (shangliang/core/publiccache.py): it bypasses the cache
on every cookie that makes a page a visitor's own, stores only what Django marks cacheable (no proxy_cache_valid), and
only for / and /public/. The stack itself is tested by test_prod_stack.py (`make test-prod`)."""

import re
from pathlib import Path

import pytest

from shangliang.core.publiccache import visitor_cookies

CONF = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf.in").read_text()


def nginx_map(variable: str) -> dict[str, str]:
    block = re.search(r"map \S+ \$" + variable + r" \{(.*?)\n    \}", CONF, re.S).group(1)
    return {m.group(1) or m.group(2): m.group(3) for m in re.finditer(r'^\s*(?:"([^"]+)"|(\S+))\s+(\S+);', block, re.M)}


def bypassed(cookie_header: str) -> bool:
    rules = nginx_map("visitor_cookie")
    for pattern, value in rules.items():
        if pattern.startswith("~") and re.search(pattern[1:].replace("\\\\", "\\"), cookie_header):
            return value == "1"
    return rules["default"] == "1"


@pytest.mark.parametrize("name", visitor_cookies())
def test_every_visitor_cookie_bypasses_the_cache(name):
    assert bypassed(f"{name}=abc")
    assert bypassed(f"other=1; {name}=abc")
    assert bypassed(f"other=1;{name}=abc")


def test_other_cookies_do_not():
    assert not bypassed("")
    assert not bypassed("theme=dark")
    assert not bypassed("xsessionid=1; mycsrftoken=2")


def test_only_what_django_marks_is_kept_and_only_public_addresses():
    assert not re.search(r"^\s*proxy_cache_valid", CONF, re.M)
    assert not re.search(r"^\s*proxy_ignore_headers", CONF, re.M)
    paths = nginx_map("not_public_path")
    assert paths == {"default": "1", "/": "0", "~^/public/": "0"}
    for directive in ("proxy_cache_bypass", "proxy_no_cache"):
        line = re.search(directive + r" ([^;]+);", CONF).group(1).split()
        assert {"$not_public_path", "$visitor_cookie", "$http_hx_request", "$http_authorization"} <= set(line)
    assert "proxy_cache_lock on;" in CONF
    assert "proxy_cache_use_stale updating;" in CONF
