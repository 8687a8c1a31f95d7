//! Bounds on what one client can take: the request body size, rate limits
//! per key (online tickets per address, failed sign-ins) and open live
//! connections per address. Registries give their places back through
//! `Drop` guards.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::Security;

/// Largest request body accepted (bytes).
pub const BODY_LIMIT: usize = 16 * 1024;
/// The body of a whole office configuration (an import): a large office's
/// export is some tens of KiB.
pub const CONFIG_BODY_LIMIT: usize = 256 * 1024;

/// How long a refused client should wait, in whole seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Rate limits shared by all requests.
#[derive(Debug)]
pub struct Limits {
    pub online: RateLimit,
    pub sign_in: RateLimit,
    pub live: Arc<ConnectionCounter>,
}

impl Limits {
    pub fn new(sec: &Security) -> Limits {
        Limits {
            online: RateLimit::new(
                sec.online_tickets_per_ip,
                Duration::from_secs(u64::from(sec.online_window_minutes) * 60),
            ),
            sign_in: RateLimit::new(sec.sign_in_failures, Duration::from_secs(15 * 60)),
            live: Arc::new(ConnectionCounter::new(sec.live_connections_per_ip)),
        }
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

    fn wait(&self, now: Instant, start: Instant) -> RetryAfter {
        RetryAfter(
            self.window
                .saturating_sub(now.duration_since(start))
                .as_secs()
                .max(1),
        )
    }

    /// Counts a hit; refuses with the time to wait when over the limit.
    pub fn hit(&self, key: &str) -> Result<(), RetryAfter> {
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
            return Err(self.wait(now, entry.0));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Whether the key is over the limit, without counting.
    pub fn check(&self, key: &str) -> Result<(), RetryAfter> {
        let now = Instant::now();
        let hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        match hits.get(key) {
            Some((start, n)) if now.duration_since(*start) < self.window && *n >= self.max => {
                Err(self.wait(now, *start))
            }
            _ => Ok(()),
        }
    }
}

/// Open live connections per address; a guard gives its place back on drop.
#[derive(Debug)]
pub struct ConnectionCounter {
    max: u32,
    open: Mutex<HashMap<IpAddr, u32>>,
    /// Woken when the last connection closes (for a clean shutdown).
    none_left: tokio::sync::Notify,
}

/// Holds one place of [`ConnectionCounter`] while a connection lives.
#[derive(Debug)]
pub struct ConnectionGuard {
    counter: Arc<ConnectionCounter>,
    ip: IpAddr,
}

impl ConnectionCounter {
    /// At most `max` open connections per address.
    pub fn new(max: u32) -> Self {
        ConnectionCounter {
            max,
            open: Mutex::new(HashMap::new()),
            none_left: tokio::sync::Notify::new(),
        }
    }

    /// Resolves once no connection is open. Upgraded connections are not
    /// the HTTP server's any more, so shutdown waits here for each to say
    /// goodbye with its close frame.
    pub async fn drained(&self) {
        loop {
            let notified = self.none_left.notified();
            if self
                .open
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_empty()
            {
                return;
            }
            notified.await;
        }
    }

    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Result<ConnectionGuard, RetryAfter> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        let n = open.entry(ip).or_insert(0);
        if *n >= self.max {
            return Err(RetryAfter(5));
        }
        *n += 1;
        Ok(ConnectionGuard {
            counter: Arc::clone(self),
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
        if open.is_empty() {
            self.counter.none_left.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limit_counts_per_key() {
        let rl = RateLimit::new(2, Duration::from_secs(60));
        assert!(rl.hit("a").is_ok());
        assert!(rl.hit("a").is_ok());
        assert!(rl.hit("a").is_err());
        assert!(rl.check("a").is_err());
        assert!(rl.hit("b").is_ok());
    }

    #[test]
    fn connections_are_given_back_on_drop() {
        let c = Arc::new(ConnectionCounter::new(1));
        let ip = IpAddr::from([127, 0, 0, 2]);
        let first = c.acquire(ip).expect("a place");
        assert!(c.acquire(ip).is_err());
        assert!(c.acquire(IpAddr::from([127, 0, 0, 3])).is_ok());
        drop(first);
        assert!(c.acquire(ip).is_ok());
    }

    #[tokio::test]
    async fn drained_waits_for_the_last_connection() {
        let c = Arc::new(ConnectionCounter::new(2));
        c.drained().await;
        let guard = c.acquire(IpAddr::from([127, 0, 0, 2])).expect("a place");
        let waiter = tokio::spawn({
            let c = Arc::clone(&c);
            async move { c.drained().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        drop(guard);
        tokio::time::timeout(Duration::from_secs(5), waiter)
            .await
            .expect("woken")
            .expect("joined");
    }
}
