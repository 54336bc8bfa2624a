"""The one form model behind the Video and Image tabs: model, field values, reference
slots, live validation against the catalog, cost, route preview and submit. What differs
between kinds is data — a ``form_kinds.FormKind`` read from the catalog — not a subclass.

The form holds the request *as the API spells it* (``model``, ``options``, ``fileID2`` …)
so validation, cost, the engine and "Re-use settings" all speak one vocabulary. File
slots hold local paths; the engine uploads them to whichever account runs the job.

Widgets call plain methods; every coroutine goes through ``start`` (the app's TaskRunner
when one is given). The GUI never reads a file itself: slot checks run in a thread.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from minimax_studio.api import catalog
from minimax_studio.viewmodels.error_words import human_error, plain_fields
from minimax_studio.viewmodels.form_kinds import KINDS, FormKind
from minimax_studio.viewmodels.form_route import (
    FIX_ACCOUNTS,
    FIX_ADD_ACCOUNT,
    FormEngine,
    RouteFollowing,
)
from minimax_studio.viewmodels.form_route import discard as _discard
from minimax_studio.viewmodels.form_slots import SlotEditing, SlotState, SlotStatus, slot_group
from minimax_studio.viewmodels.media_check import clips_total_problem

if TYPE_CHECKING:
    from minimax_studio.viewmodels.tasks import TaskRunner

__all__ = ["FIX_ACCOUNTS", "FIX_ADD_ACCOUNT", "GENERAL", "VALUE_FIELDS", "FormKind", "FormModel",
           "SlotState", "SlotStatus", "slot_group"]

#: Fields that are never file slots.
VALUE_FIELDS = ("prompt", "promptOptimization", "options", "resolution", "duration",
                "aspectRatio", "quality", "quantity")

GENERAL = ""  # the key for problems that belong to no visible field

_NOT_CONNECTED = "Not connected — add a useapi.net token or start the sandbox."



def strip_field_prefix(field: str, message: str) -> str:
    """The catalog's sentences start with the API field name ("end_frame_fileID: …"),
    which the sandbox and the batch command need. Next to its own widget the name is
    jargon; the Generate button names a slot by its label instead."""
    prefix = f"{field}: "
    return message[len(prefix):] if message.startswith(prefix) else message


class FormModel(SlotEditing, RouteFollowing, QObject):
    """The form of one kind (``"video"``, ``"image"`` or a ``FormKind``); ``video_form`` /
    ``image_form`` build one with the kind filled in."""

    modelChanged = Signal(str)
    valueChanged = Signal(str, object)  # field, value
    slotsChanged = Signal()  # the set of slots changed (new model)
    slotChanged = Signal(str)  # one slot's file / status / progress changed
    problemsChanged = Signal()
    costChanged = Signal(str)
    routeChanged = Signal(str)
    canSubmitChanged = Signal(bool, str)  # enabled, reason when not
    #: The one-click way out of the current blocker: FIX_ADD_ACCOUNT, FIX_ACCOUNTS or "".
    fixChanged = Signal(str)
    submitted = Signal(object)  # the engine's Job
    #: The job this form submitted last changed state (a Job snapshot): the note under
    #: Generate follows it to its real outcome instead of saying "queued" for ever.
    lastJobChanged = Signal(object)
    submitFailed = Signal(str)
    message = Signal(str)  # a passing remark: "x.gif was not added: no free slot takes it"

    def __init__(self, kind: str | FormKind, engine: FormEngine | None = None,
                 runner: TaskRunner | None = None,
                 parent: QObject | None = None, model_id: str | None = None) -> None:
        super().__init__(parent)
        self.spec = KINDS[kind] if isinstance(kind, str) else kind
        #: The engine's kind for this form's jobs.
        self.kind = self.spec.name
        self._engine = engine
        self._runner = runner
        self._tasks: dict[str, asyncio.Future[Any]] = {}
        self._model_id = ""
        self._values: dict[str, Any] = {}
        self._slots: dict[str, SlotState] = {}
        self._problems: dict[str, str] = {}
        self._touched: set[str] = set()
        self._blocker: str | None = ""
        self._fix = ""
        #: Why no account could ever run the request (the route preview said so), and the fix.
        self._route_block: tuple[str, str] | None = None
        self._cost = ""
        self._route = ""
        self._submitting = False
        self._my_jobs: set[int] = set()
        self._last_job: int | None = None
        self._listener: asyncio.Future[None] | None = None
        self._closed = False
        self._route_timer = QTimer(self)
        self._route_timer.setSingleShot(True)
        self._route_timer.setInterval(250)
        self._route_timer.timeout.connect(self._refresh_route)
        self.set_model(model_id or self.default_model_id())

    # --- the catalog, through this form's kind -------------------------------------
    def models(self) -> Mapping[str, Any]:
        return self.spec.models

    def default_model_id(self) -> str:
        return self.spec.default_model

    def _default_request(self, model_id: str) -> dict[str, Any]:
        return dict(self.spec.default_request(model_id))

    def _validate(self, body: Mapping[str, Any]) -> list[catalog.Problem]:
        return list(self.spec.validate(body))

    def _cost_of(self, body: Mapping[str, Any]) -> catalog.Cost:
        return self.spec.cost(body)

    def applicable_fields(self) -> tuple[str, ...]:
        """The value fields the current model accepts (besides prompt/promptOptimization)."""
        return self.spec.fields(self.model)

    def _allowed(self, field: str, value: Any) -> bool:
        """Whether ``value`` is a legal choice for ``field`` on the current model."""
        return self.spec.allowed(self.model, field, value)

    def _dimension_check(self, field: str) -> Callable[[int, int], str | None] | None:
        model_id = self.model_id

        def check(width: int, height: int) -> str | None:
            # The catalog owns the rule (Sora 2: exactly 1280×720 or 720×1280).
            found = catalog.check_reference_dimensions(model_id, field, width, height)
            return None if found is None else strip_field_prefix(found.field, found.message)

        return check

    def slot_required(self, field: str) -> bool:
        return field == "fileID" and self.spec.needs_first_frame(self.model)

    def families(self) -> list[tuple[str, list[Any]]]:
        """[(family, [models])] in the picker's order."""
        return self.spec.families()

    @property
    def camera_moves(self) -> tuple[str, ...]:
        return tuple(catalog.CAMERA_MOVES) if getattr(self.model, "camera_moves", False) else ()

    @property
    def quantity_text(self) -> str | None:
        """'Always 4 images' for models that ignore quantity (Midjourney)."""
        fixed = getattr(self.model, "fixed_quantity", None)
        return f"Always {fixed} images" if fixed else None

    # --- reading --------------------------------------------------------------------
    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def model(self) -> Any:
        return self.models()[self._model_id]

    def value(self, field: str, default: Any = None) -> Any:
        return self._values.get(field, default)

    def problems(self) -> dict[str, str]:
        return dict(self._problems)

    def visible_problem(self, field: str) -> str | None:
        """The message to show next to ``field``; a required-but-untouched prompt does not
        shout at a user who has not started typing (the Generate button still says why)."""
        if field == "prompt" and "prompt" not in self._touched and not self.value("prompt"):
            return None
        return self._problems.get(field)

    @property
    def cost_label(self) -> str:
        return self._cost

    @property
    def route_text(self) -> str:
        return self._route

    @property
    def submit_blocker(self) -> str | None:
        """None when Generate may be pressed, else the sentence saying why not."""
        return self._blocker

    @property
    def submit_fix(self) -> str:
        """FIX_ADD_ACCOUNT / FIX_ACCOUNTS when a click elsewhere would unblock Generate."""
        return self._fix

    @property
    def engine(self) -> Any:
        return self._engine

    def set_engine(self, engine: FormEngine | None) -> None:
        """A new session's engine (or None when disconnected). Work started for the old
        engine (route preview, event listener) is dropped; the field values stay."""
        self._stop_listening()
        self._route_timer.stop()
        old = self._tasks.pop("route", None)
        if old is not None and not old.done():
            old.cancel()
        self._closed = False
        self._engine = engine
        self._route_block = None
        self._set_route("")
        self._revalidate()

    def _stop_listening(self) -> None:
        if self._listener is not None and not self._listener.done():
            self._listener.cancel()
        self._listener = None

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self) -> None:
        """The tab is going away: stop the debounce timer, cancel every task this form
        started and stop following the engine. Nothing is scheduled afterwards — a timer
        firing after its event loop has closed would start a task on no loop at all."""
        self._closed = True
        self._route_timer.stop()
        self._stop_listening()
        tasks, self._tasks = list(self._tasks.values()), {}
        for task in tasks:
            if not task.done():
                task.cancel()

    # --- editing --------------------------------------------------------------------
    def set_model(self, model_id: str) -> None:
        if model_id not in self.models():
            raise KeyError(model_id)
        if model_id == self._model_id:
            return
        old_values, old_slots = self._values, self._slots
        self._model_id = model_id
        values = self._default_request(model_id)
        for k in ("prompt", "promptOptimization"):
            if k in old_values:
                values[k] = old_values[k]
        for k in self.applicable_fields():
            if k in old_values and self._allowed(k, old_values[k]):
                values[k] = old_values[k]
        self._values = {k: v for k, v in values.items() if k in VALUE_FIELDS}
        self._slots = {s.field: SlotState(s) for s in self.model.slots()}
        # Attached files survive the switch: each keeps its slot when the new model has
        # it, else goes to the first free slot of the new model that takes its kind; what
        # has no place is named in a notice instead of vanishing.
        placed: dict[str, Path] = {}
        leftovers: list[tuple[Path, str | None]] = []
        for field, old in old_slots.items():
            if not old.path:
                continue
            kind = old.info.kind if old.info else None
            state = self._slots.get(field)
            if state is not None and (kind is None or kind in state.spec.kinds):
                placed[field] = old.path
            else:
                leftovers.append((old.path, kind))
        dropped: list[str] = []
        for path, kind in leftovers:
            target = next((f for f, st in self._slots.items() if f not in placed
                           and (kind is None or kind in st.spec.kinds)), None)
            if target is None:
                dropped.append(path.name)
            else:
                placed[target] = path
        self.modelChanged.emit(model_id)
        self.slotsChanged.emit()
        for k, v in self._values.items():
            self.valueChanged.emit(k, v)
        for field, path in placed.items():
            self.set_slot_file(field, path)
        if dropped:
            names = ", ".join(dropped)
            label = getattr(self.model, "label", model_id)
            self.message.emit(f"{label} has no slot for {names}: "
                              f"{'it was' if len(dropped) == 1 else 'they were'} left out.")
        self._revalidate()

    def set_value(self, field: str, value: Any) -> None:
        if field not in VALUE_FIELDS:
            raise KeyError(field)
        self._touched.add(field)
        if self._values.get(field) == value:
            return
        if value is None or value == "":
            self._values.pop(field, None)
        else:
            self._values[field] = value
        self.valueChanged.emit(field, value)
        self._revalidate()

    # --- the request ----------------------------------------------------------------
    def build_request(self) -> dict[str, Any]:
        """Exactly what ``engine.submit`` gets: API field names, local paths in slots."""
        body: dict[str, Any] = {"model": self._model_id}
        prompt = self._values.get("prompt")
        if prompt:
            body["prompt"] = prompt
        if "promptOptimization" in self._values:
            body["promptOptimization"] = bool(self._values["promptOptimization"])
        for k in self.applicable_fields():
            if self._values.get(k) not in (None, ""):
                body[k] = self._values[k]
        for s in self._slots.values():
            if s.path is not None:
                body[s.field] = str(s.path)
        return body

    def load_request(self, request: Mapping[str, Any]) -> None:
        """Fill the form with a previous job's request ("Re-use settings")."""
        model_id = str(request.get("model") or next(iter(self.models())))
        self._model_id = ""  # force a full reset even when the model is the same
        self._values = {}
        self._slots = {}
        self.set_model(model_id)
        for k in VALUE_FIELDS:
            if k in request and (k in ("prompt", "promptOptimization")
                                 or k in self.applicable_fields()):
                self._values[k] = request[k]
                self.valueChanged.emit(k, request[k])
        for s in list(self._slots.values()):
            v = request.get(s.field)
            if isinstance(v, str) and v:
                if Path(v).is_file():
                    self.set_slot_file(s.field, Path(v))
                else:  # a fileID from an older job: kept as is (the engine takes ids too)
                    self._set_slot(replace(s, path=Path(v), status=SlotStatus.OK))
        self._touched.clear()
        self._revalidate()

    # --- validation, cost, route ----------------------------------------------------
    def _revalidate(self) -> None:
        if not self._model_id:
            return
        body = self.build_request()
        problems: dict[str, str] = {}
        for p in self._validate(body):
            key = p.field if (p.field in VALUE_FIELDS or p.field in self._slots) else GENERAL
            problems.setdefault(key, self._readable(p, key))
        for s in self._slots.values():
            if s.status is SlotStatus.REJECTED and s.reason:
                problems[s.field] = s.reason
        clips = [s.info.duration for s in self._slots.values()
                 if s.status is SlotStatus.OK and s.info and s.info.kind in ("video", "audio")]
        total = clips_total_problem(clips)
        if total:
            problems.setdefault(GENERAL, total)
        if problems != self._problems:
            self._problems = problems
            self.problemsChanged.emit()
        cost = self._cost_of(body).label
        if cost != self._cost:
            self._cost = cost
            self.costChanged.emit(cost)
        self._update_blocker()
        if self._engine is not None and not self._closed:
            self._route_timer.start()  # debounced: typing does not ask the engine per key

    def _readable(self, problem: catalog.Problem, key: str) -> str:
        return self.words_for(key, problem.field, problem.message)

    def words_for(self, key: str, field: str, message: str) -> str:
        """A catalog sentence as the form shows it: next to its own widget without the
        field-name prefix; everywhere with slot labels instead of API field names."""
        text = message if key == GENERAL else strip_field_prefix(field, message)
        labels = {f: s.spec.label for f, s in self._slots.items()}
        return plain_fields(text, labels)

    def _blocker_text(self, key: str) -> str:
        slot = self._slots.get(key)
        return f"{slot.spec.label}: {self._problems[key]}" if slot else self._problems[key]

    def _update_blocker(self) -> None:
        reason: str | None = None
        if self._submitting:
            reason = "Submitting…"
        elif any(s.status is SlotStatus.CHECKING for s in self._slots.values()):
            reason = "Checking the files…"
        elif self._problems:
            reason = self._blocker_text(next(iter(self._problems)))
        elif self._engine is None:
            reason = _NOT_CONNECTED
        elif self._route_block is not None:
            reason = self._route_block[0]
        fix = self._route_block[1] if (self._route_block is not None
                                       and reason == self._route_block[0]) else ""
        if reason != self._blocker:
            self._blocker = reason
            self.canSubmitChanged.emit(reason is None, reason or "")
        if fix != self._fix:
            self._fix = fix
            self.fixChanged.emit(fix)

    # --- submit ---------------------------------------------------------------------
    def submit(self) -> bool:
        """Hand the request to the engine. The form keeps its values for the next variation."""
        self._touched.update(("prompt",))
        self.problemsChanged.emit()
        if self._blocker is not None or self._closed:
            return False
        request = self.build_request()
        self._submitting = True
        self._update_blocker()
        self.start("submit", self._submit(request))
        return True

    async def _submit(self, request: dict[str, Any]) -> None:
        engine = self._engine
        try:
            if engine is None:  # the session closed between the click and now
                self.submitFailed.emit(_NOT_CONNECTED)
                return
            # What is known before sending never becomes a failed job: with no account
            # that could take it, Generate turns disabled with the reason instead.
            preview = await engine.preview_route(self.kind, request)
            block = self._block_of(preview)
            if block is not None:
                self._route_block = block
                return
            job = await engine.submit(self.kind, request)
        except Exception as e:
            self.submitFailed.emit(human_error(e))
            return
        finally:
            self._submitting = False
            self._update_blocker()
        self._my_jobs.add(job.id)
        self._last_job = job.id
        self._ensure_listening()
        self.submitted.emit(job)

    # --- async plumbing -------------------------------------------------------------
    def start(self, key: str, coro: Coroutine[Any, Any, Any]) -> Any:
        """Run ``coro``; a new task with the same key replaces the old one. Through the
        app's TaskRunner when there is one (errors reach the notifier), else directly.
        Once the form is closed nothing starts (the coroutine is closed unawaited)."""
        if self._closed:
            _discard(coro)
            return None
        old = self._tasks.pop(key, None)
        if old is not None and not old.done():
            old.cancel()
        try:
            if self._runner is not None:
                task = self._runner.run(coro, key=f"{type(self).__name__}:{id(self)}:{key}")
            else:
                task = asyncio.ensure_future(coro)
        except RuntimeError:  # no event loop any more (Qt delivered a late signal): drop it
            _discard(coro)
            return None
        if isinstance(task, asyncio.Future):
            self._tasks[key] = task
            task.add_done_callback(functools.partial(self._forget, key))
        return task

    def _forget(self, key: str, task: asyncio.Future[Any]) -> None:
        if self._tasks.get(key) is task:
            del self._tasks[key]

    @property
    def busy(self) -> bool:
        """True while a file check, paste, route preview or submit is still running."""
        return any(not t.done() for t in self._tasks.values())

    async def wait_idle(self) -> None:
        """Await every task this form started (tests, and the app before it closes)."""
        while self.busy:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)
