"""What one row of the jobs panel says, computed once per change instead of once per paint.

The delegate repaints rows many times a second while jobs run; asking the model for a
dozen roles per row per paint (each a Python call through Qt) cost about a millisecond a
row. ``RowView`` is the row's text, ready to paint, cached by the model until the job or
its elapsed-time string changes. Also here: the thumbnail lookups the model uses.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QImageReader

from minimax_studio.core.jobs import FINAL_STATES, Job, JobState
from minimax_studio.viewmodels.error_words import human_reason
from minimax_studio.viewmodels.job_actions import in_remote_queue, result_paths, state_text

if TYPE_CHECKING:
    from minimax_studio.core.library import Library

_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp"}
#: States whose progress number means something to draw as a bar.
BAR_STATES = frozenset({JobState.UPLOADING, JobState.PROCESSING, JobState.DOWNLOADING})


@functools.cache
def model_label(kind: str, model_id: str) -> str:
    """The catalog's human label for a model id; the id itself when the catalog does not
    know it (a model added on the server after this release still shows something)."""
    try:
        from minimax_studio.api import catalog
    except ImportError:
        return model_id
    table: Any = {"video": getattr(catalog, "VIDEO_MODELS", {}),
                  "image": getattr(catalog, "IMAGE_MODELS", {})}.get(kind, {})
    entry = table.get(model_id)
    return str(getattr(entry, "label", "") or model_id)


def format_elapsed(seconds: float) -> str:
    s = max(0, int(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {s % 3600 // 60:02d} min"


def elapsed_seconds(job: Job, now: datetime) -> float:
    end = job.updated_at if job.state in FINAL_STATES else now
    return max(0.0, (end - job.created_at).total_seconds())


def short_cost(label: str | None) -> str:
    """"25–80 credits (exact price not published)" → "25–80 credits": the row has room for
    the number; the tooltip and the metadata pane carry the whole sentence."""
    return (label or "").split(" (", 1)[0].strip()


#: Ends in which nothing was charged. Hailuo refunds failed and moderated generations
#: (useapi's scripts and the sandbox's ``refund_failed``; *inferred*, not captured).
_NOT_CHARGED = frozenset({JobState.FAILED, JobState.MODERATED})


def cost_outcome(job: Job) -> str:
    """The row's cost as it stands: the estimate while running; once finished, what was
    charged — the catalog's price for this exact request, since the API reports no charged
    amount for videos and images — or "not charged"."""
    short = short_cost(job.cost)
    if job.state in _NOT_CHARGED or (job.state is JobState.CANCELLED and not job.remote_ids):
        return "not charged"
    if job.state is JobState.COMPLETED and short and "–" not in short and "?" not in short:
        return f"{short} charged"
    return short


def result_count(job: Job) -> int:
    """How many pictures the job makes: the files it downloaded once known, else what was
    asked (``quantity``, or the model's fixed 4 for Midjourney)."""
    files = [d for d in job.downloads.values() if d.get("state") != "skipped"]  # not media: not a result
    if len(files) > 1:
        return len(files)
    if job.kind.value != "image":
        return 1
    try:
        quantity = int(job.request.get("quantity") or 0)
    except (TypeError, ValueError):
        quantity = 0
    if quantity > 1:
        return quantity
    try:
        from minimax_studio.api import catalog

        fixed = getattr(catalog.IMAGE_MODELS.get(job.model), "fixed_quantity", None)
    except ImportError:
        fixed = None
    return int(fixed or 1)


def outcome_sentence(job: Job) -> tuple[str, str]:
    """(sentence, tone) for the line under Generate that follows the job just submitted,
    from "queued" to what really happened. tone: "" / "ok" / "error"."""
    n = f"Job #{job.id}"
    reason = human_reason(job.reason).rstrip(".")
    state = job.state
    if state is JobState.COMPLETED:
        return f"{n} is done — {cost_outcome(job)}. The form keeps its values for your next variation.", "ok"
    if state is JobState.FAILED:
        return f"{n} failed{': ' + reason if reason else ''} — not charged.", "error"
    if state is JobState.MODERATED:
        why = f" ({reason})" if reason else ""
        return f"{n} was stopped by Hailuo's moderation{why} — not charged. Try other words or images.", "error"
    if state is JobState.CANCELLED:
        return f"{n} was cancelled.", ""
    if state is JobState.NEEDS_ATTENTION:
        return f"{n} needs attention{': ' + reason if reason else ''}.", "error"
    if state is JobState.QUEUED:
        return f"{n} is queued{' — ' + reason if reason else ''}.", ""
    # The state without its percentage (this line changes with the state, not with every
    # progress tick; the jobs list shows the number). "In Hailuo's queue": only the first
    # letter is lowered.
    st = re.sub(r"\s+\d+\s*%$", "", state_text(job))
    return f"{n}: {st[:1].lower()}{st[1:]} — follow it in the jobs list.", ""


@dataclass(frozen=True, slots=True)
class RowView:
    kind: str  # "VIDEO" / "IMAGE" — the placeholder tile says it
    model: str  # catalog label
    account: str  # "account 4716…" or "account not chosen yet"
    cost: str  # short form
    prompt: str  # one line, whitespace collapsed
    state: str  # JobState value: the delegate picks the colour from it
    state_text: str  # "Generating 40 %"
    progress: int | None  # only when a bar should be drawn
    reason: str  # one line, may be ""
    elapsed: str
    running: bool


def row_view(job: Job, elapsed: str) -> RowView:
    count = result_count(job)
    return RowView(
        kind=job.kind.value.upper(),
        model=model_label(job.kind.value, job.model) + (f" ×{count}" if count > 1 else ""),
        account=(f"account {job.account}" if job.account
                 else "no account" if job.is_final else "account not chosen yet"),
        cost=cost_outcome(job),
        prompt=" ".join(job.prompt.split()) or "(no prompt)",
        state=job.state.value,
        state_text=state_text(job),
        progress=(job.progress if job.state in BAR_STATES and job.progress is not None
                  and not in_remote_queue(job) else None),
        reason=human_reason(job.reason),  # the raw text stays in the tooltip / details
        elapsed=elapsed,
        running=not job.is_final,
    )


# --- thumbnails ---------------------------------------------------------------------------

#: ``async (job) -> Path | None``: an image to show for a finished job.
ThumbLookup = Callable[[Job], Coroutine[Any, Any, Path | None]]


async def default_thumb_lookup(job: Job) -> Path | None:
    """The downloaded file itself when it is an image."""
    for p in result_paths(job):
        if p.suffix.lower() in _IMAGE_SUFFIXES:
            return p
    return None


def library_thumbs(library: Library) -> ThumbLookup:
    """Prefer the library's own thumbnail (videos get one from their cover image), else the
    downloaded file when it is an image."""

    async def lookup(job: Job) -> Path | None:
        for item_id in job.library_item_ids:
            item = await library.get(item_id)
            thumb = getattr(item, "thumb_path", None)
            if thumb is not None and Path(thumb).is_file():
                return Path(thumb)
        return await default_thumb_lookup(job)

    return lookup


def load_thumb(path: Path, size: int) -> QImage | None:
    """Runs in a worker thread: QImage (never QPixmap) is safe off the GUI thread. Scaled
    here, once, so painting a row never scales an image."""
    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    src = reader.size()
    if src.isValid() and (src.width() > size or src.height() > size):
        reader.setScaledSize(src.scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio))
    img = reader.read()
    return None if img.isNull() else img
