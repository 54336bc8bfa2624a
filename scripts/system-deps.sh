#!/bin/sh
# Debian/Ubuntu packages the app and its tests need beyond the Python wheels:
#   libpulse0            QtMultimedia will not import without it
#   gnome-keyring, dbus  the real Secret Service the token lives in (and the tests use)
#   xvfb + xcb libs      a real window on a virtual screen (screenshots, `make run` headless)
# Installs them with apt when run as root; otherwise prints the exact command and stops.
set -e
PKGS="libpulse0 gnome-keyring dbus dbus-x11 xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 fonts-dejavu-core"
command -v dpkg-query >/dev/null 2>&1 || { echo "system-deps: not a Debian/Ubuntu system; install the equivalents of: $PKGS"; exit 0; }
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "system-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "system-deps: missing Debian packages. Run:"
  echo "  sudo apt-get install -y --no-install-recommends$missing"
  exit 1
fi
