# The two commands of the README: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
STORE ?= data/store
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: install run build serve test

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

build: install
	$(BIN)/kemensos-kg build --store $(STORE)

serve: install
	$(BIN)/kemensos-kg serve --store $(STORE) --host $(HOST) --port $(PORT)

run: build serve

test: install
	$(BIN)/pytest
