"""`make package-test`: a smoke test of exactly what is shipped — the .tar.gz of the bundle.

Unpacked into a folder whose path has spaces and non-ASCII characters, made read-only,
the frozen binary must:

* print ``--version``;
* pass ``diagnose`` inside a D-Bus session with an unlocked gnome-keyring: the shipped
  resources read, SQLite has FTS5, the keyring backend is the Secret Service (not the fail
  or a plaintext backend), QtMultimedia decodes the sandbox clip into frames;
* with no D-Bus session, give the same keyring sentence as the source tree (which offers
  "use the token for this session only");
* run ``batch --sandbox`` on a sheet and leave a real video and image in the library;
* open its window on a virtual X screen (Xvfb, xcb) with ``--sandbox`` and close cleanly
  on Ctrl+C; a second window on the same profile opens too, and the profile's databases
  pass SQLite's integrity check afterwards;
* print nothing on stderr beyond the known, harmless lines listed in ``HARMLESS``;
* never write into its own folder.

Also: the unpacked bundle is at most BUDGET_BYTES (200 MB, decimal), the .desktop and metainfo files validate,
and (``--pip``) ``pip install .`` into a fresh venv gives a ``minimax-studio`` whose
``batch --sandbox`` makes media. Run with the project's venv Python.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from minimax_studio import APP_NAME, DESKTOP_ID, __version__  # noqa: E402
from minimax_studio.core.secrets import _MESSAGES, Reason  # noqa: E402

# The budget is "≤ 200 MB unpacked": decimal megabytes, as people read a download
# size (200 MiB would allow 209.7 MB).
BUDGET_BYTES = 200_000_000
SHEET = [
    {"kind": "video", "model": "T2V-01", "prompt": "a kite over the dunes at dawn"},
    {"kind": "image", "model": "image-01", "prompt": "a teapot, studio light", "quantity": "1"},
]
# stderr lines a healthy run may print (Qt / FFmpeg / D-Bus chatter); anything else fails.
HARMLESS = [re.compile(p) for p in (
    r"^qt\.multimedia\.symbolsresolver: Couldn't (load|resolve) ",  # no pipewire / VA-API here
    r"^qt\.multimedia\.ffmpeg: Using Qt multimedia with FFmpeg",
    r'^qt\.multimedia\.playbackengine\.codec: "No HW decoder found"',
    r"^qt\.multimedia\.ffmpeg\.\w+: ",
    r"^No RHI backend",
    r"PulseAudioService: pa_context_connect\(\) failed",
    r"^(Input #\d|\s)",  # FFmpeg's description of the clip it opened (av_dump_format)
    r"^This plugin does not support propagateSizeHints\(\)",  # offscreen platform
    r"^qt\.qpa\.xcb: X server does not support XInput 2",
    r"^dbus-daemon\[\d+\]: .*Failed to set fd limit",
    r"^\*\* Message: .*Replacing daemon",
    r"^gnome-keyring-daemon: ",
    r"^discover_other_daemon: ",
)]


class Failed(Exception):
    pass


PASSED: list[str] = []


def check(cond: bool, what: str, detail: object = "") -> None:
    """``detail`` is printed only when the check fails."""
    if not cond:
        raise Failed(f"{what}\n{detail}" if detail else what)
    PASSED.append(what)
    print(f"  ok  {what}", flush=True)


def unexpected(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines()
            if ln.strip() and not any(p.search(ln) for p in HARMLESS)]


def run(cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 180,
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False,
                          env=env, cwd=cwd)


def keyring_wrapped(cmd: list[str]) -> list[str]:
    """The command inside a private D-Bus session with an unlocked gnome-keyring."""
    return ["dbus-run-session", "--", "sh", str(ROOT / "scripts" / "with-keyring.sh"), *cmd]


def tree_state(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.lstat().st_size, p.lstat().st_mtime_ns)
            for p in folder.rglob("*")}


def bundle_bytes(folder: Path) -> int:
    """Apparent size (lstat: a symlink counts as itself, not its target)."""
    return sum(p.lstat().st_size for p in folder.rglob("*"))


def media_in(home: Path) -> tuple[list[Path], list[Path]]:
    files = [p for p in home.rglob("*") if p.is_file() and "library" in p.parts]
    return ([p for p in files if p.suffix == ".mp4"],
            [p for p in files if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp")])


def env_for(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update({"MINIMAX_STUDIO_HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra})
    env.pop("MINIMAX_STUDIO_TOKEN", None)
    return env


def batch_makes_media(exe: list[str], work: Path, label: str) -> Path:
    """Returns the profile the batch used (its library holds the media)."""
    home = work / f"home-batch-{label}"
    sheet = work / "good.json"
    sheet.write_text(json.dumps(SHEET), encoding="utf-8")
    out = run([*exe, "batch", str(sheet), "--sandbox"], env=env_for(home), timeout=300, cwd=work)
    check(out.returncode == 0, f"{label}: batch --sandbox completes every row",
          f"exit {out.returncode}: {out.stdout[-600:]} {out.stderr[-1200:]}")
    videos, images = media_in(home)
    check(len(videos) == 1 and videos[0].read_bytes()[4:8] == b"ftyp",
          f"{label}: the library holds the video ({[v.name for v in videos]})")
    check(len(images) == 1 and images[0].stat().st_size > 1000,
          f"{label}: the library holds the image ({[i.name for i in images]})")
    check(unexpected(out.stderr) == [], f"{label}: batch prints nothing unexpected on stderr",
          unexpected(out.stderr))
    return home


# --- the window under Xvfb (this script re-runs itself inside xvfb-run) -------------------

def window_inner(exe: Path, home: Path, report: Path) -> int:
    """Runs inside xvfb-run + D-Bus + keyring: start two windows on one profile, find them
    on the X screen, close both with Ctrl+C, write what happened to ``report``."""
    env = env_for(home, QT_QPA_PLATFORM="xcb")
    result: dict[str, object] = {}
    first = subprocess.Popen([str(exe), "--sandbox"], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    second = None
    try:
        result["first_window"] = wait_for_windows(1, 60)
        time.sleep(4)  # the sandbox session opens and its tabs mount
        # A second instance on the same profile (no sandbox: that one is taken) opens its own.
        second = subprocess.Popen([str(exe)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
        result["both_windows"] = wait_for_windows(2, 60)
        time.sleep(3)
    finally:
        for name, proc in (("second", second), ("first", first)):
            if proc is None:
                continue
            proc.send_signal(signal.SIGINT)
            try:
                _out, err = proc.communicate(timeout=30)
                result[f"{name}_exit"] = proc.returncode
            except subprocess.TimeoutExpired:
                proc.kill()
                _out, err = proc.communicate()
                result[f"{name}_exit"] = "killed after 30 s"
            result[f"{name}_stderr"] = err
    report.write_text(json.dumps(result), encoding="utf-8")
    return 0


def wait_for_windows(count: int, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        tree = subprocess.run(["xwininfo", "-root", "-tree"], capture_output=True, text=True,
                              check=False).stdout
        # Top-level windows titled with the app's name, mapped at a real size.
        shown = [ln for ln in tree.splitlines() if f'"{APP_NAME}' in ln
                 and re.search(r"(\d{3,})x(\d{3,})", ln)]
        if len(shown) >= count:
            return True
        time.sleep(0.5)
    return False


def window_opens(exe: Path, work: Path, home: Path, label: str) -> None:
    """Two windows on ``home`` (the profile a batch just filled) under Xvfb."""
    report = work / f"window-{label}.json"
    cmd = keyring_wrapped(["xvfb-run", "-a", "-s", "-screen 0 1280x800x24", sys.executable,
                           __file__, "--window-inner", str(exe), str(home), str(report)])
    out = run(cmd, timeout=300)
    check(report.exists(), f"{label}: the window check ran", f"{out.returncode}: {out.stderr[-1500:]}")
    r = json.loads(report.read_text(encoding="utf-8"))
    check(bool(r.get("first_window")), f"{label}: the window opens on an X screen with --sandbox")
    check(bool(r.get("both_windows")), f"{label}: a second instance on the same profile opens its own window")
    check(r.get("first_exit") == 0 and r.get("second_exit") == 0,
          f"{label}: both close cleanly on Ctrl+C (exit {r.get('first_exit')}, {r.get('second_exit')})")
    for name in ("first", "second"):
        bad = unexpected(str(r.get(f"{name}_stderr", "")))
        check(bad == [], f"{label}: the {name} window prints nothing unexpected on stderr", bad[:12])
    dbs = sorted(home.rglob("*.sqlite3"))
    check(bool(dbs), f"{label}: the windows wrote their databases ({[d.name for d in dbs]})")
    for db in dbs:
        con = sqlite3.connect(db)
        try:
            ok = con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
        check(ok == "ok", f"{label}: {db.relative_to(home)} passes SQLite's integrity check")
    logs = "\n".join(p.read_text(encoding="utf-8", errors="replace")
                     for p in home.rglob("*.log"))
    check("Traceback" not in logs, f"{label}: no traceback in the app's log")


# --- the whole run ------------------------------------------------------------------------

def diagnose(exe: Path, work: Path) -> None:
    out = run(keyring_wrapped([str(exe), "diagnose", "--json"]), env=env_for(work / "home-diag"))
    report = json.loads(out.stdout[out.stdout.index("{"):])
    check(report["frozen"] is True and report["app"] == f"{APP_NAME} {__version__}",
          "diagnose runs frozen")
    check(report["desktop_id"] == DESKTOP_ID, "the desktop id matches packaging/")
    check(report["resources"]["ok"], "the shipped resources (sandbox clips, icons) read")
    check(report["sqlite"]["fts5"], f"SQLite {report['sqlite']['version']} has FTS5")
    kr = report["keyring"]
    check(kr["usable"] and kr["backend"] == "keyring.backends.SecretService.Keyring",
          f"the keyring backend is the Secret Service ({kr['backend']})")
    media = report["media"]
    check(media["ok"] and media["frames"] > 10,
          f"QtMultimedia decodes the sandbox clip ({media.get('frames')} frames, "
          f"{media.get('size')}, {media.get('error', 'no error')})")
    check(out.returncode == 0, "diagnose exits 0")
    check(unexpected(out.stderr) == [], "diagnose prints nothing unexpected on stderr",
          unexpected(out.stderr))

    env = env_for(work / "home-nodbus")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    out = run([str(exe), "diagnose", "--json", "--only", "keyring"], env=env)
    kr = json.loads(out.stdout)["keyring"]
    check(kr["reason"] == Reason.NO_DBUS.value and kr["message"] == _MESSAGES[Reason.NO_DBUS],
          "without a Secret Service the bundle gives the same sentence as the source tree")
    check("use the token for this session only" in kr["message"],
          "…which offers using the token for this session only")


def validate_desktop_files() -> None:
    desktop = ROOT / "packaging" / f"{DESKTOP_ID}.desktop"
    metainfo = ROOT / "packaging" / f"{DESKTOP_ID}.metainfo.xml"
    out = run(["desktop-file-validate", str(desktop)])
    check(out.returncode == 0 and not out.stdout.strip(), "desktop-file-validate passes",
          out.stdout + out.stderr)
    out = run(["appstreamcli", "validate", "--no-net", str(metainfo)])
    check(out.returncode == 0, "appstreamcli validate --no-net passes", out.stdout[-1500:])
    shots = re.findall(r"docs/screenshots/[\w.-]+\.png", metainfo.read_text(encoding="utf-8"))
    check(bool(shots) and all((ROOT / s).is_file() for s in shots),
          f"the metainfo's screenshots are the README's ({shots})")


def install_desktop(bundle: Path, work: Path) -> None:
    """`make install-desktop` for this bundle (its path has spaces and non-ASCII), into a
    scratch XDG_DATA_HOME: the installed entry validates and points at the bundle."""
    data = work / "xdg data"
    env = {**os.environ, "XDG_DATA_HOME": str(data)}
    out = run(["sh", str(ROOT / "scripts" / "install-desktop.sh"), str(bundle)], env=env)
    check(out.returncode == 0, "install-desktop runs", out.stdout + out.stderr)
    entry = data / "applications" / f"{DESKTOP_ID}.desktop"
    out = run(["desktop-file-validate", str(entry)])
    check(out.returncode == 0 and not out.stdout.strip(), "the installed .desktop entry validates",
          out.stdout + out.stderr)
    exec_line = next(ln for ln in entry.read_text(encoding="utf-8").splitlines()
                     if ln.startswith("Exec="))
    check(exec_line == f'Exec="{bundle / "minimax-studio"}"', f"it starts this bundle ({exec_line})")
    icons = sorted((data / "icons" / "hicolor").rglob(f"{DESKTOP_ID}.*"))
    check(len(icons) == 9, f"the icon is installed at {len(icons)} sizes (8 PNG + SVG)")
    out = run(["sh", str(ROOT / "scripts" / "install-desktop.sh"), "--uninstall"], env=env)
    check(out.returncode == 0 and not entry.exists(), "install-desktop --uninstall removes it")


def pip_install(work: Path) -> None:
    venv = work / "fresh venv"
    t0 = time.monotonic()
    out = run([sys.executable, "-m", "venv", str(venv)])
    check(out.returncode == 0, "a fresh venv", out.stderr[-600:])
    py = venv / "bin" / "python"
    out = run([str(py), "-m", "pip", "install", "-q", str(ROOT)], timeout=900)
    check(out.returncode == 0, f"pip install . into it ({time.monotonic() - t0:.0f} s)",
          out.stderr[-1500:])
    exe = venv / "bin" / "minimax-studio"
    home = batch_makes_media([str(exe)], work, "pip install .")
    window_opens(exe, work, home, "pip install .")
    out = run([str(exe), "diagnose", "--only", "resources", "--only", "media"],
              env=env_for(work / "home-pip-diag"))
    check(out.returncode == 0, "the installed app reads its resources and plays a clip",
          out.stdout[-1000:])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Smoke test of the packaged app.")
    p.add_argument("--bundle", type=Path, default=ROOT / "dist" / "minimax-studio")
    p.add_argument("--tarball", type=Path)
    p.add_argument("--pip", action="store_true", help="also pip install . into a fresh venv")
    p.add_argument("--window-inner", nargs=3, metavar=("EXE", "HOME", "REPORT"),
                   help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.window_inner:
        exe, home, report = args.window_inner
        return window_inner(Path(exe), Path(home), Path(report))

    t_start = time.monotonic()
    try:
        print(f"bundle {args.bundle}", flush=True)
        size = bundle_bytes(args.bundle)
        check(size <= BUDGET_BYTES,
              f"the unpacked bundle is {size / 1e6:.1f} MB = {size / 2**20:.1f} MiB "
              f"(budget {BUDGET_BYTES / 1e6:.0f} MB)")
        validate_desktop_files()
        with tempfile.TemporaryDirectory(prefix="minimax-package-test-") as tmp:
            work = Path(tmp)
            # What is shipped: the tar.gz, unpacked where paths are awkward, made read-only.
            place = work / "Program Files ü ✓ (read-only)"
            place.mkdir()
            if args.tarball:
                with tarfile.open(args.tarball) as tar:
                    tar.extractall(place, filter="tar")
                check(True, f"unpacked {args.tarball.name} "
                      f"({args.tarball.stat().st_size / 1e6:.1f} MB) into {place}")
            else:
                shutil.copytree(args.bundle, place / "minimax-studio", symlinks=True)
            bundle = place / "minimax-studio"
            exe = bundle / "minimax-studio"
            subprocess.run(["chmod", "-R", "a-w", str(place)], check=True)
            before = tree_state(bundle)
            try:
                out = run([str(exe), "--version"], env=env_for(work / "home-version"))
                check(out.returncode == 0 and out.stdout.strip() == f"{APP_NAME} {__version__}",
                      f"--version prints {out.stdout.strip()!r}")
                diagnose(exe, work)
                home = batch_makes_media([str(exe)], work, "bundle")
                window_opens(exe, work, home, "bundle")
                install_desktop(bundle, work)
                check(tree_state(bundle) == before, "nothing was written inside the bundle")
            finally:
                subprocess.run(["chmod", "-R", "u+w", str(place)], check=False)
            if args.pip:
                pip_install(work)
    except Failed as exc:
        print(f"FAILED  {exc}", flush=True)
        print(f"package-test: {len(PASSED)} passed, 1 failed")
        return 1
    print(f"package-test: all checks passed in {time.monotonic() - t_start:.0f} s")
    print(f"package-test: {len(PASSED)} passed, 0 failed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
