"""gunicorn's settings for Milieu, read from the environment like milieu/settings.py.

    gunicorn -c deploy/gunicorn.conf.py milieu.wsgi

HOST and PORT (127.0.0.1:8000), WEB_WORKERS processes (2: one per core of a small machine),
WEB_THREADS threads each (4: a request waiting on the database lets another one run),
WEB_TIMEOUT seconds before a stuck worker is replaced (60: a livret is built in the background,
never in a request). The access log is off: milieu.requestlog writes one line per request, with
its id, the user's id and the duration. FORWARDED_ALLOW_IPS: the proxies whose X-Forwarded-Proto
gunicorn believes (127.0.0.1 by default; "*" inside a container network).
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from milieu.env import env_int, env_str

bind = f"{env_str('HOST', '127.0.0.1')}:{env_int('PORT', 8000, minimum=1, maximum=65535)}"
workers = env_int("WEB_WORKERS", 2, minimum=1, maximum=64)
threads = env_int("WEB_THREADS", 4, minimum=1, maximum=64)
worker_class = "gthread" if threads > 1 else "sync"
timeout = env_int("WEB_TIMEOUT", 60, minimum=5, maximum=3600)
graceful_timeout = 30
keepalive = 5
# a worker is replaced after this many requests (with jitter, not all at once): memory stays flat
max_requests = 2000
max_requests_jitter = 200
accesslog = None
errorlog = "-"
loglevel = "info"
forwarded_allow_ips = env_str("FORWARDED_ALLOW_IPS", "127.0.0.1")
# heartbeat files in memory, not on a container's overlay disk
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "milieu"
