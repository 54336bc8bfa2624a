"""The leak scan every app test ends with finds every token form the log redaction knows
(a narrower scan would pass a settings file holding a token with "_" or "-")."""

from __future__ import annotations

from pathlib import Path

import pytest

from minimax_studio.logs import redact
from tests.ui.studio_support import secrets_on_disk

LEAKS = [
    "user:1234-abc_defGHIJ",          # "_" inside the secret
    "user:1234-abc-def-ghij-kl",      # "-" inside the secret
    "user%3A1234-abcdefghijkl",       # URL-encoded colon, as in a query string
    "Authorization: Bearer sk_live_abcdefgh",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
]


@pytest.mark.parametrize("leak", LEAKS)
def test_scan_finds_every_token_form(tmp_path: Path, leak: str) -> None:
    (tmp_path / "settings.json").write_text(f'{{"note": "{leak}"}}', encoding="utf-8")
    assert secrets_on_disk(tmp_path, []) == ["settings.json"]


@pytest.mark.parametrize("leak", LEAKS)
def test_scan_passes_what_the_redaction_wrote(tmp_path: Path, leak: str) -> None:
    """A log line the redaction has scrubbed is not a leak (the scan must not cry wolf)."""
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "app.log").write_text(f"WARNING x: sent {redact(leak)}\n", encoding="utf-8")
    (tmp_path / "journal.txt").write_text("job user:1-minimax:2-video:3 done", encoding="utf-8")
    assert secrets_on_disk(tmp_path, []) == []
