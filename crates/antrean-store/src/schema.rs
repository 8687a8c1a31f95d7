//! The schema and its migrations, applied in order on open.

use std::path::Path;

use rusqlite::Connection;

use crate::Result;

/// Each entry moves the schema one version on; never edit a shipped one.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE events (
    id        INTEGER PRIMARY KEY,      -- order of the hash chain
    office    TEXT    NOT NULL,
    seq       INTEGER NOT NULL,         -- per office, gap-free
    at_ns     INTEGER NOT NULL,
    kind      TEXT    NOT NULL,
    body      TEXT    NOT NULL,         -- the event as JSON
    actor     TEXT,                     -- signed-in user or device, if any
    prev_hash TEXT    NOT NULL,
    hash      TEXT    NOT NULL,
    UNIQUE (office, seq)
);
CREATE TABLE tickets (
    code           TEXT PRIMARY KEY,
    office         TEXT    NOT NULL,
    day            TEXT    NOT NULL,
    number         TEXT    NOT NULL,
    seq_no         INTEGER NOT NULL,
    number_service TEXT    NOT NULL,
    service        TEXT    NOT NULL,
    priority       TEXT,
    channel        TEXT    NOT NULL,
    status         TEXT    NOT NULL,
    issued_at_ns   INTEGER NOT NULL,
    called_at_ns   INTEGER,
    started_at_ns  INTEGER,
    finished_at_ns INTEGER,
    counter        TEXT,
    target_counter TEXT,
    calls          INTEGER NOT NULL DEFAULT 0,
    UNIQUE (office, day, number)
);
CREATE INDEX tickets_active ON tickets (office, day, status);
CREATE INDEX tickets_finished ON tickets (office, status, finished_at_ns);
CREATE TABLE service_days (
    office   TEXT    NOT NULL,
    day      TEXT    NOT NULL,
    service  TEXT    NOT NULL,
    next_seq INTEGER NOT NULL,
    total    INTEGER NOT NULL,
    online   INTEGER NOT NULL,
    PRIMARY KEY (office, day, service)
);
CREATE TABLE counters (
    office         TEXT NOT NULL,
    id             TEXT NOT NULL,
    status         TEXT NOT NULL,
    reason         TEXT,
    current        TEXT,
    regular_streak INTEGER NOT NULL,
    PRIMARY KEY (office, id)
);
CREATE TABLE office_days (
    office TEXT PRIMARY KEY,
    day    TEXT NOT NULL
);
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL,
    office        TEXT,
    created_at_ns INTEGER NOT NULL
);
CREATE TABLE sessions (
    token_hash    TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at_ns INTEGER NOT NULL
);
CREATE TABLE devices (
    token_hash    TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    office        TEXT NOT NULL,
    kind          TEXT NOT NULL,
    created_at_ns INTEGER NOT NULL,
    UNIQUE (office, name)
);
"#,
    // The status of the document applied for, after the counter.
    "ALTER TABLE tickets ADD COLUMN document TEXT;",
    // IKM answers: anonymous (no link to a person), one per ticket.
    r#"
CREATE TABLE surveys (
    code    TEXT PRIMARY KEY,
    office  TEXT NOT NULL,
    service TEXT NOT NULL,
    day     TEXT NOT NULL,
    answers TEXT NOT NULL  -- JSON array of nine scores 1-4 or null
);
CREATE INDEX surveys_office_day ON surveys (office, day);
"#,
];

/// Opens a connection with the settings every connection needs: WAL so that
/// readers never block the writer, `synchronous=FULL` so that a commit is on
/// disk when it returns, and a busy timeout instead of instant errors.
pub(crate) fn connect(path: &Path) -> Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    Ok(conn)
}

pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(version) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}
