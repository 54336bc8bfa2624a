"""Every knob of the job engine in one dataclass: polling, routing, reconciling, transfers,
leases. The defaults are the real service's; tests and benchmarks shrink the times."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["EngineConfig"]


@dataclass
class EngineConfig:
    #: First poll this long after the create call was answered.
    poll_initial: float = 15.0
    #: Then every ``poll_interval`` seconds (useapi's scripts: 15–30 s) …
    poll_interval: float = 15.0
    #: … growing by this factor per poll, up to ``poll_max`` (1.0 = fixed interval).
    poll_growth: float = 1.0
    poll_max: float = 60.0
    #: After 429/502/504/timeouts while polling, the interval is multiplied by this.
    backoff_factor: float = 2.0
    #: Poll errors in a row before the job is shown as needing attention.
    poll_error_limit: int = 12
    #: Upper bound on how long a job is polled, from its create call (seconds; 0 = none).
    #: Past it the job needs attention ("Retry-check" looks again). Generous: Hailuo's
    #: queue can hold a video for hours on a busy day.
    poll_limit_video: float = 3 * 3600.0
    poll_limit_image: float = 30 * 60.0
    poll_limit_agent: float = 20 * 60.0
    #: A job's progress alone (no state change) is written to the journal at most this
    #: often; listeners hear every change at once.
    progress_save_interval: float = 2.0
    #: After a 429 on create, wait this long before that job is routed again.
    busy_retry: float = 20.0
    #: Seconds between ``scheduler/available`` reads while jobs wait for a slot.
    route_refresh: float = 5.0
    check_credits: bool = True
    #: Reconcile a lost create: first look after ``reconcile_delay``, try ``reconcile_attempts``
    #: times (the site may list the job late), match items made within ``reconcile_window``.
    reconcile_delay: float = 5.0
    reconcile_attempts: int = 3
    reconcile_window: float = 300.0
    #: How long an account answering 412 (no credits) / 596 (on hold) is left alone.
    pause_no_credits: float = 3600.0
    pause_on_hold: float = 3 * 3600.0
    max_concurrent_downloads: int = 4
    max_concurrent_uploads: int = 3
    download_attempts: int = 5
    upload_attempts: int = 3
    #: Retry wait after a failed download / upload attempt (doubles each time).
    transfer_retry: float = 2.0
    library_dir: Path | None = None
    thumbs_dir: Path | None = None
    thumb_size: int = 256
    #: Agent attachments: take the watermark-free URL when the plan offers one.
    prefer_no_watermark: bool = True
    #: A job stays this engine's for this long after its last lease renewal; another
    #: process (window, batch) on the profile takes an unfinished job over only after
    #: that — so a process killed with -9 hands its jobs on after at most this long.
    lease_seconds: float = 30.0
    #: How often leases are renewed (one UPDATE for all of them) and free jobs looked for.
    #: Well under ``lease_seconds``: a renewal or two may be late without losing a job.
    lease_renew: float = 10.0

    @classmethod
    def for_speed(cls, speed: float = 1.0, *, poll: float | None = None, poll_seconds: float = 15.0,
                  poll_limits: tuple[float, float, float] | None = None, **fields: Any) -> EngineConfig:
        """The service's timings on a clock running ``speed`` times faster (the sandbox's;
        1.0 for the real service), for the app and the batch alike.

        ``poll_seconds`` is the user's polling interval on the real clock; ``poll`` fixes
        the interval outright (the batch's ``--poll-interval``) and paces the other waits
        by it. ``poll_limits`` are (video, image, agent) seconds (``Settings.poll_limits``).
        The floors keep a very fast sandbox from spinning."""
        speed = max(speed, 1e-9)
        if poll is None:
            poll = max(0.2, poll_seconds / speed)
            busy, route, reconcile, transfer = (max(0.2, 20.0 / speed), max(0.2, 5.0 / speed),
                                                max(0.1, 5.0 / speed), max(0.1, 2.0 / speed))
        else:
            busy, route, reconcile, transfer = poll * 2, poll, poll, poll / 2
        config = cls(poll_initial=poll, poll_interval=poll, poll_max=max(poll * 4, poll),
                     busy_retry=busy, route_refresh=route, reconcile_delay=reconcile,
                     transfer_retry=transfer, **fields)
        if poll_limits is not None:
            config.poll_limit_video, config.poll_limit_image, config.poll_limit_agent = poll_limits
        # A sandbox clock at `speed` stamps jobs `speed` times further from our send time.
        config.reconcile_window = config.reconcile_window * speed
        return config
