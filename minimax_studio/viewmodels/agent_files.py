"""File work for the Agent tab, kept off the UI thread by its callers: the export rows of a
conversation, decoding a result for the preview, Save as…, and the library's thumbnail of
a result."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QImage, QImageReader

from minimax_studio.core.conversation_export import ExportTry, ExportTurn
from minimax_studio.core.conversations import conversations_db_path

if TYPE_CHECKING:
    from minimax_studio.core.conversations import Turn
    from minimax_studio.core.jobs import Job
    from minimax_studio.core.library import Library
    from minimax_studio.viewmodels.agent_turns import MediaView
    from minimax_studio.viewmodels.services import Session

__all__ = ["conversations_path", "copy_file", "export_rows", "read_image_file", "thumb_source"]


def conversations_path(session: Session) -> Path:
    """Next to the session's journal (sandbox conversations live with sandbox jobs)."""
    return conversations_db_path(session.journal.db.path)


def export_rows(turns: list[Turn], job: Callable[[int], Job | None]) -> list[ExportTurn]:
    """Each turn with every try: the request as ``POST agent`` got it (its own field names;
    files by name — the bytes went as multipart), state, reason, answer text, media."""
    rows: list[ExportTurn] = []
    for turn in turns:
        tries = []
        for t in turn.tries:
            j = job(t.job_id) if t.job_id is not None else None
            request: dict[str, Any] = {"prompt": turn.prompt, "models": ",".join(turn.models),
                                       "file": [Path(f).name for f in turn.files], "async": True}
            if j is not None and j.account:
                request["account"] = j.account
            media = [Path(d["path"]) for d in (j.downloads.values() if j else [])
                     if isinstance(d, dict) and d.get("path") and d.get("state") == "done"]
            tries.append(ExportTry(job_id=t.job_id, state=j.state.value if j else "not sent",
                                   reason=(j.reason if j else t.error), request=request,
                                   remote_ids=list(j.remote_ids) if j else [],
                                   text=str((t.answer or {}).get("text") or ""), media=media))
        rows.append(ExportTurn(turn.prompt, list(turn.files), tries))
    return rows


def read_image_file(path: Path) -> QImage | None:
    """Blocking: run in a thread (QImage, never QPixmap, is safe there)."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    img = reader.read()
    return None if img.isNull() else img


def copy_file(src: str, dst: str) -> None:
    """Blocking: run in a thread (a video can be hundreds of MB)."""
    shutil.copy2(src, dst)


async def thumb_source(library: Library | None, media: MediaView) -> Path | None:
    """The library's thumbnail of a result (videos get one from their cover image)."""
    if library is None or media.item_id is None:
        return None
    item = await library.get(int(media.item_id))
    thumb = getattr(item, "thumb_path", None)
    return Path(thumb) if thumb is not None and Path(thumb).is_file() else None
