# Milieu for hosting: gunicorn (deploy/gunicorn.conf.py) serving the site with DEBUG off, static
# files collected at build time and served by WhiteNoise. The same image runs the background
# worker (`milieu worker`) and the migrations: see compose.yaml.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

# WeasyPrint's libraries (Pango, HarfBuzz and its subsetter, fonts), poppler-utils (pdfsig,
# checks the seal), the PostgreSQL client (pg_dump and pg_restore for `milieu backup` and
# `restore`; Debian bookworm's is version 15, as the server in compose.yaml)
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 \
        libfontconfig1 fonts-dejavu-core fonts-liberation \
        poppler-utils postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir uv==0.13.9 \
    && groupadd --system --gid 1000 milieu \
    && useradd --system --uid 1000 --gid milieu --home-dir /app --shell /usr/sbin/nologin milieu

WORKDIR /app

# the dependencies first: this layer is rebuilt only when pyproject.toml or uv.lock change
COPY pyproject.toml uv.lock README.md ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
RUN uv sync --frozen --no-dev \
    && DEBUG=false SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput -v 0 \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/var/private /app/var/seals \
    && chown -R milieu:milieu /app/var

ENV DEBUG=false \
    HOST=0.0.0.0 \
    PORT=8000 \
    LOG_FORMAT=json \
    STATIC_ROOT=/app/staticfiles \
    PRIVATE_FILES_ROOT=/app/var/private \
    SEAL_DIRECTORY=/app/var/seals

USER milieu
EXPOSE 8000
VOLUME ["/app/var"]

HEALTHCHECK --interval=15s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/sante/pret/', timeout=8).status != 200)"]

CMD ["gunicorn", "-c", "deploy/gunicorn.conf.py", "milieu.wsgi"]
