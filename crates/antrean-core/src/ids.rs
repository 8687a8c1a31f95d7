//! The ids that commands name things by: a service, a counter, a ticket's
//! public code.
//!
//! Each is its own type so that a command cannot take a counter's id where a
//! service's belongs. On the wire and in storage they are the plain strings
//! they wrap (`#[serde(transparent)]`), so no JSON changes.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Defines a string newtype with the conversions every id needs.
macro_rules! string_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        // A plain string in the schema too, as on the wire.
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        pub struct $name(String);

        impl $name {
            /// Wraps an id as it is configured or stored.
            pub fn new(id: impl Into<String>) -> Self {
                $name(id.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                $name(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                $name(id.to_owned())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        /// Hashes and compares like the `str` it wraps, so maps keyed by
        /// `String` can be looked up with it.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

string_id!(
    /// The id of a service of an office, as configured (`ktp`).
    ServiceId
);
string_id!(
    /// The id of a counter of an office, as configured (`1`).
    CounterId
);
string_id!(
    /// The public, random code of a ticket: the key of its page. Not its
    /// number (`A012`), which is called aloud and is reused every day.
    TicketCode
);

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    #[test]
    fn serialises_as_the_plain_string() {
        let code = TicketCode::new("k7Qx");
        assert_eq!(serde_json::to_string(&code).unwrap(), "\"k7Qx\"");
        let back: ServiceId = serde_json::from_str("\"ktp\"").unwrap();
        assert_eq!(back, ServiceId::from("ktp"));
    }

    #[test]
    fn converts_and_displays_without_change() {
        let counter = CounterId::from(String::from("3"));
        assert_eq!(counter.as_str(), "3");
        assert_eq!(counter.to_string(), "3");
        assert_eq!(AsRef::<str>::as_ref(&counter), "3");
        assert_eq!(counter.clone().into_string(), "3");
    }

    #[test]
    fn looks_up_string_keyed_maps_by_str() {
        let mut by_id: HashMap<ServiceId, u32> = HashMap::new();
        by_id.insert("ktp".into(), 1);
        assert_eq!(by_id.get("ktp"), Some(&1));
    }
}
