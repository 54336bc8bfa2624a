"""TaskRunner + Notifier: every UI-started coroutine ends as a result, a quiet cancel, or a
readable sentence — with the traceback (scrubbed of tokens) only in the log."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from minimax_studio.api.errors import error_from_response
from minimax_studio.logs import setup_logging
from minimax_studio.viewmodels.error_words import human_error
from minimax_studio.viewmodels.notifier import Level, Notifier
from minimax_studio.viewmodels.tasks import TaskRunner, describe_error

TOKEN = "user:98765-sEcReTtOkEnAbCdEf123"


def test_failure_becomes_a_sentence_and_the_trace_goes_to_the_log(
        qtbot: Any, qloop: Any, tmp_path: Any) -> None:
    log_file = setup_logging(tmp_path / "app.log")
    notifier = Notifier()
    runner = TaskRunner(notifier)
    inline: list[str] = []

    async def boom() -> None:
        raise RuntimeError(f"socket closed while sending Bearer {TOKEN}")

    task = runner.start("accounts:refresh", boom(), error_context="Loading accounts",
                        on_error=inline.append)
    qtbot.waitUntil(task.done)
    qtbot.waitUntil(lambda: bool(inline))
    notice = notifier.latest()
    assert notice is not None and notice.level is Level.ERROR
    assert notice.text.startswith("Loading accounts: Unexpected problem (RuntimeError)")
    assert inline == [notice.message]
    for h in logging.getLogger().handlers:
        h.flush()
    log_text = log_file.read_text()
    assert "Traceback" in log_text and "RuntimeError" in log_text
    assert TOKEN not in log_text and "sEcReT" not in log_text
    assert not runner.is_running("accounts:refresh")


def test_api_errors_keep_their_own_words(qtbot: Any, qloop: Any) -> None:
    notifier = Notifier()
    runner = TaskRunner(notifier)

    async def hold() -> None:
        raise error_from_response(596, {"error": "Account is on hold", "code": 596})

    task = runner.start("x", hold(), error_context="Generating")
    qtbot.waitUntil(task.done)
    qtbot.waitUntil(lambda: notifier.latest() is not None)
    assert "on hold" in notifier.history[-1].message and "(596)" in notifier.history[-1].message


def test_same_key_replaces_or_keeps(qtbot: Any, qloop: Any) -> None:
    runner = TaskRunner(Notifier())
    gate = asyncio.Event()

    async def wait(tag: str) -> str:
        await gate.wait()
        return tag

    first = runner.start("k", wait("first"))
    second = runner.start("k", wait("second"))
    qtbot.waitUntil(first.done)
    assert first.cancelled()
    kept = runner.start("k", wait("third"), if_running="keep")
    assert kept is second
    results: list[str] = []
    runner.start("other", wait("other"), on_done=results.append)
    assert sorted(runner.running_keys()) == ["k", "other"]
    gate.set()
    qtbot.waitUntil(lambda: results == ["other"] and second.done())
    assert second.result() == "second"


def test_cancel_is_quiet(qtbot: Any, qloop: Any) -> None:
    notifier = Notifier()
    runner = TaskRunner(notifier)
    busy: list[tuple[str, bool]] = []
    runner.busyChanged.connect(lambda k, b: busy.append((k, b)))
    task = runner.start("slow", asyncio.sleep(30))
    assert runner.cancel("slow")
    qtbot.waitUntil(task.done)
    assert notifier.history == []
    assert busy == [("slow", True), ("slow", False)]
    assert runner.cancel("slow") is False


@pytest.mark.parametrize(("exc", "words"), [
    (TimeoutError(), "took too long"),
    (FileNotFoundError(2, "No such file", "/x/y.png"), "File not found: /x/y.png"),
    (PermissionError(13, "Permission denied", "/x/out"), "Permission denied: /x/out."),
    (ConnectionRefusedError(), "Can’t reach useapi.net — check your connection."),
    (ValueError(f"bad {TOKEN}"), "Bad user:98765-[redacted]."),
    (KeyError("x"), "Unexpected problem (KeyError)"),
])
def test_describe_error(exc: BaseException, words: str) -> None:
    text = describe_error(exc)
    assert words in text and TOKEN not in text


@pytest.mark.parametrize("status", [400, 412, 422, 500, 596])
def test_a_failed_task_reads_like_a_failed_job(status: int) -> None:
    """Every tab's messages come from error_words: no status numbers, endpoints or the
    server's text repeated after "Server said:" in what a task's failure says."""
    exc = error_from_response(status, {"error": "Account 1 said no (aspectRatio)"},
                              endpoint="videos/create")
    text = describe_error(exc)
    assert text == human_error(exc)
    assert str(status) not in text and "videos/create" not in text
    assert "Server said" not in text and "aspectRatio" not in text


def test_notifier_history_and_clear(qtbot: Any) -> None:
    n = Notifier()
    seen: list[Any] = []
    n.posted.connect(seen.append)
    n.info("Accounts", "Account 1 added.")
    n.warning("Keyring", "Session only.")
    n.error("Accounts", "Failed.")
    assert [x.level for x in seen] == [Level.INFO, Level.WARNING, Level.ERROR]
    assert n.latest(Level.WARNING) is not None
    n.clear("Accounts")
    assert [x.context for x in n.history] == ["Keyring"]
