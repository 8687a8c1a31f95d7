//! Staff accounts and devices: who may manage whom, what a user name and a
//! password must be, and the changes the audit log records for them.
//!
//! Accounts are not office state: they live in their own log (the store's
//! accounts log), one [`AccountChange`] per event, each with its actor.
//! Passwords and tokens never appear in a change, only that one was set.

use serde::{Deserialize, Serialize};

use crate::actor::{DeviceKind, Role};

/// A change to the staff or the devices, as the audit log records it. Each
/// names the office it concerns (none for an admin), so that an office's
/// audit view finds its own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AccountChange {
    UserAdded {
        user: String,
        role: Role,
        office: Option<String>,
    },
    /// The user's role or office changed (to these).
    UserChanged {
        user: String,
        role: Role,
        office: Option<String>,
        /// The office before, when it changed.
        from_office: Option<String>,
    },
    /// The user can no longer sign in; their sessions ended.
    UserDisabled {
        user: String,
        office: Option<String>,
    },
    UserEnabled {
        user: String,
        office: Option<String>,
    },
    /// A one-time password was set; the user chooses a new one at the next
    /// sign-in. Their sessions ended.
    PasswordReset {
        user: String,
        office: Option<String>,
    },
    /// The user chose a new password.
    PasswordChanged {
        user: String,
        office: Option<String>,
    },
    /// Every session of the user ended.
    SignedOutEverywhere {
        user: String,
        office: Option<String>,
    },
    /// The user signed in, from this address.
    SignedIn {
        user: String,
        office: Option<String>,
        address: String,
    },
    /// A sign-in with a wrong password (or a disabled account), from this
    /// address. The name only when it is an account's: a name nobody has is
    /// often a password typed in the wrong field.
    SignInFailed {
        user: Option<String>,
        office: Option<String>,
        address: String,
    },
    /// The user signed out of one session.
    SignedOut {
        user: String,
        office: Option<String>,
    },
    DeviceAdded {
        device: i64,
        name: String,
        device_kind: DeviceKind,
        office: String,
    },
    /// The device's name or settings (printer, zone) changed.
    DeviceChanged {
        device: i64,
        name: String,
        office: String,
    },
    /// The device's token no longer works.
    DeviceRevoked {
        device: i64,
        name: String,
        office: String,
    },
}

impl AccountChange {
    /// The snake_case name of the change, as the audit log's `kind`.
    pub fn name(&self) -> &'static str {
        match self {
            AccountChange::UserAdded { .. } => "user_added",
            AccountChange::UserChanged { .. } => "user_changed",
            AccountChange::UserDisabled { .. } => "user_disabled",
            AccountChange::UserEnabled { .. } => "user_enabled",
            AccountChange::PasswordReset { .. } => "password_reset",
            AccountChange::PasswordChanged { .. } => "password_changed",
            AccountChange::SignedOutEverywhere { .. } => "signed_out_everywhere",
            AccountChange::SignedIn { .. } => "signed_in",
            AccountChange::SignInFailed { .. } => "sign_in_failed",
            AccountChange::SignedOut { .. } => "signed_out",
            AccountChange::DeviceAdded { .. } => "device_added",
            AccountChange::DeviceChanged { .. } => "device_changed",
            AccountChange::DeviceRevoked { .. } => "device_revoked",
        }
    }

    /// The office the change concerns; none for an admin's account.
    pub fn office(&self) -> Option<&str> {
        match self {
            AccountChange::UserAdded { office, .. }
            | AccountChange::UserChanged { office, .. }
            | AccountChange::UserDisabled { office, .. }
            | AccountChange::UserEnabled { office, .. }
            | AccountChange::PasswordReset { office, .. }
            | AccountChange::PasswordChanged { office, .. }
            | AccountChange::SignedOutEverywhere { office, .. }
            | AccountChange::SignedIn { office, .. }
            | AccountChange::SignInFailed { office, .. }
            | AccountChange::SignedOut { office, .. } => office.as_deref(),
            AccountChange::DeviceAdded { office, .. }
            | AccountChange::DeviceChanged { office, .. }
            | AccountChange::DeviceRevoked { office, .. } => Some(office),
        }
    }
}

