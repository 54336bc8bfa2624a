#!/bin/sh
# Runs the whole suite inside a private D-Bus session with an unlocked gnome-keyring, so the
# token tests talk to the real Secret Service (never a plaintext fallback).
# Stage 1 runs the Qt-free layers with pytest-qt disabled and fails if PySide6 gets imported.
set -e
cd "$(dirname "$0")/.."
exec dbus-run-session -- sh scripts/with-keyring.sh sh -c '
  set -e
  .venv/bin/python -m pytest -p no:pytestqt -q tests/api tests/sandbox tests/core --assert-no-qt "$@"
  .venv/bin/python -m pytest -q --ignore=tests/api --ignore=tests/sandbox --ignore=tests/core "$@"
' run-tests "$@"
