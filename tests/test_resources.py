"""The files the app reads at run time ship inside the package (issue #14).

A git checkout has ``resources/`` next to the code; an installed wheel, pipx or the
PyInstaller bundle does not. These tests read everything through
``minimax_studio.resources`` (importlib.resources) and build a real wheel to check that
it carries every resource, so ``pip install`` gives an app whose sandbox can serve a video.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from minimax_studio.resources_path import ICON_NAME, ICON_SIZES, icon_png, read_bytes, resource
from minimax_studio.sandbox import media

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_DIR = ROOT / "minimax_studio"


def _shipped_files() -> list[str]:
    """Every file under resources/ that the app may read (relative paths)."""
    return sorted(str(p.relative_to(ROOT / "resources")) for p in (ROOT / "resources").rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts)


def test_every_sandbox_clip_and_sound_reads_through_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(media.MEDIA_ENV, raising=False)
    media.read_resource.cache_clear()
    for clip in media.CLIPS.values():
        data = media.read_resource(clip.name)
        assert data[4:8] == b"ftyp", clip.name  # a real mp4
        assert data == read_bytes("sandbox", clip.name)
    for name, _mime, _secs in media.AUDIO.values():
        assert len(media.read_resource(name)) > 1000, name
    media.read_resource.cache_clear()


def test_a_media_folder_of_ones_own_still_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "clip_16x9.mp4").write_bytes(b"\0\0\0\x18ftypmine")
    monkeypatch.setenv(media.MEDIA_ENV, str(tmp_path))
    media.read_resource.cache_clear()
    try:
        assert media.read_resource("clip_16x9.mp4").endswith(b"mine")
    finally:
        media.read_resource.cache_clear()


def test_no_module_finds_resources_relative_to_the_source_tree() -> None:
    """`<package>/../resources` exists only in a checkout; an installed app has no such
    folder. Resources are read through importlib.resources (resources_path.py) only."""
    offenders = []
    for path in PACKAGE_DIR.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"__file__[^\n]*", text):
            window = text[m.start(): m.start() + 200]
            if "resources" in window or "parents[" in window:
                offenders.append(f"{path.relative_to(ROOT)}: {m.group(0).strip()}")
    assert offenders == []


def test_the_app_icon_is_an_svg_with_pngs_of_every_size() -> None:
    svg = ET.fromstring(read_bytes("icons", f"{ICON_NAME}.svg"))
    assert svg.tag.endswith("svg") and svg.get("viewBox") == "0 0 512 512"
    for size in ICON_SIZES:
        with Image.open(icon_png(size).open("rb")) as img:  # type: ignore[arg-type]
            assert img.size == (size, size)
            rgba = img.convert("RGBA")
            # Not a blank square: transparent corners, an opaque tile, more than one colour.
            assert rgba.getpixel((0, 0))[3] == 0
            assert rgba.getpixel((size // 2, size // 2))[3] == 255
            assert len(rgba.getcolors(1 << 20) or []) > 8
    assert min(ICON_SIZES) == 16 and max(ICON_SIZES) == 512


def test_the_window_icon_carries_every_size(qapp: object) -> None:
    from PySide6.QtCore import QSize

    from minimax_studio.ui.app_icon import app_icon

    icon = app_icon()
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == set(ICON_SIZES)
    assert icon.pixmap(QSize(48, 48)).toImage().pixelColor(24, 24).alpha() == 255


def test_resource_folders_are_found_as_folders() -> None:
    assert resource("sandbox").is_dir() and resource("icons").is_dir()
    names = {p.name for p in resource("icons").iterdir()}
    assert {f"{ICON_NAME}-{s}.png" for s in ICON_SIZES} <= names


@pytest.mark.slow
def test_the_built_wheel_carries_every_resource(tmp_path: Path) -> None:
    """Build the wheel from a copy of the sources (as `pip install .` does) and look inside."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("minimax_studio", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("setup.py", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    out = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                          str(tmp_path / "dist"), str(src)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    (wheel,) = (tmp_path / "dist").glob("minimax_studio-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [f for f in _shipped_files() if f"minimax_studio/resources/{f}" not in names]
    assert missing == []
    assert "minimax_studio/resources_path.py" in names
    assert not any(n.startswith("resources/") for n in names)  # inside the package, not beside it


def test_desktop_entry_metainfo_and_window_share_one_id() -> None:
    """Wayland matches a window to its .desktop file by the id the app sets with
    setDesktopFileName; software centres match the metainfo by the same id."""
    from minimax_studio import DESKTOP_ID

    desktop = (ROOT / "packaging" / f"{DESKTOP_ID}.desktop").read_text(encoding="utf-8")
    assert f"\nIcon={DESKTOP_ID}\n" in desktop and "\nExec=minimax-studio\n" in desktop
    meta = ET.parse(ROOT / "packaging" / f"{DESKTOP_ID}.metainfo.xml").getroot()
    assert meta.findtext("id") == DESKTOP_ID
    assert meta.findtext("launchable") == f"{DESKTOP_ID}.desktop"
    shots = [img.text or "" for img in meta.iter("image")]
    assert shots and all((ROOT / s[s.index("docs/screenshots/"):]).is_file() for s in shots)
    assert "setDesktopFileName(DESKTOP_ID)" in (PACKAGE_DIR / "app.py").read_text(encoding="utf-8")
