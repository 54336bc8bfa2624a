"""``minimax-studio diagnose [--json]``: what this installation can do, checked for real.

For bug reports ("paste the output") and for the smoke test of the PyInstaller bundle
(``make package-test``), which must test what is shipped, not the source tree: frozen apps
lose keyring backends, Qt plugins and data files in ways only running them shows.

Checks: the shipped resources read through importlib.resources; SQLite has FTS5 (the
library's search); which keyring backend would hold the token and whether the app would
use it (the same sentence the app shows when it would not); QtMultimedia decodes a sandbox
clip into frames. The exit code is 1 when a check that must always pass fails (resources,
FTS5, media); an unusable keyring is reported, not failed — the app then offers "use for
this session only".
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sqlite3
import sys
import tempfile
from pathlib import Path
from typing import Any

from minimax_studio import APP_NAME, DESKTOP_ID, __version__
from minimax_studio.resources_path import ICON_SIZES, icon_png, read_bytes

MEDIA_TIMEOUT_S = 15.0


def check_resources() -> dict[str, Any]:
    from minimax_studio.sandbox.media import CLIPS

    clip = CLIPS["16:9"].name
    data = read_bytes("sandbox", clip)
    icons = all(icon_png(s).is_file() for s in ICON_SIZES)
    return {"ok": data[4:8] == b"ftyp" and icons, "clip_bytes": len(data), "icons": icons}


def check_sqlite() -> dict[str, Any]:
    con = sqlite3.connect(":memory:")
    try:
        con.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
        con.execute("INSERT INTO t VALUES ('a teapot in studio light')")
        hits = con.execute("SELECT count(*) FROM t WHERE t MATCH 'teapot'").fetchone()[0]
        fts5 = hits == 1
    except sqlite3.OperationalError:
        fts5 = False
    finally:
        con.close()
    return {"ok": fts5, "version": sqlite3.sqlite_version, "fts5": fts5}


def check_keyring() -> dict[str, Any]:
    from minimax_studio.core.secrets import TokenStore

    status = asyncio.run(TokenStore().probe())
    return {"ok": True, "usable": status.available, "backend": status.backend,
            "reason": status.reason.value if status.reason else None, "message": status.message}


def check_media() -> dict[str, Any]:
    """Decode the sandbox's 16:9 clip with QtMultimedia (the FFmpeg plugin) into frames."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QTimer, QUrl
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtMultimedia import QMediaPlayer, QVideoSink

    from minimax_studio.sandbox.media import CLIPS

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0] if sys.argv else APP_NAME])
    clip = CLIPS["16:9"]
    frames: list[tuple[int, int]] = []
    result: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="minimax-studio-diagnose-") as tmp:
        path = Path(tmp) / clip.name
        path.write_bytes(read_bytes("sandbox", clip.name))
        player = QMediaPlayer()
        sink = QVideoSink()
        player.setVideoSink(sink)
        loop = QEventLoop()

        def frame(f: Any) -> None:
            if f.isValid():
                frames.append((f.width(), f.height()))

        def status(s: QMediaPlayer.MediaStatus) -> None:
            if s in (QMediaPlayer.MediaStatus.EndOfMedia, QMediaPlayer.MediaStatus.InvalidMedia):
                loop.quit()

        def error(_e: Any, text: str) -> None:
            result["error"] = text
            loop.quit()

        sink.videoFrameChanged.connect(frame)
        player.mediaStatusChanged.connect(status)
        player.errorOccurred.connect(error)
        player.setSource(QUrl.fromLocalFile(str(path)))
        player.play()
        QTimer.singleShot(int(MEDIA_TIMEOUT_S * 1000), loop.quit)
        loop.exec()
        duration = player.duration()
        player.stop()
        player.setSource(QUrl())
        del player, sink
        app.processEvents()
    ok = len(frames) > 0 and frames[0] == (clip.width, clip.height) and "error" not in result
    return {"ok": ok, "frames": len(frames), "size": list(frames[0]) if frames else None,
            "duration_ms": duration, **result}


CHECKS = {"resources": check_resources, "sqlite": check_sqlite, "keyring": check_keyring,
          "media": check_media}


def run_checks(names: list[str]) -> dict[str, Any]:
    report: dict[str, Any] = {
        "app": f"{APP_NAME} {__version__}", "desktop_id": DESKTOP_ID,
        "python": platform.python_version(), "frozen": bool(getattr(sys, "frozen", False)),
        "executable": sys.executable,
    }
    try:
        from PySide6 import QtCore

        report["qt"] = QtCore.qVersion()
    except ImportError as exc:
        report["qt"] = f"not available: {exc}"
    for name in names:
        try:
            report[name] = CHECKS[name]()
        except Exception as exc:  # reported as a failed check, with its sentence
            report[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="minimax-studio diagnose",
                                description="Check what this installation of MiniMax Studio can do.")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--only", action="append", choices=sorted(CHECKS), help="run only this check")
    args = p.parse_args(argv)
    report = run_checks(args.only or list(CHECKS))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            if isinstance(value, dict):
                state = "ok" if value.get("ok") else "FAILED"
                details = ", ".join(f"{k}: {v}" for k, v in value.items() if k != "ok")
                print(f"{key}: {state} ({details})")
            else:
                print(f"{key}: {value}")
    return 0 if all(v.get("ok") for v in report.values() if isinstance(v, dict)) else 1


if __name__ == "__main__":
    raise SystemExit(main())
