"""``minimax-studio batch SHEET [--sandbox] [--dry-run]`` — run a sheet of jobs headless.

A sheet is CSV or JSON (a list of objects), one row per job. Its keys are ``kind``
(``video`` or ``image``), the create call's own field names (``model``, ``prompt``,
``options``, ``aspectRatio``, ``resolution``, ``duration``, ``quality``, ``quantity`` …),
file slots (``fileID``, ``end_frame_fileID``, ``fileID2``, ``videoFileID1``,
``audioFileID1``, ``referenceFileId1``, ``characterFileId`` …) holding local paths
(relative to the sheet), and an optional ``account``.

Every row is checked before anything is sent. The jobs run on the same engine, journal and
library as the app. Run it again after an interruption and it resumes: the batch is keyed
by the sheet's path and content hash in the journal, so no row is sent twice. Rows whose
jobs another MiniMax Studio process runs (the app open on the same profile) are waited
for, not resumed: each unfinished job has exactly one owner (see ``core.engine``).

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

from minimax_studio.core.engine import Engine, EngineConfig
from minimax_studio.core.jobs import Job, JobState
from minimax_studio.core.journal import Journal
from minimax_studio.core.sheet import SheetError, parse_sheet, total_cost
from minimax_studio.paths import app_paths

TOKEN_ENV = "MINIMAX_STUDIO_TOKEN"


def batch_key(path: Path, digest: str) -> str:
    return hashlib.sha256(f"{path.resolve()}\n{digest}".encode()).hexdigest()[:32]


# --- running ----------------------------------------------------------------------------------

def _describe(job: Job) -> str:
    return f"row {job.batch_row} [{job.kind.value} {job.model}]"


async def _print_progress(engine: Engine, key: str, out: TextIO) -> None:
    last: dict[int, tuple[str, int]] = {}
    async for ev in engine.events():
        job = ev.job
        if job.batch_key != key:
            continue
        step = (ev.progress or 0) // 25
        if last.get(job.id) == (ev.type, step):
            continue
        last[job.id] = (ev.type, step)
        pct = f" {ev.progress}%" if ev.progress is not None and ev.type in ("uploading", "processing", "downloading") else ""
        msg = f" — {ev.message}" if ev.message and ev.type in ("queued", "failed", "moderated", "needs_attention", "cancelled") else ""
        print(f"{_describe(job)} {ev.type}{pct}{msg}", file=out, flush=True)


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
    from minimax_studio.core.library import Library
    from minimax_studio.core.locations import session_locations
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
        client = MiniMaxClient(sandbox.token, sandbox.base_url)
    else:
        token = await _load_token()
        if not token:
            print(f"No API token: set {TOKEN_ENV}, save the token in the app (Accounts), "
                  "or try the sheet with --sandbox.", file=err)
            return 2
        client = MiniMaxClient(token, settings.effective_api_url())

    poll = args.poll_interval if args.poll_interval else max(0.2, 15.0 / speed)
    config = EngineConfig(
        poll_initial=poll, poll_interval=poll, poll_max=max(poll * 4, poll),
        busy_retry=max(0.2, 20.0 / speed) if not args.poll_interval else poll * 2,
        route_refresh=max(0.2, 5.0 / speed) if not args.poll_interval else poll,
        reconcile_delay=max(0.1, 5.0 / speed) if not args.poll_interval else poll,
        transfer_retry=max(0.1, 2.0 / speed) if not args.poll_interval else poll / 2,
        library_dir=where.library_dir, thumbs_dir=paths.thumbnails_dir,
    )
    # A sandbox clock at `speed` stamps jobs `speed` times further from our send time.
    config.reconcile_window = args.reconcile_window or config.reconcile_window * speed
    if args.lease:
        config.lease_seconds, config.lease_renew = args.lease, args.lease / 3
    journal = await Journal.open(where.journal_db)
    library = await Library.open(where.library_db, where.library_dir)
    key = batch_key(sheet, digest)
    engine = Engine(client, journal, library, config=config)
    printer: asyncio.Task[None] | None = None
    try:
        printer = asyncio.create_task(_print_progress(engine, key, out))
        await engine.start(resume=lambda j: j.batch_key == key)
        known = {j.batch_row: j for j in await journal.jobs(batch_key=key, include_removed=True)}
        if known:
            print(f"Resuming: {len(known)} of {len(rows)} jobs were already sent by an earlier run.",
                  file=out, flush=True)
            elsewhere = sum(1 for j in known.values() if not j.is_final and j.owner not in (None, engine.owner_id))
            if elsewhere:
                # The app (or another batch) runs them: we wait for it instead of resending.
                print(f"{elsewhere} of them {'is' if elsewhere == 1 else 'are'} being run by another "
                      "MiniMax Studio window or batch (or by one that stopped less than "
                      f"{config.lease_seconds:g} seconds ago); waiting for it.", file=out, flush=True)
        ids = []
        for row in rows:
            job = known.get(row.number)
            if job is None:
                job = await engine.submit(row.kind, row.request, row.account, batch_key=key,
                                          batch_row=row.number, source="batch", validate=False)
            ids.append(job.id)
        final = await engine.wait(ids, settled=True)
    finally:
        await engine.close()
        if printer is not None:
            printer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await printer
        await library.close()
        await journal.close()
        await client.aclose()
        if sandbox is not None:
            sandbox.stop()

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
                                description="Run a sheet (CSV or JSON) of video/image jobs.")
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
