#!/bin/sh
# apt-install.sh NAME PKG...: make sure the Debian/Ubuntu packages PKG... are installed.
# Shared by scripts/system-deps.sh and scripts/package-deps.sh (NAME prefixes the messages).
# Installs the missing ones with apt when run as root; otherwise prints the exact command and
# exits 1. On a system without dpkg it only names the packages and exits 0, since the
# equivalents there have other names we cannot guess.
set -e
name="$1"; shift
command -v dpkg-query >/dev/null 2>&1 || { echo "$name: not a Debian/Ubuntu system; install the equivalents of: $*"; exit 0; }
missing=""
for p in "$@"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "$name: installing$missing"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
else
  echo "$name: missing Debian packages. Run:"
  echo "  sudo apt-get install -y --no-install-recommends$missing"
  exit 1
fi
