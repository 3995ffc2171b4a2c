# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench bench-poll fuzz clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tracker demo

test: $(STAMP)
	$(BIN)/ruff check tracker tests benchmarks db
	$(BIN)/python -m pytest -n auto

bench: $(STAMP)
	$(BIN)/python benchmarks/diff_bench.py
	$(BIN)/python benchmarks/history_bench.py

bench-poll: $(STAMP)
	$(BIN)/python benchmarks/poll_bench.py --stories 1000 --seconds 8

# issue 13: generated and mutated inputs through split, diff and ingest (benchmarks/fuzz.py)
fuzz: $(STAMP)
	$(BIN)/python benchmarks/fuzz.py --inputs $(or $(INPUTS),200)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
