"""Typed factories that turn the open session into the view-models a tab shows.

The ui layer never reads the session's engine, client, library or journal: a tab builder
asks one of these factories for its view-models and hands them to its widgets. Here is the
one place where core objects become view-models, so "what does the Video tab run on?" has
a one-file answer (tests/test_typing_contract.py keeps ui from reaching past it).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from minimax_studio.viewmodels.form_common import FormModel
from minimax_studio.viewmodels.job_actions import JobActionsVM
from minimax_studio.viewmodels.jobs_model import JobsModel, library_thumbs

if TYPE_CHECKING:
    from minimax_studio.core.engine import Engine
    from minimax_studio.viewmodels.agent_vm import AgentVM
    from minimax_studio.viewmodels.gallery_actions import GalleryActionsVM
    from minimax_studio.viewmodels.gallery_model import GalleryModel
    from minimax_studio.viewmodels.gallery_thumbs import ThumbnailLoader
    from minimax_studio.viewmodels.library_import import LibraryImportVM
    from minimax_studio.viewmodels.services import Services, Session

__all__ = ["GalleryModels", "GenerateTabModels", "JobsModels", "agent_vm", "gallery_models",
           "generate_tab_models", "jobs_models"]


@dataclass(frozen=True)
class JobsModels:
    """One kind's jobs panel: the rows (fed by the engine's events) and the row actions."""

    model: JobsModel
    actions: JobActionsVM


@dataclass(frozen=True)
class GenerateTabModels:
    """The Video or Image tab: its form and its jobs panel."""

    form: FormModel
    jobs: JobsModels


def _open_session(services: Services, what: str) -> Session:
    session = services.session
    if session is None:  # builders run only on an open session; the placeholder says why
        raise RuntimeError(f"{what} needs an open session")
    return session


def _engine(services: Services, what: str) -> Engine:
    return _open_session(services, what).engine


def jobs_models(services: Services, kind: str) -> JobsModels:
    """The jobs panel of ``kind`` ("video" / "image"): thumbnails come from the library,
    actions' failures show inline in the panel (the runner's spawn, not a notification)."""
    session = _open_session(services, "the jobs panel")
    model = JobsModel(session.engine, kind, thumbs=library_thumbs(session.library))
    return JobsModels(model=model, actions=JobActionsVM(session.engine, services.runner.spawn))


def generate_tab_models(services: Services, kind: str) -> GenerateTabModels:
    """The form (submitting on the session's engine) and the jobs panel for ``kind``.
    The tab re-parents the form to itself so its debounce timer dies with the tab."""
    form = FormModel(kind, engine=_engine(services, f"the {kind} form"), runner=services.runner)
    return GenerateTabModels(form=form, jobs=jobs_models(services, kind))


def agent_vm(services: Services) -> AgentVM:
    """The Agent tab's view-model; its conversations are stored beside the session's
    journal (one file per server, so the sandbox never mixes with the real account)."""
    from minimax_studio.viewmodels.agent_vm import AgentVM, conversations_path

    session = _open_session(services, "The Agent tab")
    return AgentVM(engine=session.engine, client=session.client, library=session.library,
                   runner=services.runner, store_path=conversations_path(session))


#: (model name, item count) pairs and account names, for the Gallery's filters
Choices = tuple[list[tuple[str, int]], list[str]]


@dataclass(frozen=True)
class GalleryModels:
    """The Gallery: the grid's model and thumbnails, the item actions, the Hailuo importer
    (None without a client, i.e. offline), and two library reads the tab runs on its task
    runner (None without a library). The tab and its actions re-parent the QObjects."""

    model: GalleryModel
    loader: ThumbnailLoader
    actions: GalleryActionsVM
    importer: LibraryImportVM | None
    #: the remote copy can be deleted (a client is connected)
    remote: bool
    read_choices: Callable[[], Coroutine[None, None, Choices]] | None
    record_poster: Callable[[int, Path], Coroutine[None, None, None]] | None


def gallery_models(services: Services) -> GalleryModels:
    """The Gallery's view-models on the library (and, when connected, the client and the
    journal the importer records into). Read with ``getattr`` because the Gallery also runs
    on a library alone (tests, bench): no session, no client."""
    from minimax_studio.paths import app_paths
    from minimax_studio.viewmodels.gallery_actions import GalleryActionsVM
    from minimax_studio.viewmodels.gallery_model import GalleryModel
    from minimax_studio.viewmodels.gallery_thumbs import ThumbnailLoader
    from minimax_studio.viewmodels.library_import import LibraryImportVM

    library = services.library
    runner = services.runner
    thumbs: Path | None = getattr(getattr(services, "paths", None), "thumbnails_dir", None)
    client = getattr(services, "client", None)
    journal = getattr(getattr(services, "session", None), "journal", None)
    importer = (LibraryImportVM(client, library, runner, thumbs or app_paths().thumbnails_dir,
                                journal=journal)
                if client is not None and library is not None else None)
    read_choices = record_poster = None
    if library is not None:
        lib = library

        async def read_choices() -> Choices:
            return await lib.models(), await lib.accounts()

        async def record_poster(item_id: int, path: Path) -> None:
            await lib.set_thumbnail(item_id, path)

    return GalleryModels(
        model=GalleryModel(library, runner),
        loader=ThumbnailLoader(runner, services.paths.thumbnails_dir, library),
        actions=GalleryActionsVM(library, runner, thumbs_dir=thumbs, client=client),
        importer=importer, remote=client is not None,
        read_choices=read_choices, record_poster=record_poster)
