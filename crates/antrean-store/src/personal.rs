//! Personal data in the audit log, erasable without breaking its chain.
//!
//! The law (UU 27/2022) wants personal data kept no longer than it is
//! needed; the audit log wants no row ever changed. Both hold because the
//! chain never covers personal data itself. When an event carries some (the
//! priority reason of a ticket, a survey's free-text suggestion), the writer
//! takes it out of the event's body into the `personal` table with a random
//! salt, and leaves in the body `"personal": HMAC-SHA256(salt, data)`; the
//! chain covers that digest. Erasing deletes the row, data and salt: the
//! chain still verifies, and the digest alone says nothing, not even which
//! of five reasons it was (without the salt, trying them all finds none).
//!
//! While a row exists, `audit verify` checks it against its event's digest
//! (an edited reason shows); a row missing without an erasure in the
//! [`PRIVACY_LOG`] that names its event shows too.
//!
//! What stays after an erasure is anonymous: the ticket (its number,
//! service, times, status), counted as a regular one, and the number of
//! priority tickets per office, day, service and reason in `priority_days`,
//! so that reports of any period keep their figures.
//!
//! Events written before this scheme carry their personal fields inline,
//! under the chain; they cannot be erased without breaking it, and are left
//! as they are (counted by [`Store::personal_summary`]).

use std::collections::{BTreeMap, HashSet};

use antrean_core::{Actor, EventKind};
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::writer::Logged;
use crate::{from_ns, to_ns, BreakReason, Result, Store, StoreError};

/// The log in the `events` table that records erasures of personal data,
/// where an office's id would be.
pub const PRIVACY_LOG: &str = "@privacy";

/// The key of the digest in an event's body.
const DIGEST: &str = "personal";

/// The personal fields of each kind of event, as paths in its body.
const FIELDS: &[(&str, &[&str])] = &[
    ("ticket_issued", &["ticket", "priority"]),
    ("survey_submitted", &["suggestion"]),
];

/// Personal data taken out of an event, to be stored beside it.
pub(crate) struct Personal {
    code: Option<String>,
    salt: String,
    data: String,
}

fn digest(salt: &str, data: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(salt.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(data.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

/// The body to store for `kind` (its JSON, without personal fields and with
/// their digest) and the personal data taken out of it, if any. An event
/// without personal data has exactly the body it always had.
pub(crate) fn split(kind: &EventKind) -> Result<(String, Option<Personal>)> {
    let has_personal = match kind {
        EventKind::TicketIssued { ticket } => ticket.priority.is_some(),
        EventKind::SurveySubmitted { suggestion, .. } => suggestion.is_some(),
        _ => false,
    };
    if !has_personal {
        return Ok((serde_json::to_string(kind).map_err(corrupt)?, None));
    }
    let mut body = serde_json::to_value(kind).map_err(corrupt)?;
    let mut data = Map::new();
    for path in fields(kind.name()) {
        if let Some(v) = take(&mut body, path).filter(|v| !v.is_null()) {
            data.insert(path.join("."), v);
        }
    }
    let data = Value::Object(data).to_string();
    let mut salt = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut salt);
    let salt = hex::encode(salt);
    if let Value::Object(map) = &mut body {
        map.insert(DIGEST.into(), digest(&salt, &data).into());
    }
    let personal = Personal {
        code: kind.ticket_code().map(str::to_owned),
        salt,
        data,
    };
    Ok((body.to_string(), Some(personal)))
}

impl Personal {
    /// Stores it beside event `event_id`.
    pub(crate) fn insert(&self, tx: &Transaction<'_>, event_id: i64) -> Result<()> {
        tx.prepare_cached(
            "INSERT INTO personal (event_id, code, salt, data) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![event_id, self.code, self.salt, self.data])?;
        Ok(())
    }
}

fn fields(kind: &str) -> impl Iterator<Item = &'static [&'static str]> + '_ {
    FIELDS
        .iter()
        .filter(move |(k, _)| *k == kind)
        .map(|(_, path)| *path)
}

fn take(v: &mut Value, path: &[&str]) -> Option<Value> {
    let (last, parents) = path.split_last()?;
    let mut at = v;
    for p in parents {
        at = at.get_mut(*p)?;
    }
    at.as_object_mut()?.remove(*last)
}

fn put(v: &mut Value, path: &[&str], value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut at = v;
    for p in parents {
        match at.get_mut(*p) {
            Some(next) => at = next,
            None => return,
        }
    }
    if let Value::Object(map) = at {
        map.insert((*last).to_owned(), value);
    }
}

/// The event a stored body and its personal data (`None`: none, or erased)
/// make: the event as it happened, less what was erased.
pub(crate) fn event_kind(body: &str, data: Option<&str>) -> Result<EventKind> {
    let Some(data) = data else {
        return serde_json::from_str(body).map_err(corrupt);
    };
    let mut v: Value = serde_json::from_str(body).map_err(corrupt)?;
    let data: Map<String, Value> = serde_json::from_str(data).map_err(corrupt)?;
    for (path, value) in data {
        let path: Vec<&str> = path.split('.').collect();
        put(&mut v, &path, value);
    }
    serde_json::from_value(v).map_err(corrupt)
}

/// What an erasure is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Erase {
    /// Everything of events before this moment: the retention period.
    Before(DateTime<Utc>),
    /// Everything about one ticket, asked by the citizen it belongs to.
    Ticket(String),
}

