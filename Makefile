# Two entry points for a fresh machine: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install install-dev run test test-fast lint bench clean

DEVSTAMP := $(VENV)/.dev-installed-stamp

# Running needs the app only; the test tools (pytest, ruff, mypy, playwright) come with `make
# test`. Each long step says what it does.
$(STAMP): pyproject.toml
	@echo "==> creating $(VENV) and installing the assistant with its local models (first time: a few minutes)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEVSTAMP): $(STAMP)
	@echo "==> installing the test tools (pytest, ruff, mypy, playwright)"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEVSTAMP)

install: $(STAMP)

install-dev: $(DEVSTAMP)

run: install
	$(BIN)/assistant serve

lint: install-dev
	$(BIN)/ruff check assistant tests scripts benchmarks
	$(BIN)/mypy

# The answer eval gates on the frozen test split (eval/test.jsonl, checked against its sha256).
test: lint
	sha256sum -c eval/test.sha256
	bash scripts/ensure-browser.sh
	$(BIN)/python -m pytest
	$(BIN)/assistant eval --split test --retrieval-only --out out/eval-retrieval
	$(BIN)/assistant eval --split test --out out/eval-answer

# Quick loop while developing: no model-backed tests, no answer eval.
test-fast: lint
	$(BIN)/python -m pytest -m "not slow"

bench: install-dev
	$(BIN)/python benchmarks/retrieval.py --out out/bench-retrieval.json
	$(BIN)/python benchmarks/answer.py --evidence-passages 1,2,3 --out out/bench-answer.json
	$(BIN)/python benchmarks/load.py --clients 16 --out out/bench-load.json
	$(BIN)/python benchmarks/scale.py --sizes 10000,100000 --out out/bench-scale.json
	$(BIN)/python benchmarks/ingest.py --sizes 400,1600 --out out/bench-ingest.json

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .mypy_cache
