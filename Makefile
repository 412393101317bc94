# The two commands: `make run` (demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test lint format messages bench clean backup restore

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.requirements

# A local secret key for this checkout, generated once and never committed.
.env: | $(BIN)/python
	@echo "DJANGO_SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env with a new DJANGO_SECRET_KEY"

run: $(VENV)/.requirements .env
	mkdir -p var/broker/queue var/broker/processed
	$(MANAGE) migrate --no-input
	$(MANAGE) collectstatic --no-input --verbosity 0
	$(MANAGE) seed_demo
	./scripts/run_all.sh

test: $(VENV)/.requirements-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

format: $(VENV)/.requirements-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Needs GNU gettext (msgfmt); the compiled .mo files are committed.
messages: $(VENV)/.requirements
	$(MANAGE) makemessages -l zh_Hans -l en --no-obsolete --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*'
	$(MANAGE) compilemessages --ignore '.venv/*'

# Province-scale benchmarks on PostgreSQL and Redis (issue #8): see bench/results.md.
bench: $(VENV)/.requirements-dev .env
	./scripts/bench.sh

clean:
	rm -rf var db.sqlite3 db.sqlite3-wal db.sqlite3-shm

# PostgreSQL (DATABASE_URL) to var/backups/<database>-<UTC time>.dump, with its .sha256.
backup:
	./scripts/backup.sh

# make restore FILE=var/backups/<file>.dump [FORCE=1]: into DATABASE_URL's database, which must
# be new or empty unless FORCE=1 (see README, Operations).
restore:
	./scripts/restore.sh $(if $(FORCE),--force) "$(FILE)"
