//! The writer thread: the only write connection, and group commit.
//!
//! Jobs queue on a channel. The thread takes everything queued, and whatever
//! arrives while it writes, in one transaction (account changes each in a
//! savepoint, so a refused one fails alone; events, which fail only when
//! storage does, fail the batch), commits once (`synchronous=FULL`: one
//! fsync), and only then calls each job's [`Done`] in order. Under load one
//! fsync carries many jobs; alone a job waits for one fsync.
//!
//! Fail-stop: when an office's events cannot be written, that office is
//! marked failed and its later jobs are refused until it sends
//! [`Writer::reset`] after rebuilding itself from the database, so memory never
//! runs ahead of the disk.
//!
//! Health: [`Writer::health`] says whether the thread runs and its last
//! transaction went through, from two flags the thread keeps (a load
//! balancer's probe and the offices read them, never the database). After a
//! failure the thread tries a write every [`PROBE_EVERY`] while nothing
//! else comes, so that the flag clears once the database takes writes
//! again even when nobody writes. An [`Observer`] is told the size and
//! times of every transaction (the server's metrics).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

use antrean_core::{AccountChange, Actor, Change, Event, EventKind, Ticket};
use rusqlite::{params, Connection, OptionalExtension, Transaction, TransactionBehavior};

use crate::chain::{self, AuditKey};
use crate::{to_ns, Result, StoreError};

/// Called on the writer thread once the job is durable (or failed). Keep it
/// short: send on a channel, broadcast, nothing blocking.
pub type Done = Box<dyn FnOnce(Result<()>) + Send>;

/// A write that needs a transaction of its own kind (sessions...).
pub type Exec = Box<dyn FnOnce(&Transaction<'_>) -> Result<()> + Send>;

/// A change outside the offices (accounts and devices, erasures of
/// personal data): it updates its tables and says what it did, which is
/// appended to its log in the same savepoint (nothing when it returns
/// `None`).
pub type LoggedExec = Box<dyn FnOnce(&Transaction<'_>) -> Result<Option<Logged>> + Send>;

/// An entry of a log outside the offices: its kind and its body as JSON.
#[derive(Debug)]
pub struct Logged {
    pub kind: &'static str,
    pub body: String,
}

/// The key of the accounts log in the `events` table, where an office's
/// id would be: no office id starts with `@`.
pub const ACCOUNTS_LOG: &str = "@accounts";

enum Job {
    Events {
        office: String,
        /// As the audit log stores it (`user:NAME`...).
        actor: Option<String>,
        events: Vec<Event>,
        done: Done,
    },
    Exec {
        exec: Exec,
        done: Done,
    },
    Logged {
        log: &'static str,
        actor: String,
        exec: LoggedExec,
        done: Done,
    },
    Reset {
        office: String,
    },
}

/// Handle to the writer thread. Cloning is cheap; the thread ends when the
/// last handle is dropped, after writing what was queued.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Job>,
    shared: Arc<Shared>,
}

/// What the handles and the thread share: its health, and who watches its
/// transactions.
#[derive(Default)]
struct Shared {
    /// The thread has ended (or panicked): nothing will be written.
    stopped: AtomicBool,
    /// The last transaction, or the last probe after one, failed.
    failing: AtomicBool,
    observer: OnceLock<Arc<dyn Observer>>,
}

/// Whether the database takes writes, as far as the writer knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// The thread runs and its last transaction committed.
    Writing,
    /// The last transaction failed (the database locked by another
    /// process, the disk full or read-only); probed again until one
    /// commits.
    Failing,
    /// The thread has ended: nothing is written any more.
    Stopped,
}

/// Told of every transaction the writer ends, on its thread: keep it
/// short (atomics, a histogram).
pub trait Observer: Send + Sync {
    /// A transaction of `jobs` jobs committed: written in `write`, then
    /// made durable by its COMMIT (the WAL's append and fsync) in `sync`.
    fn committed(&self, jobs: usize, write: Duration, sync: Duration);
    /// A transaction failed: none of its jobs is on disk.
    fn failed(&self);
}

/// Marks the writer stopped when its thread ends, also by a panic.
struct Running(Arc<Shared>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.stopped.store(true, Ordering::Release);
    }
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Writer")
    }
}

