"""A closed form schedules nothing: its debounce timer is stopped, its tasks are
cancelled, and a late signal after the event loop has gone is dropped quietly (the
teardown error "no current event loop" from ``_refresh_route``)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace
from typing import Any

from minimax_studio.viewmodels.video_form import VideoFormModel


class SlowRouteEngine:
    def __init__(self) -> None:
        self.previews = 0

    async def preview_route(self, kind: str, request: dict[str, Any]) -> Any:
        self.previews += 1
        await asyncio.sleep(30)
        return SimpleNamespace(account="1", reason="", cost=None)


def test_close_stops_the_debounce_and_cancels_tasks(qtbot: Any, qloop: Any) -> None:
    engine = SlowRouteEngine()
    form = VideoFormModel(engine=engine)
    form.set_value("prompt", "a fox")
    qtbot.waitUntil(lambda: engine.previews == 1, timeout=2000)  # debounce fired, preview runs
    assert form.busy
    tasks = list(form._tasks.values())
    form.close()
    assert form.closed and not form.busy
    qtbot.waitUntil(lambda: all(t.done() for t in tasks), timeout=2000)
    assert all(t.cancelled() for t in tasks)
    # Edits after close neither arm the timer nor start work.
    form.set_value("prompt", "a fox in the snow")
    assert not form._route_timer.isActive()
    qtbot.wait(400)  # longer than the 250 ms debounce
    assert engine.previews == 1 and not form.busy


def test_a_late_debounce_after_the_loop_is_gone_is_dropped(qtbot: Any, qapp: Any) -> None:
    """No loop at all (a test's loop closed, or the app's loop stopped) — nothing raises
    inside Qt and no coroutine is left un-awaited."""
    asyncio.set_event_loop(None)
    form = VideoFormModel(engine=SlowRouteEngine())
    form.set_value("prompt", "a fox")
    form._refresh_route()  # what the timer's timeout calls
    assert not form.busy
    form.close()
