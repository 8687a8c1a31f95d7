//! With the `openapi` feature, the schemas say what the JSON says: ids are
//! plain strings, enums their snake_case names.
#![cfg(feature = "openapi")]
#![allow(clippy::unwrap_used)]

use antrean_core::{
    CallPolicy, Channel, CounterId, CounterStatus, DeviceKind, Priority, Role, ServiceId,
    TicketCode, TicketStatus,
};
use serde_json::{json, Value};
use utoipa::PartialSchema;

fn schema<T: PartialSchema>() -> Value {
    serde_json::to_value(T::schema()).unwrap()
}

#[test]
fn ids_are_plain_strings() {
    for id in [
        schema::<ServiceId>(),
        schema::<CounterId>(),
        schema::<TicketCode>(),
    ] {
        assert_eq!(id["type"], "string", "{id}");
    }
}

#[test]
fn enums_list_their_wire_names() {
    let names = |v: Value| v["enum"].clone();
    assert_eq!(
        names(schema::<TicketStatus>()),
        json!([
            "waiting",
            "called",
            "serving",
            "done",
            "no_show",
            "cancelled",
            "expired"
        ])
    );
    assert_eq!(
        names(schema::<CounterStatus>()),
        json!(["closed", "open", "paused"])
    );
    assert_eq!(
        names(schema::<Priority>()),
        json!(["disability", "elderly", "pregnant", "child", "other"])
    );
    assert_eq!(
        names(schema::<Channel>()),
        json!(["online", "kiosk", "counter"])
    );
    assert_eq!(
        names(schema::<Role>()),
        json!(["clerk", "help_desk", "supervisor", "admin"])
    );
    assert_eq!(names(schema::<DeviceKind>()), json!(["kiosk", "display"]));
    assert_eq!(
        names(schema::<CallPolicy>()),
        json!(["longest_wait", "service_order"])
    );
}
