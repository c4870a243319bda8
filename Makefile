# Milieu — everyday commands. Needs only Python 3.11: uv is installed into .tools if absent.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
# the address written in e-mailed links (signatures, tutor links): the one the demo is served on
SITE_URL ?= http://$(HOST):$(PORT)
VENV := .venv
STAMP := $(VENV)/.milieu-installed

ifeq ($(shell command -v uv 2>/dev/null),)
UV := .tools/bin/uv
UV_DEP := $(UV)
else
UV := uv
UV_DEP :=
endif

.PHONY: help install demo serve test check bench clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

# --compile-bytecode: every process (test workers, gunicorn, the worker) starts from compiled
# files, even where PYTHONDONTWRITEBYTECODE keeps Python from writing them itself
$(STAMP): pyproject.toml uv.lock $(UV_DEP)
	$(UV) sync --frozen --compile-bytecode
	@touch $@

install: $(STAMP) ## Install Python and the dependencies into .venv (uv sync --frozen --compile-bytecode)

demo: install ## Migrate, prepare the demo and serve it on http://127.0.0.1:8000/ (with the background worker)
	$(VENV)/bin/python manage.py migrate --noinput
	$(VENV)/bin/python manage.py loaddemo --url $(SITE_URL)
	$(VENV)/bin/python manage.py advance_conventions
	@echo
	@echo "Milieu est servi sur http://$(HOST):$(PORT)/ (Ctrl+C pour arrêter)."
	@export SITE_URL=$(SITE_URL); $(VENV)/bin/python manage.py worker --interval 1 --no-reload --no-startup-delay -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/python manage.py runserver $(HOST):$(PORT)

# `make serve`: the production server (gunicorn, deploy/gunicorn.conf.py) with DEBUG off, static
# files collected (hashed, compressed) and served by WhiteNoise, logs as JSON lines, and the
# background worker. SECRET_KEY comes from the environment, or var/secret_key (made once).
WEB_WORKERS ?= 2
WEB_THREADS ?= 4
STATIC_ROOT ?= $(CURDIR)/staticfiles
export STATIC_ROOT

var/secret_key:
	@mkdir -p var
	@umask 077; $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# collected again only when the installed packages or milieu's own static files change
$(STATIC_ROOT)/staticfiles.json: $(STAMP) var/secret_key $(shell find milieu/static -type f 2>/dev/null)
	DEBUG=false SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} $(VENV)/bin/python manage.py collectstatic --noinput --clear -v 0
	@touch $@

serve: install var/secret_key $(STATIC_ROOT)/staticfiles.json ## Migrate and serve with gunicorn (DEBUG=false, WEB_WORKERS processes) and the background worker
	@export DEBUG=false SECRET_KEY=$${SECRET_KEY:-$$(cat var/secret_key)} LOG_FORMAT=$${LOG_FORMAT:-json} \
	  SITE_URL=$(SITE_URL) HOST=$(HOST) PORT=$(PORT) WEB_WORKERS=$(WEB_WORKERS) WEB_THREADS=$(WEB_THREADS); \
	  $(VENV)/bin/python manage.py migrate --noinput -v 0 && \
	  echo "Milieu est servi par gunicorn sur http://$(HOST):$(PORT)/ ($(WEB_WORKERS) processus ; Ctrl+C pour arrêter)." && \
	  { $(VENV)/bin/python manage.py worker --no-reload -v 1 & worker=$$!; \
	    trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	    $(VENV)/bin/gunicorn -c deploy/gunicorn.conf.py milieu.wsgi; }

# Milieu's own modules compiled once, before the workers start; pytest may keep its rewritten
# test modules (PYTHONDONTWRITEBYTECODE would have each worker recompile everything)
test: install ## Run every test (pytest)
	@$(VENV)/bin/python -m compileall -q -j 0 milieu tests bench manage.py > /dev/null
	env -u PYTHONDONTWRITEBYTECODE $(VENV)/bin/pytest

check: install ## Lint, format check, type check, missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy milieu tests manage.py
	$(VENV)/bin/python manage.py makemigrations --check --dry-run

bench: install ## Measure the engine (bench/engine.py)
	$(VENV)/bin/python bench/engine.py

clean: ## Remove the virtualenvs, caches and the demo database
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache var staticfiles
