//! Signed checkpoints of the audit log: what the chain's head was at a
//! moment, signed with an Ed25519 key, written as a JSON file to a
//! directory that should leave the machine (`[audit] checkpoint_dir`,
//! synced elsewhere). The keyed chain stops anyone without the key from
//! rewriting the log; it cannot stop someone from cutting off its newest
//! rows, which leaves a shorter chain that verifies. A checkpoint can: its
//! event must still be there with the same hash, and nothing after it may
//! be missing.
//!
//! Written by the server at its start and then daily ([`spawn`]), and on
//! demand by `antrean audit checkpoint`. Checked by `antrean audit verify`
//! with the public key only ([`verify_all`]), so a verifier needs no
//! secret. Not POSTed anywhere: a webhook would need an HTTP client (and
//! TLS) in the server for this alone; syncing the directory does the same.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use antrean_store::{files, Reader, Store};
use anyhow::Context;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::config;

/// Between the server's checkpoints.
pub const EVERY: Duration = Duration::from_secs(24 * 3600);

/// The chain's head at `at`: its newest event, that event's hash (which
/// covers every event before it), how many events, each log's last seq.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub at: DateTime<Utc>,
    pub last_id: i64,
    pub head_hash: String,
    pub count: u64,
    pub last_seq: BTreeMap<String, u64>,
}

/// A checkpoint's file: the checkpoint as the exact JSON text that was
/// signed (so no re-serialisation has to reproduce its bytes), the public
/// key that signs it and the signature, both in hex.
#[derive(Debug, Serialize, Deserialize)]
struct SignedFile {
    checkpoint: String,
    public_key: String,
    signature: String,
}

/// Writes checkpoints: the signing key and the directory.
#[derive(Clone)]
pub struct Checkpointer {
    key: SigningKey,
    dir: PathBuf,
}

impl std::fmt::Debug for Checkpointer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Checkpointer({})", self.dir.display())
    }
}

/// The file that holds the public half of the signing key `key_file`.
pub fn public_key_file(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

impl Checkpointer {
    /// Loads the signing key (making it, 0600, on the first start, and its
    /// public half beside it) and the directory. Blocking.
    pub fn open(audit: &config::Audit, data: &Path) -> anyhow::Result<Checkpointer> {
        let file = audit.signing_key_file(data);
        let key = match files::read_secret(&file)? {
            Some(bytes) => SigningKey::from_bytes(&bytes),
            None => {
                let key = SigningKey::from_bytes(&files::create_secret(&file)?);
                tracing::warn!(
                    key_file = %file.display(),
                    public_key = %hex::encode(key.verifying_key().as_bytes()),
                    "created the key that signs audit checkpoints: back it up apart from the database, and keep the public key where checkpoints are verified"
                );
                key
            }
        };
        let public = public_key_file(&file);
        let hex_public = format!("{}\n", hex::encode(key.verifying_key().as_bytes()));
        if std::fs::read_to_string(&public).ok().as_deref() != Some(hex_public.as_str()) {
            std::fs::write(&public, hex_public)
                .with_context(|| format!("cannot write {}", public.display()))?;
        }
        Ok(Checkpointer {
            key,
            dir: audit.checkpoint_dir(data),
        })
    }

    /// The public key, in hex.
    pub fn public_key(&self) -> String {
        hex::encode(self.key.verifying_key().as_bytes())
    }

    /// Reads the chain's head, signs it and writes it to the directory
    /// (whole or not at all: a temporary file renamed). Blocking.
    pub fn write(&self, reader: &Reader) -> anyhow::Result<(PathBuf, Checkpoint)> {
        let head = reader.chain_head()?;
        let cp = Checkpoint {
            at: Utc::now(),
            last_id: head.last_id,
            head_hash: head.head_hash,
            count: head.count,
            last_seq: head.last_seq,
        };
        let text = serde_json::to_string(&cp)?;
        let file = SignedFile {
            signature: hex::encode(self.key.sign(text.as_bytes()).to_bytes()),
            public_key: self.public_key(),
            checkpoint: text,
        };
        std::fs::create_dir_all(&self.dir)
            .with_context(|| format!("cannot create {}", self.dir.display()))?;
        let name = format!(
            "checkpoint-{}-{}.json",
            cp.at.format("%Y%m%dT%H%M%S%.6fZ"),
            cp.last_id
        );
        let path = self.dir.join(&name);
        let tmp = self.dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, serde_json::to_vec_pretty(&file)?)
            .with_context(|| format!("cannot write {}", tmp.display()))?;
        std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
        Ok((path, cp))
    }
}

/// The server's checkpoints: one at its start, then every [`EVERY`], each
/// written on a blocking thread (the store read, the file) so that no
/// async worker waits on the disk. A failure is logged and tried again at
/// the next one.
pub fn spawn(audit: &config::Audit, store: &Store) {
    let (audit, data, reader) = (
        audit.clone(),
        store.data_dir().to_owned(),
        store.reader.clone(),
    );
    tokio::spawn(async move {
        let opened = tokio::task::spawn_blocking(move || Checkpointer::open(&audit, &data)).await;
        let writer = match opened {
            Ok(Ok(w)) => w,
            Ok(Err(e)) => return tracing::error!(error = %e, "audit checkpoints are off"),
            Err(e) => return tracing::error!(error = %e, "audit checkpoints are off"),
        };
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let (w, r) = (writer.clone(), reader.clone());
            match tokio::task::spawn_blocking(move || w.write(&r)).await {
                Ok(Ok((path, cp))) => tracing::info!(
                    file = %path.display(),
                    last_id = cp.last_id,
                    "audit checkpoint written"
                ),
                Ok(Err(e)) => tracing::error!(error = %e, "audit checkpoint not written"),
                Err(e) => tracing::error!(error = %e, "audit checkpoint not written"),
            }
        }
    });
}

