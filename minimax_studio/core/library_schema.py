"""The library index's schema, and why it looks the way it does.

An item's ``id`` is its creation time in microseconds since the epoch, nudged by a
microsecond or two when two items share the same instant so it stays unique. Being the
rowid, it is also the order rows sit in on disk. That buys, at 100 000 items:

* keyset paging is ``id < :last`` on the table itself — no OFFSET, no (time, id) pairs —
  and a page of 100 neighbours is read from a handful of adjacent pages;
* a date filter is an ``id`` range;
* the FTS5 table shares the rowid, so a text search walks matches newest first
  (``ORDER BY rowid DESC``) and stops after one page instead of sorting every match;
* kind / model / favorite indexes keep rowid order within each key, so a filtered page
  is a walk too.

Totals for the common gallery views (everything, one kind, one model, favorites, favorites
of one kind or model) come from ``item_counts``, kept exact by triggers, because
``COUNT(*)`` over 100 000 rows costs more than the page itself. Other filters and text
searches count at most ``library.COUNT_CAP`` matches ("1000+ items"), for the same reason.

``kind``, ``model`` and ``id`` never change after insert (no trigger moves their counters
or FTS rows on UPDATE).
"""

from __future__ import annotations

# Entry i migrates version i -> i + 1. Never edit a shipped entry: append one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        prompt TEXT NOT NULL DEFAULT '',
        model TEXT NOT NULL DEFAULT '',
        request TEXT NOT NULL DEFAULT '{}',
        options TEXT NOT NULL DEFAULT '{}',
        account TEXT,
        job_id INTEGER,
        remote_id TEXT,
        file_id TEXT,
        width INTEGER,
        height INTEGER,
        duration REAL,
        path TEXT NOT NULL,
        thumb_path TEXT,
        created_at TEXT NOT NULL,
        finished_at TEXT,
        favorite INTEGER NOT NULL DEFAULT 0,
        tags TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT 'app',
        search_text TEXT NOT NULL DEFAULT ''
    );
    CREATE UNIQUE INDEX items_remote ON items(remote_id) WHERE remote_id IS NOT NULL;
    CREATE INDEX items_kind ON items(kind);
    CREATE INDEX items_model ON items(model);
    CREATE INDEX items_fav ON items(favorite) WHERE favorite = 1;
    CREATE INDEX items_fav_kind ON items(kind) WHERE favorite = 1;
    CREATE INDEX items_fav_model ON items(model) WHERE favorite = 1;
    CREATE INDEX items_job ON items(job_id) WHERE job_id IS NOT NULL;

    -- What text search sees: the prompt and the tags, with CJK text split into single
    -- characters (computed in Python, see library.search_text): unicode61 keeps a run of
    -- Chinese or Japanese as one token, so "猫" would never find "一只猫在走".
    -- Words match whole and stemmed (porter: "cats" finds "cat"): an exact term streams
    -- from the index newest-first, where a prefix query would merge every matching term.
    CREATE VIRTUAL TABLE items_fts USING fts5(
        search_text,
        content='items', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    );

    CREATE TABLE item_counts (key TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;

    CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
        INSERT INTO items_fts(rowid, search_text) VALUES (new.id, new.search_text);
        INSERT INTO item_counts(key, n) VALUES ('all', 1), ('kind:' || new.kind, 1),
            ('model:' || new.model, 1)
            ON CONFLICT(key) DO UPDATE SET n = n + 1;
        INSERT INTO item_counts(key, n)
            SELECT value, 1 FROM (SELECT 'favorite' AS value UNION ALL
                                  SELECT 'favorite kind:' || new.kind UNION ALL
                                  SELECT 'favorite model:' || new.model)
            WHERE new.favorite = 1
            ON CONFLICT(key) DO UPDATE SET n = n + 1;
    END;

    CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        UPDATE item_counts SET n = n - 1
            WHERE key IN ('all', 'kind:' || old.kind, 'model:' || old.model);
        UPDATE item_counts SET n = n - 1 WHERE old.favorite = 1
            AND key IN ('favorite', 'favorite kind:' || old.kind, 'favorite model:' || old.model);
    END;

    CREATE TRIGGER items_au_text AFTER UPDATE OF search_text ON items BEGIN
        INSERT INTO items_fts(items_fts, rowid, search_text)
            VALUES ('delete', old.id, old.search_text);
        INSERT INTO items_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END;

    CREATE TRIGGER items_au_fav AFTER UPDATE OF favorite ON items
        WHEN old.favorite != new.favorite BEGIN
        INSERT INTO item_counts(key, n)
            VALUES ('favorite', 0), ('favorite kind:' || new.kind, 0),
                   ('favorite model:' || new.model, 0)
            ON CONFLICT(key) DO NOTHING;
        UPDATE item_counts SET n = n + (CASE WHEN new.favorite = 1 THEN 1 ELSE -1 END)
            WHERE key IN ('favorite', 'favorite kind:' || new.kind,
                          'favorite model:' || new.model);
    END;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