/// What a device is set to: a kiosk's printer, a display's zone (a hall
/// on one floor: the counters and services it shows; none, all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceSettings {
    /// A kiosk's printer: the id of one of the office's printers. Its
    /// tickets print there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printer: Option<String>,
    /// A display's counters (none: every counter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counters: Vec<String>,
    /// A display's services (none: every service).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
}

/// Why an account change is refused. Worded for the supervisor who reads it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StaffError {
    /// The manager may not touch this account (another office, a higher role).
    #[error("{0}")]
    NotYours(String),
    #[error("a user name is 1 to 64 letters, digits, `.`, `_` or `-`")]
    UserName,
    #[error("a {0} works at one office: choose it")]
    OfficeNeeded(Role),
    #[error("an admin works for the whole regency, not for one office")]
    AdminHasOffice,
    #[error("the password needs at least {MIN_PASSWORD} characters")]
    PasswordTooShort,
    #[error("the password must not contain the user name")]
    PasswordIsName,
    #[error("this password is among the most common ones; choose another")]
    PasswordCommon,
    #[error("you cannot disable or demote yourself; ask another admin or supervisor")]
    OwnAccount,
}

/// The fewest characters of a password.
pub const MIN_PASSWORD: usize = 10;

/// Checks a user name: what the audit log can name (`user:NAME`) and a
/// person can type at a sign-in form.
pub fn check_user_name(name: &str) -> Result<(), StaffError> {
    let ok = (1..=64).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    ok.then_some(()).ok_or(StaffError::UserName)
}

/// Checks a new password: long enough, not the user name, not one that
/// guessing tools try first.
pub fn check_password(user: &str, password: &str) -> Result<(), StaffError> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(StaffError::PasswordTooShort);
    }
    let lower = password.to_lowercase();
    // A name of one or two letters is in too many good passwords to count.
    if user.chars().count() >= 3 && lower.contains(&user.to_lowercase()) {
        return Err(StaffError::PasswordIsName);
    }
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(StaffError::PasswordCommon);
    }
    Ok(())
}

/// Passwords of at least ten characters that guessing tools try first,
/// lower-cased, with the Indonesian ones a local guess would start with.
const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "0123456789",
    "0987654321",
    "1111111111",
    "123456789a",
    "1234567890a",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "asdfghjkl;",
    "qwerty12345",
    "qwerty123456",
    "password12",
    "password123",
    "password1234",
    "passw0rd123",
    "p@ssw0rd123",
    "iloveyou12",
    "admin12345",
    "admin123456",
    "administrator",
    "abc1234567",
    "abcdefghij",
    "indonesia1",
    "indonesia123",
    "indonesia45",
    "bismillah1",
    "bismillah123",
    "alhamdulillah",
    "sayangku123",
    "rahasia123",
    "rahasia1234",
    "katasandi123",
    "lampungutara",
    "lampung123",
    "kotabumi123",
    "pelayanan123",
    "antrean123",
    "antrean2026",
];

/// What a manager may do to an account of `role` at `office`: admins
/// everything; a supervisor the clerks and help-desk staff of their own
/// office (supervisors and admins are the regency admin's to manage, so a
/// supervisor cannot make themselves or anyone else more powerful); others
/// nothing but their own password and sessions.
pub fn check_manage(
    by: Role,
    by_office: Option<&str>,
    role: Role,
    office: Option<&str>,
) -> Result<(), StaffError> {
    match by {
        Role::Admin => Ok(()),
        Role::Supervisor => {
            if !matches!(role, Role::Clerk | Role::HelpDesk) {
                return Err(StaffError::NotYours(format!(
                    "a supervisor manages clerks and help-desk staff; a {role} is the admin's to manage"
                )));
            }
            if office.is_none() || office != by_office {
                return Err(StaffError::NotYours(
                    "a supervisor manages the staff of their own office only".into(),
                ));
            }
            Ok(())
        }
        Role::Clerk | Role::HelpDesk => Err(StaffError::NotYours(
            "staff accounts are managed by supervisors".into(),
        )),
    }
}

