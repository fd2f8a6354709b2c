#!/usr/bin/env bash
# Prints the path of a uv binary, installing uv from PyPI into the user's site if it is missing.
set -euo pipefail
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
python3 -m pip install --quiet --user uv >&2 || python3 -m pip install --quiet uv >&2
if command -v uv >/dev/null 2>&1; then command -v uv; exit 0; fi
userbase=$(python3 -m site --user-base)
if [ -x "$userbase/bin/uv" ]; then echo "$userbase/bin/uv"; exit 0; fi
python3 - <<'PY'
import shutil, sysconfig, os
for scheme in ("posix_user", "posix_prefix"):
    p = os.path.join(sysconfig.get_path("scripts", scheme), "uv")
    if os.path.exists(p):
        print(p); raise SystemExit(0)
raise SystemExit("uv could not be installed")
PY
