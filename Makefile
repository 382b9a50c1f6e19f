# Two commands do all set-up on a fresh machine:
#   make demo   - create .venv, install zwgk, serve the sample portal on 127.0.0.1 and archive it
#   make test   - create .venv, install zwgk with its test extra, run the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test lint bench clean browser faketime

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/zwgk demo

test: $(BIN)/.installed browser faketime
	$(BIN)/python -m pytest

# Debian's Chromium for the browser test of `zwgk serve` (installed when running as root)
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (Debian package) for the browser test"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else echo "chromium is missing: apt-get install chromium (the browser test needs it)"; fi; }

# Debian's libfaketime: the indicator tests crawl fixture portals at known dates (installed as root)
faketime:
	@command -v faketime >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing faketime (Debian package) for the indicator tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime) >/dev/null; \
	  else echo "faketime is missing: apt-get install faketime (the indicator tests need it)"; fi; }

lint: $(BIN)/.installed
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/pipeline.py

clean:
	rm -rf $(VENV) build *.egg-info
