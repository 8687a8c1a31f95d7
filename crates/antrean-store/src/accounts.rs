//! Staff accounts, their sessions, and devices. Each change of an account
//! or a device is one [`AccountChange`] in the accounts log, with its actor,
//! in the same savepoint as the rows it changes: the log says what the
//! tables are. Sessions and last contacts are not changes anyone audits and
//! are written without an event.
//!
//! Passwords arrive here hashed (argon2id PHC strings) and tokens as their
//! SHA-256: this crate never sees a secret.

use antrean_core::{AccountChange, Actor, DeviceKind, DeviceSettings, Role};
use chrono::{DateTime, Utc};
use rusqlite::{params, OptionalExtension, Row, Transaction};

use crate::{from_ns, to_ns, Reader, Result, Store, StoreError};

/// A staff account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: Role,
    pub office: Option<String>,
    /// Cannot sign in.
    pub disabled: bool,
    /// Signed in with a one-time password: must choose a new one first.
    pub must_change: bool,
    pub last_sign_in: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// A signed-in session and its user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub expires_at: DateTime<Utc>,
}

/// A registered device: a kiosk or a display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: i64,
    pub name: String,
    pub office: String,
    pub kind: DeviceKind,
    pub settings: DeviceSettings,
    pub created_at: DateTime<Utc>,
    pub last_seen: Option<DateTime<Utc>>,
}

const USER_COLUMNS: &str = "u.id, u.username, u.password_hash, u.role, u.office, u.disabled, u.must_change, u.last_sign_in_ns, u.created_at_ns";
const DEVICE_COLUMNS: &str = "id, name, office, kind, settings, created_at_ns, last_seen_ns";

fn user_from_row(r: &Row<'_>) -> Result<User> {
    Ok(User {
        id: r.get(0)?,
        username: r.get(1)?,
        password_hash: r.get(2)?,
        role: crate::read::named(r, 3, "role")?,
        office: r.get(4)?,
        disabled: r.get(5)?,
        must_change: r.get(6)?,
        last_sign_in: r.get::<_, Option<i64>>(7)?.map(from_ns),
        created_at: from_ns(r.get(8)?),
    })
}

fn device_from_row(r: &Row<'_>) -> Result<Device> {
    let settings: String = r.get(4)?;
    Ok(Device {
        id: r.get(0)?,
        name: r.get(1)?,
        office: r.get(2)?,
        kind: crate::read::named(r, 3, "device kind")?,
        settings: serde_json::from_str(&settings)
            .map_err(|e| StoreError::Corrupt(format!("device settings: {e}")))?,
        created_at: from_ns(r.get(5)?),
        last_seen: r.get::<_, Option<i64>>(6)?.map(from_ns),
    })
}

fn user_in(tx: &Transaction<'_>, username: &str) -> Result<User> {
    tx.prepare_cached(&format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1"
    ))?
    .query_row([username], |r| Ok(user_from_row(r)))
    .optional()?
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("user `{username}`")))
}

fn device_in(tx: &Transaction<'_>, id: i64) -> Result<Device> {
    tx.prepare_cached(&format!(
        "SELECT {DEVICE_COLUMNS} FROM devices WHERE id = ?1"
    ))?
    .query_row([id], |r| Ok(device_from_row(r)))
    .optional()?
    .transpose()?
    .ok_or_else(|| StoreError::NotFound(format!("device {id}")))
}

fn end_sessions(tx: &Transaction<'_>, user_id: i64, except: Option<&str>) -> Result<()> {
    tx.prepare_cached("DELETE FROM sessions WHERE user_id = ?1 AND token_hash IS NOT ?2")?
        .execute(params![user_id, except])?;
    Ok(())
}

/// How a password is set: by the user, or as a one-time password a
/// manager hands over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordKind {
    /// Chosen by the user; their session `keep` (the one choosing it) stays,
    /// every other ends.
    Chosen,
    /// Set by a manager; every session ends and the user must choose a new
    /// one at the next sign-in.
    OneTime,
}

