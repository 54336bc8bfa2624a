""""Import from Hailuo" in the Gallery: ``core.importer.import_remote`` on the task runner,
for one account or all of them, with progress, cancel and a one-line summary.

Resume is free: the importer skips every remote id the library already holds, so running
it again after a cancel (or a crash) carries on with what is missing, and what was
downloaded before is counted as "already here". Results the engine is still downloading
are excluded (their ids are in the journal's unfinished jobs) so an import never races a
download of the same file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from minimax_studio.core.importer import ImportProgress, ImportReport, import_remote

if TYPE_CHECKING:
    from minimax_studio.api.client import MiniMaxClient
    from minimax_studio.core.journal import Journal
    from minimax_studio.core.library import Library
    from minimax_studio.viewmodels.tasks import TaskRunner

log = logging.getLogger(__name__)

__all__ = ["LibraryImportVM", "import_summary"]

KEY = "gallery:import"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' * (n != 1)}"


def import_summary(report: ImportReport, *, cancelled: bool = False) -> str:
    """"312 imported, 4 already here, 1 skipped: <why>." — what a person wants to know."""
    parts = [f"{len(report.imported)} imported"]
    if report.already_in_library:
        parts.append(f"{report.already_in_library} already here")
    if report.unfinished:
        parts.append(f"{report.unfinished} still generating (import again later)")
    if report.not_successful:
        parts.append(f"{report.not_successful} failed or moderated on the site")
    if report.problems:
        first = report.problems[0]
        parts.append(f"{len(report.problems)} skipped: {first.message}")
    text = ", ".join(parts) + "."
    return ("Import stopped: " + text + " Import again to carry on.") if cancelled else text


class LibraryImportVM(QObject):
    #: the accounts to offer ("" first = all accounts)
    accountsLoaded = Signal(list)
    #: a sentence about what is happening, items checked so far, items imported so far
    progress = Signal(str, int, int)
    busyChanged = Signal(bool)
    #: the summary sentence when the import ended, was cancelled or failed
    finished = Signal(str)

    def __init__(self, client: MiniMaxClient, library: Library, runner: TaskRunner,
                 thumbs_dir: Path, *, journal: Journal | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._client = client
        self._library = library
        self._runner = runner
        self._thumbs = thumbs_dir
        self._journal = journal
        self._report: ImportReport | None = None
        self._listed = 0
        self._imported = 0
        self.summary = ""
        self._busy = False

    @property
    def busy(self) -> bool:
        """True from ``start`` until the import ended or was cancelled (a cancelled task
        takes one more loop turn to finish; the person already sees it stopped)."""
        return self._busy

    def load_accounts(self) -> Any:
        async def run() -> list[str]:
            listed = await self._client.accounts.list()
            out = []
            for acc in listed or ():
                ident = getattr(acc, "account", None) or (acc.get("account") if isinstance(acc, dict) else None)
                if ident:
                    out.append(str(ident))
            return out

        return self._runner.start("gallery:import-accounts", run(), on_done=self.accountsLoaded.emit,
                                  on_error=lambda m: self.finished.emit(f"Could not list the accounts: {m}"),
                                  notify=False, if_running="keep")

    def start(self, account: str | None = None) -> Any:
        """Import from ``account`` (None: every account)."""
        if self.busy:
            return None
        self._report = None
        self._listed = self._imported = 0
        self._busy = True
        self.busyChanged.emit(True)
        self.progress.emit("Listing what is on Hailuo…", 0, 0)
        return self._runner.start(KEY, self._run(account or None), on_done=self._done,
                                  on_error=self._error, notify=False)

    def cancel(self) -> None:
        if self._runner.cancel(KEY):
            # What was imported so far is in the library; the next import resumes.
            self._busy = False
            self.summary = "Import stopped. What was downloaded is in the library; import again to carry on."
            self.busyChanged.emit(False)
            self.finished.emit(self.summary)

    async def _run(self, account: str | None) -> ImportReport:
        exclude: set[str] = set()
        if self._journal is not None:
            try:
                exclude = set(await self._journal.claimed_remote_ids())
            except Exception:  # only a courtesy to the engine; the importer dedupes anyway
                log.info("could not read the journal's remote ids", exc_info=True)
        done_before: dict[tuple[str, str], int] = {}

        def on_progress(p: ImportProgress) -> None:
            done_before[(p.account, p.kind)] = p.listed
            listed = sum(done_before.values())
            self._listed = listed
            self.progress.emit(p.message, listed, self._imported_so_far(p))

        return await import_remote(self._client, self._library, self._thumbs, account=account,
                                   progress=on_progress, exclude=exclude)

    def _imported_so_far(self, p: ImportProgress) -> int:
        # ImportProgress counts per account and kind; keep a running maximum overall.
        self._imported = max(self._imported, p.imported)
        return self._imported

    def _done(self, report: ImportReport) -> None:
        self._report = report
        self.summary = import_summary(report)
        self._busy = False
        self.busyChanged.emit(False)
        self.finished.emit(self.summary)

    def _error(self, message: str) -> None:
        self.summary = f"The import stopped: {message}"
        self._busy = False
        self.busyChanged.emit(False)
        self.finished.emit(self.summary)

    @property
    def report(self) -> ImportReport | None:
        return self._report
