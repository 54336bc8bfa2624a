"""``minimax-studio batch SHEET [--sandbox] [--dry-run]`` — run a sheet of jobs headless.

A sheet is CSV or JSON (a list of objects), one row per job. Its keys are ``kind``
(``video``, ``image`` or ``agent``), the create call's own field names (``model``,
``prompt``, ``options``, ``aspectRatio``, ``resolution``, ``duration``, ``quality``,
``quantity`` …), file slots (``fileID``, ``end_frame_fileID``, ``fileID2``,
``videoFileID1``, ``audioFileID1``, ``referenceFileId1``, ``characterFileId`` …) holding
local paths (relative to the sheet), and an optional ``account``. An ``agent`` row has
``prompt``, ``models`` (comma separated) and optional ``file`` paths.

Every row is checked before anything is sent. The jobs run on the same engine, journal and
library as the app. Run it again after an interruption and it resumes: the batch is keyed
by the sheet's path and content hash in the journal, so no row is sent twice. Rows whose
jobs another MiniMax Studio process runs (the app open on the same profile) are waited
for, not resumed: each unfinished job has exactly one owner (see ``core.engine``).

Two runs of one sheet at once (two terminals, a double-click) never send a row twice: each
row's job is claimed in the journal in one transaction (``batch_rows``); the run that finds
a row already claimed waits for the job the other made, and takes it over if that one
stops.

It never hangs in silence: every waiting reason is printed when it changes ("Waiting:
cannot reach the API at … (connection refused); retrying in 5 s"), and after
``--give-up-after`` seconds (default 120) without any answer from the API it stops with
exit 3 and one sentence. Exit codes: 0 all completed, 1 some did not, 2 the sheet (or the
setup) has a problem and nothing was sent, 3 gave up waiting for the API, 130 interrupted.

Composition root without Qt: this module wires client, journal, library and engine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from minimax_studio.core.contact import WAITING_UNREACHABLE
from minimax_studio.core.engine import Engine, EngineConfig
from minimax_studio.core.jobs import Job, JobState
from minimax_studio.core.journal import RowTaken
from minimax_studio.core.sheet import SheetError, parse_sheet, total_cost
from minimax_studio.paths import app_paths

TOKEN_ENV = "MINIMAX_STUDIO_TOKEN"
#: Default seconds without any answer from the API before the batch gives up (exit 3).
GIVE_UP_AFTER = 120.0
EXIT_GAVE_UP = 3


def batch_key(path: Path, digest: str) -> str:
    return hashlib.sha256(f"{path.resolve()}\n{digest}".encode()).hexdigest()[:32]


# --- running ----------------------------------------------------------------------------------

def _describe(job: Job) -> str:
    return f"row {job.batch_row} [{job.kind.value} {job.model}]"


_SAYS_WHY = ("queued", "failed", "moderated", "needs_attention", "cancelled")


async def _print_progress(engine: Engine, key: str, out: TextIO) -> None:
    last: dict[int, tuple[str, int, str]] = {}
    async for ev in engine.events():
        job = ev.job
        if job.batch_key != key:
            continue
        step = (ev.progress or 0) // 25
        why = ev.message or "" if ev.type in _SAYS_WHY else ""
        if why.startswith(WAITING_UNREACHABLE):
            why = ""  # said once for all rows by _print_contact, not once per row
        # A new reason is news even in the same state ("no free slot" → "account paused").
        if last.get(job.id) == (ev.type, step, why):
            continue
        last[job.id] = (ev.type, step, why)
        pct = f" {ev.progress}%" if ev.progress is not None and ev.type in ("uploading", "processing", "downloading") else ""
        msg = f" — {why}" if why else ""
        print(f"{_describe(job)} {ev.type}{pct}{msg}", file=out, flush=True)


def _print_contact(engine: Engine, out: TextIO) -> None:
    def say(reason: str | None) -> None:
        print(reason or "The API answers again.", file=out, flush=True)

    engine.contact.listen(say)


class GaveUp(Exception):
    pass


async def _give_up_after(engine: Engine, limit: float) -> None:
    """Raise ``GaveUp`` once the API has not answered for ``limit`` seconds."""
    while True:
        await asyncio.sleep(max(0.05, min(1.0, limit / 10)))
        if engine.contact.silent_for() >= limit:
            raise GaveUp(
                f"Gave up: the API at {engine.contact.base_url} has not answered for "
                f"{_secs(limit)} ({engine.contact.cause or 'no answer'}). "
                "Nothing more was sent; run the same command again to resume.")


def _secs(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 60 and seconds % 60 == 0 else f"{seconds:g} s"


async def _wait_or_give_up(engine: Engine, ids: list[int], limit: float) -> list[Job]:
    waiting = asyncio.ensure_future(engine.wait(ids, settled=True))
    watchdog = asyncio.ensure_future(_give_up_after(engine, limit))
    try:
        await asyncio.wait({waiting, watchdog}, return_when=asyncio.FIRST_COMPLETED)
        if watchdog.done():
            watchdog.result()  # raises GaveUp
        return waiting.result()
    finally:
        for t in (waiting, watchdog):
            t.cancel()
            with contextlib.suppress(asyncio.CancelledError, GaveUp):
                await t


async def _load_token() -> str | None:
    token = os.environ.get(TOKEN_ENV)
    if token:
        return token.strip()
    try:
        from minimax_studio.core.secrets import load_token  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return await load_token()  # type: ignore[no-any-return]
    except Exception:
        return None


async def run(args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    sheet = Path(args.sheet).expanduser()
    if not sheet.is_file():
        print(f"No such sheet: {sheet}", file=err)
        return 2
    try:
        rows, problems, digest = parse_sheet(sheet)
    except SheetError as exc:
        problems, rows, digest = exc.problems, [], ""
    if problems:
        print(f"{sheet.name}: {len(problems)} problem{'s' if len(problems) != 1 else ''}; nothing was sent.", file=err)
        for p in problems:
            print(f"  {p}", file=err)
        return 2
    print(f"{len(rows)} job{'s' if len(rows) != 1 else ''}; total cost {total_cost(rows)}.", file=out, flush=True)
    if args.dry_run:
        print("Dry run: nothing was sent.", file=out)
        return 0

    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.api.retry import RetryPolicy
    from minimax_studio.core.locations import session_locations
    from minimax_studio.core.session import open_core_session
    from minimax_studio.core.settings import load_settings

    paths = app_paths().ensure()
    # The same places the app uses for this kind of session, so the GUI shows these jobs
    # and items too — and a sandbox batch never lands in (or is resumed from) the real
    # journal.
    settings = load_settings(paths.settings_file)
    where = session_locations(paths, settings, sandbox=bool(args.sandbox)).ensure()
    sandbox: Any = None
    speed = 1.0
    if args.sandbox:
        from minimax_studio.sandbox import Sandbox, SandboxInUse

        speed = float(args.sandbox_speed)
        # The sandbox keeps its state next to the journal so an interrupted sandbox batch
        # finds its jobs again when resumed.
        try:
            sandbox = Sandbox(speed=speed, state_file=where.sandbox_state).start()
        except SandboxInUse as exc:  # the app's sandbox session is open on this profile
            print(exc, file=err)
            return 2
        # The docs' 20–30 s wait after a 429, at the sandbox clock's pace.
        client = MiniMaxClient(sandbox.token, sandbox.base_url, retry=RetryPolicy().scaled(speed),
                               fast_downloads=settings.fast_downloads)
    else:
        token = await _load_token()
        if not token:
            print(f"No API token: set {TOKEN_ENV}, save the token in the app (Accounts), "
                  "or try the sheet with --sandbox.", file=err)
            return 2
        client = MiniMaxClient(token, settings.effective_api_url(),
                               fast_downloads=settings.fast_downloads)

    config = EngineConfig.for_speed(speed, poll=args.poll_interval or None,
                                    poll_limits=settings.poll_limits(speed))
    if args.poll_limit:
        config.poll_limit_video = config.poll_limit_image = config.poll_limit_agent = args.poll_limit
    if args.reconcile_window:
        config.reconcile_window = args.reconcile_window
    if args.lease:
        config.lease_seconds, config.lease_renew = args.lease, args.lease / 3
    core = await open_core_session(client, where, config, thumbs_dir=paths.thumbnails_dir)
    journal, engine = core.journal, core.engine
    key = batch_key(sheet, digest)
    printer: asyncio.Task[None] | None = None
    gave_up: str | None = None
    final: list[Job] = []
    _print_contact(engine, out)
    try:
        printer = asyncio.create_task(_print_progress(engine, key, out))
        await engine.start(resume=lambda j: j.batch_key == key)
        known = {j.batch_row: j for j in await journal.jobs(batch_key=key, include_removed=True)}
        if known:
            print(f"Resuming: {len(known)} of {len(rows)} jobs were already made by an earlier run "
                  "(or one still running).",
                  file=out, flush=True)
            elsewhere = sum(1 for j in known.values() if not j.is_final and j.owner not in (None, engine.owner_id))
            if elsewhere:
                # The app (or another batch) runs them: we wait for it instead of resending.
                print(f"{elsewhere} of them {'is' if elsewhere == 1 else 'are'} being run by another "
                      "MiniMax Studio window or batch (or by one that stopped less than "
                      f"{config.lease_seconds:g} seconds ago); waiting for it.", file=out, flush=True)
        ids = []
        others = 0
        for row in rows:
            job = known.get(row.number)
            if job is not None:
                ids.append(job.id)
                continue
            try:
                job = await engine.submit(row.kind, row.request, row.account, batch_key=key,
                                          batch_row=row.number, source="batch", validate=False)
            except RowTaken as taken:
                # Another run of this sheet made this row's job a moment ago: wait for it
                # (and take it over if that run stops) — never create it again.
                others += 1
                ids.append(taken.job_id)
                continue
            ids.append(job.id)
        if others:
            print(f"{others} row{'s are' if others != 1 else ' is'} being sent by another run of this "
                  "sheet on this profile; waiting for it instead of sending again.", file=out, flush=True)
        try:
            final = await _wait_or_give_up(engine, ids, args.give_up_after)
        except GaveUp as exc:
            gave_up = str(exc)
    finally:
        await engine.close()
        if printer is not None:
            printer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await printer
        await core.aclose()
        if sandbox is not None:
            sandbox.stop()

    if gave_up is not None:
        print(gave_up, file=err)
        return EXIT_GAVE_UP
    failures = [j for j in final if j.state is not JobState.COMPLETED]
    done = len(final) - len(failures)
    print(f"{done} of {len(final)} jobs completed.", file=out)
    for j in sorted(final, key=lambda j: j.batch_row or 0):
        if j.state is JobState.COMPLETED:
            continue
        print(f"  {_describe(j)} {j.state.value}: {j.reason or 'no reason recorded'}", file=err)
    return 0 if not failures else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="minimax-studio batch",
                                description="Run a sheet (CSV or JSON) of video, image and agent "
                                            "jobs.")
    p.add_argument("sheet", help="CSV or JSON file, one row per job")
    p.add_argument("--sandbox", action="store_true", help="run against the built-in local emulator")
    p.add_argument("--dry-run", action="store_true", help="check the sheet and print the cost; send nothing")
    p.add_argument("--sandbox-speed", type=float, default=20.0, help=argparse.SUPPRESS)
    p.add_argument("--poll-interval", type=float, default=None,
                   help="seconds between status checks (default 15; less on the sandbox)")
    # The sandbox's clock runs faster than ours; tests widen the reconcile time window.
    p.add_argument("--reconcile-window", type=float, default=None, help=argparse.SUPPRESS)
    # Job lease length in seconds (default 30): tests shorten how long a killed batch's
    # jobs wait before another process takes them over.
    p.add_argument("--lease", type=float, default=None, help=argparse.SUPPRESS)
    p.add_argument("--give-up-after", type=float, default=GIVE_UP_AFTER, metavar="SECONDS",
                   help="stop (exit 3) when the API has not answered for this long (default 120)")
    # Seconds a job may be polled, every kind (default: the settings', 3 h for a video).
    p.add_argument("--poll-limit", type=float, default=None, help=argparse.SUPPRESS)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    # The app's rotating log file, through the same redacting filter: without it, library
    # warnings would reach stderr unscrubbed (a log folder we cannot write is no reason
    # not to run the sheet).
    with contextlib.suppress(OSError):
        from minimax_studio.logs import setup_logging

        setup_logging(app_paths().log_file)
    try:
        return asyncio.run(run(args))
    except KeyboardInterrupt:
        print("\nInterrupted. Run the same command again to resume; nothing will be sent twice.",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