impl Store {
    /// Runs an account change and waits until it and its event are on disk.
    fn account<T: Send + 'static>(
        &self,
        actor: &Actor,
        f: impl FnOnce(&Transaction<'_>) -> Result<(AccountChange, T)> + Send + 'static,
    ) -> Result<T> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let (vtx, vrx) = std::sync::mpsc::sync_channel(1);
        self.writer.account(
            actor,
            move |t| {
                let (change, v) = f(t)?;
                let _ = vtx.send(v);
                Ok(change)
            },
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        );
        rx.recv().map_err(|_| StoreError::WriterGone)??;
        vrx.recv().map_err(|_| StoreError::WriterGone)
    }

    /// Adds a staff account. With [`PasswordKind::OneTime`] its first sign-in
    /// must choose a new password.
    pub fn add_user(
        &self,
        actor: &Actor,
        username: &str,
        password_hash: &str,
        role: Role,
        office: Option<&str>,
        kind: PasswordKind,
    ) -> Result<User> {
        let (u, h, o) = (
            username.to_owned(),
            password_hash.to_owned(),
            office.map(str::to_owned),
        );
        self.account(actor, move |tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM users WHERE username = ?1)",
                [&u],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StoreError::Exists(format!("user `{u}`")));
            }
            tx.execute(
                "INSERT INTO users (username, password_hash, role, office, created_at_ns, must_change) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![u, h, role.as_str(), o, to_ns(Utc::now()), kind == PasswordKind::OneTime],
            )?;
            let user = user_in(tx, &u)?;
            Ok((
                AccountChange::UserAdded {
                    user: u,
                    role,
                    office: o,
                },
                user,
            ))
        })
    }

    /// Gives a user another role or office. Moving to another office ends
    /// their sessions (they signed in for the old one).
    pub fn change_user(
        &self,
        actor: &Actor,
        username: &str,
        role: Role,
        office: Option<&str>,
    ) -> Result<User> {
        let (u, o) = (username.to_owned(), office.map(str::to_owned));
        self.account(actor, move |tx| {
            let before = user_in(tx, &u)?;
            tx.execute(
                "UPDATE users SET role = ?2, office = ?3 WHERE id = ?1",
                params![before.id, role.as_str(), o],
            )?;
            let from_office = (before.office != o)
                .then(|| before.office.clone())
                .flatten();
            if before.office != o || before.role != role {
                end_sessions(tx, before.id, None)?;
            }
            let user = user_in(tx, &u)?;
            Ok((
                AccountChange::UserChanged {
                    user: u,
                    role,
                    office: o,
                    from_office,
                },
                user,
            ))
        })
    }

    /// Disables a user (their sessions end at once) or enables them again.
    pub fn set_disabled(&self, actor: &Actor, username: &str, disabled: bool) -> Result<User> {
        let u = username.to_owned();
        self.account(actor, move |tx| {
            let before = user_in(tx, &u)?;
            tx.execute(
                "UPDATE users SET disabled = ?2 WHERE id = ?1",
                params![before.id, disabled],
            )?;
            if disabled {
                end_sessions(tx, before.id, None)?;
            }
            let office = before.office.clone();
            let change = if disabled {
                AccountChange::UserDisabled {
                    user: u.clone(),
                    office,
                }
            } else {
                AccountChange::UserEnabled {
                    user: u.clone(),
                    office,
                }
            };
            Ok((change, user_in(tx, &u)?))
        })
    }

    /// Sets a user's password (already hashed). `keep` is the session that
    /// chose it, which stays signed in.
    pub fn set_password(
        &self,
        actor: &Actor,
        username: &str,
        password_hash: &str,
        kind: PasswordKind,
        keep: Option<&str>,
    ) -> Result<User> {
        let (u, h, keep) = (
            username.to_owned(),
            password_hash.to_owned(),
            keep.map(str::to_owned),
        );
        self.account(actor, move |tx| {
            let before = user_in(tx, &u)?;
            let one_time = kind == PasswordKind::OneTime;
            // A password chosen in a session that ended meanwhile (a
            // manager reset it) would undo the reset.
            if let (PasswordKind::Chosen, Some(k)) = (kind, &keep) {
                let alive: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM sessions WHERE token_hash = ?1 AND user_id = ?2)",
                    params![k, before.id],
                    |r| r.get(0),
                )?;
                if !alive {
                    return Err(StoreError::NotFound("the session".into()));
                }
            }
            tx.execute(
                "UPDATE users SET password_hash = ?2, must_change = ?3 WHERE id = ?1",
                params![before.id, h, one_time],
            )?;
            let office = before.office.clone();
            let change = if one_time {
                end_sessions(tx, before.id, None)?;
                AccountChange::PasswordReset {
                    user: u.clone(),
                    office,
                }
            } else {
                end_sessions(tx, before.id, keep.as_deref())?;
                AccountChange::PasswordChanged {
                    user: u.clone(),
                    office,
                }
            };
            Ok((change, user_in(tx, &u)?))
        })
    }

    /// Ends every session of a user.
    pub fn sign_out_everywhere(&self, actor: &Actor, username: &str) -> Result<User> {
        let u = username.to_owned();
        self.account(actor, move |tx| {
            let user = user_in(tx, &u)?;
            end_sessions(tx, user.id, None)?;
            let change = AccountChange::SignedOutEverywhere {
                user: u,
                office: user.office.clone(),
            };
            Ok((change, user))
        })
    }

    /// Stores a new session of a user (only the token's hash is kept) and
    /// logs the sign-in from `address`; drops expired sessions on the way.
    pub fn create_session(
        &self,
        token_hash: &str,
        user: &User,
        address: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<()> {
        let (t, e) = (token_hash.to_owned(), to_ns(expires_at));
        let verified = user.password_hash.clone();
        let change = AccountChange::SignedIn {
            user: user.username.clone(),
            office: user.office.clone(),
            address: address.to_owned(),
        };
        let user_id = user.id;
        self.account(&Actor::User(user.username.clone()), move |tx| {
            let now = to_ns(Utc::now());
            tx.execute("DELETE FROM sessions WHERE expires_at_ns < ?1", [now])?;
            // Only while the password checked is still the user's and the
            // account enabled: a reset or a disable during the check wins.
            let made = tx.execute(
                "INSERT INTO sessions (token_hash, user_id, expires_at_ns) \
                 SELECT ?1, id, ?3 FROM users WHERE id = ?2 AND password_hash = ?4 AND disabled = 0",
                params![t, user_id, e, verified],
            )?;
            if made == 0 {
                return Err(StoreError::NotFound(format!("user {user_id} as signed in with")));
            }
            tx.execute(
                "UPDATE users SET last_sign_in_ns = ?2 WHERE id = ?1",
                params![user_id, now],
            )?;
            Ok((change, ()))
        })
    }

    /// Logs a failed sign-in from `address`: against `user` when the name
    /// is an account's (the name typed is not kept otherwise).
    pub fn sign_in_failed(&self, user: Option<&User>, address: &str) -> Result<()> {
        let change = AccountChange::SignInFailed {
            user: user.map(|u| u.username.clone()),
            office: user.and_then(|u| u.office.clone()),
            address: address.to_owned(),
        };
        self.account(&Actor::Anonymous, move |_| Ok((change, ())))
    }

    /// Ends one session, logging it; the user whose it was, if it was one.
    pub fn delete_session(&self, token_hash: &str) -> Result<Option<User>> {
        let t = token_hash.to_owned();
        let session = self.reader.session(token_hash, Utc::now())?;
        let Some(session) = session else {
            // Expired or made up: nothing to log and nothing to write (an
            // expired row goes with the next sign-in's sweep), so a made-up
            // cookie costs no write.
            return Ok(None);
        };
        let user = session.user;
        let change = AccountChange::SignedOut {
            user: user.username.clone(),
            office: user.office.clone(),
        };
        let gone = self.account(&Actor::User(user.username.clone()), move |tx| {
            let n = tx.execute("DELETE FROM sessions WHERE token_hash = ?1", [t])?;
            if n == 0 {
                // Ended meanwhile (signed out elsewhere): no event either.
                return Err(StoreError::NotFound("session".into()));
            }
            Ok((change, ()))
        });
        match gone {
            Ok(()) => Ok(Some(user)),
            Err(StoreError::NotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Registers a device (a kiosk, a display) by the hash of its token.
    pub fn add_device(
        &self,
        actor: &Actor,
        name: &str,
        office: &str,
        kind: DeviceKind,
        token_hash: &str,
    ) -> Result<Device> {
        let (n, o, t) = (name.to_owned(), office.to_owned(), token_hash.to_owned());
        self.account(actor, move |tx| {
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE office = ?1 AND name = ?2)",
                [&o, &n],
                |r| r.get(0),
            )?;
            if exists {
                return Err(StoreError::Exists(format!("device `{n}` of office `{o}`")));
            }
            tx.execute(
                "INSERT INTO devices (token_hash, name, office, kind, created_at_ns) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![t, n, o, kind.as_str(), to_ns(Utc::now())],
            )?;
            let device = device_in(tx, tx.last_insert_rowid())?;
            let change = AccountChange::DeviceAdded {
                device: device.id,
                name: n,
                device_kind: kind,
                office: o,
            };
            Ok((change, device))
        })
    }

    /// Renames a device or changes its settings.
    pub fn change_device(
        &self,
        actor: &Actor,
        id: i64,
        name: &str,
        settings: &DeviceSettings,
    ) -> Result<Device> {
        let n = name.to_owned();
        let json =
            serde_json::to_string(settings).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        self.account(actor, move |tx| {
            let before = device_in(tx, id)?;
            let taken: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM devices WHERE office = ?1 AND name = ?2 AND id != ?3)",
                params![before.office, n, id],
                |r| r.get(0),
            )?;
            if taken {
                return Err(StoreError::Exists(format!(
                    "device `{n}` of office `{}`",
                    before.office
                )));
            }
            tx.execute(
                "UPDATE devices SET name = ?2, settings = ?3 WHERE id = ?1",
                params![id, n, json],
            )?;
            let change = AccountChange::DeviceChanged {
                device: id,
                name: n,
                office: before.office,
            };
            Ok((change, device_in(tx, id)?))
        })
    }

    /// Revokes a device: its token stops working.
    pub fn revoke_device(&self, actor: &Actor, id: i64) -> Result<Device> {
        self.account(actor, move |tx| {
            let device = device_in(tx, id)?;
            tx.execute("DELETE FROM devices WHERE id = ?1", [id])?;
            let change = AccountChange::DeviceRevoked {
                device: id,
                name: device.name.clone(),
                office: device.office.clone(),
            };
            Ok((change, device))
        })
    }

    /// Notes that devices made contact (called at most once a minute per
    /// device, for the list of devices in /admin).
    pub fn touch_devices(&self, seen: Vec<(i64, DateTime<Utc>)>) -> Result<()> {
        self.writer.exec_blocking(move |tx| {
            for (id, at) in seen {
                tx.prepare_cached("UPDATE devices SET last_seen_ns = max(coalesce(last_seen_ns, 0), ?2) WHERE id = ?1")?
                    .execute(params![id, to_ns(at)])?;
            }
            Ok(())
        })
    }
}

