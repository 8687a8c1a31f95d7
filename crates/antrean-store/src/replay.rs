//! The events are the truth, the current-state tables a projection of them:
//! [`replay`] projects every office's events again, in chain order, into a
//! scratch database in memory, through the writer's own projection
//! ([`crate::writer::project`], not a second copy of it), and compares the
//! result with the stored tables row by row, column by column.
//!
//! A `tickets` row edited by hand (`UPDATE tickets SET status = 'done'`)
//! does not break the hash chain, which covers only the events; this finds
//! it, and names the ticket by its number and office (never by its code,
//! which is the citizen's key to it).
//!
//! The scratch database holds every projected row at once (for years of a
//! busy office, some hundreds of MB): it is for `antrean audit verify`, not
//! for a request.

use std::collections::BTreeMap;

use antrean_core::Event;
use rusqlite::types::Value;
use rusqlite::Connection;

use crate::{from_ns, schema, writer, Result, StoreError};

/// The tables the writer projects from office events, with their keys.
const PROJECTED: &[(&str, &[&str])] = &[
    ("tickets", &["code"]),
    ("service_days", &["office", "day", "service"]),
    ("counters", &["office", "id"]),
    ("office_days", &["office"]),
    ("service_stops", &["office", "service"]),
    ("office_texts", &["office"]),
    ("office_configs", &["office"]),
    ("surveys", &["code"]),
];

/// A stored row that is not what the events make of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub table: &'static str,
    /// The row in words: `A003 of office alpha (2026-12-01)`, `counter 2
    /// of office alpha`.
    pub row: String,
    /// The column that differs, or `row` when the row is on one side only.
    pub column: String,
    /// The value in the stored table (`absent`: no such row).
    pub stored: String,
    /// The value the events give (`absent`: no such row).
    pub replayed: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.column == "row" {
            write!(
                f,
                "{} ({}): {} in the table, {} by the events",
                self.row, self.table, self.stored, self.replayed
            )
        } else {
            write!(
                f,
                "{} ({}): {} {} in the table, {} by the events",
                self.row, self.table, self.column, self.stored, self.replayed
            )
        }
    }
}

type Rows = BTreeMap<Vec<String>, Vec<Value>>;

/// Replays the office events of `real` and compares (see the module's doc).
pub(crate) fn replay(real: &Connection) -> Result<Vec<Mismatch>> {
    let mut scratch = Connection::open_in_memory()?;
    schema::migrate(&scratch)?;
    {
        let tx = scratch.transaction()?;
        // Office logs only: the accounts log and the chain's own log
        // project nothing (accounts are changed in the same savepoint as
        // their event, by the change itself).
        let mut stmt = real.prepare(
            "SELECT e.id, e.office, e.seq, e.at_ns, e.body, p.data FROM events e
             LEFT JOIN personal p ON p.event_id = e.id WHERE e.office NOT LIKE '@%' ORDER BY e.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let office: String = r.get(1)?;
            let body: String = r.get(4)?;
            let personal: Option<String> = r.get(5)?;
            let kind = crate::personal::event_kind(&body, personal.as_deref())
                .map_err(|e| StoreError::Corrupt(format!("event id {id}: {e}")))?;
            let event = Event {
                seq: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                at: from_ns(r.get(3)?),
                kind,
            };
            writer::project(&tx, &office, &event).map_err(|e| {
                StoreError::Corrupt(format!("replaying event id {id} of `{office}`: {e}"))
            })?;
        }
        tx.commit()?;
    }
    let mut out = Vec::new();
    for &(table, key) in PROJECTED {
        let columns: Vec<String> = scratch
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let stored = rows(real, table, key, &columns)?;
        let replayed = rows(&scratch, table, key, &columns)?;
        compare(table, &columns, &stored, &replayed, &mut out);
    }
    Ok(out)
}

fn rows(conn: &Connection, table: &str, key: &[&str], columns: &[String]) -> Result<Rows> {
    let list = columns.join(", ");
    let mut stmt = conn.prepare(&format!("SELECT {list} FROM {table}"))?;
    let at: Vec<usize> = key
        .iter()
        .filter_map(|k| columns.iter().position(|c| c == k))
        .collect();
    let mut out = Rows::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let values: Vec<Value> = (0..columns.len())
            .map(|i| r.get::<_, Value>(i))
            .collect::<rusqlite::Result<_>>()?;
        let k = at.iter().map(|&i| show(&values[i])).collect();
        out.insert(k, values);
    }
    Ok(out)
}

fn compare(
    table: &'static str,
    columns: &[String],
    stored: &Rows,
    replayed: &Rows,
    out: &mut Vec<Mismatch>,
) {
    let mut keys: Vec<&Vec<String>> = stored.keys().chain(replayed.keys()).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        let (s, r) = (stored.get(k), replayed.get(k));
        let Some(any) = s.or(r) else { continue };
        let row = || describe(table, columns, k, any);
        match (s, r) {
            (Some(s), Some(r)) => {
                for (i, c) in columns.iter().enumerate() {
                    if !same(&s[i], &r[i]) {
                        out.push(Mismatch {
                            table,
                            row: row(),
                            column: c.clone(),
                            stored: show(&s[i]),
                            replayed: show(&r[i]),
                        });
                    }
                }
            }
            (s, _) => out.push(Mismatch {
                table,
                row: row(),
                column: "row".into(),
                stored: if s.is_some() { "present" } else { "absent" }.into(),
                replayed: if s.is_some() { "absent" } else { "present" }.into(),
            }),
        }
    }
}

/// Equal values; JSON documents (an office's configuration) are equal when
/// they say the same, whatever the order of their keys.
fn same(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (Value::Text(x), Value::Text(y)) => {
            match (
                serde_json::from_str::<serde_json::Value>(x),
                serde_json::from_str::<serde_json::Value>(y),
            ) {
                (Ok(x), Ok(y)) => x == y && (x.is_object() || x.is_array()),
                _ => false,
            }
        }
        _ => false,
    }
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "NULL".into(),
        Value::Integer(i) => i.to_string(),
        Value::Real(f) => f.to_string(),
        Value::Text(t) => t.clone(),
        Value::Blob(b) => format!("{} bytes", b.len()),
    }
}

/// The row in words, without a ticket's code.
fn describe(table: &str, columns: &[String], key: &[String], values: &[Value]) -> String {
    let col = |name: &str| {
        columns
            .iter()
            .position(|c| c == name)
            .map(|i| show(&values[i]))
            .unwrap_or_default()
    };
    match table {
        "tickets" => format!(
            "{} of office {} ({})",
            col("number"),
            col("office"),
            col("day")
        ),
        "surveys" => format!(
            "a survey of office {} ({}, {})",
            col("office"),
            col("service"),
            col("day")
        ),
        "counters" => format!("counter {} of office {}", col("id"), col("office")),
        _ => format!("{table} {}", key.join(" ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mismatch_reads_as_a_sentence() {
        let m = Mismatch {
            table: "tickets",
            row: "A003 of office alpha (2026-12-01)".into(),
            column: "status".into(),
            stored: "done".into(),
            replayed: "waiting".into(),
        };
        assert_eq!(
            m.to_string(),
            "A003 of office alpha (2026-12-01) (tickets): status done in the table, waiting by the events"
        );
        assert!(same(
            &Value::Text("{\"a\":1,\"b\":2}".into()),
            &Value::Text("{\"b\":2,\"a\":1}".into())
        ));
        assert!(!same(&Value::Text("1".into()), &Value::Text("1.0".into())));
    }
}
