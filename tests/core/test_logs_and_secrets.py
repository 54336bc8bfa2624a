"""Log redaction, and how keyring failures are classified into readable reasons."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.errors
import pytest

from minimax_studio.api.redact import redact as redact_known
from minimax_studio.api.redact import secret_parts
from minimax_studio.core.secrets import (
    KeyringUnavailable,
    Reason,
    TokenSource,
    TokenStore,
    classify,
)
from minimax_studio.logs import redact, setup_logging

TOKEN = "user:424242-TopSecretTokenValue99"
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjp7ImlkIjoiMSJ9fQ.c2lnbmF0dXJl"


def test_redact_keeps_ids_readable() -> None:
    text = f"Authorization: Bearer {TOKEN} jwt={JWT} id=user:424242-minimax:55-video:66"
    out = redact(text)
    assert TOKEN not in out and "TopSecret" not in out and JWT not in out
    assert "user:424242-minimax:55-video:66" in out
    assert "Bearer [redacted]" in out


def test_log_file_scrubs_messages_args_and_tracebacks(tmp_path: Path) -> None:
    log_file = setup_logging(tmp_path / "logs" / "app.log")
    log = logging.getLogger("minimax_studio.test")
    log.info("sending %s", TOKEN)
    try:
        raise RuntimeError(f"header Token: {JWT}")
    except RuntimeError:
        log.exception("call failed for Bearer %s", TOKEN)
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text()
    assert "sending user:424242-[redacted]" in text and "Traceback" in text
    assert TOKEN not in text and JWT not in text and "TopSecret" not in text


class _SlowKeyring(keyring.backend.KeyringBackend):
    """A backend stuck like a keyring waiting for an unlock prompt."""

    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(5)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(5)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(5)


class _LockedKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.InitError("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.InitError("Failed to unlock the collection!")

    def delete_password(self, service: str, username: str) -> None:
        raise keyring.errors.InitError("Failed to unlock the collection!")


@pytest.fixture
def backend() -> Any:
    previous = keyring.get_keyring()

    def use(b: Any) -> None:
        keyring.set_keyring(b)

    yield use
    keyring.set_keyring(previous)


@pytest.mark.parametrize(("kr", "reasons"), [
    (keyring.backends.fail.Keyring(), {Reason.NO_BACKEND, Reason.NO_DBUS}),
    (_LockedKeyring(), {Reason.LOCKED}),
])
def test_unusable_keyrings_are_explained(backend: Any, kr: Any, reasons: set[Reason]) -> None:
    backend(kr)
    store = TokenStore(timeout=2)
    with pytest.raises(KeyringUnavailable) as info:
        asyncio.run(store.load())
    assert info.value.reason in reasons
    assert "session only" in info.value.message
    with pytest.raises(KeyringUnavailable):
        asyncio.run(store.save(TOKEN))
    assert TOKEN not in repr(info.value) and TOKEN not in str(info.value)


def test_a_stuck_keyring_times_out(backend: Any) -> None:
    backend(_SlowKeyring())
    store = TokenStore(timeout=0.3)
    started = time.monotonic()
    with pytest.raises(KeyringUnavailable) as info:
        asyncio.run(store.load())
    assert info.value.reason is Reason.TIMEOUT
    assert time.monotonic() - started < 2


def test_session_only_is_memory_only(backend: Any) -> None:
    backend(keyring.backends.fail.Keyring())
    store = TokenStore(timeout=2)
    store.keep_for_session(f"  {TOKEN} ")
    assert asyncio.run(store.load()) == TOKEN
    assert store.source is TokenSource.SESSION
    assert TOKEN not in repr(store)
    asyncio.run(store.forget())  # nothing in the keyring to delete: fine
    assert store.source is TokenSource.NONE
    with pytest.raises(KeyringUnavailable):
        asyncio.run(store.load())


def test_plaintext_backends_are_refused(backend: Any) -> None:
    class PlaintextKeyring(_LockedKeyring):  # named like keyrings.alt's
        pass

    PlaintextKeyring.__module__ = "keyrings.alt.file"
    backend(PlaintextKeyring())
    with pytest.raises(KeyringUnavailable) as info:
        asyncio.run(TokenStore(timeout=2).load())
    assert info.value.reason is Reason.INSECURE


def test_classify_messages() -> None:
    assert classify(RuntimeError("Environment variable DBUS_SESSION_BUS_ADDRESS is unset")) is Reason.NO_DBUS
    assert classify(keyring.errors.KeyringLocked("locked")) is Reason.LOCKED
    assert classify(keyring.errors.KeyringError("weird")) is Reason.ERROR


# --- every token form (issue 9, case 10) ----------------------------------------------------

ODD_TOKEN = "user:424242-Top_Secret-Token-99"


@pytest.mark.parametrize("text", [
    f"token {ODD_TOKEN} refused",  # "_" and "-" inside the secret
    f"GET /v1/minimax/videos?token={quote(ODD_TOKEN, safe='')}&limit=1",  # URL-encoded once
    f"proxy said: {quote(quote(ODD_TOKEN, safe=''), safe='')}",  # and twice
    f"Authorization: Bearer {ODD_TOKEN}",
    f"authorization=Bearer%20{quote(ODD_TOKEN, safe='')}",  # a header echoed in a URL
    f"{{'authorization': 'bearer {JWT}'}}",
    f"session={JWT}",
    f"{ODD_TOKEN}: unauthorized",  # followed by a colon
])
def test_redaction_covers_every_token_form(text: str) -> None:
    out = redact(text)
    assert "Top_Secret" not in out and "Token-99" not in out, out
    assert "c2lnbmF0dXJl" not in out and "eyJ1c2Vy" not in out, out
    assert "[redacted]" in out


def test_redaction_keeps_composite_ids_readable_in_every_encoding() -> None:
    ids = ["user:424242-minimax:55-video:66", "user%3A424242-minimax%3A55-file%3Aabcdefghijkl"]
    for text in ids:
        assert redact(f"id={text}") == f"id={text}"


def test_client_hides_its_token_when_a_server_echoes_it_url_encoded() -> None:
    secrets = secret_parts(ODD_TOKEN)
    echoed = f"400 Bad Request for /videos?x={quote(ODD_TOKEN, safe='')} (tail {quote_plus('Top_Secret-Token-99')})"
    out = redact_known(echoed, secrets)
    assert "Top_Secret" not in out and "%3A424242" not in out


def test_the_batch_logs_to_the_apps_redacted_rotating_log_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import logging.handlers

    from minimax_studio.batch_cli import main
    from minimax_studio.paths import app_paths

    sheet = tmp_path / "one.json"
    sheet.write_text('[{"kind": "image", "model": "image-01", "prompt": "a pear"}]')
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        assert main([str(sheet), "--dry-run"]) == 0
        added = [h for h in root.handlers if h not in before]
        files = [h for h in added if isinstance(h, logging.handlers.RotatingFileHandler)]
        assert files and Path(files[0].baseFilename) == app_paths().log_file
        logging.getLogger("minimax_studio.core.engine").warning("create refused for %s", ODD_TOKEN)
        for h in added:
            h.flush()
        text = app_paths().log_file.read_text()
        assert "create refused for user:424242-[redacted]" in text and "Top_Secret" not in text
        assert "Top_Secret" not in capsys.readouterr().err
    finally:
        for h in [h for h in root.handlers if h not in before]:
            root.removeHandler(h)
            h.close()
