"""What every resource group shares: a handle on the client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from ..errors import MalformedResponseError
from ..models import APIModel, parse, parse_list
from ..redact import redact_value

M = TypeVar("M", bound=APIModel)

if TYPE_CHECKING:
    from ..client import MiniMaxClient


class Resource:
    def __init__(self, client: MiniMaxClient) -> None:
        self._client = client

    # A 2xx body that does not fit is kept on the error for the log - minus any secret.
    def _parse(self, model: type[M], data: Any, *, what: str) -> M:
        try:
            return parse(model, data, what=what)
        except MalformedResponseError as exc:
            exc.body = redact_value(exc.body, self._client.secrets)
            raise

    def _parse_list(self, model: type[M], data: Any, *, what: str,
                    key: str | None = None) -> list[M]:
        try:
            return parse_list(model, data, what=what, key=key)
        except MalformedResponseError as exc:
            exc.body = redact_value(exc.body, self._client.secrets)
            raise


# RFC 3986 pchar minus '/': ':' must stay raw (useapi's scripts warn never to encode it);
# '/', '?', '#', '%', spaces and the like are encoded so an odd id can never change the route.
_SEGMENT_SAFE = ":@-._~!$&'()*+,;="


def segment(value: str) -> str:
    """One URL path segment made from an id, ``:`` kept raw."""
    return quote(str(value), safe=_SEGMENT_SAFE)
