"""The checks a batch row passes before anything is sent: its columns are fields the API
knows for that kind of job, its values have the types those fields take, and every local
file in a slot is, by its bytes, the media the slot takes (size, and the pixel size a
model requires). Each problem is a sentence that names the row and the field.

Why so strict: a sheet runs unattended, and every good row before a bad one is paid for.
A misspelt column (``Quantity``) was forwarded or ignored, so the job differed from the
sheet and the cost shown was wrong; a non-media file only failed at upload.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from minimax_studio.api import catalog
from minimax_studio.core.jobs import FILE_SLOT_RE, JobKind, file_id_account
from minimax_studio.core.media_probe import MediaInfo, ProbeError
from minimax_studio.core.media_sniff import MAX_UPLOAD_BYTES, accepted_words, probe_media

# The request fields of each create call, as videos.md / images.md / agent.md list them.
# ``async`` is left out on purpose: the engine always creates asynchronously and polls.
_VIDEO_FIELDS = frozenset(
    {"prompt", "promptOptimization", "model", "fileID", "end_frame_fileID", "aspectRatio",
     "options", "resolution", "duration", "replyUrl", "replyRef", "maxJobs"}
    | {f"fileID{n}" for n in range(2, 15)}
    | {f"videoFileID{n}" for n in range(1, 4)} | {f"audioFileID{n}" for n in range(1, 4)})
_IMAGE_FIELDS = frozenset(
    {"prompt", "promptOptimization", "model", "characterFileId", "aspectRatio", "resolution",
     "quality", "quantity", "replyUrl", "replyRef"}
    | {f"referenceFileId{n}" for n in range(1, 17)})
# The agent call as the engine sends it: prompt, models, files (replyUrl/replyRef are not
# passed on by the engine, so a sheet must not pretend they are).
_AGENT_FIELDS = frozenset({"prompt", "models", "file"})
FIELDS: dict[JobKind, frozenset[str]] = {
    JobKind.VIDEO: _VIDEO_FIELDS, JobKind.IMAGE: _IMAGE_FIELDS, JobKind.AGENT: _AGENT_FIELDS}
#: Columns of the sheet itself, not of a create call.
SHEET_FIELDS = frozenset({"kind", "account"})
_ALL_KINDS = {"agent": JobKind.AGENT, "video": JobKind.VIDEO, "image": JobKind.IMAGE}
_AGENT_KINDS = frozenset({"image", "video", "audio"})


def _closest(name: str, known: Iterable[str]) -> str | None:
    known = sorted(known)
    same = [k for k in known if k.lower() == name.lower()]
    if same:
        return same[0]
    lowered = {k.lower(): k for k in known}
    near = difflib.get_close_matches(name.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[near[0]] if near else None


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def column_problems(n: int, kind: JobKind, fields: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
    """(problems, the fields worth checking further): unknown columns, null values,
    lists/objects where text is due, NUL characters. A field with a problem is left out
    of what is returned, so later checks do not report it twice."""
    known = FIELDS[kind]
    problems: list[str] = []
    kept: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in known:
            other = [k.value for k, names in FIELDS.items() if key in names and k is not kind]
            if other:
                article = "an" if kind is JobKind.AGENT else "a"
                problems.append(f"row {n}: {key} is a field of {other[0]} jobs; {article} "
                                f"{kind.value} row does not take it.")
                continue
            near = _closest(key, known | SHEET_FIELDS)
            problems.append(f"row {n}: unknown column {key!r}"
                            + (f" — did you mean {near!r}?" if near else
                               f"; a {kind.value} row takes {', '.join(sorted(known))}."))
            continue
        problem = _value_problem(kind, key, value)
        if problem:
            problems.append(f"row {n}: {problem}")
            continue
        kept[key] = value
    return problems, kept


#: Fields the API takes as whole numbers; none is ever more than two digits.
_NUMBER_FIELDS = ("duration", "quantity", "maxJobs")
_MAX_NUMBER_CHARS = 12


def _value_problem(kind: JobKind, key: str, value: Any) -> str | None:
    if key in _NUMBER_FIELDS and isinstance(value, str) and len(value.strip()) > _MAX_NUMBER_CHARS:
        # Why here: a 5 000-digit string would make int() raise inside the coercion.
        return f"{key} must be a whole number; {value[:_MAX_NUMBER_CHARS]}… is far too long."
    if value is None:
        return f"{key} is null; give it a value or leave the field out."
    if isinstance(value, dict):
        return f"{key} must be {_expected(kind, key)}, not an object."
    is_path = bool(FILE_SLOT_RE.match(key)) or key == "file"
    if isinstance(value, list):
        if kind is JobKind.AGENT and key in ("file", "models"):
            if all(isinstance(v, str) and v.strip() for v in value):
                return _nul(key, value) or (_path_length(key, value) if is_path else None)
            return f"{key} must be a list of {'file paths' if key == 'file' else 'model ids'} (text)."
        return f"{key} must be {_expected(kind, key)}, not a list."
    if kind is JobKind.AGENT and key in ("file", "models") and not isinstance(value, str):
        return f"{key} must be {'a file path' if key == 'file' else 'model ids, comma separated'} (text)."
    return _nul(key, value) or (_path_length(key, [value]) if is_path else None)


#: Most file systems: 255 bytes a name, 4096 a path. A longer "path" makes the OS refuse
#: even to look (ENAMETOOLONG), which must be a sentence here, not an error later.
_NAME_BYTES, _PATH_BYTES = 255, 4096


def _path_length(key: str, values: list[Any]) -> str | None:
    for value in values:
        if not isinstance(value, str) or file_id_account(value):
            continue
        encoded = [part.encode("utf-8", "surrogateescape") for part in value.replace("\\", "/").split("/")]
        if len(value.encode("utf-8", "surrogateescape")) > _PATH_BYTES or any(len(b) > _NAME_BYTES for b in encoded):
            return f"{key}: {value[:40]}… is too long to be a file path."
    return None


def _nul(key: str, value: Any) -> str | None:
    texts = value if isinstance(value, list) else [value]
    if any(isinstance(t, str) and "\x00" in t for t in texts):
        return f"{key} contains a NUL character (byte 0), which no file name or text field may hold."
    return None


def _expected(kind: JobKind, key: str) -> str:
    if FILE_SLOT_RE.match(key) or key == "file":
        return "a file path or file id (text)"
    if key in ("duration", "quantity", "maxJobs"):
        return "a whole number"
    if key == "promptOptimization":
        return "true or false"
    return "text"


def account_problem(n: int, account: Any) -> tuple[str | None, str | None]:
    """(problem, account id) for the sheet's ``account`` column."""
    if account is None or account == "":
        return None, None
    if isinstance(account, bool) or not isinstance(account, (str, int)):
        return (f"row {n}: account must be an account id (text or a number), not "
                f"{_type_name(account)}."), None
    text = str(account).strip()
    if "\x00" in text:
        return f"row {n}: account contains a NUL character.", None
    return None, text or None