/// What an erasure removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Erased {
    /// The events whose personal data is gone.
    pub events: Vec<i64>,
    /// Priority reasons erased (their tickets now count as regular, and in
    /// `priority_days`).
    pub priority_reasons: u32,
    /// Survey suggestions erased.
    pub suggestions: u32,
    /// The same two figures per office whose events they were (each
    /// supervisor sees the erasures of their own office in its audit log).
    pub offices: BTreeMap<String, ErasedIn>,
}

/// What an erasure removed from one office's events.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ErasedIn {
    pub priority_reasons: u32,
    pub suggestions: u32,
}

/// What the database holds about one ticket, for the staff who answer a
/// citizen's request for access (`antrean privacy show`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonalRecord {
    pub office: String,
    pub number: String,
    pub day: String,
    pub service: String,
    pub channel: String,
    pub status: String,
    pub issued_at: DateTime<Utc>,
    pub document: Option<String>,
    /// The priority reason, while it is kept.
    pub priority: Option<String>,
    pub surveyed: bool,
    /// The survey's suggestion, while it is kept.
    pub suggestion: Option<String>,
    /// Events about the ticket whose personal data was erased.
    pub erased: u32,
    /// Events about the ticket from before personal data was kept apart,
    /// which hold it inline (see the module's doc).
    pub inline: u32,
    /// Whether the ticket's business day has ended (only then may its
    /// personal data be erased: today's queue needs its priority).
    pub day_ended: bool,
}

/// The events erased by the erasures on record, and the digests of every
/// event that had personal data: what [`check`] compares the table with.
fn erased_on_record(conn: &Connection) -> Result<HashSet<i64>> {
    let mut out = HashSet::new();
    let mut stmt = conn.prepare(
        "SELECT value FROM events, json_each(events.body, '$.events') WHERE office = ?1",
    )?;
    for id in stmt.query_map([PRIVACY_LOG], |r| r.get::<_, i64>(0))? {
        out.insert(id?);
    }
    Ok(out)
}

/// Checks the `personal` table against the digests in the events' bodies:
/// the first event (id, log, seq) whose personal data was altered, or is
/// missing without an erasure on record, or that has personal data it
/// never had.
pub(crate) fn check(conn: &Connection) -> Result<Option<(i64, String, u64, BreakReason)>> {
    let erased = erased_on_record(conn)?;
    let mut stmt = conn.prepare(
        "SELECT e.id, e.office, e.seq, json_extract(e.body, '$.personal'), p.salt, p.data
         FROM events e LEFT JOIN personal p ON p.event_id = e.id
         WHERE json_extract(e.body, '$.personal') IS NOT NULL OR p.event_id IS NOT NULL
         UNION ALL
         SELECT p.event_id, '', 0, NULL, p.salt, p.data FROM personal p
         WHERE NOT EXISTS (SELECT 1 FROM events WHERE id = p.event_id)
         ORDER BY 1",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let stored: Option<String> = r.get(3)?;
        let salt: Option<String> = r.get(4)?;
        let data: Option<String> = r.get(5)?;
        let problem = match (stored, salt.zip(data)) {
            (Some(d), Some((salt, data))) if digest(&salt, &data) != d => {
                Some(BreakReason::PersonalAltered)
            }
            (Some(_), None) if !erased.contains(&id) => Some(BreakReason::PersonalRemoved),
            (None, Some(_)) => Some(BreakReason::PersonalAltered),
            _ => None,
        };
        if let Some(p) = problem {
            let seq: i64 = r.get(2)?;
            return Ok(Some((id, r.get(1)?, u64::try_from(seq).unwrap_or(0), p)));
        }
    }
    Ok(None)
}

