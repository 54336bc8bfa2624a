"""The job journal's schema, as the list of migrations that build it (see ``core.db``)."""

from __future__ import annotations

# Each entry migrates from version i to i + 1 (core.db). Never edit a shipped entry: append one.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        request TEXT NOT NULL,
        account TEXT,
        pinned_account TEXT,
        route_reason TEXT,
        remote_ids TEXT NOT NULL DEFAULT '[]',
        file_ids TEXT NOT NULL DEFAULT '{}',
        progress INTEGER,
        reason TEXT,
        cost TEXT,
        create_sent_at TEXT,
        downloads TEXT NOT NULL DEFAULT '{}',
        remote_status TEXT NOT NULL DEFAULT '{}',
        library_item_ids TEXT NOT NULL DEFAULT '[]',
        batch_key TEXT,
        batch_row INTEGER,
        source TEXT NOT NULL DEFAULT 'app',
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        removed_at TEXT
    );
    CREATE INDEX jobs_state ON jobs(state);
    CREATE INDEX jobs_batch ON jobs(batch_key, batch_row);
    CREATE TABLE job_history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        job_id INTEGER NOT NULL,
        at TEXT NOT NULL,
        state TEXT NOT NULL,
        event TEXT NOT NULL,
        message TEXT,
        progress INTEGER,
        account TEXT
    );
    CREATE INDEX job_history_job ON job_history(job_id, id);
    CREATE TABLE file_ids (
        account TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        file_id TEXT NOT NULL,
        size INTEGER,
        uploaded_at TEXT NOT NULL,
        PRIMARY KEY (account, sha256)
    );
    CREATE TABLE account_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        at TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT
    );
    """,
    # 2: per-job ownership leases (who runs an unfinished job; see the module docstring).
    # Columns on ``jobs`` rather than a ``job_leases`` table: a claim, a guarded save and a
    # release are then each one UPDATE of the job's own row — atomic without joins, and a
    # new job is born owned in its INSERT. An older app refuses this file (schema too new),
    # so no process that ignores leases can open it.
    """
    ALTER TABLE jobs ADD COLUMN owner TEXT;
    ALTER TABLE jobs ADD COLUMN lease_until REAL;
    CREATE INDEX jobs_owner ON jobs(owner);
    """,
    # 3: who owns a remote job, and which job a sheet's row is (issue 9: never pay twice).
    # Tables with primary keys rather than checks in Python: two processes (two batches on
    # one sheet, a window reconciling while a batch creates) decide in one INSERT whose
    # constraint SQLite enforces across connections. Filled from what the journal already
    # knows; where an older version let two jobs share one remote id or one row, the first
    # job keeps it (INSERT OR IGNORE in id order).
    """
    CREATE TABLE remote_claims (
        remote_id TEXT PRIMARY KEY,
        job_id INTEGER NOT NULL
    );
    INSERT OR IGNORE INTO remote_claims (remote_id, job_id)
        SELECT j.value, jobs.id FROM jobs, json_each(jobs.remote_ids) AS j
        WHERE jobs.remote_ids != '[]' ORDER BY jobs.id;
    CREATE TABLE batch_rows (
        batch_key TEXT NOT NULL,
        batch_row INTEGER NOT NULL,
        job_id INTEGER NOT NULL,
        PRIMARY KEY (batch_key, batch_row)
    );
    INSERT OR IGNORE INTO batch_rows (batch_key, batch_row, job_id)
        SELECT batch_key, batch_row, id FROM jobs
        WHERE batch_key IS NOT NULL AND batch_row IS NOT NULL ORDER BY id;
    """,
]
