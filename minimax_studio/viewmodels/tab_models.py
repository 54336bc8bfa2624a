"""Typed factories that turn the open session into the view-models a tab shows.

The ui layer never reads the session's engine, client, library or journal: a tab builder
asks one of these factories for its view-models and hands them to its widgets. Here is the
one place where core objects become view-models, so "what does the Video tab run on?" has
a one-file answer (tests/test_typing_contract.py keeps ui from reaching past it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from minimax_studio.viewmodels.form_common import FormModel
from minimax_studio.viewmodels.job_actions import JobActionsVM
from minimax_studio.viewmodels.jobs_model import JobsModel, library_thumbs

if TYPE_CHECKING:
    from minimax_studio.core.engine import Engine
    from minimax_studio.viewmodels.agent_vm import AgentVM
    from minimax_studio.viewmodels.services import Services, Session

__all__ = ["GenerateTabModels", "JobsModels", "agent_vm", "generate_tab_models", "jobs_models"]


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