def kind_of_row(value: Any) -> JobKind | None:
    return _ALL_KINDS.get(value.strip().lower()) if isinstance(value, str) else None


# --- agent rows ------------------------------------------------------------------------

def agent_request(n: int, fields: dict[str, Any], base: Path) -> tuple[list[str], dict[str, Any]]:
    """The engine's agent request (prompt, models as the API's comma-separated text,
    files as absolute paths) and the problems with the row."""
    problems: list[str] = []
    request: dict[str, Any] = {}
    prompt = fields.get("prompt")
    if prompt is not None and not isinstance(prompt, str):
        problems.append(f"row {n}: prompt must be text, not {_type_name(prompt)}.")
    elif isinstance(prompt, str) and prompt.strip():
        request["prompt"] = prompt
    else:
        problems.append(f"row {n}: prompt: the agent needs a prompt saying what to make.")
    raw = fields.get("models")
    models = ([m.strip() for m in raw.split(",")] if isinstance(raw, str)
              else [str(m).strip() for m in raw] if isinstance(raw, list) else [])
    models = [m for m in models if m]
    if not models:
        problems.append(f"row {n}: models: name at least one model the agent may use, comma "
                        f"separated (e.g. {','.join(catalog.CAPTURED_AGENT_MODELS)}).")
    for m in models:
        if m not in catalog.AGENT_MODELS:
            near = _closest(m, catalog.AGENT_MODELS)
            problems.append(f"row {n}: models: {m!r} is not an agent model"
                            + (f" — did you mean {near!r}?" if near else
                               f"; choose from {', '.join(catalog.AGENT_MODELS)}."))
    if models:
        request["models"] = ",".join(models)
    files = fields.get("file")
    paths = [files] if isinstance(files, str) else list(files or [])
    resolved: list[str] = []
    for value in paths:
        local = _local(base, value)
        resolved.append(str(local))
        problem, _ = _file_problem(local, _AGENT_KINDS, "file")
        if problem:
            problems.append(f"row {n}: {problem}")
    if resolved:
        request["files"] = resolved
    return problems, request


