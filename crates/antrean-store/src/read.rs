//! Read queries, on connections of their own (WAL: they never wait for the
//! writer). Blocking: call them from `spawn_blocking` or a plain thread.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use antrean_core::{
    Channel, Counter, CounterStatus, Event, OfficeDef, Priority, Restore, ServiceCounts, Ticket,
    TicketStatus,
};
use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension, Row};

use crate::chain::{self, AuditKey, ChainReport};
use crate::{from_ns, schema, Result, StoreError};

/// A pool of read connections. Cloning shares the pool.
#[derive(Debug, Clone)]
pub struct Reader {
    path: PathBuf,
    pool: Arc<Mutex<Vec<Connection>>>,
    /// The audit chain's key, to verify it.
    pub(crate) key: AuditKey,
}

/// A ticket as stored, with its office.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredTicket {
    pub office: String,
    pub ticket: Ticket,
    /// Workflow step of the document applied for, once staff set one.
    pub document: Option<String>,
    /// Whether the citizen answered the survey.
    pub surveyed: bool,
}

/// What happened to one service's tickets over some days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFigures {
    pub service: String,
    pub issued: u64,
    pub done: u64,
    pub no_show: u64,
    pub cancelled: u64,
    pub expired: u64,
    /// Tickets in the priority lane.
    pub priority: u64,
    pub online: u64,
    pub kiosk: u64,
    /// From issue to (first) call, over tickets called.
    pub mean_wait_s: Option<f64>,
    /// From call to finish, over tickets done.
    pub mean_service_s: Option<f64>,
    /// IKM answers given for this service.
    pub surveys: Vec<antrean_core::ikm::Answers>,
    /// The suggestions written with them, with their business day, newest
    /// day first.
    pub suggestions: Vec<(NaiveDate, String)>,
}

const TICKET_COLUMNS: &str = "code, day, number, seq_no, number_service, service, priority, channel, status, \
    issued_at_ns, called_at_ns, started_at_ns, finished_at_ns, counter, target_counter, calls, office, document, priority_confirmed";

/// One office's stored configuration, if it was seeded.
pub(crate) fn office_config(c: &Connection, office: &str) -> Result<Option<OfficeDef>> {
    c.prepare_cached("SELECT config FROM office_configs WHERE office = ?1")?
        .query_row([office], |r| r.get::<_, String>(0))
        .optional()?
        .map(|json| parse_config(&json))
        .transpose()
}

fn parse_config(json: &str) -> Result<OfficeDef> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("office configuration: {e}")))
}

impl Reader {
    pub(crate) fn new(path: PathBuf, key: AuditKey) -> Self {
        Reader {
            path,
            pool: Arc::new(Mutex::new(Vec::new())),
            key,
        }
    }