impl Reader {
    pub fn user(&self, username: &str) -> Result<Option<User>> {
        self.with(|c| {
            c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE u.username = ?1"
            ))?
            .query_row([username], |r| Ok(user_from_row(r)))
            .optional()?
            .transpose()
        })
    }

    /// The users of an office (with `None`: every user), by name.
    pub fn users(&self, office: Option<&str>) -> Result<Vec<User>> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS} FROM users u WHERE ?1 IS NULL OR u.office = ?1 ORDER BY u.username"
            ))?;
            let rows = stmt.query_map([office], |r| Ok(user_from_row(r)))?;
            rows.map(|r| r?).collect()
        })
    }

    /// The live session with this token hash, if it has not expired and its
    /// user is not disabled.
    pub fn session(&self, token_hash: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
        self.with(|c| {
            c.prepare_cached(&format!(
                "SELECT {USER_COLUMNS}, s.expires_at_ns FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = ?1 AND s.expires_at_ns > ?2 AND u.disabled = 0"
            ))?
            .query_row(params![token_hash, to_ns(now)], |r| {
                Ok(user_from_row(r).and_then(|user| {
                    Ok(Session {
                        user,
                        expires_at: from_ns(r.get(9)?),
                    })
                }))
            })
            .optional()?
            .transpose()
        })
    }

    /// The device whose token has this hash.
    pub fn device(&self, token_hash: &str) -> Result<Option<Device>> {
        self.with(|c| {
            c.prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE token_hash = ?1"
            ))?
            .query_row([token_hash], |r| Ok(device_from_row(r)))
            .optional()?
            .transpose()
        })
    }

    /// An office's devices, by name.
    pub fn devices(&self, office: &str) -> Result<Vec<Device>> {
        self.with(|c| {
            let mut stmt = c.prepare_cached(&format!(
                "SELECT {DEVICE_COLUMNS} FROM devices WHERE office = ?1 ORDER BY name"
            ))?;
            let rows = stmt.query_map([office], |r| Ok(device_from_row(r)))?;
            rows.map(|r| r?).collect()
        })
    }
}
