"""The token through the REAL Secret Service (gnome-keyring on a private D-Bus session).

`make test` runs the suite under scripts/with-keyring.sh, which sets
MINIMAX_STUDIO_SECRET_SERVICE=1. Without it these tests skip with the reason; with it they
must pass — a broken Secret Service fails them instead of silently skipping.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.errors
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from minimax_studio.core.secrets import SERVICE, USERNAME, TokenSource, TokenStore
from minimax_studio.sandbox import Sandbox
from tests.ui.studio_support import run, secrets_on_disk

pytestmark = [
    pytest.mark.keyring,
    pytest.mark.skipif(
        os.environ.get("MINIMAX_STUDIO_SECRET_SERVICE") != "1",
        reason="needs the real Secret Service: run `make test` (or dbus-run-session -- sh "
               "scripts/with-keyring.sh .venv/bin/pytest tests/ui -k keyring); "
               "MINIMAX_STUDIO_SECRET_SERVICE is not set"),
]


@pytest.fixture
def clean_keyring() -> Iterator[None]:
    def wipe() -> None:
        try:
            keyring.delete_password(SERVICE, USERNAME)
        except keyring.errors.PasswordDeleteError:
            pass

    wipe()
    yield
    wipe()


def test_the_backend_is_the_secret_service(qtbot: Any, qloop: Any) -> None:
    status = run(qtbot, TokenStore().probe())
    assert status.available, status.message
    assert "SecretService" in status.backend


def test_save_load_replace_forget(qtbot: Any, qloop: Any, clean_keyring: None) -> None:
    store = TokenStore()
    assert run(qtbot, store.load()) is None
    run(qtbot, store.save("  user:1234-firstTokenAbcdefgh  "))
    assert keyring.get_password(SERVICE, USERNAME) == "user:1234-firstTokenAbcdefgh"
    fresh = TokenStore()
    assert run(qtbot, fresh.load()) == "user:1234-firstTokenAbcdefgh"
    assert fresh.source is TokenSource.KEYRING
    run(qtbot, fresh.save("user:1234-secondTokenXyz987"))
    assert run(qtbot, TokenStore().load()) == "user:1234-secondTokenXyz987"
    run(qtbot, fresh.forget())
    assert keyring.get_password(SERVICE, USERNAME) is None
    assert run(qtbot, TokenStore().load()) is None
    run(qtbot, fresh.forget())  # forgetting twice is fine


def test_token_entry_replace_and_forget_in_the_app(
        rig_factory: Any, clean_keyring: None, qtbot: Any, app_home: Path,
        artifacts_dir: Path) -> None:
    second_token = "user:4321-replacementToken0042"
    with Sandbox(speed=200.0, seed=3, extra_tokens=[second_token]) as sb:
        rig = rig_factory(api_url=sb.base_url)
        rig.start()
        form = rig.window.first_run.token_form
        form.field.setText(sb.token)
        qtbot.mouseClick(form.submit_button, Qt.MouseButton.LeftButton)
        rig.wait_accounts_loaded()
        assert rig.window.token_label.text() == "Token: saved in the system keyring"
        assert keyring.get_password(SERVICE, USERNAME) == sb.token
        rig.close()

        # Next start: read from the keyring at start, straight to the board.
        again = rig_factory(api_url=sb.base_url)
        again.start()
        tab = again.wait_accounts_loaded()
        assert again.app_vm.phase.value == "ready"

        # Replace
        qtbot.mouseClick(tab.replace_button, Qt.MouseButton.LeftButton)
        assert tab.token_form.isVisible()
        tab.token_form.field.setText(second_token)
        qtbot.mouseClick(tab.token_form.submit_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: keyring.get_password(SERVICE, USERNAME) == second_token,
                        timeout=10_000)
        tab = again.wait_accounts_loaded()
        assert any(r.method == "GET" for r in sb.received)

        # Forget (asks first)
        qtbot.mouseClick(tab.forget_button, Qt.MouseButton.LeftButton)
        box = tab.confirm
        assert isinstance(box, QMessageBox)
        qtbot.mouseClick(box.button(QMessageBox.StandardButton.Yes), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: again.app_vm.phase.value == "first-run", timeout=10_000)
        assert keyring.get_password(SERVICE, USERNAME) is None
        assert again.window.token_label.text() == "No token"
        again.close()
        assert secrets_on_disk(app_home, [sb.token, second_token]) == []
