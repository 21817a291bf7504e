# The two commands of the README: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
STORE ?= data/store
BIN := $(VENV)/bin

.PHONY: install run build test

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: install
	$(BIN)/kemensos-kg build --store $(STORE)

run: build

test: install
	$(BIN)/pytest
