"""The batch command says what a sheet may hold: video, image and agent rows."""

from __future__ import annotations

import pytest

import minimax_studio.batch_cli as batch_cli
from minimax_studio.batch_cli import main


def test_help_and_docstring_mention_agent_rows(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert "video, image and agent jobs" in out
    assert batch_cli.__doc__ is not None and "``agent``" in batch_cli.__doc__
