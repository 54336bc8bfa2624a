"""The jobs of one kind (video or image) as a list model for the jobs panel.

One long-lived task (``run``) consumes ``engine.events()`` and turns each ``JobEvent`` into
the smallest model change: ``dataChanged`` for the one row whose job changed, a row insert
for a new job, a row removal for a removed one. Views never poll the engine.

Why change notifications are batched: 50 running jobs send hundreds of progress events a
second, and each ``dataChanged`` costs a repaint. The job list itself changes at once (so
``data()`` is always current); the ``dataChanged`` for changed rows goes out together at
most every ``FLUSH_MS`` — progress text at 5 updates a second still reads as live, and
each repaint of the visible rows (2-5 ms on the GUI thread under load) lands in fewer
of the loop's busy stretches (measured with bench/bench_ui_stall.py). Inserts,
removals and ``jobFinished`` are never delayed.

Thumbnails follow FeelUOwn's image card list: ``data()`` answers at once (``None`` until
the image is ready, the delegate paints a placeholder), the image is loaded off the GUI
thread into a bounded cache, and only that row is repainted when it arrives.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime
from enum import IntEnum
from typing import Any, Protocol

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QImage

from minimax_studio.core.jobs import EventType, Job, JobEvent, JobKind, JobState
from minimax_studio.viewmodels.job_actions import (
    ELSEWHERE_REASON,
    STATE_LABELS,
    result_paths,
    state_text,
)
from minimax_studio.viewmodels.job_rows import (
    RowView,
    ThumbLookup,
    default_thumb_lookup,
    elapsed_seconds,
    format_elapsed,
    library_thumbs,
    load_thumb,
    model_label,
    row_view,
)

__all__ = ["JobRole", "JobSource", "JobsModel", "format_elapsed", "library_thumbs", "model_label"]

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex
Spawn = Callable[[str, Coroutine[Any, Any, Any]], Any]
THUMB_SIZE = 96
FLUSH_MS = 200
_U = int(Qt.ItemDataRole.UserRole)


class JobRole(IntEnum):
    JOB = _U + 1
    ID = _U + 2
    STATE = _U + 3  # JobState value (str)
    STATE_TEXT = _U + 4  # "Generating 40 %"
    PROGRESS = _U + 5  # int 0-100 or None
    REASON = _U + 6
    MODEL = _U + 7
    PROMPT = _U + 8
    ACCOUNT = _U + 9
    COST = _U + 10
    ELAPSED = _U + 11  # seconds (float)
    ELAPSED_TEXT = _U + 12
    THUMBNAIL = _U + 13  # QImage or None while loading / none exists
    RUNNING = _U + 14  # bool
    RESULT_PATH = _U + 15  # str or None
    MODEL_LABEL = _U + 16  # "Hailuo 02" (catalog label) or the model id
    ROW = _U + 17  # RowView: everything the delegate paints, in one call


_ELAPSED_ROLES = [int(JobRole.ELAPSED), int(JobRole.ELAPSED_TEXT), int(JobRole.ROW)]
_THUMB_ROLES = [int(Qt.ItemDataRole.DecorationRole), int(JobRole.THUMBNAIL)]


class JobSource(Protocol):
    """What the model needs from ``core.engine.Engine``."""

    async def jobs(self, kind: JobKind | None = None) -> list[Job]: ...
    def events(self) -> AsyncIterator[JobEvent]: ...


class JobsModel(QAbstractListModel):
    #: how many jobs of this kind are not final (the tab title shows it).
    runningCountChanged = Signal(int)
    #: job id, final state — a job reached completed / failed / moderated / cancelled.
    jobFinished = Signal(int, str)
    #: the first snapshot is in.
    loaded = Signal()
    #: a sentence when the event stream broke (the panel shows it; the trace is logged).
    streamError = Signal(str)

    def __init__(self, source: JobSource, kind: JobKind | str, *, thumbs: ThumbLookup | None = None,
                 clock: Callable[[], datetime] | None = None, thumb_cache_size: int = 200,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        self._kind = JobKind(kind)
        self._jobs: list[Job] = []  # newest first
        self._rows: dict[int, tuple[Job, str, RowView]] = {}  # id → (snapshot, elapsed, view)
        self._thumb_lookup = thumbs or default_thumb_lookup
        self._thumbs: OrderedDict[tuple[int, int], QImage | None] = OrderedDict()
        self._thumb_cache_size = thumb_cache_size
        self._thumb_tasks: dict[int, asyncio.Task[None]] = {}
        self._clock = clock or (lambda: datetime.now(UTC))
        self._running = 0
        self._task: asyncio.Task[None] | None = None
        # job id → roles changed since the last flush (None: all roles)
        self._dirty: dict[int, list[int] | None] = {}
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self.flush)
        # Elapsed times tick once a second, and only while something runs (idle CPU).
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        D = Qt.ItemDataRole
        self._getters: dict[int, Callable[[Job], Any]] = {
            int(JobRole.ROW): self._row,
            int(D.DisplayRole): lambda j: f"{j.model} — {j.prompt}" if j.prompt else j.model,
            int(D.ToolTipRole): self._tooltip,
            int(D.DecorationRole): self._thumbnail,
            int(JobRole.THUMBNAIL): self._thumbnail,
            int(JobRole.JOB): lambda j: j,
            int(JobRole.ID): lambda j: j.id,
            int(JobRole.STATE): lambda j: j.state.value,
            int(JobRole.STATE_TEXT): state_text,
            int(JobRole.PROGRESS): lambda j: j.progress,
            int(JobRole.REASON): lambda j: ELSEWHERE_REASON if self.runs_elsewhere(j) else j.reason,
            int(JobRole.MODEL): lambda j: j.model,
            int(JobRole.MODEL_LABEL): lambda j: model_label(j.kind.value, j.model),
            int(JobRole.PROMPT): lambda j: j.prompt,
            int(JobRole.ACCOUNT): lambda j: j.account,
            int(JobRole.COST): lambda j: j.cost,
            int(JobRole.ELAPSED): lambda j: elapsed_seconds(j, self._clock()),
            int(JobRole.ELAPSED_TEXT): lambda j: format_elapsed(elapsed_seconds(j, self._clock())),
            int(JobRole.RUNNING): lambda j: not j.is_final,
            int(JobRole.RESULT_PATH): self._result_path,
        }

    # --- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._jobs)

    def roleNames(self) -> dict[int, QByteArray]:
        names = super().roleNames()
        names.update({int(r): QByteArray(r.name.lower().encode()) for r in JobRole})
        return names

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Hot path (every row, every paint): one dict lookup, no enum comparisons.
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._jobs):
            return None
        getter = self._getters.get(int(role))
        return getter(self._jobs[row]) if getter is not None else None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
        job = self.job_at(index.row())
        # A finished result can be dragged onto a slot (first frame, reference) like a file
        # from the file manager. No stat here: views ask for flags on every paint.
        if job is not None and job.state is JobState.COMPLETED and job.downloads:
            flags |= Qt.ItemFlag.ItemIsDragEnabled
        return flags

    def mimeTypes(self) -> list[str]:
        return ["text/uri-list"]

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction  # the result stays where it is

    def mimeData(self, indexes: Any) -> QMimeData:
        """The dragged jobs' result files as local file URLs: every drop target that takes
        files from a file manager takes them."""
        urls: list[QUrl] = []
        for index in indexes:
            job = self.job_at(index.row())
            if job is not None:
                urls += [QUrl.fromLocalFile(str(p)) for p in result_paths(job)]
        mime = QMimeData()
        mime.setUrls(urls)
        return mime

    # --- queries ----------------------------------------------------------------------------
    @property
    def kind(self) -> JobKind:
        return self._kind

    @property
    def running_count(self) -> int:
        return self._running

    def runs_elsewhere(self, job: Job) -> bool:
        """A running job another window or batch on this profile owns (its journal lease):
        shown here, followed on the engine's lease tick, but not ours to cancel."""
        mine = getattr(self._source, "owner_id", None)
        return not job.is_final and mine is not None and job.owner not in (None, mine)

    def job_at(self, row: int) -> Job | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def row_of(self, job_id: int) -> int:
        for i, j in enumerate(self._jobs):
            if j.id == job_id:
                return i
        return -1

    def job(self, job_id: int) -> Job | None:
        return self.job_at(self.row_of(job_id))

    # --- feeding ----------------------------------------------------------------------------
    def start(self, spawn: Spawn | None = None) -> None:
        """Start the event-consuming task (through the app's task runner when given)."""
        if self._task is not None and not self._task.done():
            return
        if spawn is not None:
            task = spawn(f"jobs-model-{self._kind.value}", self.run())
            self._task = task if isinstance(task, asyncio.Task) else None
        else:
            self._task = asyncio.ensure_future(self.run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for t in self._thumb_tasks.values():
            t.cancel()
        self._thumb_tasks.clear()
        self._ticker.stop()
        self._flush_timer.stop()

    async def run(self) -> None:
        """Snapshot, then apply every event until cancelled. The event iterator is entered
        *before* the snapshot is read, so nothing that happens in between is missed; events
        older than what the snapshot holds are dropped by ``apply``."""
        events = self._source.events().__aiter__()
        pending = asyncio.ensure_future(events.__anext__())
        try:
            await asyncio.sleep(0)  # let a lazy generator subscribe
            self.reset(await self._source.jobs(self._kind))
            self.loaded.emit()
            try:
                event = await pending
            except StopAsyncIteration:
                return
            while True:
                try:
                    self.apply(event)
                except Exception:  # one bad event must not stop the panel updating
                    log.exception("could not apply job event %r", event.type)
                # Awaited directly, not wrapped in a task per event: a burst of queued
                # events is then applied in one pass instead of two loop turns each.
                try:
                    event = await events.__anext__()
                except StopAsyncIteration:
                    return
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("jobs event stream for %s stopped", self._kind.value)
            self.streamError.emit(f"Job updates stopped: {exc or type(exc).__name__}")
        finally:
            pending.cancel()
            aclose = getattr(events, "aclose", None)
            if aclose is not None:
                try:
                    await aclose()
                except (RuntimeError, asyncio.CancelledError, StopAsyncIteration):
                    pass

    def reset(self, jobs: list[Job]) -> None:
        self.beginResetModel()
        self._jobs = sorted((j for j in jobs if j.kind is self._kind), key=lambda j: -j.id)
        self._rows.clear()
        self._dirty.clear()
        self.endResetModel()
        self._update_running()

    def apply(self, event: JobEvent) -> None:
        job = event.job
        if job.kind is not self._kind:
            return
        row = self.row_of(job.id)
        if event.type == EventType.REMOVED:
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._jobs[row]
                self.endRemoveRows()
                self._rows.pop(job.id, None)
                self._dirty.pop(job.id, None)
                self._drop_thumb(job.id)
                self._update_running()
            return
        if row < 0:
            row = next((i for i, j in enumerate(self._jobs) if j.id < job.id), len(self._jobs))
            self.beginInsertRows(QModelIndex(), row, row)
            self._jobs.insert(row, job)
            self.endInsertRows()
            self._update_running()
            return
        old = self._jobs[row]
        if job.updated_at < old.updated_at:
            return  # a snapshot older than what we show (event raced the first load)
        self._jobs[row] = job
        if old.state is not job.state and job.state is JobState.COMPLETED:
            self._drop_thumb(job.id)  # a retried job gets a new result
        self._mark_dirty(job.id, None)
        if not old.is_final and job.is_final:
            self.flush()  # the finished state shows at once, before anyone is told
            self.jobFinished.emit(job.id, job.state.value)
        if old.is_final != job.is_final:
            self._update_running()

    def flush(self) -> None:
        """Send the pending ``dataChanged`` notifications (one per changed row)."""
        self._flush_timer.stop()
        dirty, self._dirty = self._dirty, {}
        for job_id, roles in dirty.items():
            row = self.row_of(job_id)
            if row >= 0:
                idx = self.index(row)
                self.dataChanged.emit(idx, idx, roles or [])

    # --- internals --------------------------------------------------------------------------
    def _mark_dirty(self, job_id: int, roles: list[int] | None) -> None:
        if job_id in self._dirty:
            prev = self._dirty[job_id]
            self._dirty[job_id] = None if prev is None or roles is None else sorted({*prev, *roles})
        else:
            self._dirty[job_id] = roles
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _update_running(self) -> None:
        n = sum(1 for j in self._jobs if not j.is_final)
        if n and not self._ticker.isActive():
            self._ticker.start()
        elif not n:
            self._ticker.stop()
        if n != self._running:
            self._running = n
            self.runningCountChanged.emit(n)

    def _tick(self) -> None:
        for j in self._jobs:
            if not j.is_final:
                self._mark_dirty(j.id, _ELAPSED_ROLES)

    def _row(self, job: Job) -> RowView:
        elapsed = format_elapsed(elapsed_seconds(job, self._clock()))
        cached = self._rows.get(job.id)
        if cached is not None and cached[0] is job and cached[1] == elapsed:
            return cached[2]
        view = row_view(job, elapsed)
        if self.runs_elsewhere(job):
            view = dataclasses.replace(view, reason=ELSEWHERE_REASON)
        self._rows[job.id] = (job, elapsed, view)
        return view

    def _result_path(self, job: Job) -> str | None:
        paths = result_paths(job)
        return str(paths[0]) if paths else None

    def _tooltip(self, job: Job) -> str:
        lines = [job.prompt or "(no prompt)", "", f"{job.model} · {STATE_LABELS[job.state]}"]
        if job.cost:
            lines.append(f"Cost: {job.cost}")
        if job.reason:
            lines.append(job.reason)
        if job.route_reason:
            lines.append(job.route_reason)
        return "\n".join(lines)

    def _thumbnail(self, job: Job) -> QImage | None:
        if job.state is not JobState.COMPLETED:
            return None
        key = (job.id, len(job.downloads))
        if key in self._thumbs:
            self._thumbs.move_to_end(key)
            return self._thumbs[key]
        if job.id not in self._thumb_tasks:
            try:
                task = asyncio.ensure_future(self._fetch_thumb(job, key))
            except RuntimeError:  # no event loop (a bare model in a sync test)
                return None
            self._thumb_tasks[job.id] = task
        return None

    async def _fetch_thumb(self, job: Job, key: tuple[int, int]) -> None:
        img: QImage | None = None
        try:
            path = await self._thumb_lookup(job)
            if path is not None:
                img = await asyncio.to_thread(load_thumb, path, THUMB_SIZE)
        except asyncio.CancelledError:
            raise
        except Exception:  # a broken thumbnail is a placeholder, not an error dialog
            log.warning("thumbnail for job %s failed", job.id, exc_info=True)
        finally:
            self._thumb_tasks.pop(job.id, None)
        self._thumbs[key] = img  # None is cached too: no retry storm for videos without cover
        while len(self._thumbs) > self._thumb_cache_size:
            self._thumbs.popitem(last=False)
        row = self.row_of(job.id)
        if row >= 0:
            idx = self.index(row)
            self.dataChanged.emit(idx, idx, _THUMB_ROLES)

    def _drop_thumb(self, job_id: int) -> None:
        for k in [k for k in self._thumbs if k[0] == job_id]:
            del self._thumbs[k]
        t = self._thumb_tasks.pop(job_id, None)
        if t is not None:
            t.cancel()
