# The two commands the README starts with. Each one sets up everything it needs.
#   make run   - the app (on the sandbox when no token is configured)
#   make test  - ruff, mypy, import contracts, then the whole pytest suite
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# A hung Qt test must not hang CI: the whole suite runs under a hard timeout.
TEST_TIMEOUT ?= 2400

.PHONY: run test lint check sandbox bench system-deps venv clean package package-test install-desktop

$(STAMP): pyproject.toml scripts/system-deps.sh scripts/apt-install.sh
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

# --- packaging (issue #14): the PyInstaller bundle, its smoke test, desktop integration ---
APP_VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"/\1/p' minimax_studio/__init__.py)
BUNDLE := dist/minimax-studio
TARBALL := dist/minimax-studio-$(APP_VERSION)-linux-$(shell uname -m).tar.gz
PACKAGE_STAMP := $(VENV)/.installed-package
PACKAGE_TEST_TIMEOUT ?= 1800

$(PACKAGE_STAMP): $(STAMP) scripts/package-deps.sh scripts/apt-install.sh
	@sh scripts/package-deps.sh
	$(PY) -m pip install -q -e '.[dev,package]'
	@touch $(PACKAGE_STAMP)

# dist/minimax-studio/ (one folder) and a .tar.gz of it.
package: $(PACKAGE_STAMP)
	rm -rf $(BUNDLE) $(TARBALL)
	$(VENV)/bin/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/minimax-studio.spec
	tar -C dist -czf $(TARBALL) minimax-studio
	@du -sh $(BUNDLE) $(TARBALL)

# Smoke test of the tar.gz `make package` made, then `pip install .` into a fresh venv.
package-test: $(PACKAGE_STAMP)
	@test -f $(TARBALL) || { echo "No $(TARBALL): run \`make package\` first."; exit 1; }
	timeout -k 10 $(PACKAGE_TEST_TIMEOUT) $(PY) packaging/smoke_test.py --bundle $(BUNDLE) --tarball $(TARBALL) --pip

# The bundle in the desktop's menu: .desktop, icons, metainfo under ~/.local/share.
install-desktop:
	sh scripts/install-desktop.sh $(BUNDLE)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
