# The two commands of the README: `make run` and `make test`.
# Everything goes into a virtual environment in .venv (override with VENV=...).

VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test install install-test lint bench clean

run: install
	$(BIN)/ldpub demo

test: install-test
	$(BIN)/ruff check ld tests bench
	$(BIN)/pytest -q -ra

install: $(BIN)/ldpub

$(BIN)/ldpub: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $(BIN)/ldpub

install-test: install
	bash scripts/install-system-deps.sh
	$(BIN)/python -m pip install -q -e '.[test]'

lint:
	$(BIN)/ruff check ld tests bench

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache
