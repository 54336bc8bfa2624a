"""The ``fast_downloads`` setting: kept in settings.json, and honoured by the batch (which
builds its own client): off, no download takes the fast path; on (the default), they do."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from minimax_studio.api import fast_download
from minimax_studio.batch_cli import main
from minimax_studio.core.settings import Settings, load_settings, save_settings
from minimax_studio.paths import app_paths


def test_setting_round_trips_and_defaults_to_on(tmp_path: Path) -> None:
    assert Settings().fast_downloads is True
    path = tmp_path / "settings.json"
    save_settings(Settings(fast_downloads=False), path)
    assert load_settings(path).fast_downloads is False
    path.write_text(json.dumps({"version": 1, "fast_downloads": "no"}), encoding="utf-8")
    assert load_settings(path).fast_downloads is True  # not a bool: the default


@pytest.mark.parametrize("fast", [False, True])
def test_batch_honours_the_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str], fast: bool) -> None:
    tried: list[str] = []
    real = fast_download.request

    async def counting(http: Any, req: Any, timeout: Any) -> Any:
        tried.append(str(req.url))
        return await real(http, req, timeout)

    monkeypatch.setattr(fast_download, "request", counting)
    save_settings(Settings(fast_downloads=fast), app_paths().settings_file)
    sheet = tmp_path / "one.json"
    sheet.write_text(json.dumps([{"kind": "image", "model": "image-01", "prompt": "a teapot"}]))
    rc = main([str(sheet), "--sandbox", "--sandbox-speed", "300"])
    out, err = capsys.readouterr()
    assert rc == 0, out + err
    assert "1 of 1 jobs completed." in out
    assert bool(tried) is fast, tried
