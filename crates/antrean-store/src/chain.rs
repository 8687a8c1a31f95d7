//! The hash chain over the event log: each row's hash covers its content and
//! the previous row's hash, so editing, inserting or deleting any row breaks
//! every hash after it.
//!
//! The hash is an HMAC-SHA256 under the audit key, a 256-bit secret kept in
//! a file outside the database ([`AuditKey`]): whoever can write the
//! database but not read the key cannot recompute the chain after an edit.
//! (Cutting off the newest rows needs no hash at all; the signed
//! checkpoints, which leave the machine, catch that.)
//!
//! # Chains made before the key
//!
//! Databases from before the key hash with plain SHA-256 over the same
//! fields. They are upgraded once, in place, when the key is made: the store
//! verifies the whole old chain with SHA-256, re-hashes every row with the
//! key, appends a `chain_keyed` event (in the [`CHAIN_LOG`]) that records the
//! old head and how many rows it covered, and notes the key's id (an HMAC of
//! a fixed text under the key, never the key) in the `audit_chain` table, in
//! one transaction. The key file is written under a
//! temporary name first and takes its name only after the commit (a crash
//! between the two finishes the rename at the next start).
//!
//! Why re-hash instead of marking each row with its scheme: with a marker, a
//! forger could mark rows (or all of them) as old and recompute them with
//! SHA-256, and the verifier would have to take the database's word for
//! which rows were old. After the upgrade no row is plain, so there is
//! nothing to downgrade to: a plain hash anywhere is a break ("unkeyed").
//! And the upgrade happens only while no key exists: a database whose chain
//! is plain while the key file exists (its `audit_chain` row deleted and
//! every hash recomputed) is refused at open, never re-keyed, so that a
//! forgery cannot be laundered by a restart.

use hmac::{Hmac, Mac};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{files, to_ns, Reader, Result, StoreError};

/// The hash before the first event.
pub(crate) const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The log in the `events` table that records what happened to the chain
/// itself (its upgrade to the key), where an office's id would be.
pub const CHAIN_LOG: &str = "@chain";

/// The secret of the keyed hash chain. Cloning is cheap; `Debug` shows only
/// its id, never the key.
#[derive(Clone)]
pub struct AuditKey {
    /// The HMAC with the key already absorbed: each row's hash clones it
    /// instead of hashing the key again.
    mac: Hmac<Sha256>,
    /// An HMAC of a fixed text under the key: names the key (in the
    /// database and in messages) without revealing it.
    id: String,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey({})", self.id)
    }
}

impl AuditKey {
    pub fn from_bytes(key: &[u8; 32]) -> AuditKey {
        let mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| {
            // HMAC takes keys of any length; this branch cannot run.
            unreachable!("HMAC-SHA256 takes a 32-byte key")
        });
        let mut named = mac.clone();
        named.update(b"antrean audit key id");
        let id = hex::encode(&named.finalize().into_bytes()[..8]);
        AuditKey { mac, id }
    }

    /// Names the key without revealing it.
    pub fn id(&self) -> &str {
        &self.id
    }
}

/// How a row's hash is made: with the key, or (chains from before it) with
/// plain SHA-256.
#[derive(Clone, Copy)]
enum Scheme<'k> {
    Keyed(&'k AuditKey),
    Plain,
}

/// Length-prefixed fields: no two different rows hash the same bytes.
fn fields(
    mut update: impl FnMut(&[u8]),
    prev: &str,
    office: &str,
    seq: u64,
    at_ns: i64,
    body: &str,
    actor: Option<&str>,
) {
    for field in [
        prev,
        office,
        &seq.to_string(),
        &at_ns.to_string(),
        body,
        actor.unwrap_or(""),
    ] {
        update(&(field.len() as u64).to_le_bytes());
        update(field.as_bytes());
    }
}