    /// Runs `f` on a pooled connection.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = self.pool.lock().map_or(None, |mut p| p.pop());
        let conn = match conn {
            Some(c) => c,
            None => schema::connect(&self.path)?,
        };
        let out = f(&conn);
        if let Ok(mut p) = self.pool.lock() {
            if p.len() < 8 {
                p.push(conn);
            }
        }
        out
    }

    /// What is needed to rebuild an office after a restart: its current
    /// business day, last seq, today's tickets that are not final, its
    /// counters, numbering and recent service times.
    /// Every office's stored configuration, by id.
    pub fn office_configs(&self) -> Result<Vec<OfficeDef>> {
        self.with(|c| {
            let mut stmt = c.prepare("SELECT config FROM office_configs ORDER BY office")?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            rows.map(|json| parse_config(&json?)).collect()
        })
    }

    pub fn restore(&self, office: &str) -> Result<Restore> {
        self.with(|c| {
            let config = office_config(c, office)?;
            let seq: i64 = c.query_row("SELECT coalesce(max(seq), 0) FROM events WHERE office = ?1", [office], |r| r.get(0))?;
            let day: Option<String> = c
                .query_row("SELECT day FROM office_days WHERE office = ?1", [office], |r| r.get(0))
                .optional()?;
            // Counters first: one may have opened before the day's first ticket.
            let mut counters = Vec::new();
            let mut stmt = c.prepare("SELECT id, status, reason, current, regular_streak, clerk FROM counters WHERE office = ?1")?;
            let mut rows = stmt.query([office])?;
            while let Some(r) = rows.next()? {
                let status: String = r.get(1)?;
                let streak: i64 = r.get(4)?;
                counters.push(Counter {
                    id: r.get(0)?,
                    status: CounterStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("counter status {status}")))?,
                    reason: r.get(2)?,
                    current: r.get(3)?,
                    regular_streak: u32::try_from(streak).unwrap_or(u32::MAX),
                    clerk: r.get(5)?,
                });
            }
            // Stops outlast days: read them before knowing the day.
            let suspended = c
                .prepare("SELECT service, message FROM service_stops WHERE office = ?1")?
                .query_map([office], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let running_text: Option<String> = c
                .query_row("SELECT running_text FROM office_texts WHERE office = ?1", [office], |r| r.get(0))
                .optional()?
                .flatten();
            let Some(day) = day else {
                return Ok(Restore { config, seq: u64::try_from(seq).unwrap_or(0), counters, suspended, running_text, ..Restore::default() });
            };
            let mut tickets = Vec::new();
            let mut stmt = c.prepare(&format!(
                "SELECT {TICKET_COLUMNS} FROM tickets WHERE office = ?1 AND day = ?2 AND status IN ('waiting', 'called', 'serving', 'no_show')"
            ))?;
            let mut rows = stmt.query(params![office, day])?;
            let today = parse_day(&day)?;
            while let Some(r) = rows.next()? {
                tickets.push(ticket_from_row(r, Some((&day, today)))?);
            }
            let mut counts = HashMap::new();
            let mut stmt = c.prepare("SELECT service, next_seq, total, online FROM service_days WHERE office = ?1 AND day = ?2")?;
            let mut rows = stmt.query(params![office, day])?;
            while let Some(r) = rows.next()? {
                counts.insert(r.get(0)?, ServiceCounts { next_seq: r.get(1)?, total: r.get(2)?, online: r.get(3)? });
            }
            // The last citizens served today, oldest first, to seed estimates.
            let mut stmt = c.prepare(
                "SELECT service, finished_at_ns - called_at_ns FROM tickets
                 WHERE office = ?1 AND status = 'done' AND day = ?2 AND called_at_ns IS NOT NULL AND finished_at_ns IS NOT NULL
                 ORDER BY finished_at_ns DESC LIMIT 100",
            )?;
            let mut service_times: Vec<(String, f64)> = stmt
                .query_map(params![office, day], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as f64 / 1e9)))?
                .collect::<rusqlite::Result<_>>()?;
            service_times.reverse();
            // Answered surveys of today's and yesterday's tickets (the
            // office's memory of answers, which it rotates at day end).
            let yesterday = today.pred_opt().unwrap_or(today).to_string();
            let surveyed = c
                .prepare("SELECT code FROM surveys WHERE office = ?1 AND day >= ?2")?
                .query_map(params![office, yesterday], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Restore {
                config,
                day: Some(today),
                seq: u64::try_from(seq).unwrap_or(0),
                tickets,
                counters,
                counts,
                service_times,
                surveyed,
                suspended,
                running_text,
            })
        })
    }

    /// A ticket of any day by its code, with whether its survey was answered
    /// (in the same query: one look-up per citizen's page).
    pub fn ticket(&self, code: &str) -> Result<Option<StoredTicket>> {
        self.with(|c| {
            c.prepare_cached(&format!(
                "SELECT {TICKET_COLUMNS}, EXISTS (SELECT 1 FROM surveys WHERE code = tickets.code) FROM tickets WHERE code = ?1"
            ))?
            .query_row([code], |r| Ok(stored_ticket_from_row(r)))
            .optional()?
            .transpose()
        })
    }

    /// Up to `limit` events of `office` after `since`, in order.
    pub fn events_since(&self, office: &str, since: u64, limit: usize) -> Result<Vec<Event>> {
        self.events_where("e.seq > ?2 ORDER BY e.seq", office, since, limit)
    }

    /// Up to `limit` events of `office` before `before`, newest first.
    pub fn events_before(&self, office: &str, before: u64, limit: usize) -> Result<Vec<Event>> {
        self.events_where("e.seq < ?2 ORDER BY e.seq DESC", office, before, limit)
    }

    /// Events of `office` whose seq is `filter` against `seq`, with their
    /// personal fields merged back in.
    fn events_where(
        &self,
        filter: &str,
        office: &str,
        seq: u64,
        limit: usize,
    ) -> Result<Vec<Event>> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(&format!("SELECT e.seq, e.at_ns, e.body, p.data FROM events e LEFT JOIN personal p ON p.event_id = e.id WHERE e.office = ?1 AND {filter} LIMIT ?3"))?;
            let rows = stmt.query_map(
                params![office, i64::try_from(seq).unwrap_or(i64::MAX), i64::try_from(limit).unwrap_or(i64::MAX)],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, Option<String>>(3)?)),
            )?;
            rows.map(|row| {
                let (seq, at_ns, body, personal) = row?;
                let kind = crate::personal::event_kind(&body, personal.as_deref())?;
                Ok(Event { seq: u64::try_from(seq).unwrap_or(0), at: from_ns(at_ns), kind })
            })
            .collect()
        })
    }

    /// Figures per service over business days `from..=to` (`YYYY-MM-DD`).
    pub fn report(
        &self,
        office: &str,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ServiceFigures>> {
        let (from, to) = (from.to_string(), to.to_string());
        self.with(|c| {
            let mut out: Vec<ServiceFigures> = Vec::new();
            let mut stmt = c.prepare_cached(
                "SELECT number_service,
                        count(*),
                        sum(status = 'done'), sum(status = 'no_show'), sum(status = 'cancelled'), sum(status = 'expired'),
                        sum(priority IS NOT NULL AND priority_confirmed)
                            -- and those whose reasons were erased (personal.rs)
                            + coalesce((SELECT sum(confirmed) FROM priority_days p WHERE p.office = ?1
                                        AND p.day BETWEEN ?2 AND ?3 AND p.service = tickets.number_service), 0),
                        sum(channel = 'online'), sum(channel = 'kiosk'),
                        avg(CASE WHEN called_at_ns IS NOT NULL THEN (called_at_ns - issued_at_ns) / 1e9 END),
                        avg(CASE WHEN status = 'done' THEN (finished_at_ns - called_at_ns) / 1e9 END)
                 FROM tickets WHERE office = ?1 AND day BETWEEN ?2 AND ?3 GROUP BY number_service",
            )?;
            let rows = stmt.query_map(params![office, from, to], |r| {
                Ok(ServiceFigures {
                    service: r.get(0)?,
                    issued: r.get(1)?,
                    done: r.get(2)?,
                    no_show: r.get(3)?,
                    cancelled: r.get(4)?,
                    expired: r.get(5)?,
                    priority: r.get(6)?,
                    online: r.get(7)?,
                    kiosk: r.get(8)?,
                    mean_wait_s: r.get(9)?,
                    mean_service_s: r.get(10)?,
                    surveys: Vec::new(),
                    suggestions: Vec::new(),
                })
            })?;
            for row in rows {
                out.push(row?);
            }
            let mut stmt = c.prepare_cached(
                "SELECT service, answers, day, suggestion FROM surveys WHERE office = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day DESC, rowid DESC",
            )?;
            let mut rows = stmt.query(params![office, from, to])?;
            while let Some(r) = rows.next()? {
                let service: String = r.get(0)?;
                let answers: String = r.get(1)?;
                let answers: antrean_core::ikm::Answers =
                    serde_json::from_str(&answers).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let f = match out.iter().position(|f| f.service == service) {
                    Some(i) => &mut out[i],
                    None => {
                        out.push(ServiceFigures { service, ..ServiceFigures::default() });
                        out.last_mut().expect("just pushed")
                    }
                };
                f.surveys.push(answers);
                if let Some(text) = r.get::<_, Option<String>>(3)? {
                    let day: String = r.get(2)?;
                    f.suggestions.push((parse_day(&day)?, text));
                }
            }
            Ok(out)
        })
    }

    /// Walks the whole hash chain, checking each hash with the audit key.
    pub fn verify_chain(&self) -> Result<ChainReport> {
        self.with(|c| chain::verify(c, &self.key))
    }
}

