"""Just enough of a Hailuo web-session JWT: build one for the demo account and for tests
of the Add Account flow, read the payload of one a client registers, mask it on output.

Nothing here checks a signature: useapi.net cannot either (it is Hailuo's secret)."""

from __future__ import annotations

import base64
import json
import random
from typing import Any
from urllib.parse import urlencode


class JwtError(ValueError):
    pass


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def make_jwt(user_id: str, *, name: str, iat: float, exp: float,
             device_id: str = "123456789", rng: random.Random | None = None) -> str:
    rng = rng or random.Random()
    header = {"alg": "HS256", "typ": "JWT"}
    payload = {
        "exp": int(exp),
        "iat": int(iat),
        "user": {"id": user_id, "name": name, "avatar": "", "deviceID": device_id,
                 "isAnonymous": False},
    }
    signature = bytes(rng.randrange(256) for _ in range(32))
    return ".".join([_b64(json.dumps(header).encode()), _b64(json.dumps(payload).encode()),
                     _b64(signature)])


def decode_payload(token: str) -> dict[str, Any]:
    parts = token.strip().split(".")
    if len(parts) != 3:
        raise JwtError("token is not a JWT (expected three dot-separated parts)")
    try:
        payload = json.loads(_unb64(parts[1]))
    except (ValueError, UnicodeDecodeError) as exc:
        raise JwtError("token payload is not base64url JSON") from exc
    if not isinstance(payload, dict):
        raise JwtError("token payload is not a JSON object")
    user = payload.get("user")
    if not isinstance(user, dict) or not str(user.get("id", "")).strip():
        raise JwtError("token payload has no user.id")
    return payload


def mask(token: str) -> str:
    """``abc…secured…xyz`` as the API echoes tokens back."""
    token = token.strip()
    if len(token) < 8:
        return "…secured…"
    return f"{token[:3]}…secured…{token[-3:]}"


def cursor_url(device_id: str, unix_ms: int, host: str = "hailuoai.video") -> str:
    """A captured-looking ``/cursor`` request URL (accounts.md "Obtaining url and token")."""
    query = {
        "type": "next", "currentID": "0", "limit": "30", "scene": "mine", "filterType": "2",
        "device_platform": "web", "app_id": "3001", "version_code": "22202", "biz_id": "0",
        "lang": "en", "uuid": f"sandbox-{device_id}", "device_id": device_id,
        "os_name": "Linux", "browser_name": "chrome", "device_memory": "8",
        "cpu_core_num": "4", "browser_language": "en-US", "browser_platform": "Linux x86_64",
        "screen_width": "1920", "screen_height": "1080", "unix": str(unix_ms),
    }
    return f"https://{host}/v3/api/multimodal/video/my/cursor?{urlencode(query)}"
