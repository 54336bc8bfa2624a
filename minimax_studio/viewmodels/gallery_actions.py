"""What the Gallery does with selected library items: favorite, tags, copy prompt, remix,
use as first frame / reference, open, reveal, export, delete (to the OS trash, with Undo),
remove from the library, locate a missing file, and add dropped files.

Every library write and file operation is a coroutine on the app's ``TaskRunner``; the SQL
runs on the index's worker thread and file work in ``asyncio.to_thread``, so the GUI never
waits. The view-model never imports a widget: it emits signals for what the UI must do
(fill a form, switch tab, update the grid) and sentences for what happened.

Delete moves files to the OS trash with ``QFile.moveToTrash`` (freedesktop / Windows /
macOS trash; it answers the path inside the trash, which is what makes Undo possible) and
drops the items from the index; Undo moves the files back and re-adds the items with their
old fields (same id: an item's id is its creation time, so it lands in the same place).
"Also delete on Hailuo" is a separate, explicit call (``delete(..., on_hailuo=True)``):
that part cannot be undone, and the UI asks first.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QFile, QMimeData, QObject, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication

from minimax_studio.core.library import LibraryItem
from minimax_studio.core.library_files import (
    add_files,
    export_items,
    is_local_key,
    item_fields,
    set_item_path,
)
from minimax_studio.viewmodels.tasks import describe_error

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.core.library import Library
    from minimax_studio.viewmodels.tasks import TaskRunner

log = logging.getLogger(__name__)

__all__ = ["GalleryActionsVM", "GalleryItem", "is_local_key", "items_mime", "remix_request"]

#: The item type, for the UI layer to name (it may not import core).
GalleryItem = LibraryItem

ADD_KEY = "gallery:add-files"


def remix_request(item: LibraryItem) -> dict[str, Any]:
    """The exact request that made ``item`` (model and prompt always present), for a form."""
    request = dict(item.request or {})
    request.setdefault("model", item.model)
    if item.prompt and not request.get("prompt"):
        request["prompt"] = item.prompt
    return request


def items_mime(items: Sequence[LibraryItem]) -> QMimeData:
    """Dragged items as real files (local file URLs, the existing ones): a file manager
    copies them, any form slot takes them, any other app opens them."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(i.path)) for i in items if i.path.is_file()])
    return mime


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def _move_to_trash(path: Path) -> str | None:
    """The file's path inside the OS trash, or None when there is no trash to move it to."""
    f = QFile(str(path))
    if not f.moveToTrash():
        return None
    return f.fileName()


def _restore_from_trash(trashed: str, original: Path) -> None:
    original.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(trashed, original)
    # freedesktop trash: Trash/files/<name> has Trash/info/<name>.trashinfo beside it.
    info = Path(trashed).parent.parent / "info" / (Path(trashed).name + ".trashinfo")
    if info.is_file():
        try:
            info.unlink()
        except OSError:
            pass


@dataclass
class _Undo:
    text: str
    #: (item, where its file went in the trash — None when the file stayed put)
    entries: list[tuple[LibraryItem, str | None]]