/// At most this many jobs share one commit, so that the first of a long queue
/// does not wait for all of them.
const MAX_BATCH: usize = 2048;

/// How long the writer waits for another program's write lock (`antrean
/// user add` holds it for milliseconds) before the batch fails: short, as
/// the office's reads wait for its pending events meanwhile.
const BUSY: Duration = Duration::from_secs(1);

/// While writes fail, how often the writer tries whether the database
/// takes them again.
pub const PROBE_EVERY: Duration = Duration::from_secs(1);

impl Writer {
    pub(crate) fn start(conn: Connection, key: AuditKey) -> Result<Writer> {
        conn.busy_timeout(BUSY)?;
        let (tx, rx) = mpsc::channel();
        let shared = Arc::new(Shared::default());
        let running = Running(Arc::clone(&shared));
        std::thread::Builder::new()
            .name("antrean-writer".into())
            .spawn(move || run(conn, rx, key, running))
            .map_err(|_| StoreError::WriterGone)?;
        Ok(Writer { tx, shared })
    }

    /// Whether the database takes writes: from the thread's flags, without
    /// touching the database. Offices refuse changes at once while it is
    /// not [`Health::Writing`], so that their memory stays what the disk
    /// holds and reads go on being answered.
    pub fn health(&self) -> Health {
        if self.shared.stopped.load(Ordering::Acquire) {
            Health::Stopped
        } else if self.shared.failing.load(Ordering::Acquire) {
            Health::Failing
        } else {
            Health::Writing
        }
    }

    /// Tells `observer` of every transaction from now on. A writer has one
    /// observer: the first stays (the server sets one, at its start).
    pub fn observe(&self, observer: Arc<dyn Observer>) {
        let _ = self.shared.observer.set(observer);
    }

    /// Appends an office's events (and the state they imply) with who caused
    /// them (`None`: nobody recorded, as for anonymous survey answers);
    /// `done` runs when they are on disk. Events must continue the office's
    /// seq.
    pub fn append(&self, office: &str, actor: Option<Actor>, events: Vec<Event>, done: Done) {
        self.send(Job::Events {
            office: office.to_owned(),
            // Formatted here, on the caller's thread, not on the one writer.
            actor: actor.map(|a| a.to_string()),
            events,
            done,
        });
    }

    /// Runs `exec` in the next commit; `done` runs when it is on disk.
    pub fn exec(&self, exec: Exec, done: Done) {
        self.send(Job::Exec { exec, done });
    }

