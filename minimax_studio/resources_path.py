"""Where the files the app reads at run time come from: the ``minimax_studio.resources``
package (the repository's top-level ``resources/``, mapped into the package by setup.py).

Read through ``importlib.resources`` so the same call works from a git checkout (editable
install), an installed wheel / pipx, and the PyInstaller bundle — never as
``<package>/../resources``, which exists only in a checkout. No Qt here: the sandbox reads
its media through this module and must stay Qt-free.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

PACKAGE = "minimax_studio.resources"

#: The PNG sizes of the app icon under ``icons/`` (``minimax-studio-<size>.png``).
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICON_NAME = "minimax-studio"


def resource(*parts: str) -> Traversable:
    """A file or folder inside the shipped resources, e.g. ``resource("sandbox", "tone.wav")``."""
    node = resources.files(PACKAGE)
    for part in parts:
        node = node.joinpath(part)
    return node


def read_bytes(*parts: str) -> bytes:
    return resource(*parts).read_bytes()


def icon_png(size: int) -> Traversable:
    return resource("icons", f"{ICON_NAME}-{size}.png")
