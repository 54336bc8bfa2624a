"""What the one form model (``form_common.FormModel``) needs to know about a kind of
generation — all of it read from the catalog, so adding a kind means adding a record
here, not another form class.

A ``FormKind`` says which models the kind offers, the request a model starts from, how a
request is checked and priced, which value fields a model takes and with which choices,
and the picker's family order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from minimax_studio.api import catalog


@dataclass(frozen=True)
class FormKind:
    #: The engine's kind ("video" / "image"): what ``preview_route`` / ``submit`` get.
    name: str
    models: Mapping[str, Any]
    default_model: str
    default_request: Callable[[str], Mapping[str, Any]]
    validate: Callable[[Mapping[str, Any]], Iterable[catalog.Problem]]
    cost: Callable[[Mapping[str, Any]], catalog.Cost]
    #: model -> {value field: its legal choices}, in the order the form shows the fields;
    #: a field with no choices does not apply to that model.
    choices: Callable[[Any], dict[str, tuple[Any, ...]]]
    #: Whether a model takes a first frame ("Use as first frame" switches to one that does).
    takes_first_frame: Callable[[Any], bool] = lambda model: False
    #: Whether a model needs the first frame (the tile says "(required)").
    needs_first_frame: Callable[[Any], bool] = lambda model: False
    family_order: tuple[str, ...] = ()

    def fields(self, model: Any) -> tuple[str, ...]:
        """The value fields ``model`` accepts (besides prompt / promptOptimization)."""
        return tuple(f for f, values in self.choices(model).items() if values)

    def allowed(self, model: Any, field: str, value: Any) -> bool:
        values = self.choices(model).get(field)
        return values is None or value in values

    def families(self) -> list[tuple[str, list[Any]]]:
        """[(family, [models])] in the picker's order (catalog order where none is set)."""
        groups: dict[str, list[Any]] = {}
        for m in self.models.values():
            groups.setdefault(m.family, []).append(m)
        order = {f: i for i, f in enumerate(self.family_order)}
        return sorted(groups.items(), key=lambda kv: order.get(kv[0], len(order)))


def _video_choices(m: Any) -> dict[str, tuple[Any, ...]]:
    return {"options": m.options, "resolution": m.resolutions, "duration": m.durations,
            "aspectRatio": m.aspect_ratios}


def _image_choices(m: Any) -> dict[str, tuple[Any, ...]]:
    # Midjourney always makes a fixed number of images: no quantity field at all.
    quantity = () if m.fixed_quantity else tuple(range(1, catalog.MAX_QUANTITY + 1))
    return {"aspectRatio": m.aspect_ratios, "resolution": m.resolutions,
            "quality": m.quality_levels, "quantity": quantity}


def _default_of(models: Mapping[str, Any], preferred: str) -> str:
    return preferred if preferred in models else next(iter(models))


VIDEO = FormKind(
    name="video", models=catalog.VIDEO_MODELS,
    default_model=_default_of(catalog.VIDEO_MODELS, "T2V-2.3"),
    default_request=catalog.default_video_request, validate=catalog.validate_video_request,
    cost=catalog.video_cost, choices=_video_choices,
    takes_first_frame=lambda m: m.first_frame != "none",
    needs_first_frame=lambda m: m.first_frame == "required",
    # The family order of the picker (issue #5 §1).
    family_order=("Hailuo 01", "Hailuo 02", "Hailuo 2.3", "Veo 3.1", "Sora 2", "Seedance 2.0"),
)

IMAGE = FormKind(
    name="image", models=catalog.IMAGE_MODELS,
    default_model=_default_of(catalog.IMAGE_MODELS, "image-01"),
    default_request=catalog.default_image_request, validate=catalog.validate_image_request,
    cost=catalog.image_cost, choices=_image_choices,
)

KINDS: dict[str, FormKind] = {k.name: k for k in (VIDEO, IMAGE)}