fn parse_day(s: &str) -> Result<NaiveDate> {
    s.parse()
        .map_err(|_| StoreError::Corrupt(format!("day {s}")))
}

/// A text column, without copying it.
fn text<'r>(r: &'r Row<'_>, i: usize) -> Result<Option<&'r str>> {
    r.get_ref(i)?
        .as_str_or_null()
        .map_err(|e| StoreError::Corrupt(format!("column {i}: {e}")))
}

/// A NOT NULL text column naming a value of the domain (a role, a device
/// kind): a name the domain does not know means the row is corrupt.
pub(crate) fn named<T>(r: &Row<'_>, i: usize, what: &str) -> Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    let name = text(r, i)?.ok_or_else(|| StoreError::Corrupt(format!("{what} `NULL`")))?;
    name.parse()
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

/// A row of [`TICKET_COLUMNS`] followed by whether a survey exists.
fn stored_ticket_from_row(r: &Row<'_>) -> Result<StoredTicket> {
    Ok(StoredTicket {
        office: r.get(16)?,
        document: r.get(17)?,
        surveyed: r.get(19)?,
        ticket: ticket_from_row(r, None)?,
    })
}

/// The ticket of a row of [`TICKET_COLUMNS`]; `day` is a day already parsed
/// (most rows read together share it).
fn ticket_from_row(r: &Row<'_>, day: Option<(&str, NaiveDate)>) -> Result<Ticket> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("{what} `{v}`"));
    let required = |i: usize, what: &str| text(r, i)?.ok_or_else(|| corrupt(what, "NULL"));
    let day = match (required(1, "day")?, day) {
        (text, Some((known, parsed))) if text == known => parsed,
        (text, _) => parse_day(text)?,
    };
    let priority = match text(r, 6)? {
        None => None,
        Some(p) => Some(
            Priority::ALL
                .into_iter()
                .find(|x| x.as_str() == p)
                .ok_or_else(|| corrupt("priority", p))?,
        ),
    };
    let channel = required(7, "channel")?;
    let channel = [Channel::Online, Channel::Kiosk, Channel::Counter]
        .into_iter()
        .find(|c| c.as_str() == channel)
        .ok_or_else(|| corrupt("channel", channel))?;
    let status = required(8, "status")?;
    let ns = |i: usize| -> rusqlite::Result<Option<chrono::DateTime<chrono::Utc>>> {
        Ok(r.get::<_, Option<i64>>(i)?.map(from_ns))
    };
    Ok(Ticket {
        code: r.get(0)?,
        day,
        number: r.get(2)?,
        seq_no: r.get(3)?,
        number_service: r.get(4)?,
        service: r.get(5)?,
        priority,
        priority_confirmed: r.get(18)?,
        channel,
        status: TicketStatus::parse(status).ok_or_else(|| corrupt("status", status))?,
        issued_at: from_ns(r.get(9)?),
        called_at: ns(10)?,
        started_at: ns(11)?,
        finished_at: ns(12)?,
        counter: r.get(13)?,
        target_counter: r.get(14)?,
        calls: r.get(15)?,
    })
}

/// Which entries of the audit log to read: the newest first, `limit` at
/// most, older than `before` (an entry's id) when given.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// One office's log, the account changes that concern it and the
    /// erasures of its personal data; `None`: every log.
    pub office: Option<String>,
    /// Only entries at or after / before these instants.
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// The actor as stored (`user:siti`), or a name any actor has.
    pub actor: Option<String>,
    pub kind: Option<String>,
    /// A ticket's number (`A012`).
    pub number: Option<String>,
    pub before: Option<i64>,
    pub limit: u32,
}

