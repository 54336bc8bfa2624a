"""Reading and checking a batch sheet (CSV or JSON, one row per job) before anything is sent.

Moved out of ``batch_cli`` so the checks can grow (file sniffing, unknown columns, types)
without the composition root growing with them. No Qt here (core layer).
"""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from minimax_studio.core.engine import validate_request
from minimax_studio.core.jobs import FILE_SLOT_RE, JobKind, file_id_account

_KINDS = ("video", "image")


@dataclass
class Row:
    number: int  # 1-based, as a person counts the rows of a sheet (header not counted)
    kind: JobKind
    request: dict[str, Any]
    account: str | None


class SheetError(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


# --- reading and checking the sheet --------------------------------------------------------

def _raw_rows(path: Path, text: str) -> tuple[list[dict[str, Any]], bool]:
    """(rows, came_from_csv). CSV values are strings; JSON keeps its types."""
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise SheetError([f"{path.name}: not valid JSON (line {exc.lineno}: {exc.msg})."]) from exc
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise SheetError([f"{path.name}: a JSON sheet must be a list of objects, one per job."])
        return data, False
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or "kind" not in [f.strip() for f in reader.fieldnames]:
        raise SheetError([f"{path.name}: the first line must name the columns, including 'kind'."])
    return [dict(r) for r in reader], True


def _coerce(request: dict[str, Any]) -> dict[str, Any]:
    try:
        from minimax_studio.api.catalog import coerce_form_values
    except ImportError:  # pragma: no cover - catalog written in parallel
        return request
    return dict(coerce_form_values(request))


def parse_sheet(path: Path) -> tuple[list[Row], list[str], str]:
    """(rows, problems, content sha256). Problems name the row and the field."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    rows_raw, from_csv = _raw_rows(path, data.decode("utf-8-sig"))
    rows: list[Row] = []
    problems: list[str] = []
    if not rows_raw:
        problems.append(f"{path.name}: the sheet has no rows.")
    for n, raw in enumerate(rows_raw, start=1):
        fields = {str(k).strip(): (v.strip() if isinstance(v, str) else v)
                  for k, v in raw.items() if k is not None}
        fields = {k: v for k, v in fields.items() if v is not None and v != ""}
        kind = str(fields.pop("kind", "")).strip().lower()
        account = fields.pop("account", None)
        if kind not in _KINDS:
            problems.append(f"row {n}: kind must be 'video' or 'image', not {kind or 'empty'!r}.")
            continue
        request = _coerce(fields) if from_csv else fields
        for key, value in list(request.items()):
            if FILE_SLOT_RE.match(key) and isinstance(value, str) and file_id_account(value) is None:
                local = Path(value).expanduser()
                request[key] = str(local if local.is_absolute() else (path.parent / local).resolve())
        for p in validate_request(JobKind(kind), request):
            problems.append(f"row {n}: {p}")
        rows.append(Row(n, JobKind(kind), request, str(account) if account else None))
    return rows, problems, digest


def total_cost(rows: list[Row]) -> str:
    low = high = 0
    unknown = 0
    for r in rows:
        cost = _cost_obj(r)
        if cost is None or cost.min_credits is None:
            unknown += 1
            continue
        low += cost.min_credits
        high += cost.max_credits if cost.max_credits is not None else cost.min_credits
    text = f"{low} credits" if low == high else f"{low}–{high} credits"
    if unknown:
        text += f" (+ {unknown} job{'s' if unknown != 1 else ''} with an unpublished price)"
    return text


def _cost_obj(r: Row) -> Any | None:
    try:
        from minimax_studio.api import catalog
    except ImportError:  # pragma: no cover
        return None
    try:
        return catalog.video_cost(r.request) if r.kind is JobKind.VIDEO else catalog.image_cost(r.request)
    except Exception:
        return None
