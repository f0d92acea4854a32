# Inning: two commands. `make run` serves the app locally; `make test` checks everything.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP_PY := $(VENV)/.installed
STAMP_NODE := node_modules/.installed
# checkov in its own venv: its dependency pins clash with pytest's in requirements-dev.txt
CHECKOV_VENV := .venv-checkov
STAMP_CHECKOV := $(CHECKOV_VENV)/.installed

.PHONY: run test lint typecheck unit bench deps browser clean

deps: $(STAMP_PY) $(STAMP_NODE)

# the portal's end-to-end test drives Debian's Chromium (a test tool's own browser download
# does not work here); installed once, as root or through sudo
BROWSER := /usr/bin/chromium /usr/bin/chromedriver
browser: $(BROWSER)
$(BROWSER):
	$(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null || \
	  ($(if $(filter 0,$(shell id -u)),,sudo) apt-get update >/dev/null && $(if $(filter 0,$(shell id -u)),,sudo) apt-get install -y --no-install-recommends chromium chromium-driver >/dev/null)

# a .venv or node_modules linked from another checkout (to save an install) is that
# checkout's: installing through the link pointed its `inning` at this one and emptied its
# node_modules (newcomer26 F0), so make refuses and says where to install
LINKED = test ! -L $(1) || { echo "$(1) is a link to $$(readlink $(1)): install in that checkout, or remove the link and run make again" >&2; exit 1; }

$(STAMP_PY): requirements.txt requirements-dev.txt pyproject.toml
	@$(call LINKED,$(VENV))
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(STAMP_NODE): package.json package-lock.json
	@$(call LINKED,node_modules)
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# `make run PORT=7391 AZURITE_PORT=10391`: the host and Azurite (10391-10393) on ports of their
# own; taken from this command line only (a PORT in the environment may be anyone's), the
# settings themselves (INNING_LOCAL_PORT, INNING_LOCAL_AZURITE_PORT) also from the environment
run: deps
	$(if $(filter command line,$(origin PORT)),INNING_LOCAL_PORT=$(PORT)) \
	$(if $(filter command line,$(origin AZURITE_PORT)),INNING_LOCAL_AZURITE_PORT=$(AZURITE_PORT)) \
	$(PY) -m tools.devhost.run

lint: $(STAMP_PY) $(STAMP_CHECKOV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(CHECKOV_VENV)/bin/python tools/bicep_parse.py infra
	$(CHECKOV_VENV)/bin/checkov --directory infra --framework bicep --compact --quiet --skip-download
	$(PY) -m pytest -q -p no:cacheprovider tests/unit/test_infra.py tests/unit/test_infra_drift.py tests/unit/test_infra_eventgrid.py

$(STAMP_CHECKOV): requirements-checkov.txt
	test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

typecheck: $(STAMP_PY)
	$(VENV)/bin/mypy .

test: deps browser lint typecheck
	$(PY) -m pytest

unit: $(STAMP_PY)
	$(PY) -m pytest tests/unit

# `make bench` runs every benchmark (each in its own process and Azurite); `make bench
# BENCH=bulk_import` (or a comma-separated list) runs those; SCALE=0.1 for a quick look
bench: deps
	$(PY) -m bench $(if $(BENCH),--only $(BENCH)) $(if $(SCALE),--scale $(SCALE))

clean:
	rm -rf $(VENV) $(CHECKOV_VENV) node_modules .data .mypy_cache .ruff_cache .pytest_cache
