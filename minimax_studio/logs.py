"""Logging: a rotating file in the log dir, and a filter that scrubs secrets from every record.

Stdlib only (every layer may import ``redact``). The filter sits on each *handler* we
install, because filters on a logger do not see records propagated from child loggers.
It rewrites the message, the formatted exception and the stack text, so a token inside an
exception's text or a traceback's local repr never reaches the file.
"""

from __future__ import annotations

import logging
import re
import sys
from pathlib import Path

__all__ = ["RedactingFilter", "redact", "setup_logging"]

# ":" as written, URL-encoded once ("%3A", a token in a query string) or twice ("%253A").
_COLON = r"(?::|%3[Aa]|%253[Aa])"
# Between "Bearer" and the token: a space, or its URL/form encodings.
_GAP = r"(?:\s+|%20|\+)"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Authorization headers, in any spelling a library might print them.
    (re.compile(rf"(?i)\b(bearer){_GAP}[^\s'\",;&]+"), r"\1 [redacted]"),
    # useapi.net API tokens: user:<digits>-<secret>. The docs call the secret
    # alphanumeric, yet "_" and "-" are treated as part of it (an issued token with them
    # must not leak half). Composite ids ("user:1-minimax:2-video:3", the docs' only other
    # "user:" form) stay readable in the log: their part after the number is "minimax:".
    (re.compile(rf"\buser({_COLON})(\d+)-(?!minimax{_COLON})[A-Za-z0-9_-]{{8,}}"),
     r"user\1\2-[redacted]"),
    # JWTs (Hailuo session tokens): header.payload.signature, or a lone base64 header.
    (re.compile(r"\beyJ[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+){0,2}"), "eyJ[redacted]"),
)


def redact(text: str) -> str:
    """``text`` with every Bearer token, useapi token and JWT replaced by a marker."""
    if not text:
        return text
    for pattern, repl in _PATTERNS:
        text = pattern.sub(repl, text)
    return text


class RedactingFilter(logging.Filter):
    """Scrubs message, arguments, exception text and stack info of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken %-format must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class _RedactingFormatter(logging.Formatter):
    """Belt and braces: the final line is scrubbed too (covers exc_text that a different
    formatter produced after the filter ran)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_installed: list[logging.Handler] = []


def setup_logging(log_file: Path, *, level: int = logging.INFO, console: bool = False,
                  max_bytes: int = 1_000_000, backups: int = 5) -> Path:
    """Install the rotating file handler (and optionally stderr). Idempotent: a second call
    replaces the handlers of the first (tests, a restarted app in one process)."""
    import logging.handlers  # here, not at import: settings import ``redact`` before first paint

    root = logging.getLogger()
    for h in _installed:
        root.removeHandler(h)
        h.close()
    _installed.clear()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(log_file, maxBytes=max_bytes,
                                             backupCount=backups, encoding="utf-8")]
    if console:
        handlers.append(logging.StreamHandler(sys.stderr))
    for h in handlers:
        h.addFilter(RedactingFilter())
        h.setFormatter(_RedactingFormatter(_FORMAT))
        root.addHandler(h)
        _installed.append(h)
    root.setLevel(level)
    # httpx logs every request line at INFO: noise in a desktop log, and URLs can carry ids.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    return log_file
