"""MiniMax Studio: a desktop studio for the useapi.net MiniMax API v1."""

__version__ = "0.1.0"
APP_NAME = "MiniMax Studio"
APP_ID = "minimax-studio"
#: The freedesktop / AppStream id: the .desktop and metainfo files in packaging/ are named
#: after it and the window sets it (``setDesktopFileName``) so Wayland docks show our name
#: and icon, not "python3". Reverse-DNS, as AppStream requires.
DESKTOP_ID = "io.github.minimaxstudio.MiniMaxStudio"
