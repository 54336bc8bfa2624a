#!/bin/sh
# Debian/Ubuntu packages the app and its tests need beyond the Python wheels:
#   libpulse0            QtMultimedia will not import without it
#   gnome-keyring, dbus  the real Secret Service the token lives in (and the tests use)
#   xvfb + xcb libs      a real window on a virtual screen (screenshots, `make run` headless)
# scripts/apt-install.sh installs them with apt when run as root; otherwise it prints the
# exact command and stops.
set -e
PKGS="libpulse0 gnome-keyring dbus dbus-x11 xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 fonts-dejavu-core"
exec sh "$(dirname "$0")/apt-install.sh" system-deps $PKGS
