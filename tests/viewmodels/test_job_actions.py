"""The state → actions table the context menu is built from (qutebrowser's downloads test
is the model: one parametrized row per state)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from minimax_studio.core.jobs import Job, JobKind, JobState
from minimax_studio.viewmodels.job_actions import (
    LABELS,
    NEEDS_ATTENTION_EXPLANATION,
    JobAction,
    actions_for,
    confirmation_for,
    result_paths,
    state_text,
)
from minimax_studio.viewmodels.job_rows import row_view

A = JobAction
RUNNING = (A.CANCEL, A.COPY_PROMPT)
NOT_DONE = (A.RETRY, A.REUSE, A.COPY_PROMPT, A.REMOVE)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (JobState.QUEUED, RUNNING),
        (JobState.UPLOADING, RUNNING),
        (JobState.SUBMITTING, RUNNING),
        (JobState.SUBMITTED, RUNNING),
        (JobState.PROCESSING, RUNNING),
        (JobState.DOWNLOADING, RUNNING),
        (JobState.COMPLETED,
         (A.OPEN, A.REVEAL, A.COPY_PROMPT, A.REUSE, A.USE_AS_FIRST_FRAME, A.REMOVE)),
        (JobState.FAILED, NOT_DONE),
        (JobState.MODERATED, NOT_DONE),
        (JobState.CANCELLED, NOT_DONE),
        (JobState.NEEDS_ATTENTION, (A.RECHECK, *NOT_DONE)),
    ],
)
def test_actions_for_state(state: JobState, expected: tuple[JobAction, ...]) -> None:
    assert actions_for(state) == expected
    assert actions_for(state.value) == expected  # the model hands states around as strings


def test_every_state_has_a_row_and_every_action_a_label() -> None:
    for state in JobState:
        assert actions_for(state)
    assert set(LABELS) == set(JobAction)


def test_running_job_cannot_be_retried_or_removed_behind_the_engines_back() -> None:
    for state in (JobState.QUEUED, JobState.PROCESSING, JobState.DOWNLOADING):
        acts = actions_for(state)
        assert A.RETRY not in acts and A.REMOVE not in acts and A.OPEN not in acts


def test_completed_without_file_offers_no_open() -> None:
    acts = actions_for(JobState.COMPLETED, has_file=False)
    assert A.OPEN not in acts and A.REVEAL not in acts and A.USE_AS_FIRST_FRAME not in acts
    assert A.REUSE in acts and A.REMOVE in acts


def test_needs_attention_retry_asks_with_the_explanation() -> None:
    q = confirmation_for(A.RETRY, JobState.NEEDS_ATTENTION)
    assert q is not None and NEEDS_ATTENTION_EXPLANATION in q and "charged again" in q
    assert confirmation_for(A.RETRY, JobState.FAILED) is None
    assert confirmation_for(A.REMOVE, JobState.COMPLETED) is not None
    assert confirmation_for(A.CANCEL, JobState.PROCESSING) is None


def _job(state: JobState, progress: int | None = None, **kw: object) -> Job:
    return Job(id=1, kind=JobKind.VIDEO, state=state, request={"prompt": "p", "model": "m"},
               progress=progress, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("state", "progress", "text"),
    [
        (JobState.QUEUED, None, "Queued"),
        (JobState.UPLOADING, 30, "Uploading 30 %"),
        (JobState.PROCESSING, 40, "Generating 40 %"),
        (JobState.PROCESSING, None, "Generating"),
        (JobState.DOWNLOADING, 75, "Downloading 75 %"),
        (JobState.COMPLETED, 100, "Done"),
        (JobState.MODERATED, None, "Moderated"),
        (JobState.NEEDS_ATTENTION, None, "Needs attention"),
    ],
)
def test_state_text(state: JobState, progress: int | None, text: str) -> None:
    assert state_text(_job(state, progress)) == text


def test_a_job_waiting_in_hailuos_queue_does_not_read_as_generating() -> None:
    queued = _job(JobState.PROCESSING, 0, remote_status={"v1": 11})
    assert state_text(queued) == "In Hailuo's queue"
    assert row_view(queued, "3 s").progress is None  # no bar for work not started
    # One of two results started: the job is generating.
    started = _job(JobState.PROCESSING, 20, remote_status={"v1": 11, "v2": 1})
    assert state_text(started) == "Generating 20 %"
    assert row_view(started, "3 s").progress == 20


def test_result_paths_only_lists_files_on_disk(tmp_path: Path) -> None:
    there = tmp_path / "a.png"
    there.write_bytes(b"x")
    job = _job(JobState.COMPLETED, 100, downloads={
        "r1": {"path": str(there), "state": "done"},
        "r2": {"path": str(tmp_path / "gone.png"), "state": "done"},
        "r3": {"path": str(tmp_path / "b.png"), "state": "pending"},
    })
    assert result_paths(job) == [there]


class BrokenEngine:
    """An engine whose calls fail the way a dropped connection would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    async def cancel(self, job_id: int) -> None:
        self.calls.append(("cancel", job_id))
        raise ConnectionError("The server closed the connection.")

    async def retry(self, job_id: int) -> None:
        self.calls.append(("retry", job_id))

    async def remove(self, job_id: int) -> None:
        self.calls.append(("remove", job_id))


def test_actions_vm_turns_failures_into_sentences(qtbot: Any, qloop: Any, tmp_path: Path) -> None:
    from PySide6.QtGui import QGuiApplication

    from minimax_studio.viewmodels.job_actions import JobActionsVM

    engine = BrokenEngine()
    vm = JobActionsVM(engine)
    failures: list[str] = []
    vm.failed.connect(failures.append)
    job = _job(JobState.PROCESSING, 10)
    with qtbot.waitSignal(vm.failed, timeout=3000):
        vm.trigger(JobAction.CANCEL, job)
    assert failures == ["Could not cancel job 1: Can’t reach useapi.net — check your connection."]

    vm.trigger(JobAction.RETRY, job)
    qtbot.waitUntil(lambda: ("retry", 1) in engine.calls, timeout=3000)

    vm.trigger(JobAction.COPY_PROMPT, job)
    assert QGuiApplication.clipboard().text() == "p"

    gone = _job(JobState.COMPLETED, 100, downloads={"r": {"path": str(tmp_path / "x.mp4")}})
    vm.trigger(JobAction.OPEN, gone)
    assert failures[-1] == "The result file is no longer on disk."

    frames: list[str] = []
    vm.firstFrameRequested.connect(frames.append)
    there = tmp_path / "r.png"
    there.write_bytes(b"png")
    vm.trigger(JobAction.USE_AS_FIRST_FRAME, _job(JobState.COMPLETED, 100,
                                                    downloads={"r": {"path": str(there)}}))
    assert frames == [str(there)]
