# RNRL TradeHub backend. The two everyday commands: `make run` and `make test`.
# Every target installs what it needs itself; virtualenvs are reinstalled only when their
# requirements change (stamp files).

SHELL := /bin/bash
PYTHON_BIN ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
TASKS_VENV := .venv-tasks-emulator
TASKS_EMULATOR_VERSION := 0.6.2
CHECKOV_VENV := .venv-checkov
CHECKOV_VERSION := 3.3.30
PIP_FLAGS := --disable-pip-version-check -q

.DEFAULT_GOAL := help
.PHONY: help venv tasks-emulator checkov run test lint seed job bench clean client-types

help:
	@echo "make run                 start the whole product locally (emulators, gateway, scheduler, demo data)"
	@echo "make test                lint + the whole test suite against the emulators"
	@echo "make lint                ruff and the import contracts"
	@echo "make seed                seed demo data again into the running stack"
	@echo "make job NAME=<job>      run one scheduled job now against the running stack"
	@echo "make bench               cold-start and per-endpoint benchmarks"
	@echo "make client-types        regenerate the TypeScript client's types from the OpenAPI document"
	@echo "make clean               remove virtualenvs, local state and caches"

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install $(PIP_FLAGS) -r requirements-dev.txt
	@touch $@

# gcloud-tasks-emulator pins protobuf<5, which clashes with the current Google clients: own venv.
tasks-emulator: $(TASKS_VENV)/.installed-$(TASKS_EMULATOR_VERSION)

$(TASKS_VENV)/.installed-$(TASKS_EMULATOR_VERSION):
	@test -x $(TASKS_VENV)/bin/python || $(PYTHON_BIN) -m venv $(TASKS_VENV)
	$(TASKS_VENV)/bin/python -m pip install $(PIP_FLAGS) gcloud-tasks-emulator==$(TASKS_EMULATOR_VERSION)
	@touch $@

# checkov pins many packages of its own: own venv. Failed checks not skipped (with their reason) in
# infra/terraform/.checkov.yaml fail the build. --skip-download: nothing is fetched from the vendor.
$(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON_BIN) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install $(PIP_FLAGS) checkov==$(CHECKOV_VERSION)
	@touch $@

checkov: $(CHECKOV_VENV)/.installed-$(CHECKOV_VERSION)
	$(CHECKOV_VENV)/bin/checkov -d infra/terraform --config-file infra/terraform/.checkov.yaml --skip-download

run: venv tasks-emulator
	@$(PY) -m local.stack

# lint-imports: the import contracts of pyproject.toml ([tool.importlinter]). Coverage of functions/ and
# shared/ (lines and branches): summary in the output, the HTML report in
# .local/coverage/index.html; below the floor in pyproject.toml ([tool.coverage.report]) it fails.
test: venv tasks-emulator checkov
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo
	@$(PY) -m local.emulators
	$(PY) -m pytest -q --cov=functions --cov=shared --cov-branch --cov-report=term:skip-covered \
		--cov-report=html:.local/coverage

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache --no-logo

seed: venv
	@$(PY) -m local.stack seed

job: venv
	@test -n "$(NAME)" || { echo "usage: make job NAME=<job>   (jobs: see shared/jobs.py)"; exit 2; }
	@$(PY) -m local.scheduler --once "$(NAME)"

bench: venv tasks-emulator
	@$(PY) bench/run_all.py

# The TypeScript client's generated types (checked in; tests/integration/test_ts_client_types.py fails
# when they are stale).
client-types: venv
	@mkdir -p .local
	$(PY) -c "import json; from shared.openapi import build_document; print(json.dumps(build_document(version='local')))" > .local/openapi.json
	cd clients/typescript && { test -d node_modules || npm ci --ignore-scripts --no-audit --no-fund; } && \
		node scripts/generate.mjs ../../.local/openapi.json

clean:
	@if [ -f .local/stack.pid ] && kill -0 "$$(head -n1 .local/stack.pid)" 2>/dev/null; then \
		echo "TradeHub is running (pid $$(head -n1 .local/stack.pid)): stop it with Ctrl-C first"; exit 1; fi
	rm -rf $(VENV) $(TASKS_VENV) $(CHECKOV_VENV) .local .pytest_cache .ruff_cache
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
