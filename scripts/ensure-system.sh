#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: Chromium (browser tests), PostgreSQL server
# binaries (the PostgreSQL pass and `make prod`), nginx (`make prod` and its smoke test) and CJK fonts (so
# screenshots show Chinese). Needs root for apt-get;
# without root it only reports what is missing.
set -uo pipefail
need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/sbin/nginx ] || need+=(nginx)
fc-list 2>/dev/null | grep -qi "noto sans cjk" || need+=(fonts-noto-cjk)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != "0" ]; then
  echo "missing system packages (install as root): ${need[*]}" >&2
  exit 0
fi
echo "installing ${need[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 || apt-get install -y -qq "${need[@]}" >&2
# The postgresql and nginx packages may start system services; our tests run their own, on ports of their own.
exit 0