/// The hash of one event row, under the audit key.
pub(crate) fn hash(
    key: &AuditKey,
    prev: &str,
    office: &str,
    seq: u64,
    at_ns: i64,
    body: &str,
    actor: Option<&str>,
) -> String {
    let mut mac = key.mac.clone();
    fields(|b| mac.update(b), prev, office, seq, at_ns, body, actor);
    hex::encode(mac.finalize().into_bytes())
}

/// The hash of one event row as chains made before the key had it.
pub(crate) fn plain_hash(
    prev: &str,
    office: &str,
    seq: u64,
    at_ns: i64,
    body: &str,
    actor: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    fields(|b| h.update(b), prev, office, seq, at_ns, body, actor);
    hex::encode(h.finalize())
}

impl Scheme<'_> {
    fn hash(
        self,
        prev: &str,
        office: &str,
        seq: u64,
        at_ns: i64,
        body: &str,
        actor: Option<&str>,
    ) -> String {
        match self {
            Scheme::Keyed(k) => hash(k, prev, office, seq, at_ns, body, actor),
            Scheme::Plain => plain_hash(prev, office, seq, at_ns, body, actor),
        }
    }
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
        reason: BreakReason,
    },
}

/// Why a row breaks the chain: a stable [`code`](BreakReason::code) for
/// programs and screens, and a sentence (`Display`) for people and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakReason {
    /// Its previous hash is not the hash of the row before it: a row was
    /// removed or inserted before it.
    Unlinked,
    /// Its hash is not the keyed hash of its content: it was edited.
    Edited,
    /// Its hash is the plain SHA-256 of its content: the chain was
    /// recomputed by someone without the audit key.
    Unkeyed,
    /// Its office's seq (`found`) is not the one after the office's
    /// previous row (`expected`): a row was removed and the hashes after it
    /// recomputed.
    SeqGap { expected: u64, found: u64 },
    /// Its personal data is not what its digest says, or it has personal
    /// data it never had: edited or inserted (see personal.rs).
    PersonalAltered,
    /// Its personal data is gone without an erasure on record.
    PersonalRemoved,
}

impl BreakReason {
    /// `unlinked`, `edited`, `unkeyed`, `seq_gap`, `personal_altered` or
    /// `personal_removed`.
    pub fn code(&self) -> &'static str {
        match self {
            BreakReason::Unlinked => "unlinked",
            BreakReason::Edited => "edited",
            BreakReason::Unkeyed => "unkeyed",
            BreakReason::SeqGap { .. } => "seq_gap",
            BreakReason::PersonalAltered => "personal_altered",
            BreakReason::PersonalRemoved => "personal_removed",
        }
    }
}

impl std::fmt::Display for BreakReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BreakReason::Unlinked => f.write_str(
                "its previous hash does not match the event before it (a row was removed or inserted)",
            ),
            BreakReason::Edited => {
                f.write_str("its content does not match its hash (the row was edited)")
            }
            BreakReason::Unkeyed => f.write_str(
                "its content does not match its keyed hash: it was hashed without the audit key (the log was rewritten by someone without the key)",
            ),
            BreakReason::SeqGap { expected, found } => write!(
                f,
                "seq {found} follows {} in its office (a row was removed)",
                expected.saturating_sub(1)
            ),
            BreakReason::PersonalAltered => f.write_str(
                "its personal data does not match the digest its hash covers (it was edited, or added)",
            ),
            BreakReason::PersonalRemoved => f.write_str(
                "its personal data was deleted, and no erasure in the log names it",
            ),
        }
    }
}

/// What a checkpoint records of the chain at one moment: its newest row,
/// that row's hash (which covers every row before it), how many rows, and
/// each log's last seq.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    /// 0 for an empty log.
    pub last_id: i64,
    pub head_hash: String,
    pub count: u64,
    pub last_seq: BTreeMap<String, u64>,
}

