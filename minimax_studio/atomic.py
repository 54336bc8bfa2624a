"""The one atomic file write: into a temporary file next to the target, then ``os.replace``
onto it — a crash or a full disk mid-write never leaves half a file where a whole one
was, and the temporary file is removed whatever happens. Outside the layers (like
``paths``) so core, viewmodels and the sandbox share it."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_write"]


def atomic_write(dest: Path, data: bytes | str | Callable[[BinaryIO], object], *,
                 prefix: str | None = None, encoding: str = "utf-8") -> Path:
    """Write ``data`` (bytes, text, or a function writing to a binary file) to ``dest``
    atomically; its folder is made if missing. Returns ``dest``."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix or f".{dest.name}-", suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            if isinstance(data, bytes):
                fh.write(data)
            elif isinstance(data, str):
                fh.write(data.encode(encoding))
            else:
                data(fh)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest
