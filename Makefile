# Two commands do everything on a fresh machine with python3 and make:
#   make run    install the pinned runtime and start the app on the bundled sample data
#   make test   install the pinned runtime + dev tools and run lint, types, unit, app and browser tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint typecheck unit sample lock bench clean

run: $(VENV)/.runtime
	$(BIN)/streamlit run app.py --server.headless=true --server.address=127.0.0.1 --server.port=$(PORT)

test: $(VENV)/.dev lint typecheck unit

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

unit: $(VENV)/.dev
	$(BIN)/pytest

# The benchmark (about 20 minutes on 2 cores); it replaces the table in README.md.
# BENCH_FLAGS="--sizes 1000000 --huge 0" for a quick look.
BENCH_FLAGS ?= --readme
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py $(BENCH_FLAGS)

# Regenerate the committed sample data (deterministic: same bytes every run).
sample: $(VENV)/.runtime
	$(BIN)/python sample_data/generate.py --out sample_data

# Re-pin every dependency (needs network); commit the two lock files.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet uv
	.venv-lock/bin/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes \
		--output-file requirements.lock --quiet --no-header
	.venv-lock/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
		--output-file requirements-dev.lock --quiet --no-header
	printf "hatchling>=1.27\neditables>=0.5\n" | .venv-lock/bin/uv pip compile - --python-version 3.11 --generate-hashes \
		--output-file requirements-build.lock --quiet --no-header
	rm -rf .venv-lock

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Hash-checked installs from the lock files; the project itself goes in editable, without
# build isolation so its build backend comes from the lock too.
$(VENV)/.runtime: requirements.lock requirements-build.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-build.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.runtime
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-output
