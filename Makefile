# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tracker demo

test: $(STAMP)
	$(BIN)/ruff check tracker tests benchmarks db
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/diff_bench.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
