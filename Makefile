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

.PHONY: help install demo test check bench clean

help: ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

$(STAMP): pyproject.toml uv.lock $(UV_DEP)
	$(UV) sync --frozen
	@touch $@

install: $(STAMP) ## Install Python and the dependencies into .venv (uv sync --frozen)

demo: install ## Migrate, prepare the demo and serve it on http://127.0.0.1:8000/ (with the background worker)
	$(VENV)/bin/python manage.py migrate --noinput
	$(VENV)/bin/python manage.py loaddemo --url $(SITE_URL)
	$(VENV)/bin/python manage.py advance_conventions
	@echo
	@echo "Milieu est servi sur http://$(HOST):$(PORT)/ (Ctrl+C pour arrêter)."
	@export SITE_URL=$(SITE_URL); $(VENV)/bin/python manage.py db_worker --interval 1 --no-reload --no-startup-delay -v 0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/python manage.py runserver $(HOST):$(PORT)

test: install ## Run every test (pytest)
	$(VENV)/bin/pytest

check: install ## Lint, format check, type check, missing migrations
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy milieu tests manage.py
	$(VENV)/bin/python manage.py makemigrations --check --dry-run

bench: install ## Measure the engine (bench/engine.py)
	$(VENV)/bin/python bench/engine.py

clean: ## Remove the virtualenvs, caches and the demo database
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache var
