# The two commands the README starts with. Each one sets up everything it needs.
#   make run   - the app (on the sandbox when no token is configured)
#   make test  - ruff, mypy, import contracts, then the whole pytest suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# A hung Qt test must not hang CI: the whole suite runs under a hard timeout.
TEST_TIMEOUT ?= 2400

.PHONY: run test lint check sandbox bench system-deps venv clean

$(STAMP): pyproject.toml scripts/system-deps.sh
	@sh scripts/system-deps.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

system-deps:
	@sh scripts/system-deps.sh

run: $(STAMP)
	$(VENV)/bin/minimax-studio $(ARGS)

sandbox: $(STAMP)
	$(PY) -m minimax_studio.sandbox $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check minimax_studio tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: $(STAMP) lint
	timeout -k 10 $(TEST_TIMEOUT) sh scripts/run-tests.sh

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
