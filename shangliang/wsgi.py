import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shangliang.settings")
application = get_wsgi_application()
# Load every view module (numpy, pandas, scipy with them) now, not on a process's first request: under gunicorn's
# --preload (scripts/prod.sh) the master does it once and each worker starts ready; on a busy 2-core machine eight
# workers importing at once on their first requests outlived the 30 s worker timeout and were killed in a loop.
get_resolver().url_patterns  # noqa: B018
# jieba's dictionary too (0.7 s of a core at idle, seconds under load): otherwise each worker loads it on its first
# submission or search, which put seconds into the p95 of those pages in bench_load's county mix.
from shangliang.topics.text import tokens  # noqa: E402 (after the application is set up)

tokens("村口路灯不亮")
