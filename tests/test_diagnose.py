"""`minimax-studio diagnose`: the checks the bundle's smoke test relies on, run from source."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from minimax_studio.core.secrets import _MESSAGES, Reason


def _diagnose(*args: str, env: dict[str, str] | None = None) -> tuple[int, dict]:
    out = subprocess.run([sys.executable, "-m", "minimax_studio", "diagnose", "--json", *args],
                         capture_output=True, text=True, timeout=120, check=False,
                         env={**os.environ, **(env or {})})
    return out.returncode, json.loads(out.stdout)


def test_resources_fts5_and_video_decoding_pass() -> None:
    rc, report = _diagnose("--only", "resources", "--only", "sqlite", "--only", "media")
    assert rc == 0, report
    assert report["sqlite"]["fts5"] is True
    assert report["media"]["frames"] > 10 and report["media"]["size"] == [256, 144]
    assert report["frozen"] is False and report["app"].startswith("MiniMax Studio ")


def test_no_dbus_gives_the_apps_own_sentence() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DBUS_SESSION_BUS_ADDRESS"}
    out = subprocess.run([sys.executable, "-m", "minimax_studio", "diagnose", "--json",
                          "--only", "keyring"], capture_output=True, text=True, timeout=60,
                         check=False, env=env)
    report = json.loads(out.stdout)["keyring"]
    assert report["usable"] is False and report["reason"] == Reason.NO_DBUS.value
    assert report["message"] == _MESSAGES[Reason.NO_DBUS]
    assert "for this session only" in report["message"]