    /// Runs `exec` and appends the change it returns to the accounts log,
    /// with `actor`, in the next commit; `done` runs when it is on disk.
    pub fn account(
        &self,
        actor: &Actor,
        exec: impl FnOnce(&Transaction<'_>) -> Result<AccountChange> + Send + 'static,
        done: Done,
    ) {
        self.logged(
            ACCOUNTS_LOG,
            actor,
            Box::new(move |t| {
                let change = exec(t)?;
                let body = serde_json::to_string(&change)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                Ok(Some(Logged {
                    kind: change.name(),
                    body,
                }))
            }),
            done,
        );
    }

    /// Runs `exec` and appends what it returns to `log`, numbered after
    /// the log's last entry on disk, with `actor`, in the next commit;
    /// `done` runs when it is on disk.
    pub fn logged(&self, log: &'static str, actor: &Actor, exec: LoggedExec, done: Done) {
        self.send(Job::Logged {
            log,
            actor: actor.to_string(),
            exec,
            done,
        });
    }

    /// Waits, from a non-async thread or `spawn_blocking`, for `exec` to be
    /// committed.
    pub fn exec_blocking<T: Send + 'static>(
        &self,
        exec: impl FnOnce(&Transaction<'_>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = mpsc::sync_channel(1);
        let (vtx, vrx) = mpsc::sync_channel(1);
        self.exec(
            Box::new(move |t| {
                let v = exec(t)?;
                let _ = vtx.send(v);
                Ok(())
            }),
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        rx.recv().map_err(|_| StoreError::WriterGone)??;
        vrx.recv().map_err(|_| StoreError::WriterGone)
    }

    /// The office rebuilt itself from the database after a failure: accept
    /// its events again.
    pub fn reset(&self, office: &str) {
        self.send(Job::Reset {
            office: office.to_owned(),
        });
    }

    fn send(&self, job: Job) {
        if let Err(mpsc::SendError(job)) = self.tx.send(job) {
            match job {
                Job::Events { done, .. } | Job::Exec { done, .. } | Job::Logged { done, .. } => {
                    done(Err(StoreError::WriterGone))
                }
                Job::Reset { .. } => {}
            }
        }
    }
}

fn run(mut conn: Connection, rx: mpsc::Receiver<Job>, key: AuditKey, running: Running) {
    let shared = &*running.0;
    let mut failed: HashSet<String> = HashSet::new();
    let mut incident: Option<Incident> = None;
    // The hash this thread's last commit ended the chain with.
    let mut committed_head: Option<String> = None;
    loop {
        let job = if incident.is_none() {
            match rx.recv() {
                Ok(job) => job,
                Err(_) => break,
            }
        } else {
            match rx.recv_timeout(PROBE_EVERY) {
                Ok(job) => job,
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    if probe(&conn).is_ok() {
                        if let Some(i) = incident.take() {
                            i.over();
                        }
                        shared.failing.store(false, Ordering::Release);
                    }
                    continue;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => break,
            }
        };
        // Taken into the batch once the transaction is open; still here
        // when it could not be (the database locked, unwritable).
        let mut first = Some(job);
        let started = Instant::now();
        let mut sync_started = started;
        // Offices with events in the batch: all of them stop if it fails.
        let mut offices: HashSet<String> = HashSet::new();
        let mut results: Vec<(Done, Result<()>)> = Vec::new();
        let committed = (|| -> Result<()> {
            // Immediate: the write lock is taken first, so a second process
            // writing the same file (`antrean user add` while the server
            // runs) waits its busy timeout instead of failing at once when
            // a read in the transaction would have to become a write.
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // The chain goes on from the last row on disk, not from memory:
            // another process (`antrean user add` while the server runs)
            // may have appended since. One look-up by rowid per batch; a
            // row this thread did not write is checked with the key (one
            // HMAC), so that a forged newest row is said at once (and
            // `audit verify` reports it: the chain cannot hide it).
            let (last_id, mut last_hash) = chain::head(&tx)?;
            if let Some(id) = last_id.filter(|_| committed_head.as_ref() != Some(&last_hash)) {
                if !chain::row_verifies(&tx, &key, id)? {
                    tracing::error!(id, "the newest event of the audit log does not verify with the audit key: it was written without it; run `antrean audit verify`");
                }
            }
            // Events are written without a savepoint each (they fail only
            // when the disk or the database does): the first failure fails
            // the whole batch, and every office in it rebuilds itself.
            let mut batch_error: Option<String> = None;
            let mut next = first.take();
            // Jobs that arrive while the batch is being written join it, up
            // to MAX_BATCH: one fsync carries them all. After a failed write
            // none join: they wait for the next batch.
            while let Some(job) = next.take() {
                match job {
                    Job::Reset { office } => {
                        failed.remove(&office);
                    }
                    Job::Events { office, done, .. } if failed.contains(&office) => {
                        // Refused without touching the database.
                        results.push((done, Err(StoreError::OfficeFailed(office))));
                    }
                    Job::Events {
                        office,
                        actor,
                        events,
                        done,
                    } => {
                        let r = write_events(
                            &tx,
                            &key,
                            &office,
                            actor.as_deref(),
                            &events,
                            &mut last_hash,
                        );
                        if let Err(e) = &r {
                            batch_error = Some(format!("events of `{office}`: {e}"));
                        }
                        offices.insert(office);
                        results.push((done, r));
                    }
                    Job::Exec { exec, done } => {
                        let r = in_savepoint(&tx, |sp| exec(sp));
                        results.push((done, r));
                    }
                    Job::Logged {
                        log,
                        actor,
                        exec,
                        done,
                    } => {
                        // Refused alone (a user name taken): the chain goes
                        // on from the hash before it.
                        let before = last_hash.clone();
                        let r = in_savepoint(&tx, |sp| match exec(sp)? {
                            Some(entry) => {
                                write_logged(sp, &key, log, &actor, &entry, &mut last_hash)
                            }
                            None => Ok(()),
                        });
                        if r.is_err() {
                            last_hash = before;
                        }
                        results.push((done, r));
                    }
                }
                if results.len() < MAX_BATCH && batch_error.is_none() {
                    next = rx.try_recv().ok();
                }
            }
            match batch_error {
                Some(e) => Err(StoreError::Unwritten(e)),
                None => {
                    sync_started = Instant::now();
                    tx.commit()?;
                    committed_head = Some(last_hash);
                    Ok(())
                }
            }
        })();
        match committed {
            Ok(()) => {
                if let Some(i) = incident.take() {
                    i.over();
                }
                shared.failing.store(false, Ordering::Release);
                if let Some(o) = shared.observer.get() {
                    o.committed(
                        results.len(),
                        sync_started - started,
                        sync_started.elapsed(),
                    );
                }
                for (done, r) in results {
                    done(r);
                }
            }
            Err(e) => {
                Incident::failed(&mut incident, &e);
                shared.failing.store(true, Ordering::Release);
                if let Some(o) = shared.observer.get() {
                    o.failed();
                }
                for (done, _) in results {
                    done(Err(StoreError::Unwritten(e.to_string())));
                }
                // The memory of these offices is now ahead of the disk.
                failed.extend(offices);
                match first.take() {
                    Some(Job::Reset { office }) => {
                        failed.remove(&office);
                    }
                    Some(job) => refuse(job, &e, &mut failed),
                    None => {}
                }
            }
        }
    }
}

/// A write that changes nothing but needs what any write needs: the lock
/// and a page of the WAL (a full disk fails it).
fn probe(conn: &Connection) -> Result<()> {
    conn.execute_batch("BEGIN IMMEDIATE; UPDATE started SET at_ns = at_ns; COMMIT;")
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })?;
    Ok(())
}

