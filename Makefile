# The two commands: `make run` and `make test`. Each sets itself up and is safe to run again.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
PORT ?= 8000
EMBEDDED := $(PY) -m marketplace.embedded run --

.PHONY: run test venv lint format migrate worker clean-embedded browser

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the requirements changed since the last install: the runtime's
# (requirements.txt, all the container installs) and the embedded servers' and tools'.
$(STAMP): requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

# marketplace/supervise.py: embedded servers, migrate, demo data, then gunicorn, a Celery worker
# and beat; a crashed one is started again; Ctrl-C or SIGTERM stops everything it started.
run: venv
	@$(PY) -m marketplace.supervise --port $(PORT)

# Debian's Chromium drives the browser tests; install it when missing and the machine allows it.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Debian's chromium for the browser tests…"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing: install it (e.g. 'sudo apt-get install chromium') or set CHROMIUM_PATH; browser tests will fail."; \
	  fi; \
	fi

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	@# The OpenAPI schema: valid, and no endpoint drf-spectacular cannot describe (no database needed:
	@# the URLs point nowhere, so lint never starts the embedded servers).
	@DATABASE_URL=postgres://lint@127.0.0.1:1/lint REDIS_URL=redis://127.0.0.1:1/0 \
	  $(PY) manage.py spectacular --api-version v1 --validate --fail-on-warn --file /dev/null

format: venv
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: venv browser lint
	@$(EMBEDDED) $(VENV)/bin/pytest $(PYTEST_ARGS)

migrate: venv
	@$(EMBEDDED) $(PY) manage.py migrate

clean-embedded: venv
	$(PY) -m marketplace.embedded stop
	rm -rf .embedded
