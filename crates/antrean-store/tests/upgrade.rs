//! A newer Antrean on an older database: the database as it was is kept
//! before its schema is migrated.
#![allow(clippy::unwrap_used)]

use antrean_store::backup::UPGRADE_DIR;
use antrean_store::Store;

fn user_version(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .unwrap()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_copy_of_the_database_is_kept_before_its_schema_is_migrated() {
    let dir = tempfile::tempdir().unwrap();
    let key = dir.path().join("audit.key");
    let store = Store::open(dir.path(), &key).unwrap();
    let db = store.path().to_owned();
    let current = user_version(&db);
    drop(store);
    // Opened again at the same version: nothing is copied.
    drop(Store::open(dir.path(), &key).unwrap());
    assert!(!dir.path().join(UPGRADE_DIR).exists());

    // As the version before the last migration left it.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "DROP TABLE started; PRAGMA user_version = {};",
        current - 1
    ))
    .unwrap();
    drop(conn);
    let store = Store::open(dir.path(), &key).unwrap();
    store.record_start().unwrap();
    assert_eq!(user_version(&db), current, "migrated");
    let kept: Vec<_> = std::fs::read_dir(dir.path().join(UPGRADE_DIR))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    let name = kept[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with(&format!("antrean-v{}-", current - 1)),
        "{name}"
    );
    assert_eq!(
        user_version(&kept[0]),
        current - 1,
        "the database as it was"
    );
}