/// The public key checkpoints are checked with: `given` (hex, from the
/// command line), else the one beside the signing key.
pub fn public_key(
    given: Option<&str>,
    audit: &config::Audit,
    data: &Path,
) -> anyhow::Result<VerifyingKey> {
    let (text, from) = match given {
        Some(t) => (t.to_owned(), "--public-key".to_owned()),
        None => {
            let file = public_key_file(&audit.signing_key_file(data));
            let text = std::fs::read_to_string(&file).with_context(|| {
                format!("no public key to check checkpoints with ({} cannot be read; give --public-key)", file.display())
            })?;
            (text, file.display().to_string())
        }
    };
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("{from}: not an Ed25519 public key (64 hex digits)"))?;
    VerifyingKey::from_bytes(&bytes).with_context(|| format!("{from}: not an Ed25519 public key"))
}

/// Why a checkpoint does not hold: a stable [`code`](Problem::code) and a
/// sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Not a checkpoint file (or not one of this format).
    Unreadable(String),
    /// Its signature is not the key's: forged or altered.
    BadSignature,
    /// The log ends before the checkpoint's event: its newest events were
    /// cut off.
    Truncated { checkpoint: i64, now: i64 },
    /// A log (an office's) has fewer events than it had.
    LogTruncated {
        log: String,
        checkpoint: u64,
        now: u64,
    },
    /// The checkpoint's event is gone or has another hash: the log up to it
    /// was rewritten.
    HeadChanged { id: i64 },
    /// Events up to the checkpoint's were removed or added.
    CountChanged { checkpoint: u64, now: u64 },
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Problem::Unreadable(_) => "unreadable",
            Problem::BadSignature => "bad_signature",
            Problem::Truncated { .. } => "truncated",
            Problem::LogTruncated { .. } => "log_truncated",
            Problem::HeadChanged { .. } => "head_changed",
            Problem::CountChanged { .. } => "count_changed",
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Unreadable(why) => write!(f, "not a readable checkpoint: {why}"),
            Problem::BadSignature => f.write_str("its signature does not verify with the public key (forged or altered)"),
            Problem::Truncated { checkpoint, now } => write!(f, "the log was cut off: the checkpoint's newest event is id {checkpoint}, the log now ends at id {now}"),
            Problem::LogTruncated { log, checkpoint, now } => write!(f, "the log of `{log}` was cut off: it had seq {checkpoint}, now ends at seq {now}"),
            Problem::HeadChanged { id } => write!(f, "event id {id} is gone or has another hash than the checkpoint's: the log up to it was rewritten"),
            Problem::CountChanged { checkpoint, now } => write!(f, "{checkpoint} events up to the checkpoint's then, {now} now: events were removed or inserted"),
        }
    }
}

/// One checkpoint file checked.
#[derive(Debug, Clone)]
pub struct Checked {
    pub file: PathBuf,
    pub checkpoint: Option<Checkpoint>,
    pub problem: Option<Problem>,
}

/// Checks every checkpoint in `dir` (oldest first; none when the
/// directory is missing) against the log. Blocking.
pub fn verify_all(
    dir: &Path,
    public: &VerifyingKey,
    reader: &Reader,
) -> anyhow::Result<Vec<Checked>> {
    let mut names: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(d) => d
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("checkpoint-") && n.ends_with(".json"))
            })
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    names.sort();
    let now = reader.chain_head()?;
    let mut out = Vec::new();
    for file in names {
        let (checkpoint, problem) = match check(&file, public) {
            Err(p) => (None, Some(p)),
            Ok(cp) => {
                let problem = against(&cp, &now, reader)?;
                (Some(cp), problem)
            }
        };
        out.push(Checked {
            file,
            checkpoint,
            problem,
        });
    }
    Ok(out)
}

/// The file's checkpoint, if its signature is the key's.
fn check(file: &Path, public: &VerifyingKey) -> Result<Checkpoint, Problem> {
    let unreadable = |e: &dyn std::fmt::Display| Problem::Unreadable(e.to_string());
    let text = std::fs::read(file).map_err(|e| unreadable(&e))?;
    let signed: SignedFile = serde_json::from_slice(&text).map_err(|e| unreadable(&e))?;
    let signature: [u8; 64] = hex::decode(&signed.signature)
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or(Problem::BadSignature)?;
    public
        .verify(
            signed.checkpoint.as_bytes(),
            &Signature::from_bytes(&signature),
        )
        .map_err(|_| Problem::BadSignature)?;
    serde_json::from_str(&signed.checkpoint).map_err(|e| unreadable(&e))
}

fn against(
    cp: &Checkpoint,
    now: &antrean_store::ChainHead,
    reader: &Reader,
) -> anyhow::Result<Option<Problem>> {
    if now.last_id < cp.last_id {
        return Ok(Some(Problem::Truncated {
            checkpoint: cp.last_id,
            now: now.last_id,
        }));
    }
    for (log, &seq) in &cp.last_seq {
        let have = now.last_seq.get(log).copied().unwrap_or(0);
        if have < seq {
            return Ok(Some(Problem::LogTruncated {
                log: log.clone(),
                checkpoint: seq,
                now: have,
            }));
        }
    }
    if cp.last_id == 0 {
        return Ok(None);
    }
    match reader.event_hash(cp.last_id)? {
        Some((hash, _)) if hash != cp.head_hash => {
            Ok(Some(Problem::HeadChanged { id: cp.last_id }))
        }
        None => Ok(Some(Problem::HeadChanged { id: cp.last_id })),
        Some((_, count)) if count != cp.count => Ok(Some(Problem::CountChanged {
            checkpoint: cp.count,
            now: count,
        })),
        Some(_) => Ok(None),
    }
}
