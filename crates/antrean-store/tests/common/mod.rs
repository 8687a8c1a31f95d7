//! What the store's tests share: an office of one service and one counter,
//! and appending its events as the office task would.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::sync::{mpsc, Arc};

use antrean_core::{Actor, CallPolicy, CounterDef, Event, OfficeDef, ServiceDef};
use antrean_store::Store;

/// Office `o`: service `ktp` (prefix A), counter 1 serving it.
pub fn def() -> Arc<OfficeDef> {
    Arc::new(OfficeDef {
        languages: vec!["id".into()],
        services: vec![ServiceDef {
            id: "ktp".into(),
            names: BTreeMap::from([("id".into(), "KTP".into())]),
            prefix: "A".into(),
            service_minutes: 5,
            ..Default::default()
        }],
        counters: vec![CounterDef {
            id: "1".into(),
            name: "Loket 1".into(),
            services: vec!["ktp".into()],
            policy: CallPolicy::LongestWait,
        }],
        min_calls: 1,
        ..OfficeDef::new("o", "O", chrono_tz::Asia::Jakarta)
    })
}

/// Appends events of office `o` as `user:siti`, waiting until on disk.
pub fn append(store: &Store, events: Vec<Event>) {
    let (tx, rx) = mpsc::channel();
    store.writer.append(
        "o",
        Some(Actor::User("siti".into())),
        events,
        Box::new(move |r| tx.send(r).unwrap()),
    );
    rx.recv().unwrap().unwrap();
}
