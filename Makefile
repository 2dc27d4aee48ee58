# 办事助手 — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Two environments (scripts/install.sh): the application one (.venv, Python 3.12+) runs
# everything but Rasa; the Rasa one (.venv-rasa, Python 3.10) trains, serves and evaluates.
VENV := .venv
PY := $(VENV)/bin/python
RASA_VENV := .venv-rasa
RASA_PY := $(RASA_VENV)/bin/python
export RASA_VENV := $(CURDIR)/$(RASA_VENV)
export PYTHONPATH := $(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
CODE := $(foreach d,core bot connectors actions knowledge,$(if $(wildcard $(d)/*.py),$(d)))

.PHONY: help install lock vocab train run shell test lint typecheck pytest data-validate \
        nlu-report knowledge-check bench clean data-check run-cluster

help:
	@echo "make run    — install, train if needed, start the assistant"
	@echo "make test   — install, train if needed, run every test, lint and type check"
	@echo "make shell  — chat with the assistant in the terminal"
	@echo "make run-cluster — the same on Redis with two Rasa replicas (docs/deployment.md)"
	@echo "other: install train vocab lint typecheck nlu-report knowledge-check bench lock clean"

install: $(VENV)/.installed

# The venvs are rebuilt only when a lock changes (scripts/install.sh caches them by hash).
$(VENV)/.installed: requirements-app.lock requirements-rasa.lock scripts/install.sh
	@bash scripts/install.sh
	@touch $@

# Re-resolve both inputs into hashed locks, each for its Python version.
lock:
	@uv=$$(scripts/uv.sh) && \
	$$uv pip compile --quiet --generate-hashes --python-version 3.12 \
	  --python-platform x86_64-manylinux_2_28 requirements-app.in -o requirements-app.lock && \
	$$uv pip compile --quiet --generate-hashes --python-version 3.10 \
	  --python-platform x86_64-manylinux_2_28 requirements-rasa.in -o requirements-rasa.lock

vocab: install
	$(PY) -m knowledge.vocab

train: install
	@$(PY) -m knowledge.vocab --check
	@$(RASA_PY) -m bot.model train

run: install train
	@$(PY) -m bot.run

# Redis (its own, unless REDIS_URL is set), gateway, two Rasa replicas, two action servers and
# the service API on this machine; docs/deployment.md.
run-cluster: install train
	@$(PY) -m bot.cluster

shell: install train
	@$(PY) -m bot.shell

data-validate: install
	@mkdir -p var
	$(RASA_VENV)/bin/rasa data validate --max-history 5 >var/validate.log 2>&1 \
	  || (tail -40 var/validate.log; exit 1)
	@echo "rasa data validate: ok"

knowledge-check: install
	$(PY) -m knowledge.check

lint: install
	$(VENV)/bin/ruff check $(CODE) tests bench
	$(VENV)/bin/ruff format --check $(CODE) tests bench

typecheck: install
	$(VENV)/bin/mypy $(CODE)

# Each environment collects its own part of tests/ (tests/conftest.py). pytest exits 5 when it
# collects nothing; that must fail too, so it is not special-cased.
pytest: install train
	$(RASA_PY) -m pytest
	$(PY) -m pytest

nlu-report: install train
	$(RASA_PY) -m bot.nlu.evaluate --report reports/nlu
	$(RASA_PY) -m bot.review.nlu_report --report reports/nlu --folds $(or $(FOLDS),3)

# rasa data validate, then our checks (conflicts, example counts, dictionary, vocabulary).
data-check: data-validate
	$(PY) -m bot.review check

test: install
	@mkdir -p var
	@$(PY) -m knowledge.vocab --check
	@$(RASA_PY) -m bot.model train
	@$(MAKE) --no-print-directory data-validate
	@$(MAKE) --no-print-directory knowledge-check
	@bash scripts/install-chromium.sh
	$(RASA_PY) -m pytest
	$(PY) -m pytest
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory typecheck
	@echo "make test: all checks passed"

bench: install train
	$(RASA_PY) -m bench.nlu_compare
	$(RASA_PY) -m bench.parse_latency
	$(PY) -m bench.knowledge_latency
	$(PY) -m bench.legal_answers --assistant
	$(PY) -m bench.booking_latency
	$(PY) -m bench.agent_assist_latency

clean:
	rm -rf models var reports .pytest_cache .mypy_cache .ruff_cache
