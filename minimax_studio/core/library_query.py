"""Finding items in the library index: the query record, the search text the FTS index
holds and the safe FTS5 query made from what a person types, the keyset page cursor, and
the SQL for one page and for a (capped) count. ``core.library`` runs these on its
database thread."""

from __future__ import annotations

import base64
import binascii
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

Sort = Literal["newest", "oldest"]
#: Words used from a search text; more only slows the query without narrowing it usefully.
MAX_SEARCH_TERMS = 12


class LibraryError(Exception):
    """A library operation failed; ``message`` is a readable sentence."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidCursorError(LibraryError):
    pass


@dataclass(frozen=True)
class LibraryQuery:
    text: str | None = None
    kind: str | None = None
    model: str | None = None
    favorite: bool | None = None
    date_from: datetime | None = None  # inclusive
    date_to: datetime | None = None  # exclusive
    sort: Sort = "newest"
    source: str | None = None  # app / batch / import / agent
    account: str | None = None


def _utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    # A naive datetime is taken as UTC: every datetime in the app is UTC unless it says so.
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _micros(value: datetime) -> int:
    v = _utc(value)
    assert v is not None
    delta = v - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


_WORD = re.compile(r"\w+", re.UNICODE)
# Han, kana and compatibility ideographs: scripts written without spaces between words.
_CJK = re.compile(
    "([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f])"
)


def _split_cjk(text: str) -> str:
    return _CJK.sub(r" \1 ", text)


def search_text(prompt: str, tags: Iterable[str]) -> str:
    """What the FTS index holds for an item (CJK split into one token per character)."""
    return _split_cjk("\n".join([prompt, *tags]))


def fts_query(text: str | None) -> str | None:
    """User text -> a safe FTS5 query: every word must appear (stemmed, so "cats" finds
    "cat"); a CJK run must appear as written (a phrase of its characters). User text
    never reaches MATCH raw, so quotes, ``NEAR``, ``*`` or a column filter typed into the
    search box cannot raise a syntax error.

    None only for blank text (no search). Text with no letters or digits (``"``, ``*``, an
    emoji) gives the empty phrase ``""``, which matches nothing: the index holds no token
    made of such characters, and None would list the whole library."""
    terms: list[str] = []
    for word in _WORD.findall(text or ""):
        parts = _split_cjk(word).split()
        terms.append('"' + " ".join(parts) + '"')
        if len(terms) >= MAX_SEARCH_TERMS:
            break
    if terms:
        return " AND ".join(terms)
    return '""' if (text or "").strip() else None


def encode_cursor(sort: str, key: int, total: int, exact: bool) -> str:
    raw = json.dumps([1, sort, key, total, exact], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str) -> tuple[int, int, bool]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        version, c_sort, key, total, exact = json.loads(raw)
        if version != 1 or not isinstance(key, int) or not isinstance(total, int):
            raise ValueError
    # RecursionError: json.loads of a deeply nested (hand-made) cursor.
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidCursorError("This page link is no longer valid; reload the gallery.") from exc
    if c_sort != sort:
        raise InvalidCursorError("The sort order changed; reload the gallery from the top.")
    return key, total, bool(exact)


# --- query building ---------------------------------------------------------------------

def _filters(q: LibraryQuery, alias: str) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if q.kind is not None:
        where.append(f"{alias}.kind = ?")
        params.append(q.kind)
    if q.model is not None:
        where.append(f"{alias}.model = ?")
        params.append(q.model)
    if q.favorite is not None:
        # A literal, not a parameter: only then can SQLite use the favorites-only index.
        where.append(f"{alias}.favorite = {1 if q.favorite else 0}")
    if q.date_from is not None:
        where.append(f"{alias}.id >= ?")
        params.append(_micros(q.date_from))
    if q.date_to is not None:
        where.append(f"{alias}.id < ?")
        params.append(_micros(q.date_to))
    # No index on source/account: they only narrow a walk that the id order already drives
    # (a page stops after `limit` matches), and the gallery uses them rarely.
    if q.source is not None:
        where.append(f"{alias}.source = ?")
        params.append(q.source)
    if q.account is not None:
        where.append(f"{alias}.account = ?")
        params.append(q.account)
    return where, params


def select_page(conn: sqlite3.Connection, q: LibraryQuery, after: int | None,
                 limit: int) -> list[sqlite3.Row]:
    desc = q.sort == "newest"
    where, params = _filters(q, "i")
    match = fts_query(q.text)
    if after is not None:
        where.append("i.id < ?" if desc else "i.id > ?")
        params.append(after)
    order = "DESC" if desc else "ASC"
    if match is None:
        sql = "SELECT i.* FROM items AS i"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += f" ORDER BY i.id {order} LIMIT ?"
        return conn.execute(sql, [*params, limit]).fetchall()
    # Drive the search from the FTS index, walking its rowid (= item id) in page order,
    # so a common word stops after one page instead of sorting every match.
    fts_where = ["items_fts MATCH ?"]
    fts_params: list[Any] = [match]
    if after is not None:
        fts_where.append("f.rowid < ?" if desc else "f.rowid > ?")
        fts_params.append(after)
    sql = (
        "SELECT i.* FROM items_fts AS f CROSS JOIN items AS i ON i.id = f.rowid"
        f" WHERE {' AND '.join(fts_where + where)}"
        f" ORDER BY f.rowid {order} LIMIT ?"
    )
    return conn.execute(sql, [*fts_params, *params, limit]).fetchall()


def _counter_key(q: LibraryQuery) -> str | None:
    """The item_counts key holding this query's total, if one does."""
    if fts_query(q.text) is not None or q.date_from is not None or q.date_to is not None:
        return None
    if q.source is not None or q.account is not None:  # not counted by the triggers
        return None
    if q.kind is not None and q.model is not None:
        return None
    prefix = {None: "", True: "favorite "}.get(q.favorite)
    if prefix is None:  # favorite=False: not counted separately
        return None
    if q.kind is not None:
        return f"{prefix}kind:{q.kind}"
    if q.model is not None:
        return f"{prefix}model:{q.model}"
    return "favorite" if q.favorite else "all"


def count_matches(conn: sqlite3.Connection, q: LibraryQuery, cap: int | None) -> tuple[int, bool]:
    """(count, exact). With ``cap``, stops after ``cap`` matches and reports (cap, False)."""
    key = _counter_key(q)
    if key is not None:
        row = conn.execute("SELECT n FROM item_counts WHERE key = ?", (key,)).fetchone()
        return (int(row[0]) if row else 0), True
    match = fts_query(q.text)
    where, params = _filters(q, "i")
    if match is None:
        inner = "SELECT 1 FROM items AS i" + (" WHERE " + " AND ".join(where) if where else "")
    elif not where:
        inner = "SELECT 1 FROM items_fts WHERE items_fts MATCH ?"
        params = [match]
    else:
        inner = ("SELECT 1 FROM items_fts AS f CROSS JOIN items AS i ON i.id = f.rowid"
                 f" WHERE items_fts MATCH ? AND {' AND '.join(where)}")
        params = [match, *params]
    if cap is not None:
        inner += f" LIMIT {int(cap) + 1}"
    n = int(conn.execute(f"SELECT COUNT(*) FROM ({inner})", params).fetchone()[0])
    if cap is not None and n > cap:
        return cap, False
    return n, True
