"""Reading a browser's "Copy as cURL" and checking Hailuo credentials before sending."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from minimax_studio.core.credentials import check_credentials, decode_hailuo_token, parse_curl
from minimax_studio.sandbox import make_hailuo_credentials

NOW = datetime.now(UTC)
URL, JWT = make_hailuo_credentials("246810", name="Ann", now=NOW.timestamp())


@pytest.mark.parametrize("text", [
    # Chrome / Edge: Copy as cURL (bash)
    f"curl '{URL}' \\\n  -H 'accept: application/json' \\\n  -H 'cookie: a=b; c=d' \\\n"
    f"  -H 'token: {JWT}' \\\n  -H 'user-agent: Mozilla/5.0'",
    # Chrome / Edge: Copy as cURL (cmd)
    'curl ^"' + URL.replace("&", "^&") + '^" ^\n  -H ^"accept: */*^" ^\n'
    f'  -H ^"token: {JWT}^" ^\n  --compressed',
    # Firefox: Copy as cURL (POSIX)
    f"curl '{URL}' --compressed -H 'User-Agent: Mozilla/5.0' -H 'Token: {JWT}'",
    # Firefox: Copy as cURL (Windows)
    f'curl.exe "{URL}" -H "Token: {JWT}" -H "Accept: */*"',
])
def test_curl_flavours(text: str) -> None:
    parts = parse_curl(text)
    assert parts.url == URL and parts.token == JWT
    assert JWT not in repr(parts)


def test_token_header_wins_over_other_jwts() -> None:
    _u, other = make_hailuo_credentials("1", now=NOW.timestamp())
    text = f"curl '{URL}' -H 'cookie: sess={other}' -H 'token: {JWT}'"
    assert parse_curl(text).token == JWT


def test_nothing_found() -> None:
    parts = parse_curl("curl 'https://example.com/' -H 'accept: */*'")
    assert parts.url is None and parts.token is None


def test_check_good_and_decode() -> None:
    problems, decoded = check_credentials(URL, JWT)
    assert problems == {}
    assert decoded is not None and decoded.account == "246810" and decoded.name == "Ann"
    assert decoded.expires_at is not None and decoded.expires_at > NOW


@pytest.mark.parametrize(("url", "token", "field", "words"), [
    ("", JWT, "url", "Paste the full Request URL"),
    ("https://example.com/v3/api/multimodal/video/my/cursor?device_id=1", JWT, "url", "not example.com"),
    ("https://hailuoai.video/", JWT, "url", "not the /cursor request"),
    ("https://hailuoai.video/v3/api/multimodal/video/my/cursor", JWT, "url", "device parameters"),
    (URL, "", "token", "Paste the value of the Token"),
    (URL, "abc.def", "token", "starting with eyJ"),
    (URL, "eyJhbGciOiJIUzI1NiJ9.!!!.x", "token", "damaged"),
])
def test_check_problems(url: str, token: str, field: str, words: str) -> None:
    problems, _ = check_credentials(url, token)
    assert words in problems[field]


def test_expired_token() -> None:
    _u, old = make_hailuo_credentials("5", expires_in_days=1, now=(NOW - timedelta(days=3)).timestamp())
    problems, decoded = check_credentials(URL, old)
    assert "expired on" in problems["token"]
    assert decoded is not None and decoded.expired()
    assert decode_hailuo_token(JWT).account == "246810"
