//! The hash chain over the event log: each row's hash covers its content and
//! the previous row's hash, so editing, inserting or deleting any row breaks
//! every hash after it.

use rusqlite::Connection;
use sha2::{Digest, Sha256};

use crate::Result;

/// The hash before the first event.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The hash of one event row.
pub(crate) fn hash(
    prev: &str,
    office: &str,
    seq: u64,
    at_ns: i64,
    body: &str,
    actor: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    // Length-prefixed fields: no two different rows hash the same bytes.
    for field in [
        prev,
        office,
        &seq.to_string(),
        &at_ns.to_string(),
        body,
        actor.unwrap_or(""),
    ] {
        h.update((field.len() as u64).to_le_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The outcome of walking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChainReport {
    /// Every row verifies.
    Intact { events: u64 },
    /// The first row whose hash does not follow, and why.
    Broken {
        id: i64,
        office: String,
        seq: u64,
        reason: String,
    },
}

pub(crate) fn last_hash(conn: &Connection) -> Result<String> {
    let h = conn
        .query_row(
            "SELECT hash FROM events ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .or_else(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Ok(GENESIS.to_owned()),
            e => Err(e),
        })?;
    Ok(h)
}

/// Walks every event in chain order. Also checks that each office's seq
/// increases by one, so a deleted row shows even where its hash was rewritten.
pub(crate) fn verify(conn: &Connection) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT id, office, seq, at_ns, body, actor, prev_hash, hash FROM events ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS.to_owned();
    let mut last_seq: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let office: String = r.get(1)?;
        let seq: i64 = r.get(2)?;
        let seq = u64::try_from(seq).unwrap_or(0);
        let at_ns: i64 = r.get(3)?;
        let body: String = r.get(4)?;
        let actor: Option<String> = r.get(5)?;
        let prev_hash: String = r.get(6)?;
        let stored: String = r.get(7)?;
        let broken = |reason: String| ChainReport::Broken {
            id,
            office: office.clone(),
            seq,
            reason,
        };
        if prev_hash != prev {
            return Ok(broken("its previous hash does not match the event before it (a row was removed or inserted)".into()));
        }
        if hash(&prev, &office, seq, at_ns, &body, actor.as_deref()) != stored {
            return Ok(broken(
                "its content does not match its hash (the row was edited)".into(),
            ));
        }
        let expected = last_seq.get(&office).map_or(1, |s| s + 1);
        if seq != expected {
            return Ok(broken(format!(
                "seq {seq} follows {} in its office",
                expected - 1
            )));
        }
        last_seq.insert(office.clone(), seq);
        prev = stored;
        n += 1;
    }
    Ok(ChainReport::Intact { events: n })
}
