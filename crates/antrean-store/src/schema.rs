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
    // Fewer B-trees touched per new ticket (each is a page rewritten per
    // commit): the table is keyed by its code (time-ordered, so new rows
    // append) instead of a rowid plus a code index; the number's uniqueness
    // is the domain's rule and is not indexed; the finished index holds
    // finished tickets only.
    r#"
CREATE TABLE tickets_by_code (
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
    document       TEXT
) WITHOUT ROWID;
INSERT INTO tickets_by_code
    SELECT code, office, day, number, seq_no, number_service, service, priority, channel, status,
           issued_at_ns, called_at_ns, started_at_ns, finished_at_ns, counter, target_counter, calls, document
    FROM tickets;
DROP TABLE tickets;
ALTER TABLE tickets_by_code RENAME TO tickets;
CREATE INDEX tickets_active ON tickets (office, day, status);
CREATE INDEX tickets_finished ON tickets (office, status, finished_at_ns) WHERE finished_at_ns IS NOT NULL;
"#,
    // Services whose issuing staff stopped, with the message for citizens.
    r#"
CREATE TABLE service_stops (
    office  TEXT NOT NULL,
    service TEXT NOT NULL,
    message TEXT NOT NULL,
    PRIMARY KEY (office, service)
) WITHOUT ROWID;
"#,
    // Texts of an office that staff set, over the configured ones.
    r#"
CREATE TABLE office_texts (
    office       TEXT PRIMARY KEY,
    running_text TEXT
) WITHOUT ROWID;
"#,
    // Each office's configuration, as its `configured` events made it.
    r#"
CREATE TABLE office_configs (
    office TEXT PRIMARY KEY,
    config TEXT NOT NULL  -- the OfficeDef as JSON
) WITHOUT ROWID;
"#,
    // Accounts an office manages itself: disabled users, one-time
    // passwords, the last sign-in; devices with an id of their own (to be
    // renamed and revoked), their last contact and settings. And the clerk
    // holding each counter.
    r#"
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_sign_in_ns INTEGER;
ALTER TABLE counters ADD COLUMN clerk TEXT;  -- who holds the counter
CREATE INDEX sessions_user ON sessions (user_id);
CREATE TABLE devices_by_id (
    id            INTEGER PRIMARY KEY,
    token_hash    TEXT    NOT NULL UNIQUE,
    name          TEXT    NOT NULL,
    office        TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    created_at_ns INTEGER NOT NULL,
    last_seen_ns  INTEGER,
    settings      TEXT    NOT NULL DEFAULT '{}',  -- DeviceSettings as JSON
    UNIQUE (office, name)
);
INSERT INTO devices_by_id (token_hash, name, office, kind, created_at_ns)
    SELECT token_hash, name, office, kind, created_at_ns FROM devices ORDER BY created_at_ns;
DROP TABLE devices;
ALTER TABLE devices_by_id RENAME TO devices;
"#,
    // Whether staff vouch for a ticket's priority: a reason claimed online
    // waits as regular until staff confirm it in the hall. Tickets issued
    // before this rule had theirs at once.
    "ALTER TABLE tickets ADD COLUMN priority_confirmed INTEGER NOT NULL DEFAULT 1;",
    // The survey's free-text suggestion, when the citizen wrote one.
    "ALTER TABLE surveys ADD COLUMN suggestion TEXT;",
    // Personal data kept apart from the events' bodies, erasable without
    // touching the chain (see personal.rs); and the priority tickets per
    // reason, which stay when the reasons are erased.
    r#"
CREATE TABLE personal (
    event_id INTEGER PRIMARY KEY,  -- events.id
    code     TEXT,                 -- the ticket it is about
    salt     TEXT NOT NULL,
    data     TEXT NOT NULL         -- JSON object: field path -> value
);
CREATE INDEX personal_code ON personal (code);
CREATE TABLE priority_days (
    office    TEXT    NOT NULL,
    day       TEXT    NOT NULL,
    service   TEXT    NOT NULL,    -- the service that numbered the ticket
    reason    TEXT    NOT NULL,
    claimed   INTEGER NOT NULL,
    confirmed INTEGER NOT NULL,
    PRIMARY KEY (office, day, service, reason)
) WITHOUT ROWID;
"#,
    // When the server last started: written at every start, which proves
    // the database can be written before anything is served.
    "CREATE TABLE started (id INTEGER PRIMARY KEY CHECK (id = 1), at_ns INTEGER NOT NULL);",
];

/// The schema version this build makes (`PRAGMA user_version`): a database
/// of a later one was made by a newer Antrean.
pub(crate) const VERSION: usize = MIGRATIONS.len();

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

/// The schema version of the database on `conn` (0: a new one).
pub(crate) fn version(conn: &Connection) -> Result<usize> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

pub(crate) fn migrate(conn: &Connection) -> Result<()> {
    migrate_to(conn, VERSION)
}

fn migrate_to(conn: &Connection, target: usize) -> Result<()> {
    let version: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().take(target).skip(version) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tickets_keep_their_rows_when_the_table_is_rebuilt() -> Result<()> {
        let conn = Connection::open_in_memory()?;
        migrate_to(&conn, 3)?;
        conn.execute_batch(
            "INSERT INTO tickets (code, office, day, number, seq_no, number_service, service, priority, channel, status, issued_at_ns, called_at_ns, finished_at_ns, counter, calls, document)
             VALUES ('c1', 'o', '2026-11-28', 'A001', 1, 'a', 'a', NULL, 'online', 'done', 1, 2, 3, 'k1', 1, 'ready'),
                    ('c2', 'o', '2026-11-28', 'A002', 2, 'a', 'a', 'elderly', 'kiosk', 'waiting', 4, NULL, NULL, NULL, 0, NULL);",
        )?;
        migrate(&conn)?;
        type Row = (String, Option<String>, Option<i64>, Option<String>);
        let rows: Vec<Row> = conn
            .prepare("SELECT code, priority, finished_at_ns, document FROM tickets ORDER BY code")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        assert_eq!(
            rows,
            vec![
                ("c1".into(), None, Some(3), Some("ready".into())),
                ("c2".into(), Some("elderly".into()), None, None),
            ]
        );
        let indexes: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('tickets_active', 'tickets_finished')",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(indexes, 2);
        Ok(())
    }
}
