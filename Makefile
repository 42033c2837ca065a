# WenZeng — quick start:  make run   |   make test
# Both create the virtual environment in .venv and install everything from pyproject.toml.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000
# the test suite runs in this many processes (pytest-xdist); each test module stays in one process
TEST_WORKERS ?= auto

.PHONY: run test test-sqlite test-postgres lint bench fuzz clean install

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make run: set up, initialise the embedded SQLite store (built-in plan, published and demo data), analyse it, serve on http://127.0.0.1:8000
run: $(STAMP)
	$(BIN)/wenzeng init --demo
	$(BIN)/wenzeng analyze > /dev/null
	$(BIN)/wenzeng serve --host $(HOST) --port $(PORT)

## make test: set up, lint, type-check and run the whole test suite (SQLite, and PostgreSQL when WENZENG_TEST_POSTGRES_URL is set)
test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist loadscope --durations=15

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy src

## make fuzz: the longer API fuzzing run (schemathesis, every operation and role); prints its figures
fuzz: $(STAMP)
	$(BIN)/python bench/api_fuzz.py

## make bench: the import, analysis and pages benchmarks (installs the bench extra: pandas for the baseline)
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/analysis_bench.py
	$(BIN)/python bench/pages_bench.py

clean:
	rm -rf $(VENV) var test-output .pytest_cache
