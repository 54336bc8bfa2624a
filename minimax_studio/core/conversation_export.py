"""Export a conversation as a folder a person can keep or share: ``transcript.md`` (prompts,
answers, media linked by relative path), the media files themselves (copied, never moved:
the library keeps its own), and ``requests.json`` with each turn's exact request.

Blocking file work: call ``export_conversation`` from a worker thread.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["ExportTry", "ExportTurn", "export_conversation", "safe_folder_name"]


@dataclass
class ExportTry:
    job_id: int | None
    state: str
    reason: str | None = None
    #: The request as sent: POST agent's own field names (prompt, models, file, async, account).
    request: dict[str, Any] = field(default_factory=dict)
    remote_ids: list[str] = field(default_factory=list)
    text: str = ""
    media: list[Path] = field(default_factory=list)


@dataclass
class ExportTurn:
    prompt: str
    files: list[str]
    tries: list[ExportTry]


def safe_folder_name(title: str) -> str:
    name = re.sub(r"[^\w\- ]+", "", title, flags=re.UNICODE).strip()[:60]
    return name or "conversation"


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    stem, suffix, n = target.stem, target.suffix, 2
    while target.exists():
        target = folder / f"{stem}-{n}{suffix}"
        n += 1
    return target


def export_conversation(dest_parent: Path, title: str, turns: list[ExportTurn]) -> Path:
    """Write the folder under ``dest_parent`` (a new name if one exists); returns it."""
    folder = _unique(Path(dest_parent), safe_folder_name(title))
    media_dir = folder / "media"
    media_dir.mkdir(parents=True)
    lines = [f"# {title}", ""]
    requests: list[dict[str, Any]] = []
    missing = 0
    for n, turn in enumerate(turns, 1):
        lines += [f"## Turn {n}", "", "**You:**", "", turn.prompt, ""]
        if turn.files:
            lines += ["Attached: " + ", ".join(Path(f).name for f in turn.files), ""]
        for k, t in enumerate(turn.tries, 1):
            head = "**Agent:**" if len(turn.tries) == 1 else f"**Agent (answer {k} of {len(turn.tries)}):**"
            lines += [head, ""]
            if t.state != "completed":
                lines += [f"_{t.state}{': ' + t.reason if t.reason else ''}_", ""]
            if t.text:
                lines += [t.text, ""]
            for src in t.media:
                if not src.is_file():
                    missing += 1
                    lines += [f"_(missing file: {src.name})_", ""]
                    continue
                dst = _unique(media_dir, f"turn{n:03d}-{k}-{src.name}")
                shutil.copy2(src, dst)
                rel = f"media/{dst.name}"
                is_image = dst.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp", ".gif")
                lines += [f"![{dst.name}]({rel})" if is_image else f"[{dst.name}]({rel})", ""]
            requests.append({"turn": n, "try": k, "job_id": t.job_id, "remote_ids": t.remote_ids,
                             "state": t.state, "request": t.request})
    if missing:
        lines += [f"_{missing} file(s) were no longer on disk when this was exported._", ""]
    (folder / "transcript.md").write_text("\n".join(lines), encoding="utf-8")
    (folder / "requests.json").write_text(json.dumps(requests, indent=2, ensure_ascii=False) + "\n",
                                          encoding="utf-8")
    return folder
