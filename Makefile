# Two entry points for a fresh machine: `make run` and `make test`. Both build .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint eval bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/assistant serve

lint: install
	$(BIN)/ruff check assistant tests scripts benchmarks
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest
	$(BIN)/assistant eval --retrieval-only --out out/eval-retrieval

bench: install
	$(BIN)/python benchmarks/retrieval.py --out out/bench-retrieval.json

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .mypy_cache
