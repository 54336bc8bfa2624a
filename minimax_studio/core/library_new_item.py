"""``NewLibraryItem``: what a caller hands ``Library.add_item`` (or ``add_many``) to index
one result — a misspelt field is a type error, not a run-time check against a name set."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

__all__ = ["NewLibraryItem"]


@dataclass(frozen=True)
class NewLibraryItem:
    #: "video" | "image" | "audio".
    kind: str
    path: Path
    prompt: str = ""
    model: str = ""
    #: The exact request, references as local paths (re-run needs them).
    request: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    account: str | None = None
    job_id: int | None = None
    #: Idempotency key: adding a result already indexed returns the existing item.
    remote_id: str | None = None
    file_id: str | None = None
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    thumb_path: Path | None = None
    #: None: now.
    created_at: datetime | None = None
    finished_at: datetime | None = None
    favorite: bool = False
    tags: list[str] = field(default_factory=list)
    #: "app" | "batch" | "import" | "agent".
    source: str = "app"

    def fields(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