impl Reader {
    /// The chain's head now, read in one snapshot.
    pub fn chain_head(&self) -> Result<ChainHead> {
        self.with(|c| {
            let tx = c.unchecked_transaction()?;
            let (id, head_hash) = head(&tx)?;
            let count: i64 = tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
            let last_seq = tx
                .prepare("SELECT office, max(seq) FROM events GROUP BY office")?
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .map(|r| r.map(|(o, s)| (o, u64::try_from(s).unwrap_or(0))))
                .collect::<rusqlite::Result<_>>()?;
            Ok(ChainHead {
                last_id: id.unwrap_or(0),
                head_hash,
                count: u64::try_from(count).unwrap_or(0),
                last_seq,
            })
        })
    }

    /// The stored hash of event `id` and how many events there are up to
    /// it, if it exists.
    pub fn event_hash(&self, id: i64) -> Result<Option<(String, u64)>> {
        self.with(|c| {
            let hash: Option<String> = c
                .prepare_cached("SELECT hash FROM events WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            let Some(hash) = hash else { return Ok(None) };
            let n: i64 = c.query_row("SELECT count(*) FROM events WHERE id <= ?1", [id], |r| {
                r.get(0)
            })?;
            Ok(Some((hash, u64::try_from(n).unwrap_or(0))))
        })
    }

    /// Replays the office events into a scratch database and compares it
    /// with the stored current-state tables (see replay.rs).
    pub fn replay_check(&self) -> Result<Vec<crate::Mismatch>> {
        self.with(|c| {
            // One snapshot: a server appending meanwhile changes neither side.
            let tx = c.unchecked_transaction()?;
            crate::replay::replay(&tx)
        })
    }
}

/// The newest row's id and hash (`None` and [`GENESIS`] for an empty log).
pub(crate) fn head(conn: &Connection) -> Result<(Option<i64>, String)> {
    Ok(conn
        .prepare_cached("SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")?
        .query_row([], |r| Ok((Some(r.get(0)?), r.get(1)?)))
        .optional()?
        .unwrap_or((None, GENESIS.to_owned())))
}

/// Whether the row `id` carries the keyed hash of its content.
pub(crate) fn row_verifies(conn: &Connection, key: &AuditKey, id: i64) -> Result<bool> {
    let row = conn
        .prepare_cached(
            "SELECT office, seq, at_ns, body, actor, prev_hash, hash FROM events WHERE id = ?1",
        )?
        .query_row([id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ))
        })
        .optional()?;
    Ok(
        row.is_some_and(|(office, seq, at_ns, body, actor, prev, stored)| {
            let seq = u64::try_from(seq).unwrap_or(0);
            hash(key, &prev, &office, seq, at_ns, &body, actor.as_deref()) == stored
        }),
    )
}

/// Walks every event in chain order. Also checks that each office's seq
/// increases by one, so a deleted row shows even where its hash was rewritten.
/// Then checks the personal data kept beside the events against the
/// digests the chain covers.
pub(crate) fn verify(conn: &Connection, key: &AuditKey) -> Result<ChainReport> {
    let report = walk(conn, Scheme::Keyed(key))?;
    if let ChainReport::Intact { .. } = report {
        if let Some((id, office, seq, reason)) = crate::personal::check(conn)? {
            return Ok(ChainReport::Broken {
                id,
                office,
                seq,
                reason,
            });
        }
    }
    Ok(report)
}