/// Writes failing one after the other (a full disk, a locked or read-only
/// database): logged once with the real cause, then at most once a minute
/// while they go on, with how many, and once when writes succeed again;
/// not once per refused request.
struct Incident {
    cause: String,
    since: std::time::Instant,
    failures: u64,
    said: std::time::Instant,
}

/// How often an incident that goes on is said again.
const INCIDENT_REMINDER: std::time::Duration = std::time::Duration::from_secs(60);

impl Incident {
    fn failed(incident: &mut Option<Incident>, e: &StoreError) {
        let now = std::time::Instant::now();
        let cause = e.to_string();
        match incident {
            Some(i) if i.cause == cause => {
                i.failures += 1;
                if now.duration_since(i.said) >= INCIDENT_REMINDER {
                    i.said = now;
                    tracing::error!(cause = %i.cause, failures = i.failures, for_s = i.since.elapsed().as_secs(), "writes still fail; the offices concerned refuse changes until the database takes them");
                }
            }
            _ => {
                tracing::error!(cause = %cause, "a write failed, nothing of it is on disk; the offices concerned refuse changes until the database takes them (said again each minute while it lasts)");
                *incident = Some(Incident {
                    cause,
                    since: now,
                    failures: 1,
                    said: now,
                });
            }
        }
    }

    fn over(self) {
        tracing::warn!(cause = %self.cause, failures = self.failures, for_s = self.since.elapsed().as_secs(), "writes succeed again");
    }
}

/// Answers a job the batch never took (its transaction could not begin)
/// with the reason; an office whose events these were stops like one in a
/// failed batch.
fn refuse(job: Job, e: &StoreError, failed: &mut HashSet<String>) {
    let error = || StoreError::Unwritten(e.to_string());
    match job {
        Job::Events { office, done, .. } => {
            failed.insert(office);
            done(Err(error()));
        }
        Job::Exec { done, .. } | Job::Logged { done, .. } => done(Err(error())),
        Job::Reset { .. } => {}
    }
}

