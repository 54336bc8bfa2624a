"""The library's files as the Gallery handles them: adding files dropped from outside,
exporting items with the exact request beside them, and the fields that put a removed item
back (Undo of a delete).

Files dropped onto the Gallery are *copied* into the library folder (the original stays
where it was), named like every other item, and de-duplicated by content: an added file's
``remote_id`` is ``file:sha256:<digest>``. The index already keeps ``remote_id`` unique and
``Library.add_many`` skips ids it holds, so dropping the same picture twice (or a folder
holding it) adds it once, at no extra schema cost. Such ids are local: nothing is ever
sent to Hailuo for them (``is_local_key``).

Everything slow (walking folders, hashing, copying, decoding headers, thumbnails) runs in
worker threads; the caller's event loop only awaits. Nothing here imports Qt.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from minimax_studio.core import naming
from minimax_studio.core.library import Library, LibraryItem
from minimax_studio.core.library_new_item import NewLibraryItem
from minimax_studio.core.thumbnails import content_hash, make_thumbnail_sync

__all__ = [
    "AddFilesReport",
    "add_files",
    "expand_paths",
    "export_items",
    "file_kind",
    "hash_key",
    "is_local_key",
    "item_fields",
    "set_item_path",
]

LOCAL_KEY_PREFIX = "file:sha256:"
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".webm", ".mkv", ".m4v"})
AUDIO_SUFFIXES = frozenset({".mp3", ".wav", ".m4a", ".aac", ".ogg", ".flac"})
#: Files indexed per transaction while adding: few commits, yet progress stays visible.
BATCH = 50

Progress = Callable[[int, int, str], None]  # done, total, the file just handled


def file_kind(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext in IMAGE_SUFFIXES:
        return "image"
    if ext in VIDEO_SUFFIXES:
        return "video"
    if ext in AUDIO_SUFFIXES:
        return "audio"
    return None


def hash_key(digest: str) -> str:
    return LOCAL_KEY_PREFIX + digest


def is_local_key(remote_id: str | None) -> bool:
    """True for the content keys of dropped files: not a Hailuo id, never sent there."""
    return bool(remote_id) and str(remote_id).startswith(LOCAL_KEY_PREFIX)


def expand_paths(paths: Iterable[Path]) -> tuple[list[Path], int]:
    """Files to add from dropped files and folders (folders walked recursively, hidden
    entries skipped), and how many other files were passed over (not media). Blocking:
    call from a thread."""
    out: list[Path] = []
    other = 0
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    f = Path(root) / name
                    if file_kind(f):
                        out.append(f)
                    else:
                        other += 1
        elif p.is_file() and file_kind(p):
            out.append(p)
        else:
            other += 1
    return out, other


@dataclass
class AddFilesReport:
    #: How many files were indexed. A count, not the items: holding 10 000 items for the
    #: length of a drop grows the heap enough to set off full GC passes of 100–400 ms on
    #: the GUI thread (measured); the Gallery reads new items from the index anyway.
    added: int = 0
    duplicates: int = 0
    not_media: int = 0
    problems: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False

    @property
    def summary(self) -> str:
        n = self.added
        parts = [f"{n} file{'s' * (n != 1)} added to the library"]
        if self.duplicates:
            parts.append(f"{self.duplicates} already here")
        if self.not_media:
            parts.append(f"{self.not_media} not images, videos or audio")
        if self.problems:
            first = self.problems[0]
            parts.append(f"{len(self.problems)} skipped: {first[0].name} — {first[1]}")
        text = ", ".join(parts) + "."
        return ("Stopped: " + text) if self.cancelled else text


def _image_size(path: Path) -> tuple[int | None, int | None]:
    try:
        from PIL import Image

        with Image.open(path) as img:  # reads the header only
            return img.width, img.height
    except Exception:  # any decoder error: the size stays unknown, the file is still added
        return None, None


def _prepare(library: Library, src: Path, thumbs_dir: Path, taken: set[str]) -> NewLibraryItem | str:
    """Hash, copy and describe one file (a worker thread). Returns the item's fields, or
    "duplicate"."""
    kind = file_kind(src)
    assert kind is not None
    digest = content_hash(src)
    key = hash_key(digest)
    if key in taken:
        return "duplicate"
    taken.add(key)
    when = datetime.fromtimestamp(src.stat().st_mtime, UTC)
    # "added" names the file like a model would ("…_added_sunset.png"); the item has no model.
    dest = library.target_path(kind, "added", src.stem, src.suffix.lstrip(".").lower(), when)
    try:
        shutil.copy2(src, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            dest.unlink()
        raise
    width, height = _image_size(dest) if kind == "image" else (None, None)
    thumb = make_thumbnail_sync(dest, thumbs_dir) if kind != "audio" else None
    return NewLibraryItem(kind=kind, prompt="", model="", path=dest, remote_id=key,
                          width=width, height=height, thumb_path=thumb, created_at=when,
                          options={"originalName": src.name}, source="import")


async def _prepare_finishing(library: Library, src: Path, thumbs_dir: Path, taken: set[str],
                             pending: list[NewLibraryItem]) -> NewLibraryItem | str:
    """``_prepare`` in a thread. Cancelled meanwhile, the thread still finishes its copy:
    wait for it and keep the result in ``pending`` (indexed by the caller's final flush),
    so a cancel never leaves a copied file the index does not know."""
    fut = asyncio.ensure_future(asyncio.to_thread(_prepare, library, src, thumbs_dir, taken))
    try:
        return await asyncio.shield(fut)
    except asyncio.CancelledError:
        try:
            fields = await fut
        except Exception:  # the copy failed or was cleaned up: nothing to index
            fields = None
        if isinstance(fields, NewLibraryItem):
            pending.append(fields)
        raise


async def add_files(library: Library, paths: Sequence[Path], thumbs_dir: Path, *,
                    progress: Progress | None = None) -> AddFilesReport:
    """Copy dropped files / folders into the library, skipping what it already holds.
    Cancel the task to stop: what was added so far stays, the file being copied is
    finished or removed, and ``report`` is lost only for the cancelled call (the items
    are in the library; the Gallery shows them)."""
    report = AddFilesReport()
    files, report.not_media = await asyncio.to_thread(expand_paths, paths)
    root = library.root.resolve()
    taken = await library.remote_ids()
    pending: list[NewLibraryItem] = []
    total = len(files)

    async def flush() -> None:
        if not pending:
            return
        batch = list(pending)
        # Cleared only once written: a cancel while the write waits for the database
        # thread (its work may then never run) leaves the batch to the final flush below.
        # Writing it twice is harmless: add_many skips remote ids already indexed.
        report.added += await library.add_many(batch)
        del pending[:len(batch)]

    try:
        for i, src in enumerate(files, start=1):
            if src.resolve().is_relative_to(root):
                report.duplicates += 1  # a file of this library dropped back onto it
            else:
                try:
                    fields = await _prepare_finishing(library, src, thumbs_dir, taken, pending)
                except (OSError, naming.UnsafePathError) as exc:
                    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
                    report.problems.append((src, str(reason)))
                else:
                    if fields == "duplicate":
                        report.duplicates += 1
                    else:
                        assert isinstance(fields, NewLibraryItem)
                        pending.append(fields)
                        if len(pending) >= BATCH:
                            await flush()
            if progress is not None:
                progress(i, total, src.name)
    except asyncio.CancelledError:
        report.cancelled = True
        await asyncio.shield(flush())
        raise
    await flush()
    return report


# --- export ---------------------------------------------------------------------------------

def _free_name(folder: Path, name: str) -> Path:
    candidate = folder / name
    n = 2
    while candidate.exists():
        candidate = folder / naming.with_counter(name, n)
        n += 1
    return candidate


def sidecar(item: LibraryItem) -> dict[str, Any]:
    """What the JSON beside an exported file says: the exact request, and where it came from."""
    return {
        "kind": item.kind, "model": item.model, "prompt": item.prompt,
        "request": item.request, "options": item.options, "account": item.account,
        "remoteId": None if is_local_key(item.remote_id) else item.remote_id,
        "fileId": item.file_id, "width": item.width, "height": item.height,
        "duration": item.duration, "createdAt": item.created_at.isoformat(),
        "finishedAt": item.finished_at.isoformat() if item.finished_at else None,
        "favorite": item.favorite, "tags": item.tags, "source": item.source,
        "libraryFile": item.path.name,
    }


def export_items(items: Sequence[LibraryItem], dest: Path) -> tuple[list[Path], list[str]]:
    """Copy each item's file into ``dest`` with a ``<name>.json`` sidecar. Returns the
    copied files and a sentence per item that could not be exported. Blocking."""
    dest.mkdir(parents=True, exist_ok=True)
    done: list[Path] = []
    problems: list[str] = []
    for item in items:
        if not item.path.is_file():
            problems.append(f"{item.path.name}: the file is no longer on disk.")
            continue
        target = _free_name(dest, item.path.name)
        try:
            shutil.copy2(item.path, target)
            meta = target.with_name(target.name + ".json")
            meta.write_text(json.dumps(sidecar(item), ensure_ascii=False, indent=2, default=str),
                            encoding="utf-8")
        except OSError as exc:
            problems.append(f"{item.path.name}: {exc.strerror or exc}")
            continue
        done.append(target)
    return done, problems


# --- putting items back, moving them ----------------------------------------------------------

def item_fields(item: LibraryItem) -> NewLibraryItem:
    """What ``Library.add_item`` needs to recreate ``item`` (same id: it is its creation time)."""
    return NewLibraryItem(
        kind=item.kind, prompt=item.prompt, model=item.model, path=item.path,
        request=item.request, options=item.options, account=item.account,
        job_id=item.job_id, remote_id=item.remote_id, file_id=item.file_id,
        width=item.width, height=item.height, duration=item.duration,
        thumb_path=item.thumb_path, created_at=item.created_at,
        finished_at=item.finished_at, favorite=item.favorite, tags=list(item.tags),
        source=item.source,
    )


async def set_item_path(library: Library, item_id: int, path: Path) -> LibraryItem | None:
    """"Locate…": point an item whose file moved at its new place (stored relative to the
    library folder when inside it, like every path)."""
    # Library keeps the relative/absolute rule in its private _store_path; reusing it keeps
    # one rule instead of a copy that could drift.
    stored = library._store_path(path)
    await library.db.execute("UPDATE items SET path = ? WHERE id = ?", (stored, item_id))
    return await library.get(item_id)