fn walk(conn: &Connection, scheme: Scheme<'_>) -> Result<ChainReport> {
    let mut stmt = conn.prepare(
        "SELECT id, office, seq, at_ns, body, actor, prev_hash, hash, \
         kind IS NOT json_extract(body, '$.kind') FROM events ORDER BY id",
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
        // The `kind` column (what the audit view filters and shows) is not
        // hashed: it must be the body's, which is.
        let kind_differs: bool = r.get(8)?;
        let broken = |reason: BreakReason| ChainReport::Broken {
            id,
            office: office.clone(),
            seq,
            reason,
        };
        if prev_hash != prev {
            return Ok(broken(BreakReason::Unlinked));
        }
        if scheme.hash(&prev, &office, seq, at_ns, &body, actor.as_deref()) != stored {
            let plain = matches!(scheme, Scheme::Keyed(_))
                && plain_hash(&prev, &office, seq, at_ns, &body, actor.as_deref()) == stored;
            return Ok(broken(if plain {
                BreakReason::Unkeyed
            } else {
                BreakReason::Edited
            }));
        }
        if kind_differs {
            return Ok(broken(BreakReason::Edited));
        }
        let expected = last_seq.get(&office).map_or(1, |s| s + 1);
        if seq != expected {
            return Ok(broken(BreakReason::SeqGap {
                expected,
                found: seq,
            }));
        }
        last_seq.insert(office.clone(), seq);
        prev = stored;
        n += 1;
    }
    Ok(ChainReport::Intact { events: n })
}

/// The key's file while it is being introduced (see the module's doc).
fn pending_name(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

fn key_problem(key_file: &Path, problem: impl Into<String>) -> StoreError {
    StoreError::AuditKey {
        path: key_file.to_owned(),
        problem: problem.into(),
    }
}

/// The audit key of the database on `conn`, from `key_file`: made on the
/// first start (re-keying a chain from before the key, see the module's
/// doc), checked against the key the chain was made with on every other.
pub(crate) fn key(conn: &mut Connection, key_file: &Path) -> Result<AuditKey> {
    // Made here rather than by a numbered migration: which key a chain is
    // made with belongs to this module, whatever the schema's version.
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS audit_chain (
            id          INTEGER PRIMARY KEY CHECK (id = 1),
            key_id      TEXT    NOT NULL,  -- AuditKey::id, never the key
            keyed_at_ns INTEGER NOT NULL
        );",
    )?;
    let keyed: Option<String> = conn
        .query_row("SELECT key_id FROM audit_chain WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?;
    let pending = pending_name(key_file);
    match (files::read_secret(key_file)?, keyed) {
        (Some(bytes), Some(id)) => {
            let key = AuditKey::from_bytes(&bytes);
            if key.id != id {
                return Err(key_problem(
                    key_file,
                    format!("is not the key this database's audit log was made with (key {} here, {id} in the database): restore the database's own key from its backup", key.id),
                ));
            }
            Ok(key)
        }
        (Some(bytes), None) => {
            let key = AuditKey::from_bytes(&bytes);
            let events: i64 = conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
            if events > 0 {
                // Never re-keyed here: see the module's doc.
                return Err(key_problem(
                    key_file,
                    "exists, but this database's audit log was never keyed: it is a database from before the audit key, or its record of the key was removed. Check it with `antrean audit verify`; to key a database from before the key, start it without a key file",
                ));
            }
            // A key the operator made (or a first start that stopped
            // before writing anything): the empty log takes it.
            mark_keyed(conn, &key)?;
            Ok(key)
        }
        (None, Some(id)) => match files::read_secret(&pending)? {
            // The upgrade committed but the key kept its temporary name.
            Some(bytes) if AuditKey::from_bytes(&bytes).id == id => {
                files::rename_durably(&pending, key_file)?;
                announce(key_file);
                Ok(AuditKey::from_bytes(&bytes))
            }
            _ => Err(key_problem(
                key_file,
                format!("is missing; this database's audit log was made with key {id}: restore the key from its backup (a new key would not verify the log)"),
            )),
        },
        (None, None) => {
            let bytes = match files::read_secret(&pending)? {
                Some(b) => b,
                None => files::create_secret(&pending)?,
            };
            let key = AuditKey::from_bytes(&bytes);
            upgrade(conn, &key)?;
            files::rename_durably(&pending, key_file)?;
            announce(key_file);
            Ok(key)
        }
    }
}

fn announce(key_file: &Path) {
    tracing::warn!(
        key_file = %key_file.display(),
        "created the audit log's key: back it up now, apart from the database (without it the audit log can no longer be verified; with the database it lets a forger rewrite it)"
    );
}

fn mark_keyed(conn: &Connection, key: &AuditKey) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_chain (id, key_id, keyed_at_ns) VALUES (1, ?1, ?2)",
        params![key.id, to_ns(chrono::Utc::now())],
    )?;
    Ok(())
}

