//! Who acts on an office: staff by their role, registered devices by their
//! kind, and the citizens themselves. The audit log records the actor of
//! each change as the text [`Actor`] displays.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A closed set of names, as stored and sent on the wire: the enum with
/// its `ALL`, `as_str`, `Display` and a `FromStr` whose error says what was
/// expected. One definition for each such set.
macro_rules! named {
    ($(#[$doc:meta])* $name:ident, $unknown:ident, $what:literal, { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        // The wire names are the variants in snake_case, which `$text`
        // repeats for `as_str` (a test checks that they agree): utoipa does
        // not read a `serde(rename)` written through a macro.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The name used in storage and on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        #[doc = concat!("A ", $what, " name that is none of [`", stringify!($name), "::ALL`].")]
        #[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
        #[error("unknown {} `{}`: expected {}", $what, .0, [$($text),+].join(", "))]
        pub struct $unknown(pub String);

        impl FromStr for $name {
            type Err = $unknown;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| $unknown(s.to_owned()))
            }
        }
    };
}

named!(
    /// What a staff account may do.
    Role, UnknownRole, "role", {
        /// Works the counters of their office.
        Clerk = "clerk",
        /// The help desk (petugas informasi): issues tickets for citizens
        /// without a phone and confirms priority claims.
        HelpDesk = "help_desk",
        /// Everything in their office.
        Supervisor = "supervisor",
        /// Everything everywhere.
        Admin = "admin",
    }
);

named!(
    /// What a registered device is.
    DeviceKind, UnknownDeviceKind, "device kind", {
        /// Issues tickets to walk-in citizens.
        Kiosk = "kiosk",
        /// Shows the calls in the waiting room.
        Display = "display",
    }
);

/// Who caused a change, as the audit log names them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Actor {
    /// A staff member, by user name.
    User(String),
    /// A registered device (a kiosk), by its name.
    Device(String),
    /// A citizen acting on their own ticket (cancelling it).
    Citizen,
    /// Whoever ran a command on the server's shell (`antrean config
    /// import`), by their account name there.
    Operator(String),
    /// Someone not signed in, at an address: a failed sign-in.
    Anonymous,
    /// The server itself, on its own schedule (the erasure of personal data
    /// after its retention period).
    System,
}

/// Displays exactly the text stored in the audit log, which its hash chain
/// covers: `user:NAME`, `device:NAME`, `citizen`, `operator:NAME`, `anonymous` or `system`.
impl fmt::Display for Actor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Actor::User(name) => write!(f, "user:{name}"),
            Actor::Device(name) => write!(f, "device:{name}"),
            Actor::Citizen => f.write_str("citizen"),
            Actor::Operator(name) => write!(f, "operator:{name}"),
            Actor::Anonymous => f.write_str("anonymous"),
            Actor::System => f.write_str("system"),
        }
    }
}

/// Text that is no actor of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown actor `{0}`: expected user:NAME, device:NAME, citizen, operator:NAME, anonymous or system"
)]
pub struct UnknownActor(pub String);

impl FromStr for Actor {
    type Err = UnknownActor;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            _ if s == "citizen" => Ok(Actor::Citizen),
            _ if s == "anonymous" => Ok(Actor::Anonymous),
            _ if s == "system" => Ok(Actor::System),
            Some(("user", name)) if !name.is_empty() => Ok(Actor::User(name.to_owned())),
            Some(("device", name)) if !name.is_empty() => Ok(Actor::Device(name.to_owned())),
            Some(("operator", name)) if !name.is_empty() => Ok(Actor::Operator(name.to_owned())),
            _ => Err(UnknownActor(s.to_owned())),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn actors_display_as_the_audit_log_stores_them_and_parse_back() {
        for (actor, text) in [
            (Actor::User("siti".into()), "user:siti"),
            (Actor::Device("kiosk-1".into()), "device:kiosk-1"),
            (Actor::Citizen, "citizen"),
            (Actor::Operator("root".into()), "operator:root"),
            (Actor::Anonymous, "anonymous"),
            (Actor::System, "system"),
        ] {
            assert_eq!(actor.to_string(), text);
            assert_eq!(text.parse::<Actor>(), Ok(actor));
        }
        // Only the first colon separates: a name may hold one.
        assert_eq!(
            "device:lobby:2".parse::<Actor>(),
            Ok(Actor::Device("lobby:2".into()))
        );
        for bad in ["", "user:", "tester", "admin:root", "Citizen"] {
            assert_eq!(bad.parse::<Actor>(), Err(UnknownActor(bad.into())));
        }
    }

    #[test]
    fn roles_and_device_kinds_round_trip_through_their_names() {
        for &role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{role}\""));
        }
        for &kind in DeviceKind::ALL {
            assert_eq!(kind.as_str().parse::<DeviceKind>(), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(serde_json::from_str::<DeviceKind>(&json).unwrap(), kind);
        }
        assert_eq!("Admin".parse::<Role>(), Err(UnknownRole("Admin".into())));
        let err = "printer".parse::<DeviceKind>().unwrap_err();
        assert!(err.to_string().contains("kiosk"), "{err}");
    }
}
