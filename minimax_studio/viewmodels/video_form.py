"""The Video tab's form: ``FormModel`` of the video kind (see ``form_kinds.VIDEO``), and how
the tab spells the catalog's options."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from minimax_studio.viewmodels.form_common import FormModel
from minimax_studio.viewmodels.form_kinds import VIDEO
from minimax_studio.viewmodels.form_route import FormEngine


def option_label(option: str) -> str:
    """'768p-10sec' -> '768p · 10 s'; 'veo-4k-8sec' -> '4K · 8 s'."""
    m = re.fullmatch(r"(?:veo-)?(\w+?)-(\d+)sec", option)
    if not m:
        return option
    res = m.group(1)
    res = res.upper() if res.lower() == "4k" else res
    return f"{res} · {m.group(2)} s"


def resolution_label(resolution: str) -> str:
    return resolution if resolution.upper() == "4K" else f"{resolution}p"

if TYPE_CHECKING:
    from minimax_studio.viewmodels.tasks import TaskRunner


def video_form(engine: FormEngine | None = None, runner: TaskRunner | None = None,
               parent: QObject | None = None, model_id: str | None = None) -> FormModel:
    """The video form (one ``FormModel`` class serves every kind)."""
    return FormModel(VIDEO, engine, runner, parent, model_id)


#: The name the tabs and tests have always used; a factory, not a subclass.
VideoFormModel = video_form