/// Re-hashes a chain made before the key with the key, after checking it
/// with plain SHA-256, and records it; one transaction.
fn upgrade(conn: &mut Connection, key: &AuditKey) -> Result<()> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let events: i64 = tx.query_row("SELECT count(*) FROM events", [], |r| r.get(0))?;
    if events > 0 {
        tracing::info!(events, "keying the audit log made before the audit key");
        if let ChainReport::Broken {
            id,
            office,
            seq,
            reason,
        } = walk(&tx, Scheme::Plain)?
        {
            return Err(StoreError::LegacyChainBroken(format!(
                "event id {id} (log `{office}`, seq {seq}): {reason}"
            )));
        }
        let (_, old_head) = head(&tx)?;
        let mut prev = GENESIS.to_owned();
        let mut after = 0i64;
        // In slices by id: no statement reads the table while it is updated.
        loop {
            type Row = (i64, String, i64, i64, String, Option<String>);
            let slice: Vec<Row> = tx
                .prepare("SELECT id, office, seq, at_ns, body, actor FROM events WHERE id > ?1 ORDER BY id LIMIT 10000")?
                .query_map([after], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let Some(last) = slice.last() else { break };
            after = last.0;
            let mut update =
                tx.prepare("UPDATE events SET prev_hash = ?2, hash = ?3 WHERE id = ?1")?;
            for (id, office, seq, at_ns, body, actor) in &slice {
                let seq = u64::try_from(*seq).unwrap_or(0);
                let h = hash(key, &prev, office, seq, *at_ns, body, actor.as_deref());
                update.execute(params![id, prev, h])?;
                prev = h;
            }
        }
        let body = serde_json::json!({
            "kind": "chain_keyed",
            "previous_head": old_head,
            "events": events,
            "key_id": key.id,
        })
        .to_string();
        let seq: i64 = tx.query_row(
            "SELECT coalesce(max(seq), 0) + 1 FROM events WHERE office = ?1",
            [CHAIN_LOG],
            |r| r.get(0),
        )?;
        let at_ns = to_ns(chrono::Utc::now());
        let seq_u = u64::try_from(seq).unwrap_or(0);
        let h = hash(key, &prev, CHAIN_LOG, seq_u, at_ns, &body, None);
        tx.execute(
            "INSERT INTO events (office, seq, at_ns, kind, body, actor, prev_hash, hash) VALUES (?1, ?2, ?3, 'chain_keyed', ?4, NULL, ?5, ?6)",
            params![CHAIN_LOG, seq, at_ns, body, prev, h],
        )?;
    }
    mark_keyed(&tx, key)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn key(n: u8) -> AuditKey {
        AuditKey::from_bytes(&[n; 32])
    }

    /// A database with `n` events of office `o`, chained by `h`.
    fn log(n: u64, h: impl Fn(&str, &str, u64, i64, &str, Option<&str>) -> String) -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        crate::schema::migrate(&conn).unwrap();
        let mut prev = GENESIS.to_owned();
        for seq in 1..=n {
            let body = format!("{{\"kind\":\"x\",\"n\":{seq}}}");
            let at = 1_000 + i64::try_from(seq).unwrap();
            let hash = h(&prev, "o", seq, at, &body, Some("user:siti"));
            conn.execute(
                "INSERT INTO events (office, seq, at_ns, kind, body, actor, prev_hash, hash) VALUES ('o', ?1, ?2, 'x', ?3, 'user:siti', ?4, ?5)",
                params![i64::try_from(seq).unwrap(), at, body, prev, hash],
            )
            .unwrap();
            prev = hash;
        }
        conn
    }

    /// Recomputes every hash from the rows' content with `h`, as a forger
    /// with write access would after an edit.
    fn rechain(conn: &Connection, h: impl Fn(&str, &str, u64, i64, &str, Option<&str>) -> String) {
        let rows: Vec<(i64, String, i64, i64, String, Option<String>)> = conn
            .prepare("SELECT id, office, seq, at_ns, body, actor FROM events ORDER BY id")
            .unwrap()
            .query_map([], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut prev = GENESIS.to_owned();
        for (id, office, seq, at, body, actor) in rows {
            let hash = h(
                &prev,
                &office,
                u64::try_from(seq).unwrap(),
                at,
                &body,
                actor.as_deref(),
            );
            conn.execute(
                "UPDATE events SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
                params![id, prev, hash],
            )
            .unwrap();
            prev = hash;
        }
    }

    #[test]
    fn keyed_hashes_are_not_sha256_and_depend_on_the_key() {
        let plain = plain_hash(GENESIS, "o", 1, 5, "{}", None);
        let a = hash(&key(1), GENESIS, "o", 1, 5, "{}", None);
        let b = hash(&key(2), GENESIS, "o", 1, 5, "{}", None);
        assert_ne!(a, plain);
        assert_ne!(a, b);
        assert_eq!(a, hash(&key(1), GENESIS, "o", 1, 5, "{}", None));
        assert_eq!(a.len(), 64);
        assert_ne!(key(1).id(), key(2).id());
        assert!(
            !format!("{:?}", key(1)).contains("0101"),
            "Debug hides the key"
        );
    }

    #[test]
    fn an_edit_rechained_with_sha256_or_another_key_does_not_verify() {
        let k = key(7);
        let conn = log(10, |p, o, s, a, b, ac| hash(&k, p, o, s, a, b, ac));
        assert_eq!(
            verify(&conn, &k).unwrap(),
            ChainReport::Intact { events: 10 }
        );

        conn.execute(
            "UPDATE events SET body = '{\"kind\":\"x\",\"n\":99}' WHERE seq = 4",
            [],
        )
        .unwrap();
        rechain(&conn, plain_hash);
        match verify(&conn, &k).unwrap() {
            ChainReport::Broken {
                id: 1,
                seq: 1,
                reason: BreakReason::Unkeyed,
                ..
            } => {}
            other => panic!("{other:?}"),
        }

        let forger = key(8);
        rechain(&conn, |p, o, s, a, b, ac| hash(&forger, p, o, s, a, b, ac));
        match verify(&conn, &k).unwrap() {
            ChainReport::Broken {
                seq: 1,
                reason: BreakReason::Edited,
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        assert_eq!(
            verify(&conn, &forger).unwrap(),
            ChainReport::Intact { events: 10 }
        );

        // Only an edit, hashes left alone: the edited row.
        rechain(&conn, |p, o, s, a, b, ac| hash(&k, p, o, s, a, b, ac));
        conn.execute("UPDATE events SET actor = 'user:budi' WHERE seq = 6", [])
            .unwrap();
        match verify(&conn, &k).unwrap() {
            ChainReport::Broken { seq: 6, reason, .. } => {
                assert_eq!(reason, BreakReason::Edited);
                assert_eq!(reason.code(), "edited");
            }
            other => panic!("{other:?}"),
        }

        // The `kind` column is not hashed, but must be the body's.
        rechain(&conn, |p, o, s, a, b, ac| hash(&k, p, o, s, a, b, ac));
        conn.execute("UPDATE events SET kind = 'y' WHERE seq = 5", [])
            .unwrap();
        rechain(&conn, |p, o, s, a, b, ac| hash(&k, p, o, s, a, b, ac));
        match verify(&conn, &k).unwrap() {
            ChainReport::Broken { seq: 5, reason, .. } => assert_eq!(reason, BreakReason::Edited),
            other => panic!("{other:?}"),
        }
        conn.execute("UPDATE events SET kind = 'x' WHERE seq = 5", [])
            .unwrap();

        // A row deleted and the rest rechained with the key: the seq gap.
        conn.execute("DELETE FROM events WHERE seq = 6", [])
            .unwrap();
        rechain(&conn, |p, o, s, a, b, ac| hash(&k, p, o, s, a, b, ac));
        match verify(&conn, &k).unwrap() {
            ChainReport::Broken {
                seq: 7,
                reason:
                    BreakReason::SeqGap {
                        expected: 6,
                        found: 7,
                    },
                ..
            } => {}
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_chain_from_before_the_key_is_verified_rekeyed_and_recorded() {
        let tmp = tempfile::tempdir().unwrap();
        let key_file = tmp.path().join("audit.key");
        let mut conn = log(5, plain_hash);
        let old_head = head(&conn).unwrap().1;
        let k = super::key(&mut conn, &key_file).unwrap();
        assert!(key_file.exists() && !pending_name(&key_file).exists());
        assert_eq!(
            verify(&conn, &k).unwrap(),
            ChainReport::Intact { events: 6 }
        );
        let (kind, body): (String, String) = conn
            .query_row(
                "SELECT kind, body FROM events WHERE office = '@chain'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(kind, "chain_keyed");
        assert!(
            body.contains(&old_head) && body.contains("\"events\":5"),
            "{body}"
        );
        // The next open takes the same key and re-keys nothing.
        let again = super::key(&mut conn, &key_file).unwrap();
        assert_eq!(again.id(), k.id());
        assert_eq!(
            verify(&conn, &k).unwrap(),
            ChainReport::Intact { events: 6 }
        );

        // Without its key, or with another, the database is refused.
        std::fs::rename(&key_file, tmp.path().join("elsewhere")).unwrap();
        assert!(matches!(
            super::key(&mut conn, &key_file),
            Err(StoreError::AuditKey { .. })
        ));
        std::fs::write(&key_file, format!("{}\n", hex::encode([9u8; 32]))).unwrap();
        assert!(matches!(
            super::key(&mut conn, &key_file),
            Err(StoreError::AuditKey { .. })
        ));
    }

    #[test]
    fn a_broken_old_chain_is_not_rekeyed_nor_a_plain_one_next_to_a_key() {
        let tmp = tempfile::tempdir().unwrap();
        let key_file = tmp.path().join("audit.key");
        let mut conn = log(5, plain_hash);
        conn.execute("UPDATE events SET body = '{}' WHERE seq = 3", [])
            .unwrap();
        assert!(matches!(
            super::key(&mut conn, &key_file),
            Err(StoreError::LegacyChainBroken(_))
        ));
        assert!(!key_file.exists());
        let marks: i64 = conn
            .query_row("SELECT count(*) FROM audit_chain", [], |r| r.get(0))
            .unwrap();
        assert_eq!(marks, 0);

        // A forger who removed the record of the key and rechained with
        // SHA-256 does not get the chain re-keyed by a restart.
        let mut conn = log(5, plain_hash);
        files::create_secret(&key_file).unwrap();
        assert!(matches!(
            super::key(&mut conn, &key_file),
            Err(StoreError::AuditKey { .. })
        ));
    }

    #[test]
    fn a_crash_after_the_upgrade_commits_finishes_the_rename() {
        let tmp = tempfile::tempdir().unwrap();
        let key_file = tmp.path().join("audit.key");
        let mut conn = log(3, plain_hash);
        let k = super::key(&mut conn, &key_file).unwrap();
        std::fs::rename(&key_file, pending_name(&key_file)).unwrap();
        let again = super::key(&mut conn, &key_file).unwrap();
        assert_eq!(again.id(), k.id());
        assert!(key_file.exists());
    }
}
