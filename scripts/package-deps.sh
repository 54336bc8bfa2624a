#!/bin/sh
# Debian/Ubuntu packages `make package` / `make package-test` need beyond scripts/system-deps.sh:
#   binutils             strip/readelf/objdump: PyInstaller and packaging/minimax-studio.spec
#   desktop-file-utils   desktop-file-validate for packaging/*.desktop
#   appstream            appstreamcli validate for packaging/*.metainfo.xml
#   xvfb, xauth          the frozen window opens on a virtual screen
#   x11-utils            xwininfo: the smoke test sees the window on that screen
#   dbus, gnome-keyring  the Secret Service the bundle must find (as in `make test`)
# Installs them with apt when run as root; otherwise prints the exact command and stops.
set -e
PKGS="binutils desktop-file-utils appstream xvfb xauth x11-utils dbus gnome-keyring"
command -v dpkg-query >/dev/null 2>&1 || { echo "package-deps: not a Debian/Ubuntu system; install the equivalents of: $PKGS"; exit 0; }
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "package-deps: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "package-deps: missing Debian packages. Run:"
  echo "  sudo apt-get install -y --no-install-recommends$missing"
  exit 1
fi