# --- files -----------------------------------------------------------------------------

def _local(base: Path, value: str) -> Path:
    local = Path(value.strip()).expanduser()
    return local if local.is_absolute() else (base / local).resolve()


def resolve_slots(request: dict[str, Any], base: Path) -> None:
    """Local paths in file slots become absolute (relative to the sheet); file ids stay."""
    for key, value in list(request.items()):
        if FILE_SLOT_RE.match(key) and isinstance(value, str) and file_id_account(value) is None:
            request[key] = str(_local(base, value))


def file_problems(n: int, kind: JobKind, request: Mapping[str, Any]) -> list[str]:
    """Each local file in a slot, probed: the media kind the slot takes, not empty, not
    over the 5 GB upload limit, a picture size the model accepts (Sora-2's first frame)
    and reference clips of a length it accepts (Seedance: 2-15 s each, 15 s together).
    A path that is not a file is left to ``validate_request``, which says so."""
    model = request.get("model") if isinstance(request.get("model"), str) else None
    slots = _slot_kinds(kind, model)
    out: list[str] = []
    clips: dict[str, float] = {}
    for key, value in request.items():
        if not FILE_SLOT_RE.match(key) or not isinstance(value, str) or file_id_account(value):
            continue
        path = Path(value)
        if not path.is_file():
            continue
        problem, info = _file_problem(path, slots.get(key) or _default_kinds(key), key)
        if problem is None and info is not None and model is not None:
            if info.kind == "image" and kind is JobKind.VIDEO:
                size = catalog.check_reference_dimensions(model, key, info.width, info.height)
                problem = size.message if size else None
            elif info.kind in ("video", "audio"):
                if info.duration is None:
                    problem = f"{key}: the length of {path.name} cannot be read."
                else:
                    clips[key] = info.duration
        if problem:
            out.append(f"row {n}: {problem}")
    if model is not None and clips:
        out += [f"row {n}: {p.message}" for p in catalog.check_media_duration(model, clips)]
    return out


def _slot_kinds(kind: JobKind, model: str | None) -> dict[str, frozenset[str]]:
    m: Any = None
    if kind is JobKind.VIDEO and model is not None:
        m = catalog.VIDEO_MODELS.get(model)
    elif kind is JobKind.IMAGE and model is not None:
        m = catalog.IMAGE_MODELS.get(model)
    return {s.field: s.kinds for s in m.slots()} if m is not None else {}


def _default_kinds(key: str) -> frozenset[str]:
    if key.startswith("videoFileID"):
        return frozenset({"video"})
    if key.startswith("audioFileID"):
        return frozenset({"audio"})
    return frozenset({"image"})


def _file_problem(path: Path, kinds: frozenset[str], key: str) -> tuple[str | None, MediaInfo | None]:
    if not path.exists():
        return f"{key}: the file {path} does not exist.", None
    if not path.is_file():
        return f"{key}: {path} is not a file.", None
    try:
        info = probe_media(path)
    except ProbeError as exc:
        return f"{key}: {exc} This slot takes {accepted_words(kinds)}.", None
    if info.kind not in kinds:
        return (f"{key}: {path.name} is {accepted_words({info.kind})}; this slot takes "
                f"{accepted_words(kinds)}."), info
    if info.size == 0:
        return f"{key}: {path.name} is empty.", info
    if info.size > MAX_UPLOAD_BYTES:
        return f"{key}: {path.name} is {info.size / 1024**3:.1f} GB; uploads are limited to 5 GB.", info
    return None, info
