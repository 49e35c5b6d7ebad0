# Two commands do everything on a fresh machine with python3 and make:
#   make run    install the pinned library + app and start the app on the bundled sample data
#   make test   install the pinned library + app + dev tools and run lint, types, unit, app and
#               browser tests, with branch coverage of econ/ and ui/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint typecheck unit sample lock bench clean

run: $(VENV)/.app
	$(BIN)/streamlit run app.py --server.headless=true --server.address=127.0.0.1 --server.port=$(PORT)

test: $(VENV)/.dev lint typecheck unit

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.dev
	$(BIN)/mypy

# Every test, the slow ones (app, browser, wheel) included; the floor is in pyproject.toml.
unit: $(VENV)/.dev
	$(BIN)/pytest --cov

# The benchmark (about 20 minutes on 2 cores); it replaces the table in README.md.
# BENCH_FLAGS="--sizes 1000000 --huge 0" for a quick look.
BENCH_FLAGS ?= --readme
bench: $(VENV)/.dev
	$(BIN)/python bench/run.py $(BENCH_FLAGS)

# Regenerate the sample data the package ships (deterministic: same bytes every run).
SAMPLE_DATA := econ/inputs/sample_data
sample: $(VENV)/.app
	$(BIN)/python sample_data/generate.py --out $(SAMPLE_DATA)

# Re-pin every dependency (needs network); commit the four lock files:
#   requirements.lock        the library alone (what `pip install econ` needs)
#   requirements-app.lock    the library and the app extra (`make run`)
#   requirements-dev.lock    everything: the library, the app and dev extras (`make test`)
#   requirements-build.lock  the build backend (installs run without build isolation)
# The dev lock is solved first and constrains the other two, so a package has one version in all.
COMPILE := .venv-lock/bin/uv pip compile --python-version 3.11 --generate-hashes --quiet --no-header
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet uv
	$(COMPILE) pyproject.toml --extra app --extra dev --output-file requirements-dev.lock
	$(COMPILE) pyproject.toml --extra app --constraint requirements-dev.lock \
		--output-file requirements-app.lock
	$(COMPILE) pyproject.toml --constraint requirements-dev.lock --output-file requirements.lock
	printf "hatchling>=1.27\neditables>=0.5\n" | $(COMPILE) - --output-file requirements-build.lock
	rm -rf .venv-lock

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

# Hash-checked installs from the lock files; the project itself goes in editable, without
# build isolation so its build backend comes from the lock too.
$(VENV)/.project: requirements-build.lock pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-build.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	touch $@

$(VENV)/.app: requirements-app.lock $(VENV)/.project
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-app.lock
	touch $@

$(VENV)/.dev: requirements-dev.lock $(VENV)/.project
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	touch $@

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-output
