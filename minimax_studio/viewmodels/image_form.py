"""The Image tab's form: ``FormModel`` of the image kind (see ``form_kinds.IMAGE``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from minimax_studio.api.catalog import MAX_QUANTITY
from minimax_studio.viewmodels.form_common import FormModel
from minimax_studio.viewmodels.form_kinds import IMAGE
from minimax_studio.viewmodels.form_route import FormEngine

__all__ = ["MAX_QUANTITY", "ImageFormModel", "image_form"]

if TYPE_CHECKING:
    from minimax_studio.viewmodels.tasks import TaskRunner


def image_form(engine: FormEngine | None = None, runner: TaskRunner | None = None,
               parent: QObject | None = None, model_id: str | None = None) -> FormModel:
    """The image form (one ``FormModel`` class serves every kind)."""
    return FormModel(IMAGE, engine, runner, parent, model_id)


#: The name the tabs and tests have always used; a factory, not a subclass.
ImageFormModel = image_form