class GalleryActionsVM(QObject):
    #: items whose fields changed (favorite, tags, path) — the grid repaints them
    itemsChanged = Signal(list)
    #: ids no longer in the library — the grid drops them
    itemsRemoved = Signal(list)
    #: items put back by Undo — the grid reloads
    itemsRestored = Signal(list)
    #: what can be undone now ("Deleted 3 items"); "" when nothing
    undoChanged = Signal(str)
    #: kind ("video" / "image"), the exact request — a form fills itself from it
    remixRequested = Signal(str, dict)
    #: an image for the Video tab's first-frame slot
    firstFrameRequested = Signal(str)
    #: item, video path: its last frame becomes a first frame (the UI grabs it)
    lastFrameRequested = Signal(object, str)
    #: tab ("video" / "image"), a file for its first free slot that takes it
    referenceRequested = Signal(str, str)
    #: the agent conversation an item came from (C's Agent tab may connect it)
    openConversationRequested = Signal(int)
    #: done, total, current file name — adding dropped files
    addProgress = Signal(int, int, str)
    #: the summary sentence when adding ended (or was cancelled)
    addFinished = Signal(str)
    message = Signal(str)
    failed = Signal(str)

    def __init__(self, library: Library | None, runner: TaskRunner, *,
                 thumbs_dir: Path | None = None, client: MiniMaxClient | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._runner = runner
        self._thumbs = thumbs_dir or Path(".")
        self._client = client
        self._undo: _Undo | None = None
        self._serial = 0
        self.add_report_text = ""

    # --- small helpers ------------------------------------------------------------------------
    def _start(self, key: str, coro: Any, on_done: Callable[[Any], None] | None = None) -> Any:
        # Writes get a key of their own: a second Delete pressed while the first runs must
        # not cancel it half-way (a file in the trash with its item still indexed).
        if key != ADD_KEY:
            self._serial += 1
            key = f"{key}:{self._serial}"
        return self._runner.start(key, coro, on_done=on_done, on_error=self.failed.emit,
                                  error_context="Gallery", notify=False)

    def _lib(self) -> Library:
        if self._library is None:
            raise RuntimeError("The library is not open.")
        return self._library

    @property
    def undo_text(self) -> str:
        return self._undo.text if self._undo else ""

    def _set_undo(self, undo: _Undo | None) -> None:
        self._undo = undo
        self.undoChanged.emit(undo.text if undo else "")

    # --- marking --------------------------------------------------------------------------------
    def toggle_favorite(self, items: Sequence[LibraryItem]) -> Any:
        """F: when any selected item is not a favorite, all become favorites; else none."""
        if not items:
            return None
        on = not all(i.favorite for i in items)

        async def run() -> list[LibraryItem]:
            lib = self._lib()
            for i in items:
                await lib.set_favorite(i.id, on)
            return [await lib.get(i.id) or i for i in items]

        return self._start("gallery:favorite", run(), self.itemsChanged.emit)

    def set_tags(self, items: Sequence[LibraryItem], tags: Sequence[str]) -> Any:
        async def run() -> list[LibraryItem]:
            lib = self._lib()
            for i in items:
                await lib.set_tags(i.id, tags)
            return [await lib.get(i.id) or i for i in items]

        return self._start("gallery:tags", run(), self.itemsChanged.emit)

    def copy_prompt(self, items: Sequence[LibraryItem]) -> None:
        prompts = [i.prompt for i in items if i.prompt]
        if not prompts:
            self.message.emit("No prompt to copy: these files were added without one.")
            return
        QGuiApplication.clipboard().setText("\n\n".join(prompts))
        self.message.emit("Prompt copied." if len(prompts) == 1 else f"{len(prompts)} prompts copied.")

    # --- into a form ----------------------------------------------------------------------------
    def remix(self, item: LibraryItem) -> None:
        if item.kind not in ("video", "image") or not item.model:
            self.failed.emit("Only videos and images made with a model can be remixed; "
                             "this item has no request to fill a form with.")
            return
        self.remixRequested.emit(item.kind, remix_request(item))

    def use_as_first_frame(self, item: LibraryItem) -> None:
        if not self._file_ok(item):
            return
        if item.kind == "video":
            self.lastFrameRequested.emit(item, str(item.path))
        elif item.kind == "image":
            self.firstFrameRequested.emit(str(item.path))
        else:
            self.failed.emit("Audio cannot be a first frame.")

    def use_as_reference(self, item: LibraryItem) -> None:
        """Images go to the Image tab's references, videos and audio to the Video tab's
        (Seedance takes both); the form says so when its model has no free slot for it."""
        if self._file_ok(item):
            self.referenceRequested.emit("image" if item.kind == "image" else "video", str(item.path))

    # --- the file ---------------------------------------------------------------------------------
    def _file_ok(self, item: LibraryItem) -> bool:
        if item.path.is_file():
            return True
        self.failed.emit(f"{item.path.name} is no longer on disk: use “Locate…” to point "
                         "the library at it, or “Remove from library”.")
        return False

    def open(self, items: Sequence[LibraryItem]) -> None:
        for item in items[:10]:  # a stray Ctrl+A must not open 10 000 players
            if self._file_ok(item):
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(item.path)))

    def reveal(self, items: Sequence[LibraryItem]) -> None:
        # No portable "select in file manager": opening the folder works everywhere.
        folders = list(dict.fromkeys(i.path.parent for i in items if self._file_ok(i)))
        for folder in folders[:5]:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def export(self, items: Sequence[LibraryItem], dest: Path) -> Any:
        async def run() -> str:
            done, problems = await asyncio.to_thread(export_items, list(items), dest)
            text = f"Exported {_plural(len(done), 'file')} with their requests to {dest}."
            if problems:
                text += f" {_plural(len(problems), 'item')} skipped: {problems[0]}"
            return text

        return self._start("gallery:export", run(), self.message.emit)

    def locate(self, item: LibraryItem, new_path: Path) -> Any:
        async def run() -> list[LibraryItem]:
            if not Path(new_path).is_file():
                raise FileNotFoundError(2, "No such file", str(new_path))
            updated = await set_item_path(self._lib(), item.id, Path(new_path))
            return [updated] if updated else []

        return self._start("gallery:locate", run(), self.itemsChanged.emit)

    # --- delete / remove, and Undo --------------------------------------------------------------
    def delete(self, items: Sequence[LibraryItem], *, on_hailuo: bool = False) -> Any:
        """Files to the OS trash, items out of the index; Undo puts both back. With
        ``on_hailuo`` the results are also deleted on the account (not undoable)."""
        return self._start("gallery:delete", self._delete(list(items), trash=True,
                                                          on_hailuo=on_hailuo))

    def remove_from_library(self, items: Sequence[LibraryItem]) -> Any:
        """Forget the items; their files stay where they are. Undo re-adds them."""
        return self._start("gallery:delete", self._delete(list(items), trash=False,
                                                          on_hailuo=False))

    async def _delete(self, items: list[LibraryItem], *, trash: bool, on_hailuo: bool) -> None:
        lib = self._lib()
        entries: list[tuple[LibraryItem, str | None]] = []
        problems: list[str] = []
        for item in items:
            trashed: str | None = None
            if trash and item.path.exists():
                trashed = await asyncio.to_thread(_move_to_trash, item.path)
                if trashed is None:
                    problems.append(f"{item.path.name} could not be moved to the trash, so it "
                                    "was not deleted")
                    continue
            await lib.remove(item.id, delete_file=False)
            entries.append((item, trashed))
        if entries:
            ids = [i.id for i, _ in entries]
            self.itemsRemoved.emit(ids)
            verb = "Deleted" if trash else "Removed from the library"
            self._set_undo(_Undo(f"{verb}: {_plural(len(entries), 'item')}", entries))
        if on_hailuo:
            problems += await self._delete_remote([i for i, _ in entries])
        if problems:
            self.failed.emit("; ".join(problems[:3]) + ("…" if len(problems) > 3 else "") + ".")

    async def _delete_remote(self, items: list[LibraryItem]) -> list[str]:
        client = self._client
        targets = [i for i in items if i.remote_id and not is_local_key(i.remote_id)]
        if client is None:
            return ["Not connected, so nothing was deleted on Hailuo"] if targets else []
        problems: list[str] = []
        deleted = 0
        for item in targets:
            rid = str(item.remote_id)
            try:
                if item.kind == "video":
                    await client.videos.delete(rid)
                else:
                    await client.images.delete(rid)
                deleted += 1
            except Exception as exc:  # one failure never stops the others
                problems.append(f"{item.path.name} was not deleted on Hailuo: {describe_error(exc)}")
        if deleted:
            self.message.emit(f"Also deleted {_plural(deleted, 'result')} on Hailuo.")
        return problems

    def undo(self) -> Any:
        undo = self._undo
        if undo is None:
            return None
        self._set_undo(None)
        return self._start("gallery:undo", self._undo_run(undo), self.itemsRestored.emit)

    async def _undo_run(self, undo: _Undo) -> list[LibraryItem]:
        lib = self._lib()
        restored: list[LibraryItem] = []
        problems: list[str] = []
        for item, trashed in undo.entries:
            if trashed is not None:
                if item.path.exists():
                    problems.append(f"{item.path.name} stays in the trash: another file has "
                                    "its name now")
                    continue
                try:
                    await asyncio.to_thread(_restore_from_trash, trashed, item.path)
                except OSError as exc:
                    problems.append(f"{item.path.name} could not be taken out of the trash "
                                    f"({exc.strerror or exc})")
                    continue
            restored.append(await lib.add_item(item_fields(item)))
        self.message.emit(f"Restored {_plural(len(restored), 'item')}.")
        if problems:
            self.failed.emit("; ".join(problems[:3]) + ".")
        return restored

    # --- adding files -----------------------------------------------------------------------------
    def add_paths(self, paths: Sequence[Path | str]) -> Any:
        """Files or folders dropped on the Gallery: copied in, hashed, duplicates skipped."""
        lib = self._lib()
        files = [Path(p) for p in paths]

        def progress(done: int, total: int, name: str) -> None:
            self.addProgress.emit(done, total, name)

        def finished(report: Any) -> None:
            self.add_report_text = report.summary
            self.addFinished.emit(report.summary)

        return self._start(ADD_KEY, add_files(lib, files, self._thumbs, progress=progress), finished)

    def cancel_add(self) -> None:
        if self._runner.cancel(ADD_KEY):
            self.add_report_text = "Stopped adding files; what was copied so far is in the library."
            self.addFinished.emit(self.add_report_text)

    @property
    def adding(self) -> bool:
        return self._runner.is_running(ADD_KEY)
