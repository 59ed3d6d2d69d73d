# Imuran Info: every command a developer needs. `make help` lists them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
DEV_KEY_FILE := .dev-secret-key
# Development only: debug on, and a random key made once per checkout (never committed).
DEV_ENV = DJANGO_DEBUG=true SITE_URL=http://127.0.0.1:$(PORT) DJANGO_SECRET_KEY="$$(cat $(DEV_KEY_FILE))"
# Operations commands keep the environment's settings (DATABASE_URL, DJANGO_SECRET_KEY...); the
# development key only stands in when none is set, since backups sign nothing.
OPS_ENV = DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat $(DEV_KEY_FILE))}"
# Production-like, on plain http://127.0.0.1 (no TLS here), for `make serve` and `make bench`.
# nginx is in front (deploy/), so the client's address comes from its X-Forwarded-For.
SERVE_ENV = DJANGO_DEBUG=false DJANGO_HTTPS=false DJANGO_BEHIND_PROXY=true SITE_URL=http://127.0.0.1:$(PORT) DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost DJANGO_SECRET_KEY="$$(cat $(DEV_KEY_FILE))"
# Debian's nginx is the front server of `make serve`, `make bench` and the multi-instance check.
NEED_NGINX = command -v nginx >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx)

.DEFAULT_GOAL := help
.PHONY: help run serve test lint format demo bench profile bench-multiprocess backup restore

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-19s %s\n", $$1, $$2}'

$(VENV)/.runtime-installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(VENV)/.runtime-installed $@

$(DEV_KEY_FILE):
	$(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

run: $(VENV)/.runtime-installed $(DEV_KEY_FILE) ## Set up and run the site on http://127.0.0.1:8000 with SQLite (PORT=... for another)
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py load_initial_content
	@echo ""
	@echo "  Imuran Info is running at http://127.0.0.1:$(PORT)/   (admin: http://127.0.0.1:$(PORT)/admin/, Ctrl+C stops)"
	@echo ""
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:$(PORT)

serve: $(VENV)/.runtime-installed $(DEV_KEY_FILE) ## Run it as production does: nginx in front of gunicorn, DEBUG off
	@$(NEED_NGINX)
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py load_initial_content
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(SERVE_ENV) $(PY) -m deploy.serve --port $(PORT)

test: $(VENV)/.dev-installed ## Set up and run the whole test suite (SQLite; DATABASE_URL for PostgreSQL)
	$(PY) -m pytest

lint: $(VENV)/.dev-installed ## Check code style with ruff
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev-installed ## Reformat the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(VENV)/.runtime-installed $(DEV_KEY_FILE) ## Benchmark every page, PostgreSQL + Redis (BENCH_ARGS="--stories 1000000")
	@command -v wrk >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wrk)
	@$(NEED_NGINX)
	$(SERVE_ENV) $(PY) -m bench.run $(BENCH_ARGS)

profile: $(VENV)/.runtime-installed $(DEV_KEY_FILE) ## Where an uncached page's time goes, in one process (after `make bench`; PROFILE_ARGS="--top 30")
	$(SERVE_ENV) $(PROFILE_RUNNER) $(PY) -m bench.where_time_goes $(PROFILE_ARGS)

bench-multiprocess: $(VENV)/.dev-installed $(DEV_KEY_FILE) ## Two app instances behind nginx, one PostgreSQL, Redis and S3 store
	@$(NEED_NGINX)
	$(SERVE_ENV) $(PY) -m bench.multiprocess

demo: $(VENV)/.runtime-installed $(DEV_KEY_FILE) ## Development only: fill the moderation queue with sample stories
	$(DEV_ENV) $(PY) manage.py migrate --noinput
	$(DEV_ENV) $(PY) manage.py demo_stories

backup: $(VENV)/.runtime-installed $(DEV_KEY_FILE) ## Back up the database and uploaded files to backups/ (BACKUP_DIR=... elsewhere)
	$(OPS_ENV) $(PY) manage.py backup

restore: $(VENV)/.runtime-installed $(DEV_KEY_FILE) ## Restore FILE=... into an empty database, then re-apply withdrawals and the purge
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/imuran-backup-....tar" >&2; exit 2; }
	$(OPS_ENV) $(PY) manage.py restore "$(FILE)"
	$(OPS_ENV) $(PY) manage.py reapply_withdrawals
	$(OPS_ENV) $(PY) manage.py purge_stories
