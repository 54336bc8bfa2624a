"""One place that builds what a session runs on — client, journal, library, engine — for
the app (``viewmodels.services.open_session``) and the batch (``batch_cli``) alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from minimax_studio.api.client import MiniMaxClient
from minimax_studio.core.engine import Engine
from minimax_studio.core.engine_config import EngineConfig
from minimax_studio.core.journal import Journal
from minimax_studio.core.library import Library
from minimax_studio.core.locations import SessionLocations

__all__ = ["CoreSession", "open_core_session"]

log = logging.getLogger(__name__)


@dataclass
class CoreSession:
    client: MiniMaxClient
    journal: Journal
    library: Library
    engine: Engine

    async def aclose(self) -> None:
        """Stop the engine (its jobs are released for the next session), then close the
        stores and the client; one failing closer does not keep the others open."""
        for close in (self.engine.close, self.library.close, self.journal.close, self.client.aclose):
            try:
                await close()
            except Exception:
                log.exception("closing the session")


async def open_core_session(client: MiniMaxClient, where: SessionLocations, config: EngineConfig,
                            *, thumbs_dir: Path | None = None) -> CoreSession:
    """Open the journal and library at ``where`` and build the engine on ``client`` (not
    started: the caller listens first, then ``engine.start``). On failure everything
    opened here — and the client — is closed again, and the error raised."""
    journal: Journal | None = None
    library: Library | None = None
    try:
        journal = await Journal.open(where.journal_db)
        library = await Library.open(where.library_db, where.library_dir)
        if config.library_dir is None:
            config.library_dir = where.library_dir
        if thumbs_dir is not None:
            config.thumbs_dir = thumbs_dir
        return CoreSession(client, journal, library, Engine(client, journal, library, config=config))
    except BaseException:
        for closer in (library, journal):
            if closer is not None:
                try:
                    await closer.close()
                except Exception:
                    log.exception("cleanup after a failed session start")
        await client.aclose()
        raise
