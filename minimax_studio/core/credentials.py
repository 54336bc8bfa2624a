"""Hailuo account credentials as people copy them from a browser (accounts.md "Obtaining
url and token"): the ``/cursor`` request URL and the ``Token`` request header (a JWT).

``parse_curl`` reads a "Copy as cURL" command — Chrome's bash and cmd flavours, Firefox's
POSIX and Windows flavours — and ``check_credentials`` says, in sentences, what is wrong
before anything is sent. Nothing here verifies the JWT signature: only Hailuo can.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

__all__ = ["CurlParts", "HailuoToken", "check_credentials", "decode_hailuo_token", "parse_curl"]

_JWT = r"eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"
_HOSTS = ("hailuoai.video", "hailuoai.com")


@dataclass(frozen=True)
class CurlParts:
    url: str | None
    token: str | None

    def __repr__(self) -> str:  # never print the JWT
        return f"CurlParts(url={'…' if self.url else None}, token={'…' if self.token else None})"


@dataclass(frozen=True)
class HailuoToken:
    account: str
    name: str
    expires_at: datetime | None
    issued_at: datetime | None

    def expired(self, now: datetime | None = None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or datetime.now(UTC))


def _unescape_cmd(text: str) -> str:
    """cmd.exe quoting (Chrome "Copy as cURL (cmd)"): ``^`` escapes the next character and
    ends continued lines."""
    return re.sub(r"\^(.)", r"\1", text, flags=re.DOTALL)


def _looks_like_cmd(text: str) -> bool:
    return '^"' in text or bool(re.search(r"\^\s*$", text, flags=re.MULTILINE))


def parse_curl(text: str) -> CurlParts:
    """The ``/cursor`` URL and the Token header value from a copied cURL command (either may
    be None when it is not in there)."""
    if _looks_like_cmd(text):
        text = _unescape_cmd(text)
    # bash / PowerShell line continuations
    text = re.sub(r"\\\r?\n|`\r?\n", " ", text)
    url = None
    for m in re.finditer(r"https?://[^\s'\"<>]+", text):
        candidate = m.group(0).rstrip("\\")
        if "/cursor" in urlsplit(candidate).path:
            url = candidate
            break
    if url is None:  # no /cursor request: take the first Hailuo URL, check_credentials says why
        host_m = re.search(r"https?://[^\s'\"<>]*hailuoai\.[a-z]+[^\s'\"<>]*", text)
        url = host_m.group(0) if host_m else None
    token = None
    # A "token:" header (Chrome lowercases header names, Firefox keeps "Token").
    header_m = re.search(r"""(?i)(?:^|[\s'"{,])token["']?\s*:\s*["']?(""" + _JWT + ")", text)
    if header_m:
        token = header_m.group(1)
    else:
        jwts = re.findall(_JWT, text)
        token = jwts[0] if jwts else None
    return CurlParts(url=url, token=token)


def _b64json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _epoch(value: Any) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        # Some tokens carry milliseconds.
        return datetime.fromtimestamp(value / 1000 if value > 1e11 else value, UTC)
    return None


def decode_hailuo_token(token: str) -> HailuoToken:
    """Read the JWT payload (no signature check). Raises ValueError with a sentence."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[0].startswith("eyJ"):
        raise ValueError("The Hailuo token should be a long text starting with eyJ and made of "
                         "three parts separated by dots. Copy the value of the Token header.")
    try:
        payload = _b64json(parts[1])
    except (ValueError, UnicodeDecodeError):
        raise ValueError("The Hailuo token looks damaged (its middle part cannot be read). "
                         "Copy it again in full.") from None
    if not isinstance(payload, dict):
        raise ValueError("The Hailuo token looks damaged. Copy it again in full.")
    raw_user = payload.get("user")
    user: dict[str, Any] = raw_user if isinstance(raw_user, dict) else {}
    account = str(user.get("id") or payload.get("sub") or "").strip()
    if not account:
        raise ValueError("This token does not name a Hailuo user. Make sure you copied the Token "
                         "header of the /cursor request, not a cookie.")
    return HailuoToken(account=account, name=str(user.get("name") or ""),
                       expires_at=_epoch(payload.get("exp")), issued_at=_epoch(payload.get("iat")))


def check_credentials(url: str, token: str, *,
                      now: datetime | None = None) -> tuple[dict[str, str], HailuoToken | None]:
    """(field -> problem sentence, decoded token or None). Empty problems = ready to add."""
    problems: dict[str, str] = {}
    url, token = url.strip(), token.strip()
    if not url:
        problems["url"] = "Paste the full Request URL of the /cursor request."
    else:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in ("https", "http") or not host:
            problems["url"] = "That is not a web address. It should start with https://hailuoai.video/."
        elif not any(host == h or host.endswith("." + h) for h in _HOSTS):
            problems["url"] = f"The URL should be on hailuoai.video, not {host}."
        elif "/cursor" not in parts.path:
            problems["url"] = ("This is not the /cursor request. In the Network tab, filter for "
                               "“cursor” and copy that request's URL.")
        elif "device_id" not in parse_qs(parts.query):
            problems["url"] = ("The URL is missing its device parameters (device_id …). Copy the "
                               "whole Request URL, including everything after the “?”.")
    decoded: HailuoToken | None = None
    if not token:
        problems["token"] = "Paste the value of the Token request header."
    else:
        try:
            decoded = decode_hailuo_token(token)
        except ValueError as exc:
            problems["token"] = str(exc)
        else:
            if decoded.expired(now):
                when = decoded.expires_at.strftime("%d %b %Y") if decoded.expires_at else ""
                problems["token"] = (f"This Hailuo token expired on {when}. Reload hailuoai.video "
                                     "and copy the Token header again.")
    return problems, decoded
