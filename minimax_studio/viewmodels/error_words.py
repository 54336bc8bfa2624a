"""The one place that turns errors into sentences for people.

The API layer words its errors for a log and for the batch command: they name the HTTP
status ("(412)"), the endpoint ("videos/create: …"), API field names (``fileID``,
``end_frame_fileID``) and repeat the server's own text after "Server said:". Next to a
job, a slot or the Generate button a person needs one sentence saying what happened and
what to do. The full text stays available under "Details" (tooltips, the details pane).

Pure functions on strings and exceptions (no Qt), so the forms, the jobs list, the
account board and the notifier all say the same thing the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["FIELD_WORDS", "OFFLINE", "human_error", "human_reason", "plain_fields"]

#: Said when the network (or useapi.net) cannot be reached at all.
OFFLINE = "Can’t reach useapi.net — check your connection."

#: API value fields as a person calls them.
FIELD_WORDS: dict[str, str] = {
    "options": "resolution and length",
    "aspectRatio": "aspect ratio",
    "resolution": "resolution",
    "duration": "length",
    "quality": "quality",
    "quantity": "number of images",
    "promptOptimization": "prompt improvement",
    "maxJobs": "max jobs",
}

#: What each status means for the person, and what to do (the number goes to Details).
_BY_STATUS: dict[int, str] = {
    401: "useapi.net did not accept the API token — replace it in Accounts.",
    412: "The Hailuo account has run out of credits.",
    422: "Hailuo’s moderation refused it — change the words or pictures and try again.",
    429: "Every account is busy right now; it will be tried again shortly.",
    502: "Hailuo is busy right now; the job may still have been accepted.",
    504: "Hailuo did not answer in time; the job may still have been accepted.",
    596: "Hailuo paused this account — sign in at hailuoai.video to see why.",
}

_CONNECTION_WORDS = ("could not connect", "connection to", "was lost", "connection failed",
                     "could not reach", "name or service not known", "network is unreachable",
                     "connection refused", "temporary failure in name resolution")
_STATUS_IN_TEXT = re.compile(r"\s*\((?:HTTP\s*)?([1-5]\d\d)\)")
_ENDPOINT_PREFIX = re.compile(r"^[a-z][\w/{}.-]*(?:/[\w{}.-]+)*:\s+(?=\S)")
_SERVER_SAID = re.compile(r"\s*Server said:\s*", re.IGNORECASE)


def _sentence(text: str) -> str:
    text = " ".join(text.split()).strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?…" else text + "."


def _is_offline(text: str) -> bool:
    low = text.lower()
    return any(w in low for w in _CONNECTION_WORDS)


def human_error(exc: BaseException) -> str:
    """One sentence for any exception from the API, the engine or the system (the task
    runner's ``describe_error`` says it this way too, so every tab reads the same)."""
    status = getattr(exc, "status", None)
    name = type(exc).__name__
    module = type(exc).__module__
    message = str(getattr(exc, "message", "") or exc or "")
    if name in _TIMEOUT_NAMES or (module.startswith(("httpx", "httpcore"))
                                  and "Timeout" in name):
        return "useapi.net did not answer in time — try again in a moment."
    if name in _NETWORK_NAMES or isinstance(exc, ConnectionError):
        return OFFLINE
    if isinstance(exc, TimeoutError):  # not the network's: a keyring, a worker, a probe
        return "It took too long and was stopped."
    if isinstance(status, int):
        return _status_sentence(status, getattr(exc, "server_text", None) or "")
    if getattr(exc, "message", None) and human_reason(message):  # ours, worded for people
        return human_reason(message)
    if isinstance(exc, OSError):
        return _os_sentence(exc)
    # Our own exceptions and ValueErrors are worded for people; anything else (KeyError,
    # AttributeError, …) would show a programmer's text: the kind, and the log for the rest.
    if message and (isinstance(exc, ValueError) or module.startswith("minimax_studio")):
        return human_reason(message)
    return f"Unexpected problem ({name}). The details are in the log file."


_TIMEOUT_NAMES = ("APITimeoutError",)
#: The client's and httpx's words for "the network failed" (by name: no httpx import here).
_NETWORK_NAMES = ("APIConnectionError", "ConnectError", "ReadError", "WriteError",
                  "NetworkError", "RemoteProtocolError", "ProxyError", "TransportError")


def _os_sentence(exc: OSError) -> str:
    where = f": {exc.filename}" if exc.filename else ""
    if isinstance(exc, FileNotFoundError):
        return f"File not found{where}."
    if isinstance(exc, PermissionError):
        return f"Permission denied{where}."
    if exc.strerror:
        return _sentence(f"A file or system operation failed: {exc.strerror}")
    return "A file could not be read or written."


def _status_sentence(status: int, server_text: str) -> str:
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status == 400:
        said = plain_fields(server_text) if server_text else ""
        return _sentence(f"The request was refused: {said}" if said else "The request was refused")
    if status == 404:
        return "It is no longer on Hailuo (it may have been removed)."
    if 500 <= status < 600:
        return "useapi.net had a problem — try again in a minute."
    return "useapi.net gave an unexpected answer — try again in a minute."


def human_reason(text: str | None) -> str:
    """A stored reason (a job's, an account's) as one sentence: no endpoint prefix, no
    status numbers, no API field names, the server's text once."""
    if not text:
        return ""
    raw = " ".join(str(text).split())
    if _is_offline(raw):
        return OFFLINE
    out = _ENDPOINT_PREFIX.sub("", raw) if "://" not in raw.split(" ", 1)[0] else raw
    # A status we have words for: those words (the number and the server's own text are
    # in Details). "Not sent: …" keeps saying that nothing was sent.
    codes = [int(m.group(1)) for m in _STATUS_IN_TEXT.finditer(out)]
    known = next((c for c in codes if c in _BY_STATUS or c >= 500), None)
    if known is not None:
        lead = "Not sent: " if out.lower().startswith("not sent") else ""
        return lead + _status_sentence(known, "")
    # The server's text after "Server said:" mostly repeats the sentence before it.
    out = _SERVER_SAID.split(out, maxsplit=1)[0]
    out = _STATUS_IN_TEXT.sub("", out)
    return _sentence(plain_fields(out))


def plain_fields(text: str, labels: Mapping[str, str] | None = None) -> str:
    """Replace API field names with what the form calls them ("fileID" → "First frame");
    a field name in brackets after words that already say it is dropped."""
    words = dict(FIELD_WORDS)
    if labels:
        words.update(labels)
    # "a single image (fileID)" — the words already say it.
    out = re.sub(r"\s*\((?:\w*fileID\d*|[a-z]+[A-Z]\w*)\)", "", text)
    # Slot names such as fileID2 / end_frame_fileID, longest first so fileID2 wins.
    for field in sorted(words, key=len, reverse=True):
        out = re.sub(rf"(?<![\w@]){re.escape(field)}(?!\w)", words[field], out)
    # Slots the form did not name: "fileID3" → "reference 3", "fileID" → "the image".
    out = re.sub(r"(?<![\w@])end_frame_fileID(?!\w)", "the end frame", out)
    out = re.sub(r"(?<![\w@])(?:image|video|audio)?_?fileID(\d+)(?!\w)", r"reference \1", out)
    out = re.sub(r"(?<![\w@])fileID(?!\w)", "the first image", out)
    return out
