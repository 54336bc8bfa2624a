#!/bin/sh
# Runs the whole suite inside a private D-Bus session with an unlocked gnome-keyring, so the
# token tests talk to the real Secret Service (never a plaintext fallback).
# Stage 1: the Qt-free layers (api, sandbox, core) with pytest-qt disabled; the run fails if
#          anything imported PySide6 (the napari-style proof that the layering holds).
# Stage 2: everything else (view-models, widgets, end-to-end) offscreen.
set -e
cd "$(dirname "$0")/.."
exec dbus-run-session -- sh scripts/with-keyring.sh sh -c '
  set -e
  .venv/bin/python -m pytest -p no:pytest-qt --assert-no-qt tests/api tests/sandbox tests/core
  .venv/bin/python -m pytest --ignore=tests/api --ignore=tests/sandbox --ignore=tests/core
'