/// Erases what `which` names, in `tx`: the personal rows of events whose
/// ticket's business day has ended, and what the state tables hold of
/// them. Priority tickets are counted in `priority_days` first.
fn erase_in(tx: &Transaction<'_>, which: &Erase) -> Result<Erased> {
    // The events, with the ticket each is about; a survey of a ticket not
    // stored counts as ended.
    let select = "SELECT p.event_id, e.kind, p.code, e.office FROM personal p
         JOIN events e ON e.id = p.event_id
         LEFT JOIN tickets t ON t.code = p.code
         LEFT JOIN office_days d ON d.office = t.office
         WHERE (t.code IS NULL OR t.day < d.day) AND ";
    type Row = (i64, String, Option<String>, String);
    let row = |r: &rusqlite::Row<'_>| -> rusqlite::Result<Row> {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
    };
    let rows: Vec<Row> = match which {
        Erase::Before(at) => tx
            .prepare(&format!("{select} e.at_ns < ?1 ORDER BY p.event_id"))?
            .query_map([to_ns(*at)], row)?
            .collect::<rusqlite::Result<_>>()?,
        Erase::Ticket(code) => tx
            .prepare(&format!("{select} p.code = ?1 ORDER BY p.event_id"))?
            .query_map([code], row)?
            .collect::<rusqlite::Result<_>>()?,
    };
    let mut out = Erased::default();
    for (id, kind, code, office) in rows {
        let here = out.offices.entry(office).or_default();
        match kind.as_str() {
            "ticket_issued" => {
                tx.prepare_cached(
                    "INSERT INTO priority_days (office, day, service, reason, claimed, confirmed)
                     SELECT office, day, number_service, priority, 1, priority_confirmed
                     FROM tickets WHERE code = ?1 AND priority IS NOT NULL
                     ON CONFLICT (office, day, service, reason) DO UPDATE SET
                        claimed = claimed + 1, confirmed = confirmed + excluded.confirmed",
                )?
                .execute([&code])?;
                tx.prepare_cached("UPDATE tickets SET priority = NULL WHERE code = ?1")?
                    .execute([&code])?;
                out.priority_reasons += 1;
                here.priority_reasons += 1;
            }
            "survey_submitted" => {
                tx.prepare_cached("UPDATE surveys SET suggestion = NULL WHERE code = ?1")?
                    .execute([&code])?;
                out.suggestions += 1;
                here.suggestions += 1;
            }
            other => return Err(corrupt(format!("personal data of a `{other}` event"))),
        }
        tx.prepare_cached("DELETE FROM personal WHERE event_id = ?1")?
            .execute([id])?;
        out.events.push(id);
    }
    Ok(out)
}

impl Store {
    /// Erases personal data (see the module's doc) and records the erasure
    /// in the [`PRIVACY_LOG`] with `actor`, in one commit; waits until it
    /// is on disk. Nothing to erase records nothing.
    pub fn erase_personal(&self, which: Erase, actor: &Actor) -> Result<Erased> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let (vtx, vrx) = std::sync::mpsc::sync_channel(1);
        self.writer.logged(
            PRIVACY_LOG,
            actor,
            Box::new(move |t| {
                let erased = erase_in(t, &which)?;
                let logged = (!erased.events.is_empty()).then(|| {
                    let why = match &which {
                        Erase::Before(at) => serde_json::json!({
                            "why": "retention",
                            "before": at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                        }),
                        Erase::Ticket(_) => serde_json::json!({ "why": "request" }),
                    };
                    let mut body = serde_json::json!({
                        "kind": "personal_erased",
                        "events": erased.events,
                        "priority_reasons": erased.priority_reasons,
                        "suggestions": erased.suggestions,
                        "offices": erased.offices.iter().map(|(office, e)| {
                            let figures = serde_json::json!({
                                "priority_reasons": e.priority_reasons,
                                "suggestions": e.suggestions,
                            });
                            (office.clone(), figures)
                        }).collect::<Map<String, Value>>(),
                    });
                    if let (Value::Object(b), Value::Object(w)) = (&mut body, why) {
                        b.extend(w);
                    }
                    Logged {
                        kind: "personal_erased",
                        body: body.to_string(),
                    }
                });
                let _ = vtx.send(erased);
                Ok(logged)
            }),
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        rx.recv().map_err(|_| StoreError::WriterGone)??;
        vrx.recv().map_err(|_| StoreError::WriterGone)
    }

