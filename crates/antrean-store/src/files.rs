//! Who may read the files of an installation: the data directory is 0700,
//! the database, its WAL and shared-memory files and every secret 0600.
//!
//! The modes are set explicitly, whatever the process's umask, and put right
//! at every start when someone loosened them (a backup restored with `cp`,
//! an `chmod -R` on the wrong directory), with a warning in the log: the
//! database holds every citizen's ticket and the staff's password hashes,
//! and a key beside it is only as secret as its mode.
//!
//! Secrets (the audit log's HMAC key, the checkpoints' signing key) are 32
//! random bytes written as 64 hexadecimal digits and a newline, so that an
//! operator can back one up by copying a line.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{Result, StoreError};

/// The mode of the data directory and of a secret's directory it creates.
pub const DIR_MODE: u32 = 0o700;
/// The mode of the database files and of secrets.
pub const FILE_MODE: u32 = 0o600;

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Creates `dir` (and its parents) as a directory only its owner may enter,
/// or tightens the mode of an existing one.
pub fn private_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(DIR_MODE)
            .create(dir)
            .map_err(io_err(dir))?;
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    tighten(dir, DIR_MODE)
}

/// Creates an empty `file` that only its owner may read (SQLite takes an
/// empty file as a new database), or tightens the mode of an existing one.
pub(crate) fn private_file(file: &Path) -> Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, FILE_MODE);
    open.open(file).map_err(io_err(file))?;
    tighten(file, FILE_MODE)
}

/// The WAL and shared-memory files of the database at `db`, where they
/// exist. SQLite creates them with the database's own mode; these put right
/// the ones made before it was 0600.
pub(crate) fn private_db_files(db: &Path) -> Result<()> {
    for suffix in ["-wal", "-shm"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let file = PathBuf::from(name);
        if file.exists() {
            tighten(&file, FILE_MODE)?;
        }
    }
    Ok(())
}

/// Takes away from group and others what `mode` does not give them, and
/// says so in the log.
#[cfg(unix)]
fn tighten(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(io_err(path))?;
    let old = meta.permissions().mode() & 0o7777;
    if old & !mode == 0 {
        return Ok(());
    }
    let new = old & mode;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(new)).map_err(io_err(path))?;
    tracing::warn!(
        path = %path.display(),
        "mode was {old:04o}, now {new:04o}: only the server's user may read it"
    );
    Ok(())
}

#[cfg(not(unix))]
fn tighten(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

/// A secret of 32 bytes: read from `file`, or `None` when there is none.
/// A secret another user could read has its mode tightened (and a warning
/// logged); one that cannot be tightened (a file of root's, given to the
/// server's group) is used as it is, with a warning.
pub fn read_secret(file: &Path) -> Result<Option<[u8; 32]>> {
    let text = match std::fs::read_to_string(file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(file)(e)),
    };
    if let Err(e) = tighten(file, FILE_MODE) {
        tracing::warn!(error = %e, "cannot tighten the mode of a secret");
    }
    let bytes = hex::decode(text.trim()).ok();
    let secret = bytes.and_then(|b| <[u8; 32]>::try_from(b).ok());
    secret.map(Some).ok_or_else(|| StoreError::Secret {
        path: file.to_owned(),
        problem: "is not 64 hexadecimal digits (32 bytes)".into(),
    })
}

/// Writes a fresh random secret to `file` (which must not exist), 0600 from
/// its first byte, on disk before it returns; creates its directory 0700
/// when missing.
pub fn create_secret(file: &Path) -> Result<[u8; 32]> {
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            private_dir(dir)?;
        }
    }
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, FILE_MODE);
    let mut f = open.open(file).map_err(io_err(file))?;
    // The umask may only take bits away from 0600; this makes sure.
    tighten(file, FILE_MODE)?;
    writeln!(f, "{}", hex::encode(secret)).map_err(io_err(file))?;
    f.sync_all().map_err(io_err(file))?;
    sync_dir(file);
    Ok(secret)
}

/// Renames `from` to `to` for good: the directory is synced after it.
pub(crate) fn rename_durably(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to).map_err(io_err(to))?;
    sync_dir(to);
    Ok(())
}

/// Flushes the directory entry of `file` (best effort: some file systems
/// refuse to open a directory).
fn sync_dir(file: &Path) {
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn looser_modes_are_tightened_and_secrets_made_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        std::fs::create_dir(&dir).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        private_dir(&dir).unwrap();
        assert_eq!(mode(&dir), 0o700);
        let db = dir.join("x.db");
        std::fs::write(&db, b"").unwrap();
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        private_file(&db).unwrap();
        assert_eq!(mode(&db), 0o600);

        let key = tmp.path().join("keys/a.key");
        let made = create_secret(&key).unwrap();
        assert_eq!(mode(&key), 0o600);
        assert_eq!(mode(&tmp.path().join("keys")), 0o700);
        assert_eq!(read_secret(&key).unwrap(), Some(made));
        assert!(create_secret(&key).is_err(), "never overwrites a key");
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        read_secret(&key).unwrap();
        assert_eq!(mode(&key), 0o600);
        assert_eq!(read_secret(&tmp.path().join("none")).unwrap(), None);
        std::fs::write(&key, "not hex\n").unwrap();
        assert!(matches!(read_secret(&key), Err(StoreError::Secret { .. })));
    }
}
