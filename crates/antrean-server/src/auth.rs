//! Who may do what: staff sign-in (argon2id passwords, HttpOnly session
//! cookies), roles, kiosk device tokens and rate limits.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use antrean_store::User;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::ApiError;
use crate::AppState;

/// Name of the session cookie.
pub const COOKIE: &str = "antrean_session";

/// What a staff account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Works the counters of its office.
    Clerk,
    /// Everything in its office.
    Supervisor,
    /// Everything everywhere.
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "clerk" => Some(Role::Clerk),
            "supervisor" => Some(Role::Supervisor),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// An argon2id hash (PHC string) of a password.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing the password: {e}"))
}

/// Whether `password` matches the stored hash. Slow on purpose.
pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A hash to verify against when the user does not exist, so that the
/// answer takes as long as for a real user.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a password of anyone").unwrap_or_default())
}

/// A fresh random secret (256 bits, hex).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps of a secret: its SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A signed-in staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub role: Role,
}

impl Staff {
    /// Clerks and supervisors act in their own office only.
    pub fn check_office(&self, office: &str) -> Result<(), ApiError> {
        match self.role {
            Role::Admin => Ok(()),
            _ if self.user.office.as_deref() == Some(office) => Ok(()),
            _ => Err(ApiError::Forbidden(format!(
                "`{}` does not work at office `{office}`",
                self.user.username
            ))),
        }
    }

    /// The name recorded in the audit log.
    pub fn actor(&self) -> String {
        format!("user:{}", self.user.username)
    }
}

/// The session token in the request's cookies.
pub fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Staff::from_headers(state, &parts.headers).await
    }
}

impl Staff {
    /// The staff member whose session cookie the request carries.
    pub async fn from_headers(state: &AppState, headers: &HeaderMap) -> Result<Staff, ApiError> {
        let token = cookie_token(headers).ok_or(ApiError::Unauthenticated)?;
        let hash = token_hash(token);
        let reader = state.store.reader.clone();
        let session = crate::api::blocking(move || reader.session(&hash, chrono::Utc::now()))
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let role = Role::parse(&session.user.role).ok_or(ApiError::Unauthenticated)?;
        Ok(Staff {
            user: session.user,
            role,
        })
    }
}

/// A registered device that presented its token (`Authorization: Bearer`).
#[derive(Debug, Clone)]
pub struct DeviceToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for DeviceToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(|t| t.trim().to_owned());
        Ok(DeviceToken(token))
    }
}

/// A fixed-window counter per key: at most `max` hits per `window`.
#[derive(Debug)]
pub struct RateLimit {
    max: u32,
    window: Duration,
    hits: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimit {
    pub fn new(max: u32, window: Duration) -> Self {
        RateLimit {
            max,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a hit; refuses with the seconds to wait when over the limit.
    pub fn hit(&self, key: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 100_000 {
            hits.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.max {
            let wait = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(ApiError::RateLimited(wait.as_secs().max(1)));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Whether the key is over the limit, without counting.
    pub fn check(&self, key: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        match hits.get(key) {
            Some((start, n)) if now.duration_since(*start) < self.window && *n >= self.max => {
                Err(ApiError::RateLimited(
                    self.window
                        .saturating_sub(now.duration_since(*start))
                        .as_secs()
                        .max(1),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Open live connections per address; a guard gives its place back on drop.
#[derive(Debug, Default)]
pub struct ConnectionCounter {
    open: Mutex<HashMap<IpAddr, u32>>,
}

/// Holds one place of [`ConnectionCounter`] while a connection lives.
#[derive(Debug)]
pub struct ConnectionGuard {
    counter: std::sync::Arc<ConnectionCounter>,
    ip: IpAddr,
}

impl ConnectionCounter {
    pub fn acquire(
        self: &std::sync::Arc<Self>,
        ip: IpAddr,
        max: u32,
    ) -> Result<ConnectionGuard, ApiError> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= max {
            return Err(ApiError::RateLimited(5));
        }
        *n += 1;
        Ok(ConnectionGuard {
            counter: std::sync::Arc::clone(self),
            ip,
        })
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let mut open = self.counter.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let h = hash_password("rahasia-sekali").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&h, "rahasia-sekali"));
        assert!(!verify_password(&h, "rahasia"));
        assert!(!verify_password("garbage", "rahasia"));
    }

    #[test]
    fn rate_limit_counts_per_key() {
        let rl = RateLimit::new(2, Duration::from_secs(60));
        assert!(rl.hit("a").is_ok());
        assert!(rl.hit("a").is_ok());
        assert!(matches!(rl.hit("a"), Err(ApiError::RateLimited(_))));
        assert!(rl.hit("b").is_ok());
    }
}
