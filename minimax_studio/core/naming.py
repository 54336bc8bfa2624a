"""File names for library items: built from the date, the model and a slug of the prompt,
never from a server-supplied name as is.

Everything that ends up in a path goes through ``safe_component``: no separators, no ``..``,
no control or bidi/format characters (an RTL override can make ``gpj.exe`` look like
``exe.jpg``), no Windows-reserved names, no trailing dots or spaces, and a bounded length in
UTF-8 bytes (most file systems cap a name at 255 bytes, not characters). ``ensure_inside``
is the last line of defence: the resolved final path must sit under the library root.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

#: Bytes, not characters: a 40-character Chinese slug is 120 bytes.
PROMPT_SLUG_BYTES = 40
MODEL_SLUG_BYTES = 40
#: Whole file name budget; leaves room for "-123" and ".part" under the common 255 limit.
NAME_BYTES = 160

_WINDOWS_RESERVED = frozenset(
    {"con", "prn", "aux", "nul", "clock$", "conin$", "conout$"}
    | {f"com{i}" for i in "0123456789¹²³"}
    | {f"lpt{i}" for i in "0123456789¹²³"}
)
_ALLOWED_EXT = re.compile(r"^[a-z0-9]{1,8}$")
_DASHES = re.compile(r"-{2,}")


class UnsafePathError(ValueError):
    """A computed path would leave the library folder."""


def _clean_chars(text: str) -> str:
    # NFKC folds full-width and compatibility forms ("ＣＯＮ" -> "CON", "ﬁ" -> "fi") so the
    # reserved-name and separator checks below see what the file system will see.
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch == "_":
            out.append(ch.lower())
        elif cat[0] == "C":
            # control, format (bidi marks, zero-width), surrogate, private use, unassigned
            continue
        else:
            # separators, punctuation ('/', '\\', ':', '.', ...), symbols, marks, spaces
            out.append("-")
    return "".join(out)


def _truncate_bytes(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    return encoded[:limit].decode("utf-8", errors="ignore")


def slugify(text: str | None, max_bytes: int = PROMPT_SLUG_BYTES, fallback: str = "untitled") -> str:
    """Lower-case words joined by '-', at most ``max_bytes`` UTF-8 bytes, cut at a word
    boundary when possible. Never empty, never contains a path separator or a dot."""
    slug = _DASHES.sub("-", _clean_chars(text or "")).strip("-_")
    if len(slug.encode("utf-8")) > max_bytes:
        cut = _truncate_bytes(slug, max_bytes)
        # Prefer ending on a whole word when that keeps at least half the budget.
        at = cut.rfind("-")
        if at >= len(cut) // 2:
            cut = cut[:at]
        slug = cut.strip("-_")
    return slug or fallback


def safe_extension(ext: str | None, fallback: str = "bin") -> str:
    """``".MP4"`` -> ``"mp4"``; anything odd -> ``fallback``."""
    e = (ext or "").strip().lstrip(".").lower()
    return e if _ALLOWED_EXT.match(e) else fallback


def safe_component(name: str, max_bytes: int = NAME_BYTES, fallback: str = "item") -> str:
    """One path component safe on Linux, macOS and Windows. Keeps a trailing ``.ext``
    when it is a plain extension."""
    name = unicodedata.normalize("NFKC", name or "")
    stem, dot, ext = name.rpartition(".")
    if not dot or not _ALLOWED_EXT.match(ext.lower()):
        stem, ext = name, ""
    stem = _DASHES.sub("-", _clean_chars(stem)).strip("-_ .") or fallback
    if stem.split(".")[0].lower() in _WINDOWS_RESERVED:
        stem = f"{stem}-file"
    suffix = f".{ext.lower()}" if ext else ""
    stem = _truncate_bytes(stem, max(1, max_bytes - len(suffix.encode("utf-8")))).strip("-_ .")
    return (stem or fallback) + suffix


def item_file_name(model: str | None, prompt: str | None, ext: str | None, when: datetime) -> str:
    """``2026-11-29_1432_veo-3-1_a-cat-walks-across.mp4`` (``when`` in local time: that is
    the clock the user reads)."""
    local = _local_time(when)
    model_slug = slugify(model, MODEL_SLUG_BYTES, fallback="model")
    prompt_slug = slugify(prompt, PROMPT_SLUG_BYTES)
    return safe_component(
        f"{local:%Y-%m-%d_%H%M}_{model_slug}_{prompt_slug}.{safe_extension(ext)}"
    )


def day_folder(when: datetime) -> str:
    return f"{_local_time(when):%Y-%m-%d}"


def _local_time(when: datetime) -> datetime:
    """``when`` on the user's clock; as given when that is not a date (year 9999 in a zone
    east of UTC, year 1 west of it: ``astimezone`` overflows on a server's odd createTime).
    A file name is never worth failing a download over."""
    try:
        return when.astimezone()
    except (OverflowError, ValueError, OSError):
        return when


def with_counter(name: str, n: int) -> str:
    """``a.mp4`` -> ``a-2.mp4``."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        return f"{name}-{n}"
    return f"{stem}-{n}.{ext}"


def ensure_inside(root: Path, candidate: Path) -> Path:
    """Resolve ``candidate`` (following symlinks) and prove it lies under ``root``."""
    real_root = root.resolve()
    real = candidate.resolve()
    if real != real_root and not real.is_relative_to(real_root):
        raise UnsafePathError(f"Refusing to write outside the library folder: {candidate}")
    return real
