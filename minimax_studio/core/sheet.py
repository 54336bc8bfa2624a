"""Reading and checking a batch sheet (CSV or JSON, one row per job) before anything is sent.

Reading never raises anything but ``SheetError``: a sheet that is not UTF-8, holds a NUL,
nests JSON thousands deep or has a CSV field over the csv module's 128 KiB limit is a
sentence and exit 2, not a traceback. The per-row checks (columns, types, files) are in
``sheet_checks``. No Qt here (core layer).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from minimax_studio.api import catalog
from minimax_studio.api.catalog import coerce_form_values
from minimax_studio.core.engine import validate_request
from minimax_studio.core.jobs import JobKind
from minimax_studio.core.sheet_checks import (
    account_problem,
    agent_request,
    column_problems,
    file_problems,
    kind_of_row,
    resolve_slots,
)


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


# --- reading the sheet ---------------------------------------------------------------------

def _text(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SheetError([f"{name}: line {line} is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                          "save the sheet as UTF-8 (in Excel: \"CSV UTF-8\")."]) from exc


def _json_rows(name: str, text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SheetError([f"{name}: not valid JSON (line {exc.lineno}: {exc.msg})."]) from exc
    except RecursionError as exc:
        raise SheetError([f"{name}: the JSON is nested too deeply to be a sheet; a sheet is a "
                          "list of flat objects, one per job."]) from exc
    except ValueError as exc:  # Python refuses to read numbers of more than 4300 digits
        what = "a number thousands of digits long" if "digits" in str(exc) else f"a value that cannot be read ({exc})"
        raise SheetError([f"{name}: the JSON holds {what}; no field of a sheet takes one."]) from exc
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise SheetError([f"{name}: a JSON sheet must be a list of objects, one per job."])
    return data


def _csv_rows(name: str, text: str) -> list[dict[Any, Any]]:
    """Rows as {column: cell}. A repeated ``file`` column (the agent's repeatable field)
    gathers its cells into a list; any other repeated column is a problem."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        if "kind" not in header:
            hint = ""
            if len(header) == 1 and ";" in header[0]:
                hint = " Columns are separated by commas here, not semicolons."
            elif any(h.lower() == "kind" for h in header):
                hint = " Column names are case-sensitive: write 'kind'."
            raise SheetError([f"{name}: the first line must name the columns, including 'kind'.{hint}"])
        twice = sorted({h for h in header if h and h != "file" and header.count(h) > 1})
        if twice:
            raise SheetError([f"{name}: the column {twice[0]!r} appears more than once in the first line."])
        rows: list[dict[Any, Any]] = []
        for cells in reader:
            if not cells:
                continue  # an empty line is not a row (as csv.DictReader counts them)
            row: dict[Any, Any] = {}
            for key, cell in zip(header, cells, strict=False):
                if key == "file":
                    if cell.strip():
                        row.setdefault("file", []).append(cell)
                else:
                    row[key] = cell
            extra = [c for c in cells[len(header):] if c.strip()]
            if extra:
                row[None] = extra  # reported with the row's number
            rows.append(row)
        return rows
    except csv.Error as exc:
        why = str(exc)
        if "field larger than field limit" in why:
            why = (f"a field is longer than {csv.field_size_limit() // 1024} KiB, far more than any "
                   "prompt or path can be")
        raise SheetError([f"{name}: line {reader.line_num}: {why}; it cannot be read as CSV."]) from exc


def _raw_rows(path: Path, text: str) -> tuple[list[dict[Any, Any]], bool]:
    """(rows, came_from_csv). CSV values are strings; JSON keeps its types."""
    if path.suffix.lower() == ".json" or text.lstrip().startswith("["):
        return _json_rows(path.name, text), False
    return _csv_rows(path.name, text), True


# --- checking it ----------------------------------------------------------------------------

def parse_sheet(path: Path) -> tuple[list[Row], list[str], str]:
    """(rows, problems, content sha256). Problems name the row and the field. Raises only
    SheetError (the sheet as a whole cannot be read)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SheetError([f"{path.name}: cannot be read ({exc.strerror or exc})."]) from exc
    digest = hashlib.sha256(data).hexdigest()
    rows_raw, from_csv = _raw_rows(path, _text(path.name, data))
    rows: list[Row] = []
    problems: list[str] = []
    if not rows_raw:
        problems.append(f"{path.name}: the sheet has no rows.")
    for n, raw in enumerate(rows_raw, start=1):
        row, row_problems = _check_row(n, raw, path.parent, from_csv)
        problems += row_problems
        if row is not None:
            rows.append(row)
    return rows, problems, digest


def _check_row(n: int, raw: dict[Any, Any], base: Path, from_csv: bool) -> tuple[Row | None, list[str]]:
    if from_csv and not any(v.strip() if isinstance(v, str) else v for v in raw.values()):
        return None, []  # ",,,": a spreadsheet's trailing empty row, not a job
    if None in raw:
        return None, [f"row {n} has more cells than the first line names columns; "
                      "quote cells that contain commas."]
    fields = {str(k).strip(): (v.strip() if isinstance(v, str) else v) for k, v in raw.items()}
    if from_csv:
        fields = {k: v for k, v in fields.items() if v != "" and v != []}
    else:  # a JSON "" is an empty cell too; null is reported below (it is not "left out")
        fields = {k: v for k, v in fields.items() if v != ""}
    kind = kind_of_row(fields.pop("kind", None))
    problem, account = account_problem(n, fields.pop("account", None))
    problems = [problem] if problem else []
    if kind is None:
        shown = raw.get("kind")
        what = "empty" if shown is None or (isinstance(shown, str) and not shown.strip()) \
            else repr(shown.strip() if isinstance(shown, str) else shown)
        return None, [f"row {n}: kind must be 'video', 'image' or 'agent', not {what}.", *problems]
    column, fields = column_problems(n, kind, fields)
    problems += column
    if kind is JobKind.AGENT:
        agent, request = agent_request(n, fields, base)
        problems += agent
        return Row(n, kind, request, account), problems
    request = coerce_form_values(fields)
    resolve_slots(request, base)
    problems += [f"row {n}: {p}" for p in validate_request(kind, request)]
    problems += file_problems(n, kind, request)
    return Row(n, kind, request, account), problems


def total_cost(rows: list[Row]) -> str:
    """What the rows will cost, as sent: "120 credits", "90–150 credits (+ 1 job with an
    unpublished price)", or for agent rows a word that their price is not known."""
    low = high = 0
    priced = unknown = agents = 0
    for r in rows:
        if r.kind is JobKind.AGENT:
            agents += 1
            continue
        cost = _cost_obj(r)
        if cost is None or cost.min_credits is None:
            unknown += 1
            continue
        priced += 1
        low += cost.min_credits
        high += cost.max_credits if cost.max_credits is not None else cost.min_credits
    extra = []
    if unknown:
        extra.append(f"{unknown} job{'s' if unknown != 1 else ''} with an unpublished price")
    if agents:
        extra.append(f"{agents} agent job{'s' if agents != 1 else ''}, priced by what the agent makes")
    if not priced:
        return "not known (" + "; ".join(extra) + ")" if extra else "0 credits"
    text = f"{low} credits" if low == high else f"{low}–{high} credits"
    return text + (" (+ " + "; ".join(extra) + ")" if extra else "")


def _cost_obj(r: Row) -> Any | None:
    if r.kind is JobKind.AGENT:
        return None  # the agent's price depends on what it decides to make
    try:
        return catalog.video_cost(r.request) if r.kind is JobKind.VIDEO else catalog.image_cost(r.request)
    except Exception:  # a price we cannot compute must never block a sheet
        return None
