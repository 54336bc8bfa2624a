"""Fixtures shared by every test layer. Nothing here imports Qt: tests/api, tests/sandbox
and tests/core run with pytest-qt disabled and must never pull PySide6 in."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from minimax_studio.sandbox import Sandbox

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--assert-no-qt",
        action="store_true",
        help="fail the run if any test imported PySide6 (the Qt-free layers' contract)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--assert-no-qt", default=False) and config.pluginmanager.has_plugin("pytest-qt"):
        raise pytest.UsageError(
            "--assert-no-qt needs pytest-qt disabled (it imports PySide6 itself): add `-p no:pytest-qt`"
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.getoption("--assert-no-qt", default=False):
        leaked = sorted(m for m in sys.modules if m.split(".")[0] in {"PySide6", "qasync", "shiboken6"})
        if leaked:
            sys.stderr.write(f"\nQt was imported by a Qt-free test layer: {leaked[:5]}\n")
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own MINIMAX_STUDIO_HOME: settings, journal, library and logs
    never touch the developer's real profile."""
    home = tmp_path / "studio-home"
    monkeypatch.setenv("MINIMAX_STUDIO_HOME", str(home))
    monkeypatch.delenv("MINIMAX_STUDIO_API_URL", raising=False)
    return home


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A real sandbox HTTP server on 127.0.0.1 with one demo account, its clock sped up so
    jobs finish in about a second."""
    from minimax_studio.sandbox import Sandbox

    sb = Sandbox(speed=200.0, seed=1234).start()
    try:
        yield sb
    finally:
        sb.stop()
