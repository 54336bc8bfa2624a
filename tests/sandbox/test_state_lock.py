"""One emulator per state file: the app's sandbox session and a `batch --sandbox` share the
file, and two servers on it would each know only their own jobs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from minimax_studio.sandbox import Sandbox, SandboxInUse


def test_a_second_sandbox_on_the_same_state_refuses_with_a_sentence(tmp_path: Path) -> None:
    state = tmp_path / "sandbox-state.json"
    with Sandbox(speed=50, state_file=state):
        other = Sandbox(speed=50, state_file=state)
        with pytest.raises(SandboxInUse) as caught:
            other.start()
        assert "already running in another MiniMax Studio process" in caught.value.message
        # Another state file is another sandbox: no conflict.
        with Sandbox(speed=50, state_file=tmp_path / "elsewhere.json"):
            pass
    # Once the first one stopped, the state is free again.
    with Sandbox(speed=50, state_file=state) as again:
        assert again.base_url.startswith("http://127.0.0.1:")


def test_the_cli_says_why_it_cannot_start_and_exits_2(tmp_path: Path) -> None:
    state = tmp_path / "sandbox-state.json"
    with Sandbox(speed=50, state_file=state):
        done = subprocess.run([sys.executable, "-m", "minimax_studio.sandbox", "--state", str(state)],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "already running in another MiniMax Studio process" in done.stderr
    assert "Traceback" not in done.stderr
