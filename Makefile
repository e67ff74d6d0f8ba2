# Civic Panel. The README's two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi.py

.PHONY: run test e2e clocks bench lint install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test,dev]"
	touch $(STAMP)

install: $(STAMP)

## Serve the seeded demo on http://127.0.0.1:5000 (migrates, seeds if empty, prints sign-ins).
run: export CIVIC_PANEL_ENV := development
run: $(STAMP)
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed --if-empty
	$(BIN)/flask run --host 127.0.0.1 --port 5000

## The whole suite: unit, integration (SQLite, and PostgreSQL when TEST_DATABASE_URL is set), e2e.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

e2e: $(STAMP)
	$(BIN)/python -m pytest tests/e2e $(PYTEST_ARGS)

## Unit and integration tests at awkward moments (UTC, server in UK time): a year's last
## half hour, 29 February, the night the clocks go back. A test that needs the real date fails.
CLOCKS ?= 2027-12-31T23:30 2028-02-29T00:30 2027-10-31T00:30
clocks: $(STAMP)
	@for moment in $(CLOCKS); do \
	  echo "== the suite at $$moment UTC"; \
	  CIVIC_PANEL_TEST_CLOCK=$$moment TZ=Europe/London \
	    $(BIN)/python -m pytest tests/unit tests/integration -q -x $(PYTEST_ARGS) || exit 1; \
	done

## Benchmarks: print figures (never pass/fail on time).
bench: $(STAMP)
	$(BIN)/python -m bench

lint: $(STAMP)
	$(BIN)/ruff check core panel quota surveys events outcomes tests bench wsgi.py

clean:
	rm -rf $(VENV) .pytest_cache test-results
