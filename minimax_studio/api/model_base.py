"""What every response model shares: the lenient scalar types (a number that only
decorates the UI and is not a number becomes ``None``), ``APIModel`` (every field
optional, unknown fields kept) and the parsers that turn a mismatch into a readable
``MalformedResponseError``. The models themselves are in ``api.models``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from .errors import MalformedResponseError

# --- lenient scalar types -------------------------------------------------------------


def _lenient_number(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value == value and abs(value) != float("inf") else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if number == number and abs(number) != float("inf") else None
    return None


def _lenient_int(value: Any) -> int | None:
    number = _lenient_number(value)
    if number is None or abs(number) > 1e18:
        return None
    return int(number)


def _lenient_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
        return value.strip().lower() in ("true", "1")
    return None


def _lenient_list(value: Any) -> Any:
    # A list field that arrives as null/absent/other stays empty instead of failing.
    return value if isinstance(value, list) else []


def _started(value: Any) -> float | str | None:
    # The scheduler docs type ``started`` as number but every example is an ISO string.
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _lenient_number(value)
    if isinstance(value, str):
        return value
    return None


LenientFloat = Annotated[float | None, BeforeValidator(_lenient_number)]
LenientInt = Annotated[int | None, BeforeValidator(_lenient_int)]
LenientBool = Annotated[bool | None, BeforeValidator(_lenient_bool)]
Started = Annotated[float | str | None, BeforeValidator(_started)]


class APIModel(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, coerce_numbers_to_str=True)


M = TypeVar("M", bound=APIModel)


def parse(model: type[M], data: Any, *, what: str = "answer") -> M:
    """Validate ``data`` as ``model``; a mismatch becomes ``MalformedResponseError``."""
    if not isinstance(data, dict):
        raise MalformedResponseError(
            f"The server's {what} was not the JSON object expected (got {_kind(data)}).",
            body=data, endpoint=what)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors(include_input=False, include_url=False)
    # Raised outside the except block: the ValidationError (which quotes the input) must
    # not ride along as __context__.
    where = ".".join(str(p) for p in errors[0]["loc"]) if errors else "?"
    why = errors[0]["msg"] if errors else "invalid"
    raise MalformedResponseError(
            f"The server's {what} has an unexpected value in '{where or '?'}': {why}.",
            body=data, endpoint=what) from None


def parse_list(model: type[M], data: Any, *, what: str = "answer", key: str | None = None) -> list[M]:
    """A JSON array of ``model``. ``key`` also accepts ``{key: [...]}`` wrappers."""
    if key is not None and isinstance(data, dict) and isinstance(data.get(key), list):
        data = data[key]
    if not isinstance(data, list):
        raise MalformedResponseError(
            f"The server's {what} was not the JSON list expected (got {_kind(data)}).",
            body=data, endpoint=what)
    return [parse(model, item, what=what) for item in data]


def _kind(data: Any) -> str:
    if data is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "text", bool: "true/false"}.get(
        type(data), "a number" if isinstance(data, int | float) else type(data).__name__)


def parse_time(value: Any) -> datetime | None:
    """ISO string, epoch seconds or epoch milliseconds -> aware UTC datetime."""
    if isinstance(value, bool) or value is None or value == "":
        return None
    if isinstance(value, int | float):
        seconds = value / 1000 if abs(value) > 1e11 else value
        try:
            return datetime.fromtimestamp(seconds, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            number = _lenient_number(value)
            return parse_time(number) if number is not None else None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None
