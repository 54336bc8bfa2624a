"""Keep secrets out of every text the client builds from foreign input.

Error messages and log lines are made from server bodies and httpx exception texts. A
server (or a proxy's error page) could echo the Authorization header back, and h11 puts
an illegal header value into its exception text, so everything foreign passes through
``redact`` before it reaches an exception or a log line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

MASK = "***"


def secret_parts(token: str) -> list[str]:
    """The strings to hide for one token: the whole token and, for the useapi form
    ``user:<number>-<secret>``, the secret part alone (the number is not secret - it is
    part of every composite id) - each also as a URL or form would encode it, because an
    echoed query string or a proxy's error page carries it encoded (``user%3A1-…``)."""
    token = token.strip()
    plain = [token] if token else []
    head, sep, tail = token.partition("-")
    if sep and head.startswith("user:") and len(tail) >= 6:
        plain.append(tail)
    parts: list[str] = []
    for text in plain:
        for form in (text, quote(text, safe=""), quote_plus(text, safe=""),
                     quote(quote(text, safe=""), safe="")):
            if form not in parts:
                parts.append(form)
    return parts


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def redact_value(value: Any, secrets: Iterable[str]) -> Any:
    """``redact`` applied to every string inside a parsed JSON value."""
    secrets = list(secrets)
    if isinstance(value, str):
        return redact(value, secrets)
    if isinstance(value, list):
        return [redact_value(v, secrets) for v in value]
    if isinstance(value, dict):
        return {redact(str(k), secrets): redact_value(v, secrets) for k, v in value.items()}
    return value
