"""JobsModel: real Job objects moved through their real transitions, real JobEvents, a real
qasync loop. The panel test (tests/ui/test_jobs_panel.py) drives it with the real engine."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImage

from minimax_studio.core.jobs import EventType, Job, JobEvent, JobKind, JobState, event_type_for
from minimax_studio.viewmodels.jobs_model import JobRole, JobsModel, format_elapsed


class QueueSource:
    """Stands in for the engine's two read methods with the same semantics: ``events()`` is
    a subscription from the moment it is called, ``jobs()`` a snapshot."""

    def __init__(self, jobs: list[Job]) -> None:
        self._jobs = jobs
        self._queues: list[asyncio.Queue[JobEvent | None]] = []

    async def jobs(self, kind: JobKind | None = None) -> list[Job]:
        return [copy.deepcopy(j) for j in self._jobs if kind is None or j.kind is kind]

    def events(self) -> AsyncIterator[JobEvent]:
        q: asyncio.Queue[JobEvent | None] = asyncio.Queue()
        self._queues.append(q)

        async def gen() -> AsyncIterator[JobEvent]:
            while (ev := await q.get()) is not None:
                yield ev

        return gen()

    def emit(self, job: Job, type_: str | None = None) -> None:
        ev = JobEvent(copy.deepcopy(job), type_ or event_type_for(job.state).value, job.progress)
        for q in self._queues:
            q.put_nowait(ev)


def make_job(id_: int, kind: JobKind = JobKind.VIDEO, prompt: str = "a red fox") -> Job:
    return Job(id=id_, kind=kind, state=JobState.QUEUED,
               request={"model": "hailuo-02", "prompt": prompt}, cost="25 credits")


def test_model_passes_qtmodeltester_through_inserts_changes_and_removals(qtmodeltester: Any) -> None:
    model = JobsModel(QueueSource([]), JobKind.VIDEO)
    model.reset([make_job(1), make_job(2), make_job(3, JobKind.IMAGE)])
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == 2  # only this tab's kind
    assert [model.job_at(r).id for r in range(2)] == [2, 1]  # type: ignore[union-attr]

    j4 = make_job(4)
    model.apply(JobEvent(j4, EventType.QUEUED.value))
    j1 = copy.deepcopy(model.job(1))
    assert j1 is not None
    j1.start_upload()
    model.apply(JobEvent(j1, EventType.UPLOADING.value))
    model.apply(JobEvent(copy.deepcopy(model.job(2)), EventType.REMOVED.value))  # type: ignore[arg-type]
    qtmodeltester.check(model, force_py=True)
    assert [model.job_at(r).id for r in range(model.rowCount())] == [4, 1]  # type: ignore[union-attr]
    assert model.data(model.index(1), JobRole.STATE_TEXT) == "Uploading 0 %"


def test_roles_answer_what_the_delegate_paints() -> None:
    job = make_job(7, prompt="a very long prompt " * 20)
    job.route("acc-1", "runs on account acc-1: 2 free slots")
    job.start_upload()
    job.start_submit()
    job.mark_submitted(["vid-1"])
    job.mark_processing(40)
    t0 = job.created_at
    model = JobsModel(QueueSource([]), JobKind.VIDEO, clock=lambda: t0 + timedelta(seconds=75))
    model.reset([job])
    idx = model.index(0)
    assert model.data(idx, JobRole.MODEL) == "hailuo-02"
    assert model.data(idx, JobRole.ACCOUNT) == "acc-1"
    assert model.data(idx, JobRole.COST) == "25 credits"
    assert model.data(idx, JobRole.PROGRESS) == 40
    assert model.data(idx, JobRole.STATE_TEXT) == "Generating 40 %"
    assert model.data(idx, JobRole.ELAPSED_TEXT) == "1 min 15 s"
    assert model.data(idx, JobRole.RUNNING) is True
    tip = model.data(idx, Qt.ItemDataRole.ToolTipRole)
    assert job.prompt in tip and "2 free slots" in tip  # the full prompt, not the elided one
    assert model.data(model.index(5), JobRole.MODEL) is None
    assert model.roleNames()[int(JobRole.STATE_TEXT)] == b"state_text"


def test_elapsed_stops_when_the_job_is_final() -> None:
    job = make_job(1)
    job.mark_failed("Hailuo reported the generation failed.")
    job.updated_at = job.created_at + timedelta(seconds=42)
    later = datetime.now(UTC) + timedelta(hours=3)
    model = JobsModel(QueueSource([]), JobKind.VIDEO, clock=lambda: later)
    model.reset([job])
    assert model.data(model.index(0), JobRole.ELAPSED_TEXT) == "42 s"
    assert format_elapsed(3 * 3600 + 5 * 60) == "3 h 05 min"


def test_event_stream_updates_only_the_changed_row(qtbot: Any, qloop: Any) -> None:
    jobs = [make_job(i) for i in (1, 2, 3)]
    source = QueueSource(jobs)
    model = JobsModel(source, JobKind.VIDEO)
    counts: list[int] = []
    finished: list[tuple[int, str]] = []
    changed_rows: list[tuple[int, int]] = []
    model.runningCountChanged.connect(counts.append)
    model.jobFinished.connect(lambda i, s: finished.append((i, s)))
    model.dataChanged.connect(lambda a, b, roles=(): changed_rows.append((a.row(), b.row())))
    with qtbot.waitSignal(model.loaded, timeout=3000):
        model.start()
    assert model.rowCount() == 3 and model.running_count == 3 and counts == [3]

    j2 = jobs[1]
    j2.route("acc", "why")
    j2.start_upload()
    source.emit(j2)
    qtbot.waitUntil(lambda: model.data(model.index(1), JobRole.STATE) == "uploading", timeout=3000)
    qtbot.waitUntil(lambda: changed_rows != [], timeout=3000)  # notifications are batched
    assert changed_rows == [(1, 1)]  # just job 2's row, nothing else repainted

    j2.start_submit()
    j2.mark_submitted(["v"])
    j2.mark_processing(100)
    j2.start_download()
    j2.mark_completed()
    source.emit(j2)
    qtbot.waitUntil(lambda: finished == [(2, "completed")], timeout=3000)
    assert counts == [3, 2]  # the tab title drops to 2 running

    new = make_job(9, prompt="a new one")
    source.emit(new)
    source.emit(make_job(10, JobKind.IMAGE))  # the Image tab's job never shows here
    source.emit(jobs[0], EventType.REMOVED.value)
    qtbot.waitUntil(lambda: model.rowCount() == 3 and model.job_at(0).id == 9, timeout=3000)  # type: ignore[union-attr]
    assert [model.job_at(r).id for r in range(3)] == [9, 3, 2]  # type: ignore[union-attr]
    assert model.running_count == 2  # 9 and 3
    model.stop()


def test_stale_event_does_not_undo_a_newer_state() -> None:
    job = make_job(1)
    old = copy.deepcopy(job)
    job.mark_failed("boom")
    job.updated_at = old.updated_at + timedelta(seconds=1)
    model = JobsModel(QueueSource([]), JobKind.VIDEO)
    model.reset([job])
    model.apply(JobEvent(old, EventType.QUEUED.value))
    assert model.data(model.index(0), JobRole.STATE) == "failed"


def test_thumbnail_arrives_later_for_just_that_row(qtbot: Any, qloop: Any, tmp_path: Path) -> None:
    png = tmp_path / "result.png"
    Image.new("RGB", (640, 360), (200, 30, 30)).save(png)
    job = make_job(1, JobKind.IMAGE)
    job.state = JobState.COMPLETED
    job.downloads = {"img-1": {"path": str(png), "state": "done"}}
    other = make_job(2, JobKind.IMAGE)
    model = JobsModel(QueueSource([]), JobKind.IMAGE)
    model.reset([job, other])
    rows: list[int] = []
    model.dataChanged.connect(lambda a, b, roles=(): rows.append(a.row()))
    idx = model.index(1)  # job 1 sorts below job 2
    assert model.data(idx, Qt.ItemDataRole.DecorationRole) is None  # placeholder at once
    qtbot.waitUntil(lambda: rows == [1], timeout=3000)
    img = model.data(idx, JobRole.THUMBNAIL)
    assert isinstance(img, QImage) and max(img.width(), img.height()) == 96
    assert img.pixelColor(48, 27).red() > 150
    assert model.data(model.index(0), Qt.ItemDataRole.DecorationRole) is None  # not finished
    assert model.data(QModelIndex(), JobRole.ID) is None
