"""Settings → Downloads: the fast-download switch is shown as saved, and turning it off
is saved to settings.json (the next session's client sends downloads through httpx)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from tests.ui.studio_support import grab


def test_fast_downloads_switch(rig_factory: Any, qtbot: Any, app_home: Path,
                               artifacts_dir: Path) -> None:
    rig = rig_factory()
    rig.window.show()
    rig.window.settings_action.trigger()
    dlg = rig.studio._dialogs["settings"]
    qtbot.waitUntil(dlg.isVisible)
    assert dlg.fast_downloads.isChecked() and dlg.fast_downloads.isVisible()
    assert "Fast downloads" in dlg.fast_downloads.text()
    assert "download setting" in " ".join(lbl.text() for lbl in dlg.findChildren(type(dlg.problems)))
    grab(dlg, artifacts_dir, "dialog-settings-downloads-light")
    dlg.fast_downloads.setChecked(False)
    dlg.save()
    qtbot.waitUntil(lambda: not dlg.isVisible())
    saved = json.loads((app_home / "config" / "settings.json").read_text())
    assert saved["fast_downloads"] is False
    assert rig.studio.services.settings.fast_downloads is False
    # Opened again, it shows what was saved (dark theme, for the screenshot too).
    rig.studio.services.settings.theme = "dark"
    rig.studio.apply_theme()
    rig.window.settings_action.trigger()
    dlg = rig.studio._dialogs["settings"]
    qtbot.waitUntil(dlg.isVisible)
    assert not dlg.fast_downloads.isChecked()
    grab(dlg, artifacts_dir, "dialog-settings-downloads-dark")
    dlg.reject()
    rig.studio.services.settings.theme = "light"
    rig.studio.apply_theme()
    assert isinstance(QApplication.instance(), QApplication)
