"""What a request costs in Hailuo credits (README credit table, index page of May 13 2026).

Published prices are exact. Where the table gives only a range or nothing (02 / 2.3
options other than 768p-6sec, I2V-2.3-Fast, Seedance-2.0 4K, Seedance-2.0-Mini) the cost
is a range or unknown and says so. Every price — published or not — can be replaced
from the settings with ``set_price_overrides``: Hailuo reprices without notice (useapi
says costs may change; later material already shows different Seedance figures), and a
user who sees the real charge on their account should not have to wait for a release.

Price keys: "<model>" (one price per item), "<model>/<option or resolution>",
"gpt-image-2/<quality>/<resolution>", and for Seedance "<model>/<resolution>/text" or
"/refs" — credits per second of output."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .images import IMAGE_MODELS, MAX_QUANTITY, ImageModel
from .validation import coerce_form_values
from .videos import VIDEO_MODELS, VideoModel, default_video_model

NOT_PUBLISHED = "exact price not published"


@dataclass(frozen=True)
class Cost:
    min_credits: int | None
    max_credits: int | None
    note: str = ""
    #: False when even a single number is our inference, not Hailuo's table.
    published: bool = True

    @property
    def exact(self) -> bool:
        return (self.published and self.min_credits is not None
                and self.min_credits == self.max_credits)

    @property
    def label(self) -> str:
        lo, hi = self.min_credits, self.max_credits
        if self.exact:
            return _credits(lo)
        if lo is None and hi is None:
            return "Price not published"
        if lo is not None and lo == hi:
            return f"about {_credits(lo)} ({NOT_PUBLISHED})"
        if lo is None:
            return f"up to {_credits(hi)} ({NOT_PUBLISHED})"
        if hi is None:
            return f"at least {_credits(lo)} ({NOT_PUBLISHED})"
        # A range of published prices (a choice not made yet) is no guess.
        suffix = "" if self.published else f" ({NOT_PUBLISHED})"
        return f"{lo:,}–{_credits(hi)}{suffix}"

    def times(self, n: int) -> Cost:
        return Cost(None if self.min_credits is None else self.min_credits * n,
                    None if self.max_credits is None else self.max_credits * n,
                    self.note, self.published)

    def __add__(self, other: Cost) -> Cost:
        """Sum of two costs (a batch total): unknown stays unknown."""
        def add(a: int | None, b: int | None) -> int | None:
            return None if a is None or b is None else a + b
        notes = "; ".join(n for n in (self.note, other.note) if n)
        return Cost(add(self.min_credits, other.min_credits),
                    add(self.max_credits, other.max_credits), notes,
                    self.published and other.published)

    @staticmethod
    def span(costs: Iterable[Cost], note: str) -> Cost:
        """The range covering every one of ``costs`` (for a choice not yet made)."""
        items = list(costs)
        mins = [c.min_credits for c in items]
        maxs = [c.max_credits for c in items]
        lo = None if not items or None in mins else min(m for m in mins if m is not None)
        hi = None if not items or None in maxs else max(m for m in maxs if m is not None)
        return Cost(lo, hi, note, all(c.published for c in items))


def _credits(n: int | None) -> str:
    return "1 credit" if n == 1 else f"{n or 0:,} credits"


# --- the tables ------------------------------------------------------------------------

_HAILUO_01 = ("T2V-01", "I2V-01", "I2V-01-live", "S2V-01", "T2V-01-Director", "I2V-01-Director")

PUBLISHED_PRICES: dict[str, int] = {
    **{m: 25 for m in _HAILUO_01},
    "02/768p-6sec": 25, "T2V-2.3/768p-6sec": 25, "I2V-2.3/768p-6sec": 25,
    "Sora-2/720p-4sec": 40, "Sora-2/720p-8sec": 80, "Sora-2/720p-12sec": 120,
    **{f"{m}/veo-{r}-8sec": p for m in ("Veo-3.1", "Veo-3.1-S2V")
       for r, p in (("720p", 120), ("1080p", 120), ("4k", 180))},
    **{f"{m}/veo-{r}-8sec": p for m in ("Veo-3.1-Fast", "Veo-3.1-S2V-Fast")
       for r, p in (("720p", 60), ("1080p", 60), ("4k", 90))},
    # Seedance: per second of output.
    "Seedance-2.0-Fast/480/text": 4, "Seedance-2.0-Fast/720/text": 10,
    "Seedance-2.0-Fast/480/refs": 7, "Seedance-2.0-Fast/720/refs": 15,
    "Seedance-2.0/480/text": 5, "Seedance-2.0/720/text": 12, "Seedance-2.0/1080/text": 27,
    "Seedance-2.0/480/refs": 9, "Seedance-2.0/720/refs": 19, "Seedance-2.0/1080/refs": 45,
    # Images: per image.
    "image-01": 1, "midjourney-v7": 3, "midjourney-niji7": 3,
    "seedream-4.5": 4, "seedream-5.0": 4,
    "nano-banana-2/512P": 4, "nano-banana-2/1K": 4, "nano-banana-2/2K": 5, "nano-banana-2/4K": 8,
    "nano-banana-pro/1K": 6, "nano-banana-pro/2K": 6, "nano-banana-pro/4K": 10,
    "gpt-image-1.5/Low": 4, "gpt-image-1.5/Medium": 8, "gpt-image-1.5/High": 15,
    **{f"gpt-image-2/{q}/{r}": p for q, prices in (("low", (2, 5, 10)), ("medium", (8, 20, 40)),
                                                   ("high", (30, 80, 160)))
       for r, p in zip(("1K", "2K", "4K"), prices, strict=True)},
}

_HAILUO_RANGE = ("Hailuo publishes 25 credits for 768p-6sec and 25–80 for the other "
                 "options; the price of each option is not captured.")
_FAST_RANGE = "Hailuo publishes 15–50 credits for I2V-2.3-Fast; per-option prices are not captured."
_SEEDANCE_4K = ("Seedance-2.0 4K is not in the May 2026 table. Between the 1080p price and "
                "100 credits/s, the 4K figure in useapi's later (Jul–Oct 2026) pricing data.")
_SEEDANCE_MINI = ("Seedance-2.0-Mini was added after the May 2026 credit table; its price is "
                  "not published. Set it in Settings once you know it.")

#: (min, max, note) for prices Hailuo has not published; None = nothing known.
UNPUBLISHED_PRICES: dict[str, tuple[int | None, int | None, str]] = {
    **{f"{m}/{o}": (25, 80, _HAILUO_RANGE)
       for m, opts in (("02", ("512p-6sec", "512p-10sec", "768p-10sec", "1080p-6sec")),
                       ("T2V-2.3", ("768p-10sec", "1080p-6sec")),
                       ("I2V-2.3", ("768p-10sec", "1080p-6sec")))
       for o in opts},
    # Inferred: 768p-6sec is the cheapest option of the other 2.3 models (25, the bottom
    # of their range), so it is the bottom of Fast's 15–50 range too.
    "I2V-2.3-Fast/768p-6sec": (15, 15, _FAST_RANGE + " 768p-6sec is probably the 15 at its "
                                                     "bottom (inferred)."),
    "I2V-2.3-Fast/768p-10sec": (15, 50, _FAST_RANGE),
    "I2V-2.3-Fast/1080p-6sec": (15, 50, _FAST_RANGE),
    "Seedance-2.0/4K/text": (27, 100, _SEEDANCE_4K),
    "Seedance-2.0/4K/refs": (45, 100, _SEEDANCE_4K),
    **{f"Seedance-2.0-Mini/{r}/{mode}": (None, None, _SEEDANCE_MINI)
       for r in ("480", "720") for mode in ("text", "refs")},
}

_overrides: dict[str, float] = {}


def set_price_overrides(mapping: Mapping[str, float | int]) -> None:
    """Replace the user's own prices (price key -> credits; per second for Seedance).
    Overrides win over the table, published or not. Raises ValueError for a value that
    is not a non-negative number."""
    clean: dict[str, float] = {}
    for key, value in mapping.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0 \
                or value != value:
            raise ValueError(f"The price for {key} must be a number of credits (0 or more).")
        clean[str(key)] = float(value)
    global _overrides
    _overrides = clean  # one assignment: readers on other threads see old or new, never half


def price_overrides() -> dict[str, float]:
    return dict(_overrides)


def unpublished_price_keys() -> list[str]:
    """The price keys a settings page should offer to fill in."""
    return list(UNPUBLISHED_PRICES)


def _lookup(key: str) -> Cost:
    if key in _overrides:
        value = round(_overrides[key])
        return Cost(value, value, "Price from your settings.")
    if key in PUBLISHED_PRICES:
        return Cost(PUBLISHED_PRICES[key], PUBLISHED_PRICES[key])
    lo, hi, note = UNPUBLISHED_PRICES.get(key, (None, None, f"No price known for {key}."))
    return Cost(lo, hi, note, published=False)


def _per_second(per_second: Cost, seconds: int) -> Cost:
    total = per_second.times(seconds)
    lo, hi = per_second.min_credits, per_second.max_credits
    rate = (f"{lo}" if lo is not None and lo == hi
            else f"{lo}–{hi}" if lo is not None and hi is not None else None)
    note = per_second.note
    if rate is not None:
        note = f"{rate} credits per second × {seconds} s" + (f". {note}" if note else "")
    return Cost(total.min_credits, total.max_credits, note, per_second.published)


# --- videos ---------------------------------------------------------------------------

def video_cost(body: Mapping[str, Any]) -> Cost:
    """Credits one videos/create request will cost. Never raises."""
    if not isinstance(body, Mapping):
        return Cost(None, None, "Not a request.", published=False)
    b = coerce_form_values(body)
    model_id = b.get("model") or default_video_model(b)
    m = VIDEO_MODELS.get(model_id) if isinstance(model_id, str) else None
    if m is None:
        return Cost(None, None, f"Unknown video model {model_id!r}.", published=False)
    if not m.options and not m.resolutions:
        return _lookup(m.id)
    if m.options:
        option = b.get("options")
        if isinstance(option, str) and option in m.options:
            return _lookup(f"{m.id}/{option}")
        return Cost.span((_lookup(f"{m.id}/{o}") for o in m.options),
                         "The price depends on options, which is not set.")
    return _seedance_cost(m, b)


def _seedance_cost(m: VideoModel, b: Mapping[str, Any]) -> Cost:
    mode = "refs" if _has_references(b) else "text"
    raw = b.get("resolution")
    resolution = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else None
    resolutions = ((resolution,) if resolution in m.resolutions
                   else (m.default_resolution,) if raw in (None, "")
                   else m.resolutions)
    duration = b.get("duration")
    seconds = ((duration,) if isinstance(duration, int) and duration in m.durations
               else (m.default_duration,) if duration in (None, "")
               else (m.durations[0], m.durations[-1]))
    costs = [_per_second(_lookup(f"{m.id}/{r}/{mode}"), int(s or 0))
             for r in resolutions for s in seconds]
    if len(costs) == 1:
        return costs[0]
    return Cost.span(costs, "The price depends on resolution and duration.")


def _has_references(b: Mapping[str, Any]) -> bool:
    """Seedance bills 'image or omni refs' at the higher rate."""
    for key, value in b.items():
        if isinstance(key, str) and isinstance(value, str) and value.strip() and (
                key == "end_frame_fileID" or key.startswith(("fileID", "videoFileID",
                                                             "audioFileID"))):
            return True
    return False


# --- images ---------------------------------------------------------------------------

def image_cost(body: Mapping[str, Any]) -> Cost:
    """Credits one images/create request will cost (per image × quantity). Never raises."""
    if not isinstance(body, Mapping):
        return Cost(None, None, "Not a request.", published=False)
    b = coerce_form_values(body)
    model_id = b.get("model") or "image-01"
    m = IMAGE_MODELS.get(model_id) if isinstance(model_id, str) else None
    if m is None:
        return Cost(None, None, f"Unknown image model {model_id!r}.", published=False)
    per_image = _per_image(m, b)
    quantity = b.get("quantity")
    count = (m.fixed_quantity if m.fixed_quantity
             else quantity if isinstance(quantity, int) and not isinstance(quantity, bool)
             and 1 <= quantity <= MAX_QUANTITY else 1)
    total = per_image.times(count)
    if count > 1:
        each = per_image.label if per_image.exact else "a price not published"
        note = f"{count} images at {each} each"
        total = Cost(total.min_credits, total.max_credits,
                     note + (f". {per_image.note}" if per_image.note else ""), total.published)
    return total


def _per_image(m: ImageModel, b: Mapping[str, Any]) -> Cost:
    if m.id in PUBLISHED_PRICES or not m.resolutions or m.id in _overrides:
        return _lookup(m.id)  # one price whatever the resolution
    raw = b.get("resolution")
    # The server's default resolution is not captured: with none sent, show the span.
    resolutions = (raw,) if raw in m.resolutions else m.resolutions
    quality = b.get("quality") if b.get("quality") in m.quality_levels else m.default_quality
    prefix = f"{m.id}/{quality}" if m.quality_levels else m.id
    costs = [_lookup(f"{prefix}/{r}") for r in resolutions]
    if len(costs) == 1:
        return costs[0]
    return Cost.span(costs, "The price depends on resolution, which is not set.")
