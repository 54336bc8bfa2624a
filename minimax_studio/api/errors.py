"""One exception tree for every way a call can fail, and the one function that maps an
HTTP status to it (the openai-python ``_make_status_error`` pattern).

Every exception carries ``message``: a short sentence a person can read next to what
failed. The parsed body stays on the exception for the log. Nothing here ever holds the
API token: messages are built from the status and the server's ``error`` text only.
"""

from __future__ import annotations

from typing import Any


class MiniMaxError(Exception):
    """Base of every error the client raises."""

    #: Short, user-readable sentence.
    message: str
    #: HTTP status when the server answered, else None.
    status: int | None = None
    #: Parsed JSON body (or the raw text) when there was one.
    body: Any = None
    #: True when the request may have reached Hailuo and created a paid job anyway.
    maybe_accepted: bool = False
    #: True when waiting and repeating the same call may succeed.
    retryable: bool = False

    def __init__(self, message: str, *, status: int | None = None, body: Any = None,
                 endpoint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.endpoint = endpoint

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, message={self.message!r})"


# --- transport-level failures (no HTTP status) ---------------------------------------

class APIConnectionError(MiniMaxError):
    retryable = True


class APITimeoutError(APIConnectionError):
    # A timed-out POST may have been accepted by the server before the reply was lost.
    maybe_accepted = True


class MalformedResponseError(MiniMaxError):
    """The server answered 2xx but the body is not the JSON we expect (or not JSON)."""


class UploadRejectedError(MiniMaxError):
    """A local file cannot be uploaded (unsupported type, too large, unreadable)."""


class DownloadError(MiniMaxError):
    retryable = True


# --- HTTP status errors ---------------------------------------------------------------

class APIStatusError(MiniMaxError):
    """The server answered with a non-2xx status."""

    def __init__(self, message: str, *, status: int, body: Any = None,
                 endpoint: str | None = None, server_text: str | None = None) -> None:
        super().__init__(message, status=status, body=body, endpoint=endpoint)
        #: The server's own ``error`` text, when it sent one.
        self.server_text = server_text


class BadRequestError(APIStatusError):  # 400
    pass


class AuthenticationError(APIStatusError):  # 401
    pass


class NotFoundError(APIStatusError):  # 404
    pass


class InsufficientCreditsError(APIStatusError):  # 412
    pass


class ModeratedError(APIStatusError):  # 422
    pass


class CapacityError(APIStatusError):  # 429
    retryable = True


class SiteBusyError(APIStatusError):  # 502 / 504
    retryable = True
    # useapi warns that Hailuo may have queued the job although it answered 502/504.
    maybe_accepted = True


class AccountOnHoldError(APIStatusError):  # 596
    pass


class ServerError(APIStatusError):  # any other 5xx
    retryable = True


_BY_STATUS: dict[int, tuple[type[APIStatusError], str]] = {
    400: (BadRequestError, "The request was rejected"),
    401: (AuthenticationError, "The useapi.net API token was not accepted (401). Check or replace it in Accounts."),
    404: (NotFoundError, "Not found (404)"),
    412: (InsufficientCreditsError, "The Hailuo account does not have enough credits (412)."),
    422: (ModeratedError, "Hailuo's moderation rejected the prompt (422). Change the prompt before trying again."),
    429: (CapacityError, "No free capacity right now (429): every account is busy. Waiting and retrying later will work."),
    502: (SiteBusyError, "Hailuo is busy (502). The job may still have been accepted."),
    504: (SiteBusyError, "Hailuo did not answer in time (504). The job may still have been accepted."),
    596: (AccountOnHoldError, "The Hailuo account is on hold or its session is in error (596). It can last a few hours."),
}


def _server_text(body: Any) -> str | None:
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, str) and err.strip():
            text = err.strip()
        elif isinstance(err, dict) and isinstance(err.get("message"), str):
            text = err["message"].strip()
        else:
            return None
        details = body.get("errorDetails")
        if isinstance(details, str) and details.strip():
            text = f"{text} ({details.strip()})"
        return text[:500]
    return None


def error_from_response(status: int, body: Any, *, endpoint: str | None = None) -> APIStatusError:
    """Map an HTTP status and its parsed body to the one exception for it."""
    text = _server_text(body)
    if status in _BY_STATUS:
        cls, base = _BY_STATUS[status]
    elif 500 <= status < 600:
        cls, base = ServerError, f"The server failed ({status})."
    else:
        cls, base = APIStatusError, f"Unexpected answer from the server ({status})."
    if status == 400:
        message = f"{base}: {text}" if text else f"{base} (400)."
    elif status == 404 and text:
        message = f"{text.rstrip('.')} (404)."
    elif text and status not in (401,):
        message = f"{base} Server said: {text}"
    else:
        message = base
    return cls(message, status=status, body=body, endpoint=endpoint, server_text=text)
