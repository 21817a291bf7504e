# The two commands of the README: `make run` and `make test`. Both install what they need first.
PYTHON ?= python3
VENV ?= .venv
STORE ?= data/store
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := $(VENV)/bin

.PHONY: install run build serve test readme

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

# Node clients for the federation tests (Comunica): reinstalled when tests/js's package files change.
tests/js/node_modules/.package-lock.json: tests/js/package.json tests/js/package-lock.json
	@command -v npm >/dev/null || { echo "make test needs Node.js (20 or newer) and npm for tests/js" >&2; exit 1; }
	npm ci --prefix tests/js --no-audit --no-fund
	touch $@

# Debian's Chromium for the browser tests (tests/test_browser.py); installing it needs root.
/usr/bin/chromium:
	@[ "$$(id -u)" = 0 ] || { echo "make test needs Debian's chromium: run 'sudo apt-get install chromium'" >&2; exit 1; }
	apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium

test: install tests/js/node_modules/.package-lock.json /usr/bin/chromium
	$(BIN)/pytest

# The README's figures a command can produce (graph size, classes, example outputs, test count), rewritten
# between their marker comments; tests/test_readme.py fails when one no longer matches the code.
readme: install
	$(BIN)/python scripts/readme_figures.py
