# The two commands that matter: `make demo` and `make test`. Every target creates or reuses
# .venv itself, so a fresh clone needs nothing but Python 3.11.

unexport PYTHONDONTWRITEBYTECODE
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
# The venv is rebuilt when the lock file or the project metadata changes.
STAMP  := $(VENV)/.installed

.PHONY: help setup demo test eval bench run report airflow lint clean distclean

help:
	@echo "make demo      the whole daily job through Airflow against the bundled replica, then a summary"
	@echo "make test      the whole test suite"
	@echo "make eval      extraction quality per template, next to trafilatura and readability-lxml"
	@echo "make bench     speed benchmarks against baselines measured in the same run; writes bench/results.json"
	@echo "make run       the daily job against the live site (www.wxrb.com)"
	@echo "make report    the HTML run report of yesterday (DATE=YYYY-MM-DD for another day)"
	@echo "make airflow   Airflow (api-server, scheduler, ...) with the project's DAGs on http://localhost:8080"
	@echo "make lint      ruff"
	@echo "make clean     stop the embedded database and remove local state (.wxrb/); keeps .venv"

setup: $(STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found " + sys.version.split()[0] + "); run: make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(UV) pip install --quiet --python $(BIN)/python -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@
	@echo "environment ready in $(VENV)"

demo: $(STAMP)
	$(BIN)/wxrb demo

# The report and UI tests drive headless Chromium (installed once, as root). The Airflow tests
# (tests/dags) and the rest run side by side in two pytest processes (scripts/run-tests).
test: $(STAMP)
	@scripts/ensure-chromium
	@scripts/run-tests $(PYTEST_ARGS)

eval: $(STAMP)
	$(BIN)/python -m tests.extraction.score

bench: $(STAMP)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

run: $(STAMP)
	$(BIN)/wxrb run

report: $(STAMP)
	$(BIN)/wxrb report $(if $(DATE),--date $(DATE))

airflow: $(STAMP)
	$(BIN)/wxrb airflow standalone

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	-@[ -x $(BIN)/wxrb ] && $(BIN)/wxrb db stop
	rm -rf .wxrb

distclean: clean
	rm -rf $(VENV)