fn in_savepoint<T>(
    tx: &Transaction<'_>,
    f: impl FnOnce(&Transaction<'_>) -> Result<T>,
) -> Result<T> {
    // Cached statements: a savepoint per job must stay cheap.
    tx.prepare_cached("SAVEPOINT job")?.execute([])?;
    match f(tx) {
        Ok(v) => {
            tx.prepare_cached("RELEASE job")?.execute([])?;
            Ok(v)
        }
        Err(e) => {
            tx.prepare_cached("ROLLBACK TO job")?.execute([])?;
            tx.prepare_cached("RELEASE job")?.execute([])?;
            Err(e)
        }
    }
}

/// Appends the events to the chain and projects them onto the state tables.
fn write_events(
    tx: &Transaction<'_>,
    key: &AuditKey,
    office: &str,
    actor: Option<&str>,
    events: &[Event],
    last_hash: &mut String,
) -> Result<()> {
    for e in events {
        let (body, personal) = crate::personal::split(&e.kind)?;
        let at_ns = to_ns(e.at);
        let seq = i64::try_from(e.seq).map_err(|_| StoreError::Corrupt("seq overflow".into()))?;
        let hash = chain::hash(key, last_hash, office, e.seq, at_ns, &body, actor);
        tx.prepare_cached(
            "INSERT INTO events (office, seq, at_ns, kind, body, actor, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![office, seq, at_ns, e.kind.name(), body, actor, last_hash.as_str(), hash])?;
        if let Some(p) = personal {
            p.insert(tx, tx.last_insert_rowid())?;
        }
        *last_hash = hash;
        project(tx, office, e)?;
    }
    Ok(())
}

/// Appends one entry to a log outside the offices, numbered after its last.
fn write_logged(
    tx: &Transaction<'_>,
    key: &AuditKey,
    log: &str,
    actor: &str,
    entry: &Logged,
    last_hash: &mut String,
) -> Result<()> {
    let seq: i64 = tx
        .prepare_cached("SELECT coalesce(max(seq), 0) + 1 FROM events WHERE office = ?1")?
        .query_row([log], |r| r.get(0))?;
    let at_ns = to_ns(chrono::Utc::now());
    let seq_u = u64::try_from(seq).map_err(|_| StoreError::Corrupt("seq overflow".into()))?;
    let hash = chain::hash(key, last_hash, log, seq_u, at_ns, &entry.body, Some(actor));
    tx.prepare_cached(
        "INSERT INTO events (office, seq, at_ns, kind, body, actor, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![log, seq, at_ns, entry.kind, entry.body, actor, last_hash.as_str(), hash])?;
    *last_hash = hash;
    Ok(())
}

/// Updates the current-state tables for one event, mirroring
/// `antrean_core::Office::apply` (a test restores offices from these tables
/// and compares them with the live ones). `audit verify` replays the log
/// through this same function into a scratch database (see replay.rs).
pub(crate) fn project(tx: &Transaction<'_>, office: &str, e: &Event) -> Result<()> {
    let at = to_ns(e.at);
    match &e.kind {
        EventKind::TicketIssued { ticket } => insert_ticket(tx, office, ticket)?,
        EventKind::TicketCalled {
            code,
            counter,
            recall: false,
            ..
        } => {
            tx.prepare_cached(
                "UPDATE tickets SET status = 'called', counter = ?2, calls = calls + 1, called_at_ns = ?3, target_counter = NULL WHERE code = ?1",
            )?
            .execute(params![code, counter, at])?;
            tx.prepare_cached(
                "UPDATE counters SET current = ?3, regular_streak = CASE
                    WHEN (SELECT priority IS NOT NULL AND priority_confirmed FROM tickets WHERE code = ?3) THEN 0
                    ELSE min(regular_streak + 1, 4294967295) END
                 WHERE office = ?1 AND id = ?2",
            )?
            .execute(params![office, counter, code])?;
        }
        EventKind::TicketCalled {
            code,
            counter,
            recall: true,
            ..
        } => {
            tx.prepare_cached("UPDATE tickets SET status = 'called', counter = ?2, calls = calls + 1 WHERE code = ?1")?
                .execute(params![code, counter])?;
        }
        EventKind::TicketServing { code, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET status = 'serving', started_at_ns = ?2 WHERE code = ?1",
            )?
            .execute(params![code, at])?;
        }
        EventKind::TicketDone { code, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET status = 'done', finished_at_ns = ?2 WHERE code = ?1",
            )?
            .execute(params![code, at])?;
            release_counter(tx, office, code)?;
        }
        EventKind::TicketNoShow { code, .. } => {
            tx.prepare_cached("UPDATE tickets SET status = 'no_show' WHERE code = ?1")?
                .execute(params![code])?;
            release_counter(tx, office, code)?;
        }
        EventKind::TicketRequeued { code, .. } => {
            tx.prepare_cached("UPDATE tickets SET status = 'waiting', calls = 0, target_counter = NULL WHERE code = ?1")?
                .execute(params![code])?;
        }
        EventKind::TicketTransferred {
            code,
            service,
            counter,
            ..
        } => {
            tx.prepare_cached(
                "UPDATE tickets SET status = 'waiting', calls = 0, service = ?2, target_counter = ?3, started_at_ns = NULL WHERE code = ?1",
            )?
            .execute(params![code, service, counter])?;
            release_counter(tx, office, code)?;
        }
        EventKind::TicketCancelled { code, .. } => {
            let row: Option<(String, String, String)> = tx
                .prepare_cached("SELECT day, number_service, channel FROM tickets WHERE code = ?1")?
                .query_row(params![code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .optional()?;
            tx.prepare_cached(
                "UPDATE tickets SET status = 'cancelled', finished_at_ns = ?2 WHERE code = ?1",
            )?
            .execute(params![code, at])?;
            if let Some((day, service, channel)) = row {
                tx.prepare_cached(
                    "UPDATE service_days SET total = max(total - 1, 0), online = max(online - (?4 = 'online'), 0)
                     WHERE office = ?1 AND day = ?2 AND service = ?3",
                )?
                .execute(params![office, day, service, channel])?;
            }
        }
        EventKind::PriorityConfirmed { code, .. } => {
            tx.prepare_cached("UPDATE tickets SET priority_confirmed = 1 WHERE code = ?1")?
                .execute(params![code])?;
        }
        EventKind::DocumentStatus { code, step, .. } => {
            tx.prepare_cached("UPDATE tickets SET document = ?2 WHERE code = ?1")?
                .execute(params![code, step])?;
        }
        EventKind::SurveySubmitted {
            code,
            service,
            answers,
            suggestion,
        } => {
            // Counted on the ticket's business day (the UTC date of the
            // answer for a ticket not stored). The office refuses a second
            // answer for a ticket, so OR IGNORE is only a safety net: one
            // that got past it (an office rebuilt between the caller's
            // look-up and the answer) must not fail the whole batch.
            let answers =
                serde_json::to_string(answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let day = e.at.date_naive().to_string();
            tx.prepare_cached(
                "INSERT OR IGNORE INTO surveys (code, office, service, day, answers, suggestion)
                 VALUES (?1, ?2, ?3, coalesce((SELECT day FROM tickets WHERE code = ?1), ?5), ?4, ?6)",
            )?
            .execute(params![code, office, service, answers, day, suggestion])?;
        }
        EventKind::CounterState {
            counter,
            state,
            reason,
        } => {
            tx.prepare_cached(
                "INSERT INTO counters (office, id, status, reason, current, regular_streak) VALUES (?1, ?2, ?3, ?4, NULL, 4294967295)
                 ON CONFLICT (office, id) DO UPDATE SET status = excluded.status, reason = excluded.reason",
            )?
            .execute(params![office, counter, state.as_str(), reason])?;
        }
        EventKind::CounterTaken { counter, clerk } => {
            tx.prepare_cached(
                "INSERT INTO counters (office, id, status, reason, current, regular_streak, clerk) VALUES (?1, ?2, 'closed', NULL, NULL, 4294967295, ?3)
                 ON CONFLICT (office, id) DO UPDATE SET clerk = excluded.clerk",
            )?
            .execute(params![office, counter, clerk])?;
        }
        EventKind::ServiceSuspended { service, message } => {
            tx.prepare_cached(
                "INSERT INTO service_stops (office, service, message) VALUES (?1, ?2, ?3)
                 ON CONFLICT (office, service) DO UPDATE SET message = excluded.message",
            )?
            .execute(params![office, service, message])?;
        }
        EventKind::RunningTextChanged { text } => {
            tx.prepare_cached(
                "INSERT INTO office_texts (office, running_text) VALUES (?1, ?2)
                 ON CONFLICT (office) DO UPDATE SET running_text = excluded.running_text",
            )?
            .execute(params![office, text])?;
        }
        EventKind::Configured { change } => configure(tx, office, change)?,
        EventKind::ServiceResumed { service } => {
            tx.prepare_cached("DELETE FROM service_stops WHERE office = ?1 AND service = ?2")?
                .execute(params![office, service])?;
        }
        EventKind::DayEnded { day, next_day, .. } => {
            tx.prepare_cached(
                "UPDATE tickets SET status = 'expired' WHERE office = ?1 AND day = ?2 AND status IN ('waiting', 'called', 'serving', 'no_show')",
            )?
            .execute(params![office, day.to_string()])?;
            tx.prepare_cached(
                "UPDATE counters SET status = 'closed', reason = NULL, current = NULL, regular_streak = 4294967295, clerk = NULL WHERE office = ?1",
            )?
            .execute(params![office])?;
            tx.prepare_cached(
                "INSERT INTO office_days (office, day) VALUES (?1, ?2) ON CONFLICT (office) DO UPDATE SET day = excluded.day",
            )?
            .execute(params![office, next_day.to_string()])?;
        }
    }
    Ok(())
}

/// Applies a change to the stored configuration, as the office does to its
/// own, and drops the state of what it removed.
fn configure(tx: &Transaction<'_>, office: &str, change: &Change) -> Result<()> {
    let mut def = match change {
        Change::Seeded { office } => (**office).clone(),
        _ => crate::read::office_config(tx, office)?.ok_or_else(|| {
            StoreError::Corrupt(format!(
                "office `{office}` changed before it was configured"
            ))
        })?,
    };
    def.apply(change);
    let json = serde_json::to_string(&def).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    tx.prepare_cached(
        "INSERT INTO office_configs (office, config) VALUES (?1, ?2)
         ON CONFLICT (office) DO UPDATE SET config = excluded.config",
    )?
    .execute(params![office, json])?;
    match change {
        Change::ServiceRemoved { service } => {
            tx.prepare_cached("DELETE FROM service_stops WHERE office = ?1 AND service = ?2")?
                .execute(params![office, service])?;
        }
        Change::CounterRemoved { counter } => {
            tx.prepare_cached("DELETE FROM counters WHERE office = ?1 AND id = ?2")?
                .execute(params![office, counter])?;
        }
        _ => {}
    }
    Ok(())
}

fn insert_ticket(tx: &Transaction<'_>, office: &str, t: &Ticket) -> Result<()> {
    let day = t.day.to_string();
    tx.prepare_cached(
        "INSERT INTO tickets (code, office, day, number, seq_no, number_service, service, priority, channel, status, issued_at_ns, calls, priority_confirmed)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0, ?12)",
    )?
    .execute(params![
        t.code,
        office,
        day,
        t.number,
        t.seq_no,
        t.number_service,
        t.service,
        t.priority.map(|p| p.as_str()),
        t.channel.as_str(),
        t.status.as_str(),
        to_ns(t.issued_at),
        t.priority_confirmed,
    ])?;
    tx.prepare_cached(
        "INSERT INTO service_days (office, day, service, next_seq, total, online) VALUES (?1, ?2, ?3, ?4 + 1, 1, ?5)
         ON CONFLICT (office, day, service) DO UPDATE SET
            next_seq = max(next_seq, excluded.next_seq), total = total + 1, online = online + excluded.online",
    )?
    .execute(params![office, day, t.number_service, t.seq_no, i64::from(t.channel == antrean_core::Channel::Online)])?;
    // The first number of a service on a day marks the office's business day
    // (every later ticket of the day has the same).
    if t.seq_no == 1 {
        tx.prepare_cached(
            "INSERT INTO office_days (office, day) VALUES (?1, ?2) ON CONFLICT (office) DO UPDATE SET day = max(day, excluded.day)",
        )?
        .execute(params![office, day])?;
    }
    Ok(())
}

fn release_counter(tx: &Transaction<'_>, office: &str, code: &str) -> Result<()> {
    tx.prepare_cached("UPDATE counters SET current = NULL WHERE office = ?1 AND current = ?2")?
        .execute(params![office, code])?;
    Ok(())
}
