# PMHub: `make run` sets up and serves the app; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format bench worker beat migrate seed clean help

help:
	@echo "make run    set up (venv, install, migrate, demo data) and serve on http://$(HOST):$(PORT)"
	@echo "            with DEBUG off (DEBUG=true make run for the debug pages)"
	@echo "make test   lint, import contracts, migration check and the whole test suite"
	@echo "make bench  benchmarks (PostgreSQL: set DATABASE_URL)"

# Installs again only when a requirements file changed (the stamp is newer otherwise).
$(BIN)/.installed: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

migrate: $(BIN)/.installed
	$(BIN)/python manage.py migrate --no-input -v 0

seed: migrate
	$(BIN)/python manage.py seed_demo

# DEBUG stays off unless DEBUG=true is set; the secret key is generated into .secret_key on first
# start. The development server speaks plain HTTP, so its cookies may not ask for HTTPS.
run: seed
	$(BIN)/python manage.py collectstatic --no-input -v 0
	@export SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false}; \
	if [ -n "$$CELERY_BROKER_URL" ]; then \
		echo "Starting a Celery worker (with beat) against $$CELERY_BROKER_URL"; \
		$(BIN)/celery -A pmhub worker --beat --loglevel INFO --concurrency 2 & \
		trap "kill $$! 2>/dev/null" EXIT INT TERM; \
		$(BIN)/python manage.py runserver $(HOST):$(PORT); \
	else \
		$(BIN)/python manage.py runserver $(HOST):$(PORT); \
	fi

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(BIN)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run -v 1
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(BIN)/.installed-dev
	$(BIN)/python -m bench

worker: $(BIN)/.installed
	$(BIN)/celery -A pmhub worker --loglevel INFO

beat: $(BIN)/.installed
	$(BIN)/celery -A pmhub beat --loglevel INFO

clean:
	rm -rf $(VENV) staticfiles .pytest_cache db.sqlite3
