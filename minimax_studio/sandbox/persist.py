"""``--state FILE``: the sandbox's memory as JSON, uploads in ``<FILE stem>.files/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from minimax_studio.atomic import atomic_write

from .state import State


def files_dir_for(state_file: Path) -> Path:
    return state_file.with_name(state_file.stem + ".files")


def load(state_file: Path) -> tuple[State, dict[str, Any]] | None:
    """(state, extra) or None when the file does not exist yet."""
    try:
        data = json.loads(state_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"Cannot read sandbox state {state_file}: {exc}") from exc
    return State.from_json(data), dict(data.get("extra", {}))


def snapshot(state: State, extra: dict[str, Any]) -> dict[str, Any]:
    """Plain data, taken on the server's loop so a writer thread never sees it change."""
    data = state.to_json()
    data["extra"] = extra
    return data


def write(state_file: Path, data: dict[str, Any]) -> None:
    atomic_write(state_file, json.dumps(data, indent=1), prefix=state_file.name)
