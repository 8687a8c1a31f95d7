//! An office to test the rules with: three services, three counters.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use antrean_core::{CallPolicy, CounterDef, OfficeDef, ServiceDef};
use chrono::{DateTime, TimeZone, Utc};

pub fn service(id: &str, prefix: &str) -> ServiceDef {
    ServiceDef {
        id: id.into(),
        names: BTreeMap::from([("id".into(), id.to_uppercase())]),
        prefix: prefix.into(),
        service_minutes: 5,
        ..Default::default()
    }
}

pub fn counter(id: &str, services: &[&str], policy: CallPolicy) -> CounterDef {
    CounterDef {
        id: id.into(),
        name: format!("Loket {id}"),
        services: services.iter().map(|s| s.to_string()).collect(),
        policy,
    }
}

pub fn office_def() -> OfficeDef {
    OfficeDef {
        languages: vec!["id".into(), "en".into()],
        services: vec![
            service("ktp", "A"),
            service("kk", "B"),
            service("akta", "C"),
        ],
        counters: vec![
            counter("1", &["ktp", "kk"], CallPolicy::LongestWait),
            counter("2", &["kk", "ktp"], CallPolicy::ServiceOrder),
            counter("3", &["akta"], CallPolicy::LongestWait),
        ],
        min_calls: 2,
        priority_ratio: None,
        ..OfficeDef::new("test", "Kantor Uji", chrono_tz::Asia::Jakarta)
    }
}

pub fn arc(def: OfficeDef) -> Arc<OfficeDef> {
    Arc::new(def)
}

/// 09:00 in Jakarta on 2026-11-28, plus `secs`.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 28, 2, 0, 0)
        .single()
        .expect("valid")
        + chrono::Duration::seconds(secs)
}