/// One entry of the audit log as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub id: i64,
    /// The office whose log it is in, or [`crate::ACCOUNTS_LOG`].
    pub log: String,
    pub seq: u64,
    pub at: chrono::DateTime<chrono::Utc>,
    pub kind: String,
    pub actor: Option<String>,
    /// The event as JSON.
    pub body: String,
}

impl Reader {
    /// Entries of the audit log, newest first.
    pub fn audit(&self, f: &AuditFilter) -> Result<Vec<AuditRow>> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(
                "SELECT id, office, seq, at_ns, kind, actor, body FROM events
                 WHERE (?1 IS NULL OR office = ?1
                        OR (office = ?2 AND ?1 IN (json_extract(body, '$.office'), json_extract(body, '$.from_office')))
                        OR (office = ?10 AND EXISTS (SELECT 1 FROM json_each(body, '$.offices') WHERE key = ?1)))
                   AND (?3 IS NULL OR at_ns >= ?3) AND (?4 IS NULL OR at_ns < ?4)
                   AND (?5 IS NULL OR actor IN (?5, 'user:' || ?5, 'device:' || ?5, 'operator:' || ?5))
                   AND (?6 IS NULL OR kind = ?6)
                   AND (?7 IS NULL OR json_extract(body, '$.number') = ?7 OR json_extract(body, '$.ticket.number') = ?7)
                   AND (?8 IS NULL OR id < ?8)
                 ORDER BY id DESC LIMIT ?9",
            )?;
            let rows = stmt.query_map(
                params![
                    f.office,
                    crate::ACCOUNTS_LOG,
                    f.from.map(crate::to_ns),
                    f.to.map(crate::to_ns),
                    f.actor,
                    f.kind,
                    f.number,
                    f.before,
                    f.limit,
                    crate::PRIVACY_LOG,
                ],
                |r| {
                    Ok(AuditRow {
                        id: r.get(0)?,
                        log: r.get(1)?,
                        seq: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                        at: from_ns(r.get(3)?),
                        kind: r.get(4)?,
                        actor: r.get(5)?,
                        body: r.get(6)?,
                    })
                },
            )?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
    }
}
