"""The one atomic write: a writer that fails leaves the old file whole and no temp file."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import pytest

from minimax_studio.atomic import atomic_write


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path) -> None:
    dest = tmp_path / "sub" / "settings.json"
    atomic_write(dest, '{"a": 1}\n')
    assert dest.read_text() == '{"a": 1}\n'

    def half_then_fail(fh: BinaryIO) -> None:
        fh.write(b'{"a": ')
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        atomic_write(dest, half_then_fail)
    assert dest.read_text() == '{"a": 1}\n'
    assert [p.name for p in dest.parent.iterdir()] == ["settings.json"]
    atomic_write(dest, b"\x00\x01")
    assert dest.read_bytes() == b"\x00\x01"