/// Checks that a role and an office go together: an admin has none, every
/// other role one.
pub fn check_placement(role: Role, office: Option<&str>) -> Result<(), StaffError> {
    match (role, office) {
        (Role::Admin, Some(_)) => Err(StaffError::AdminHasOffice),
        (Role::Admin, None) | (_, Some(_)) => Ok(()),
        (role, None) => Err(StaffError::OfficeNeeded(role)),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_supervisor_manages_the_clerks_and_help_desk_of_their_own_office_only() {
        let s = |role, office| check_manage(Role::Supervisor, Some("kb"), role, office);
        assert_eq!(s(Role::Clerk, Some("kb")), Ok(()));
        assert_eq!(s(Role::HelpDesk, Some("kb")), Ok(()));
        assert!(matches!(
            s(Role::Clerk, Some("other")),
            Err(StaffError::NotYours(_))
        ));
        assert!(matches!(s(Role::Clerk, None), Err(StaffError::NotYours(_))));
        assert!(matches!(
            s(Role::Supervisor, Some("kb")),
            Err(StaffError::NotYours(_))
        ));
        assert!(matches!(s(Role::Admin, None), Err(StaffError::NotYours(_))));
        for &role in Role::ALL {
            assert_eq!(check_manage(Role::Admin, None, role, Some("x")), Ok(()));
            assert!(check_manage(Role::Clerk, Some("kb"), role, Some("kb")).is_err());
            assert!(check_manage(Role::HelpDesk, Some("kb"), role, Some("kb")).is_err());
        }
    }

    #[test]
    fn an_admin_has_no_office_and_everyone_else_one() {
        assert_eq!(check_placement(Role::Admin, None), Ok(()));
        assert_eq!(
            check_placement(Role::Admin, Some("kb")),
            Err(StaffError::AdminHasOffice)
        );
        for role in [Role::Clerk, Role::HelpDesk, Role::Supervisor] {
            assert_eq!(check_placement(role, Some("kb")), Ok(()));
            assert_eq!(
                check_placement(role, None),
                Err(StaffError::OfficeNeeded(role))
            );
        }
    }

    #[test]
    fn passwords_are_long_not_the_name_and_not_common() {
        assert_eq!(check_password("siti", "kopi-pahit-7"), Ok(()));
        assert_eq!(
            check_password("siti", "pendek"),
            Err(StaffError::PasswordTooShort)
        );
        // Ten characters, counted as characters, not bytes.
        assert_eq!(
            check_password("siti", "ééééééééé"),
            Err(StaffError::PasswordTooShort)
        );
        assert_eq!(check_password("siti", "éééééééééé"), Ok(()));
        assert_eq!(
            check_password("siti", "Siti-2026-xx"),
            Err(StaffError::PasswordIsName)
        );
        assert_eq!(check_password("al", "jalan-kaki-pagi"), Ok(()));
        assert_eq!(
            check_password("budi", "Password123"),
            Err(StaffError::PasswordCommon)
        );
        for p in COMMON_PASSWORDS {
            assert!(
                p.chars().count() >= MIN_PASSWORD,
                "{p} is refused as short anyway"
            );
            assert_eq!(*p, p.to_lowercase());
        }
    }

    #[test]
    fn user_names_are_what_a_sign_in_form_and_the_audit_log_take() {
        for ok in ["siti", "budi.s", "clerk_2", "a-b", &"x".repeat(64)] {
            assert_eq!(check_user_name(ok), Ok(()), "{ok}");
        }
        for bad in ["", "si ti", "user:x", "siti\n", "é", &"x".repeat(65)] {
            assert_eq!(check_user_name(bad), Err(StaffError::UserName), "{bad:?}");
        }
    }

    #[test]
    fn changes_name_their_kind_and_office() {
        let c = AccountChange::PasswordReset {
            user: "siti".into(),
            office: Some("kb".into()),
        };
        assert_eq!(c.name(), "password_reset");
        assert_eq!(c.office(), Some("kb"));
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["kind"], "password_reset");
        let back: AccountChange = serde_json::from_value(json).unwrap();
        assert_eq!(back, c);
    }
}
