# SafetyZone: the two commands are `make run` and `make test`; README.md has the rest.
# Every target prepares the checkout first (scripts/setup.sh: Debian packages when run as
# root, .venv, translations, static files); that step is quick when nothing changed.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k hazard --create-db"`.
PYTEST_ARGS ?=
# pytest-xdist: one process per CPU (at most 4). `loadgroup` keeps pytest-django's order
# in each process (transactional tests, which empty the tables, come last) and runs the
# tests marked @pytest.mark.xdist_group("name") in one process, for those that share an
# outside resource such as a real Celery worker on Redis. `make test XDIST=`: one process.
XDIST ?= -n auto --maxprocesses 4 --dist loadgroup

PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
SETUP := PYTHON=$(PYTHON) VENV=$(VENV) bash scripts/setup.sh
LOCALE_IGNORE := --ignore=$(VENV) --ignore=var --ignore=static --ignore=node_modules

.PHONY: help setup run test worker beat lint format messages bench

help:
	@echo "make run       serve the demo on http://$(HOST):$(PORT)/ (SQLite, tasks in-process)"
	@echo "make test      the whole test suite (PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set)"
	@echo "make worker    a Celery worker (needs REDIS_URL)"
	@echo "make beat      Celery beat with the database scheduler (needs REDIS_URL)"
	@echo "make lint      ruff check, ruff format --check, djlint"
	@echo "make format    ruff format, ruff check --fix, djlint --reformat"
	@echo "make messages  extract and compile the zh_Hans translations"
	@echo "make bench     benchmarks at 100,000 hazards against same-run baselines (QUICK=1: 10,000)"

setup:
	@$(SETUP)

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@echo "SafetyZone on http://$(HOST):$(PORT)/ (Ctrl-C stops it)"
	exec $(MANAGE) runserver $(HOST):$(PORT)

test:
	@$(SETUP) --browser
	$(PY) -m pytest $(XDIST) -ra $(PYTEST_ARGS)

define need_redis
	@if [ -z "$$REDIS_URL" ]; then \
	  echo "make $@ needs REDIS_URL, e.g. REDIS_URL=redis://127.0.0.1:6379/0 make $@"; \
	  echo "(start \`make run\` with the same REDIS_URL so the web sends tasks to the broker)"; \
	  exit 1; \
	fi
endef

worker: setup
	$(need_redis)
	$(MANAGE) migrate --noinput
	exec $(VENV)/bin/celery -A safetyzone worker --loglevel INFO

beat: setup
	$(need_redis)
	$(MANAGE) migrate --noinput
	exec $(VENV)/bin/celery -A safetyzone beat --loglevel INFO \
	  --scheduler django_celery_beat.schedulers:DatabaseScheduler

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint --check templates
	$(VENV)/bin/djlint --lint templates

format: setup
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/djlint --reformat templates

messages: setup
	$(MANAGE) makemessages --locale zh_Hans --no-obsolete $(LOCALE_IGNORE)
	$(MANAGE) compilemessages $(LOCALE_IGNORE)

# `make bench QUICK=1`: 10,000 hazards instead of 100,000. BENCH_ARGS="--only load --keep".
QUICK ?=
BENCH_ARGS ?=

bench:
	@$(SETUP) --bench
	$(PY) -m bench $(if $(QUICK),--quick) $(BENCH_ARGS)
