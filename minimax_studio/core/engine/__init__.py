"""The job engine: submit → route → upload → create → poll → download → library, with
every step journaled so that a job, once submitted, is never lost and never paid twice.
Nothing here knows about Qt: the view-models consume ``Engine.events()``.

A job's path through the modules (each file one responsibility):

- ``facade``   — ``Engine``: submit / cancel / retry / recheck / remove / jobs / events / wait.
  ``submit`` journals the job first, then queues it.
- ``runs``     — ``JobRun``, the one record per job this engine runs, and the queue's order.
- ``dispatch`` — the dispatcher loop: asks the router for an account with a free slot,
  then spawns the job's pipeline task.
- ``pipeline`` — upload reference files → send the create call once → on an answer that
  may hide a created job, reconcile (look for it) instead of sending again. One table per
  step maps an exception to its outcome.
- ``poller``   — polls every remote id until final (``statusFinal`` whatever the code, and
  within the kind's polling limit), then plans the downloads or ends the job in words.
- ``ingest``   — download (resumable, retried), check the bytes, thumbnail, library item.
- ``kinds``    — what differs per kind (video / image / agent): endpoints, status reading,
  what to download.
- ``leases``   — which engine runs which job when several share one journal; resume.
- ``events``   — the event bus (one queue per listener, snapshots of jobs).
- ``base``     — shared state and bookkeeping: journal first (``_save``/``_commit``),
  then events; spawn/stop/finish a job's task; requeue; pause an account.

Several engines may share one journal — the app, a second window, a ``batch`` in a
terminal — and each unfinished job is run by exactly one of them (never polled, downloaded
or reconciled twice): see ``leases``. Every journal write for a job carries "still mine?"
(``_save``): an engine that finds a job taken over stops working on it without writing.

A remote job belongs to one local job: its id is claimed in the journal
(``Journal.claim_remote_ids``, one transaction) before a job takes it, whether from a
create's answer or from reconciling a lost one (``core.reconcile``); a job whose result
another job already filed never counts as completed. Polling ends on ``statusFinal``
whatever the code, and after a per-kind limit (``core.poll_limits``). Whether the API
answers at all is ``contact`` (``core.contact``): the waiting reason a row, the status
bar and the batch show.
"""

from __future__ import annotations

from minimax_studio.core.engine.facade import Engine
from minimax_studio.core.engine.runs import JobRun, JobRunsElsewhere
from minimax_studio.core.engine_config import EngineConfig
from minimax_studio.core.job_requests import InvalidRequest, request_cost, validate_request
from minimax_studio.core.remote_items import sniff_media
from minimax_studio.core.routing import RoutePreview

# EngineConfig, InvalidRequest and sniff_media live in their own modules; they are
# re-exported here because callers (batch, app, tests) think of them as the engine's.
__all__ = ["Engine", "EngineConfig", "InvalidRequest", "JobRun", "JobRunsElsewhere", "RoutePreview",
           "request_cost", "sniff_media", "validate_request"]
