"""Typed, versioned settings in ``<config dir>/settings.json``.

Stdlib only (a dataclass, not pydantic): settings are read before the first window paints,
and importing pydantic there would cost a visible part of the start-up budget.

What is here: API base URL, download folder, theme, polling intervals, remembered window
geometry and last tab. What is never here: the useapi.net token (keyring only, see
``core.secrets``) or any Hailuo JWT. ``save`` refuses to write anything that looks like one.

Versioning: ``version`` is the schema version. ``_migrate`` upgrades older dicts step by
step; unknown keys are ignored (a newer app's file still loads), invalid values fall back
to their defaults, and a file that is not JSON at all is kept as ``settings.json.bad``.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from minimax_studio.logs import redact

log = logging.getLogger(__name__)

__all__ = ["DEFAULT_API_URL", "SCHEMA_VERSION", "THEMES", "Settings", "load_settings", "save_settings"]

SCHEMA_VERSION = 1
DEFAULT_API_URL = "https://api.useapi.net/v1/minimax"
THEMES = ("system", "light", "dark")


@dataclass
class Settings:
    version: int = SCHEMA_VERSION
    #: Empty = the real useapi.net endpoint (or MINIMAX_STUDIO_API_URL when set).
    api_base_url: str = ""
    #: Empty = the library folder under the data dir.
    download_dir: str = ""
    theme: str = "system"
    #: Seconds between status checks of a running job (useapi's own scripts use 15–30 s).
    poll_video_seconds: float = 15.0
    poll_image_seconds: float = 10.0
    poll_agent_seconds: float = 20.0
    #: Longest a job is checked on before it needs attention (minutes from its create
    #: call; Retry-check looks again). Generous: Hailuo's queue can be hours long.
    poll_limit_video_minutes: float = 180.0
    poll_limit_image_minutes: float = 30.0
    poll_limit_agent_minutes: float = 20.0
    #: Seconds between capacity refreshes on the Accounts tab while jobs run.
    capacity_refresh_seconds: float = 20.0
    #: Downloads take the lean HTTP/1.1 path (api/fast_download.py, ~3x httpx's speed on a
    #: fast link); False sends every download through httpx, should that path ever
    #: misbehave with a server or a new httpx.
    fast_downloads: bool = True
    #: Clock speed of the built-in sandbox (1 = as slow as the real service).
    sandbox_speed: float = 20.0
    #: Base64 of QWidget.saveGeometry(); "" = first start.
    window_geometry: str = ""
    last_tab: str = "Accounts"
    #: Free-form extras other parts of the app keep (must stay JSON-serialisable).
    extra: dict[str, Any] = field(default_factory=dict)

    # --- derived ------------------------------------------------------------------------
    def effective_api_url(self, environ: dict[str, str] | None = None) -> str:
        env = os.environ if environ is None else environ
        return (env.get("MINIMAX_STUDIO_API_URL") or self.api_base_url or DEFAULT_API_URL).rstrip("/")

    def poll_limits(self, speed: float = 1.0) -> tuple[float, float, float]:
        """(video, image, agent) polling limits in seconds, for ``EngineConfig``; on the
        sandbox the clock runs ``speed`` times faster."""
        f = max(1.0, speed)
        return (self.poll_limit_video_minutes * 60 / f, self.poll_limit_image_minutes * 60 / f,
                self.poll_limit_agent_minutes * 60 / f)

    def download_path(self, default: Path) -> Path:
        return Path(self.download_dir).expanduser() if self.download_dir else default

    # --- validation ---------------------------------------------------------------------
    def problems(self) -> dict[str, str]:
        """Field -> sentence, for the settings dialog (empty = all good)."""
        out: dict[str, str] = {}
        url = self.api_base_url.strip()
        if url and not url.startswith(("http://", "https://")):
            out["api_base_url"] = "The API address must start with https:// (or http:// for a local server)."
        if self.theme not in THEMES:
            out["theme"] = f"Theme must be one of: {', '.join(THEMES)}."
        for name, lo, hi in _INTERVALS:
            value = getattr(self, name)
            if not (lo <= value <= hi):
                out[name] = f"Choose between {lo:g} and {hi:g} seconds."
        for name, lo, hi in _LIMITS:
            value = getattr(self, name)
            if not (lo <= value <= hi):
                out[name] = f"Choose between {lo:g} and {hi:g} minutes."
        if self.download_dir and not Path(self.download_dir).expanduser().is_absolute():
            out["download_dir"] = "The download folder must be a full path."
        return out


_INTERVALS = (
    ("poll_video_seconds", 2.0, 600.0),
    ("poll_image_seconds", 2.0, 600.0),
    ("poll_agent_seconds", 2.0, 600.0),
    ("capacity_refresh_seconds", 5.0, 600.0),
)
#: Polling limits, in minutes: at least a minute, at most two days.
_LIMITS = (
    ("poll_limit_video_minutes", 1.0, 2880.0),
    ("poll_limit_image_minutes", 1.0, 2880.0),
    ("poll_limit_agent_minutes", 1.0, 2880.0),
)
_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    version = data.get("version", 0)
    if not isinstance(version, int) or version < 1:
        # v0 (never released) called the API URL "base_url".
        if "base_url" in data and "api_base_url" not in data:
            data["api_base_url"] = data.pop("base_url")
        data["version"] = 1
    return data


def _coerce(data: dict[str, Any]) -> Settings:
    defaults = Settings()
    values: dict[str, Any] = {}
    for name in _FIELDS:
        if name not in data:
            continue
        default = getattr(defaults, name)
        value = data[name]
        if isinstance(default, bool | str):
            ok = isinstance(value, type(default))
        elif isinstance(default, float):
            ok = isinstance(value, int | float) and not isinstance(value, bool)
            value = float(value) if ok else value
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        elif isinstance(default, dict):
            ok = isinstance(value, dict)
        else:  # pragma: no cover - every field type is listed above
            ok = False
        if ok:
            values[name] = value
        else:
            log.warning("settings: ignoring invalid %s=%r", name, value)
    s = Settings(**values)
    s.version = SCHEMA_VERSION
    if s.theme not in THEMES:
        s.theme = "system"
    for name, lo, hi in (*_INTERVALS, *_LIMITS):
        setattr(s, name, min(max(getattr(s, name), lo), hi))
    return s


def load_settings(path: Path) -> Settings:
    """Read settings; a missing file gives defaults, a broken one is set aside."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        log.warning("settings: cannot read %s: %s", path, exc)
        return Settings()
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
    except ValueError as exc:
        log.warning("settings: %s is not valid (%s); keeping it as .bad and using defaults", path, exc)
        try:
            os.replace(path, path.with_name(path.name + ".bad"))
        except OSError:
            pass
        return Settings()
    return _coerce(_migrate(data))


def _scrub(value: Any) -> Any:
    """Replace anything token-shaped (belt and braces: no field is meant to hold one)."""
    if isinstance(value, str):
        return "" if redact(value) != value else value
    if isinstance(value, dict):
        return {k: _scrub(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def save_settings(settings: Settings, path: Path) -> None:
    """Atomic write (``atomic_write``): a crash mid-write never leaves half a file."""
    from minimax_studio.atomic import atomic_write

    data = _scrub(dataclasses.asdict(settings))
    data["version"] = SCHEMA_VERSION
    atomic_write(path, json.dumps(data, indent=2, sort_keys=True) + "\n", prefix=".settings-")
