#!/bin/sh
# Start an unlocked gnome-keyring (Secret Service) in the current D-Bus session, with a
# throwaway HOME so nothing touches the real one. Used by `make test` and CI.
set -e
export HOME="$(mktemp -d)"
export XDG_DATA_HOME="$HOME/.local/share" XDG_CONFIG_HOME="$HOME/.config" XDG_CACHE_HOME="$HOME/.cache"
if command -v gnome-keyring-daemon >/dev/null 2>&1; then
  eval "$(printf ci-pass | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL
  export MINIMAX_STUDIO_SECRET_SERVICE=1
fi
exec "$@"
