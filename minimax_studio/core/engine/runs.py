"""The engine's one record per job it runs (``JobRun``) and the dispatch queue's order.

Everything the engine knows about a job beyond the ``Job`` itself — its place in the
queue, when it may be routed again, its cost, the accounts already holding its files, its
task, when its polling limit counts from — lives in its ``JobRun``. Dropping the record
drops all of it at once: nothing can leak when a job finishes or another process takes it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass

from minimax_studio.core.jobs import Job

__all__ = ["JobRun", "JobRunsElsewhere", "Runs"]


class JobRunsElsewhere(ValueError):
    """Another MiniMax Studio process (a window or a batch on this profile) runs the job."""

    def __init__(self, job_id: int) -> None:
        self.message = (f"Job {job_id} is being run by another MiniMax Studio window or batch "
                        "on this profile; use that one.")
        super().__init__(self.message)
        self.job_id = job_id


@dataclass(eq=False)
class JobRun:
    """What this engine holds for one job it runs."""

    job: Job
    #: The least the job may cost (credits), for routing; None when unknown.
    min_credits: int | None = None
    #: Place in the dispatch queue (smaller goes first); None while not queued.
    queue_pos: int | None = None
    #: Monotonic time before which the dispatcher leaves it alone (after a 429 / failed upload).
    not_before: float = 0.0
    #: Monotonic time its progress was last written to the journal.
    progress_saved: float = 0.0
    #: Accounts that already hold its reference files (fileID reuse), once looked up.
    prefer: dict[str, int] | None = None
    #: The task running its pipeline, if any.
    task: asyncio.Task[None] | None = None
    #: Monotonic time its polling limit counts from when not its send time (``recheck``).
    poll_from: float | None = None

    @property
    def queued(self) -> bool:
        return self.queue_pos is not None


class Runs:
    """The jobs this engine runs, by id, and the order of those waiting to be routed."""

    def __init__(self) -> None:
        self._runs: dict[int, JobRun] = {}
        self._back = 0   # next position at the end of the queue
        self._front = 0  # next position at its head (requeued jobs keep their turn)

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._runs

    def __iter__(self) -> Iterator[JobRun]:
        return iter(list(self._runs.values()))

    def __len__(self) -> int:
        return len(self._runs)

    def get(self, job_id: int) -> JobRun | None:
        return self._runs.get(job_id)

    def job(self, job_id: int) -> Job | None:
        run = self._runs.get(job_id)
        return run.job if run is not None else None

    def jobs(self) -> list[Job]:
        return [r.job for r in self._runs.values()]

    def ids(self) -> set[int]:
        return set(self._runs)

    def add(self, job: Job) -> JobRun:
        """The job's record (kept if there is one: a resume keeps what a recheck set)."""
        run = self._runs.get(job.id)
        if run is None:
            run = self._runs[job.id] = JobRun(job)
        else:
            run.job = job
        return run

    def pop(self, job_id: int) -> JobRun | None:
        return self._runs.pop(job_id, None)

    # ----------------------------------------------------------------- the queue
    def enqueue(self, job_id: int, *, front: bool = False) -> None:
        run = self._runs.get(job_id)
        if run is None:
            return  # it left meanwhile (another process took it over)
        if front:
            self._front -= 1
            run.queue_pos = self._front
        else:
            self._back += 1
            run.queue_pos = self._back

    def dequeue(self, job_id: int) -> None:
        run = self._runs.get(job_id)
        if run is not None:
            run.queue_pos = None

    def is_queued(self, job_id: int) -> bool:
        run = self._runs.get(job_id)
        return run is not None and run.queue_pos is not None

    def any_queued(self) -> bool:
        return any(r.queue_pos is not None for r in self._runs.values())

    def queued(self) -> list[JobRun]:
        """The queue in order, as it is now."""
        waiting = [r for r in self._runs.values() if r.queue_pos is not None]
        waiting.sort(key=lambda r: r.queue_pos or 0)
        return waiting

    def working_on(self, job_id: int) -> bool:
        """Running (a task) or waiting for a slot."""
        run = self._runs.get(job_id)
        return run is not None and (run.task is not None or run.queue_pos is not None)
