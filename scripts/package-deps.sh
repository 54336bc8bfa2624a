#!/bin/sh
# Debian/Ubuntu packages `make package` / `make package-test` need beyond scripts/system-deps.sh:
#   binutils             strip/readelf/objdump: PyInstaller and packaging/minimax-studio.spec
#   desktop-file-utils   desktop-file-validate for packaging/*.desktop
#   appstream            appstreamcli validate for packaging/*.metainfo.xml
#   xvfb, xauth          the frozen window opens on a virtual screen
#   x11-utils            xwininfo: the smoke test sees the window on that screen
#   dbus, gnome-keyring  the Secret Service the bundle must find (as in `make test`)
# scripts/apt-install.sh installs them with apt when run as root; otherwise it prints the
# exact command and stops.
set -e
PKGS="binutils desktop-file-utils appstream xvfb xauth x11-utils dbus gnome-keyring"
exec sh "$(dirname "$0")/apt-install.sh" package-deps $PKGS