    /// What the database holds about the ticket `code`, if it exists.
    pub fn personal_record(&self, code: &str) -> Result<Option<PersonalRecord>> {
        self.reader.with(|c| {
            let ticket = c
                .prepare(
                    "SELECT t.office, t.number, t.day, t.service, t.channel, t.status, t.issued_at_ns,
                            t.document, t.priority, s.code IS NOT NULL, s.suggestion,
                            coalesce(t.day < d.day, 0)
                     FROM tickets t LEFT JOIN surveys s ON s.code = t.code
                     LEFT JOIN office_days d ON d.office = t.office
                     WHERE t.code = ?1",
                )?
                .query_row([code], |r| {
                    Ok(PersonalRecord {
                        office: r.get(0)?,
                        number: r.get(1)?,
                        day: r.get(2)?,
                        service: r.get(3)?,
                        channel: r.get(4)?,
                        status: r.get(5)?,
                        issued_at: from_ns(r.get(6)?),
                        document: r.get(7)?,
                        priority: r.get(8)?,
                        surveyed: r.get(9)?,
                        suggestion: r.get(10)?,
                        erased: 0,
                        inline: 0,
                        day_ended: r.get(11)?,
                    })
                })
                .optional()?;
            let Some(mut record) = ticket else {
                return Ok(None);
            };
            let erased = erased_on_record(c)?;
            let mut stmt = c.prepare(
                "SELECT e.id, json_extract(e.body, '$.personal') IS NOT NULL, p.event_id IS NOT NULL,
                        json_extract(e.body, '$.ticket.priority') IS NOT NULL
                            OR json_extract(e.body, '$.suggestion') IS NOT NULL
                 FROM events e LEFT JOIN personal p ON p.event_id = e.id
                 WHERE e.office = ?1 AND e.kind IN ('ticket_issued', 'survey_submitted')
                   AND coalesce(json_extract(e.body, '$.ticket.code'), json_extract(e.body, '$.code')) = ?2",
            )?;
            let rows = stmt.query_map(params![record.office, code], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?, r.get::<_, bool>(2)?, r.get::<_, bool>(3)?))
            })?;
            for row in rows {
                let (id, digest, kept, inline) = row?;
                if digest && !kept && erased.contains(&id) {
                    record.erased += 1;
                }
                if inline {
                    record.inline += 1;
                }
            }
            Ok(Some(record))
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use antrean_core::{Channel, Priority, Ticket, TicketStatus};

    fn ticket(priority: Option<Priority>) -> EventKind {
        let at = chrono::DateTime::from_timestamp(1_764_633_600, 0).unwrap();
        EventKind::TicketIssued {
            ticket: Ticket {
                code: "c0de".into(),
                number: "A001".into(),
                seq_no: 1,
                number_service: "ktp".into(),
                service: "ktp".into(),
                priority,
                priority_confirmed: true,
                channel: Channel::Kiosk,
                status: TicketStatus::Waiting,
                day: at.date_naive(),
                issued_at: at,
                called_at: None,
                started_at: None,
                finished_at: None,
                counter: None,
                target_counter: None,
                calls: 0,
            },
        }
    }

    #[test]
    fn personal_fields_leave_the_body_and_come_back() {
        let kind = ticket(Some(Priority::Disability));
        let (body, personal) = split(&kind).unwrap();
        let personal = personal.unwrap();
        assert!(!body.contains("disability"), "{body}");
        assert_eq!(personal.code.as_deref(), Some("c0de"));
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            v[DIGEST].as_str(),
            Some(digest(&personal.salt, &personal.data).as_str())
        );
        assert_eq!(event_kind(&body, Some(&personal.data)).unwrap(), kind);
        // Erased: the same event, regular.
        assert_eq!(event_kind(&body, None).unwrap(), ticket(None));
    }

    #[test]
    fn events_without_personal_data_keep_their_body() {
        let kind = ticket(None);
        let (body, personal) = split(&kind).unwrap();
        assert!(personal.is_none());
        assert_eq!(body, serde_json::to_string(&kind).unwrap());
        let survey = EventKind::SurveySubmitted {
            code: "c".into(),
            service: "ktp".into(),
            answers: [Some(4); 9],
            suggestion: Some("Pak Budi ramah, 0812-3456".into()),
        };
        let (body, personal) = split(&survey).unwrap();
        assert!(!body.contains("Budi"));
        assert_eq!(
            event_kind(&body, Some(&personal.unwrap().data)).unwrap(),
            survey
        );
    }

    #[test]
    fn the_same_reason_twice_has_two_digests() {
        let kind = ticket(Some(Priority::Elderly));
        let (a, _) = split(&kind).unwrap();
        let (b, _) = split(&kind).unwrap();
        assert_ne!(a, b, "a salt per event: digests cannot be matched");
    }
}
