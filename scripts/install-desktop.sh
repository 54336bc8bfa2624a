#!/bin/sh
# `make install-desktop`: make the bundle (dist/minimax-studio/, or the folder given) show up
# in the desktop's menu and docks: the .desktop entry (Exec pointing at this bundle), the
# icons in the hicolor theme and the AppStream metainfo, all under ~/.local/share.
# Remove with: sh scripts/install-desktop.sh --uninstall
set -e
cd "$(dirname "$0")/.."
ID=io.github.minimaxstudio.MiniMaxStudio
DATA="${XDG_DATA_HOME:-$HOME/.local/share}"
if [ "$1" = "--uninstall" ]; then
  rm -f "$DATA/applications/$ID.desktop" "$DATA/metainfo/$ID.metainfo.xml" \
        "$DATA/icons/hicolor/scalable/apps/$ID.svg" "$DATA"/icons/hicolor/*/apps/"$ID.png"
  echo "Removed MiniMax Studio's menu entry and icons from $DATA"
  exit 0
fi
BUNDLE="$(cd "${1:-dist/minimax-studio}" 2>/dev/null && pwd)" || {
  echo "No bundle at ${1:-dist/minimax-studio}: run \`make package\` first." >&2; exit 1; }
EXE="$BUNDLE/minimax-studio"
[ -x "$EXE" ] || { echo "$EXE is not an executable bundle: run \`make package\` first." >&2; exit 1; }
# Desktop Entry spec: quote the path (it may hold spaces); escape \ " ` $ inside the quotes.
QUOTED="\"$(printf '%s' "$EXE" | sed 's/[\\"`$]/\\&/g')\""
mkdir -p "$DATA/applications" "$DATA/metainfo" "$DATA/icons/hicolor/scalable/apps"
sed -e "s|^Exec=.*|Exec=$QUOTED|" -e "s|^TryExec=.*|TryExec=$EXE|" \
    "packaging/$ID.desktop" > "$DATA/applications/$ID.desktop"
cp "packaging/$ID.metainfo.xml" "$DATA/metainfo/"
cp resources/icons/minimax-studio.svg "$DATA/icons/hicolor/scalable/apps/$ID.svg"
for png in resources/icons/minimax-studio-*.png; do
  size="${png##*-}"; size="${size%.png}"
  mkdir -p "$DATA/icons/hicolor/${size}x${size}/apps"
  cp "$png" "$DATA/icons/hicolor/${size}x${size}/apps/$ID.png"
done
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$DATA/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$DATA/icons/hicolor" || true
echo "MiniMax Studio is in your applications menu ($DATA/applications/$ID.desktop -> $EXE)"
