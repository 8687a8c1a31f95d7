//! Bounds on what one client can take: the request body size, rate limits
//! per key (online tickets per address), growing delays for sign-in tries,
//! places for password hashing, and open connections per address and in
//! total. Registries give their places back through
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

/// What every limit counts an address as: an IPv4 address (also written
/// as IPv6, `::ffff:192.0.2.1`), or an IPv6 /64, one customer's network,
/// where a single host has addresses to spare.
pub fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let s = v6.segments();
            IpAddr::from([s[0], s[1], s[2], s[3], 0, 0, 0, 0])
        }
        v4 => v4,
    }
}

/// How long a refused client should wait, in whole seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// Rate limits shared by all requests.
#[derive(Debug)]
pub struct Limits {
    pub online: RateLimit,
    /// Online tickets per (address, office, service, business day), each
    /// key with its own limit (a share of the service's quota).
    pub online_share: RateLimit,
    pub sign_in: SignInThrottle,
    pub hashing: Hashing,
    pub live: Arc<ConnectionCounter>,
}

impl Limits {
    pub fn new(sec: &Security) -> Limits {
        Limits {
            online: RateLimit::new(
                sec.online_tickets_per_ip,
                Duration::from_secs(u64::from(sec.online_window_minutes) * 60),
            ),
            online_share: RateLimit::new(u32::MAX, Duration::from_secs(24 * 3600)),
            sign_in: SignInThrottle::new(
                sec.sign_in_failures,
                sec.sign_in_failures.saturating_mul(4),
            ),
            hashing: Hashing::new(),
            live: Arc::new(ConnectionCounter::new(sec.live_connections_per_ip)),
        }
    }
}

/// Tries of one key ([`Throttle`]).
#[derive(Debug, Clone, Copy)]
struct Tries {
    count: u32,
    /// When the next try may come.
    next: Instant,
    last: Instant,
}

/// Growing delays per key: `free` tries at once, then each waits twice as
/// long as the one before (1 s, 2 s, 4 s ... at most [`MAX_DELAY`]); a key
/// quiet for [`FORGET_AFTER`] starts again.
#[derive(Debug)]
pub struct Throttle {
    free: u32,
    keys: Mutex<HashMap<String, Tries>>,
}

/// The longest wait between two tries of one key.
pub const MAX_DELAY: Duration = Duration::from_secs(15 * 60);
/// Quiet time after which a key's tries are forgotten (longer than
/// [`MAX_DELAY`], so that waiting out the longest delay forgives nothing).
pub const FORGET_AFTER: Duration = Duration::from_secs(60 * 60);

impl Throttle {
    pub fn new(free: u32) -> Throttle {
        Throttle {
            free,
            keys: Mutex::new(HashMap::new()),
        }
    }

    fn delay(&self, count: u32) -> Duration {
        match count.checked_sub(self.free) {
            None => Duration::ZERO,
            Some(over) => Duration::from_secs(1u64 << over.min(20)).min(MAX_DELAY),
        }
    }

    fn wait(tries: Option<&Tries>, now: Instant) -> Option<RetryAfter> {
        let t = tries.filter(|t| now.duration_since(t.last) < FORGET_AFTER)?;
        (now < t.next).then(|| RetryAfter(t.next.duration_since(now).as_secs().max(1)))
    }

    fn count(&self, keys: &mut HashMap<String, Tries>, key: &str, now: Instant) {
        if keys.len() > 100_000 {
            keys.retain(|_, t| now.duration_since(t.last) < FORGET_AFTER);
        }
        let t = keys.entry(key.to_owned()).or_insert(Tries {
            count: 0,
            next: now,
            last: now,
        });
        if now.duration_since(t.last) >= FORGET_AFTER {
            t.count = 0;
        }
        t.count += 1;
        t.last = now;
        t.next = now + self.delay(t.count);
    }

    fn give_back(&self, keys: &mut HashMap<String, Tries>, key: &str) {
        if let Some(t) = keys.get_mut(key) {
            t.count = t.count.saturating_sub(1);
            t.next = t.last + self.delay(t.count);
        }
    }
}

/// Sign-in tries, counted per (user, address) and per address. A try is
/// counted before its password is checked, so a burst of simultaneous
/// guesses gets no more tries than a slow series; a success gives its try
/// back and clears the (user, address) count. Someone guessing a clerk's
/// password from elsewhere delays only themselves: the clerk at their
/// counter is another (user, address). And someone guessing many names
/// from the clerk's own address (the office's Wi-Fi, one address for all)
/// does not delay a (user, address) that has signed in before: the count
/// per address holds only pairs it has not seen succeed.
#[derive(Debug)]
pub struct SignInThrottle {
    per_user: Throttle,
    per_address: Throttle,
    /// (user, address) pairs that signed in, and when last.
    known: Mutex<HashMap<String, Instant>>,
}

/// How long a (user, address) that signed in stays known.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 3600);
/// At most this many known pairs (the oldest are forgotten first).
const KNOWN_MAX: usize = 10_000;

/// A counted sign-in try; [`SignInThrottle::succeeded`] gives it back.
#[derive(Debug)]
pub struct SignInTry {
    user_key: String,
    address_key: String,
}

impl SignInThrottle {
    /// `per_user` free tries per (user, address), `per_address` per address.
    pub fn new(per_user: u32, per_address: u32) -> SignInThrottle {
        SignInThrottle {
            per_user: Throttle::new(per_user),
            per_address: Throttle::new(per_address),
            known: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a try of `user` from `address`, or says how long to wait.
    pub fn reserve(&self, user: &str, address: IpAddr) -> Result<SignInTry, RetryAfter> {
        let now = Instant::now();
        let address = address_key(address);
        let t = SignInTry {
            user_key: format!("{user}@{address}"),
            address_key: address.to_string(),
        };
        let mut users = self.per_user.keys.lock().unwrap_or_else(|p| p.into_inner());
        let mut addresses = self
            .per_address
            .keys
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let known = self
            .known
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&t.user_key)
            .is_some_and(|at| now.duration_since(*at) < KNOWN_FOR);
        if let Some(wait) = Throttle::wait(users.get(&t.user_key), now)
            .or_else(|| Throttle::wait(addresses.get(&t.address_key), now).filter(|_| !known))
        {
            return Err(wait);
        }
        self.per_user.count(&mut users, &t.user_key, now);
        self.per_address.count(&mut addresses, &t.address_key, now);
        Ok(t)
    }

    /// The try was not made after all (no hashing place was free): both
    /// counts forget it.
    pub fn not_tried(&self, t: SignInTry) {
        let mut users = self.per_user.keys.lock().unwrap_or_else(|p| p.into_inner());
        self.per_user.give_back(&mut users, &t.user_key);
        drop(users);
        let mut addresses = self
            .per_address
            .keys
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        self.per_address.give_back(&mut addresses, &t.address_key);
    }

    /// The password was right: this (user, address) starts again, and the
    /// address's count forgets this try.
    pub fn succeeded(&self, t: SignInTry) {
        let mut known = self.known.lock().unwrap_or_else(|p| p.into_inner());
        if known.len() >= KNOWN_MAX {
            if let Some(oldest) = known
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(k, _)| k.clone())
            {
                known.remove(&oldest);
            }
        }
        known.insert(t.user_key.clone(), Instant::now());
        drop(known);
        self.per_user
            .keys
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&t.user_key);
        let mut addresses = self
            .per_address
            .keys
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        self.per_address.give_back(&mut addresses, &t.address_key);
    }
}

/// Password hashing (argon2id: 19 MiB and tens of milliseconds each) on a
/// few threads of its own, at most half the cores, so that a flood of
/// sign-ins neither grows memory (each thread reuses its one 19 MiB) nor
/// starves the public pages; beyond a short queue a sign-in is refused at
/// once (503 `sign_in_busy`).
#[derive(Debug)]
pub struct Hashing {
    jobs: std::sync::mpsc::SyncSender<HashJob>,
}

type HashJob = Box<dyn FnOnce() + Send>;

/// Sign-ins that may wait for a hashing thread.
const HASHING_QUEUE: usize = 32;

impl Hashing {
    /// Half the cores, one to four.
    fn threads() -> usize {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        (cores / 2).clamp(1, 4)
    }

    fn new() -> Hashing {
        let (jobs, queue) = std::sync::mpsc::sync_channel::<HashJob>(HASHING_QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..Hashing::threads() {
            let queue = Arc::clone(&queue);
            let spawned = std::thread::Builder::new()
                .name(format!("hashing-{i}"))
                .spawn(move || loop {
                    let job = queue.lock().unwrap_or_else(|p| p.into_inner()).recv();
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password hashing thread");
            }
        }
        Hashing { jobs }
    }

    /// Runs `f` (a hash or a verification) on a hashing thread; `None`
    /// when the queue is full.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Option<anyhow::Result<T>> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: HashJob = Box::new(move || {
            let _ = tx.send(f());
        });
        self.jobs.try_send(job).ok()?;
        Some(
            rx.await
                .map_err(|_| anyhow::anyhow!("the hashing thread is gone")),
        )
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
        self.hit_max(key, self.max)
    }

    /// [`RateLimit::hit`] with a limit of its own for this key.
    fn hit_max(&self, key: &str, max: u32) -> Result<(), RetryAfter> {
        let now = Instant::now();
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 100_000 {
            hits.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = hits.entry(key.to_owned()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= max {
            return Err(self.wait(now, entry.0));
        }
        entry.1 += 1;
        Ok(())
    }

    /// Counts a hit now, given back when the [`Reserved`] is dropped
    /// without [`Reserved::keep`]: requests sent together cannot all pass
    /// a check made before any of them is counted.
    pub fn reserve(&self, key: &str) -> Result<Reserved<'_>, RetryAfter> {
        self.reserve_max(key, self.max)
    }

    /// [`RateLimit::reserve`] with a limit of its own for this key.
    pub fn reserve_max(&self, key: &str, max: u32) -> Result<Reserved<'_>, RetryAfter> {
        self.hit_max(key, max)?;
        Ok(Reserved {
            limit: self,
            key: Some(key.to_owned()),
        })
    }

    fn give_back(&self, key: &str) {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = hits.get_mut(key) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }
}

/// A hit of [`RateLimit::reserve`], given back on drop unless kept.
#[derive(Debug)]
pub struct Reserved<'a> {
    limit: &'a RateLimit,
    key: Option<String>,
}

impl Reserved<'_> {
    /// It counts: what it was for happened.
    pub fn keep(mut self) {
        self.key = None;
    }
}

impl Drop for Reserved<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.limit.give_back(&key);
        }
    }
}

/// Open connections per address ([`address_key`]) and in total; a guard
/// gives its place back on drop.
#[derive(Debug)]
pub struct ConnectionCounter {
    max: u32,
    max_total: u32,
    open: Mutex<Open>,
    /// Woken when the last connection closes (for a clean shutdown).
    none_left: tokio::sync::Notify,
}

/// Holds one place of [`ConnectionCounter`] while a connection lives.
#[derive(Debug)]
pub struct ConnectionGuard {
    counter: Arc<ConnectionCounter>,
    ip: IpAddr,
}

#[derive(Debug, Default)]
struct Open {
    per_ip: HashMap<IpAddr, u32>,
    total: u32,
}

impl ConnectionCounter {
    /// At most `max` open connections per address.
    pub fn new(max: u32) -> Self {
        ConnectionCounter::with_total(max, u32::MAX)
    }

    /// At most `max` per address and `max_total` in all.
    pub fn with_total(max: u32, max_total: u32) -> Self {
        ConnectionCounter {
            max,
            max_total,
            open: Mutex::new(Open::default()),
            none_left: tokio::sync::Notify::new(),
        }
    }

    /// Open connections in all.
    pub fn total(&self) -> u32 {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).total
    }

    /// Resolves once no connection is open. Upgraded connections are not
    /// the HTTP server's any more, so shutdown waits here for each to say
    /// goodbye with its close frame.
    pub async fn drained(&self) {
        loop {
            let notified = self.none_left.notified();
            if self.total() == 0 {
                return;
            }
            notified.await;
        }
    }

    /// A place for a connection from `ip`.
    pub fn acquire(self: &Arc<Self>, ip: IpAddr) -> Result<ConnectionGuard, RetryAfter> {
        self.take(ip, self.max)
    }

    /// A place counted only in the total (a trusted proxy's connection).
    pub fn acquire_uncapped(self: &Arc<Self>, ip: IpAddr) -> Result<ConnectionGuard, RetryAfter> {
        self.take(ip, u32::MAX)
    }

    fn take(self: &Arc<Self>, ip: IpAddr, max: u32) -> Result<ConnectionGuard, RetryAfter> {
        let ip = address_key(ip);
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if open.total >= self.max_total {
            return Err(RetryAfter(5));
        }
        let n = open.per_ip.entry(ip).or_insert(0);
        if *n >= max {
            return Err(RetryAfter(5));
        }
        *n += 1;
        open.total += 1;
        Ok(ConnectionGuard {
            counter: Arc::clone(self),
            ip,
        })
    }
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let mut open = self.counter.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = open.per_ip.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                open.per_ip.remove(&self.ip);
            }
            open.total -= 1;
        }
        if open.total == 0 {
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
        assert!(rl.hit("a").is_err());
        assert!(rl.hit("b").is_ok());
    }

    #[test]
    fn sign_in_delays_grow_per_user_and_address() {
        let t = SignInThrottle::new(3, 12);
        let (far, counter) = (IpAddr::from([127, 0, 0, 2]), IpAddr::from([127, 0, 0, 3]));
        // Three tries at once, then a wait that doubles.
        for _ in 0..3 {
            t.reserve("siti", far).expect("a free try");
        }
        assert_eq!(t.reserve("siti", far).err(), Some(RetryAfter(1)));
        // The clerk at their counter is not delayed by the guesser.
        let own = t.reserve("siti", counter).expect("their own address");
        t.succeeded(own);
        // Another name from the guesser's address still has its own tries.
        t.reserve("budi", far).expect("another user");
        assert_eq!(t.per_user.delay(4), Duration::from_secs(2));
        assert_eq!(t.per_user.delay(30), MAX_DELAY);
    }

    #[test]
    fn the_address_count_catches_many_names_and_forgets_successes() {
        let t = SignInThrottle::new(3, 4);
        let ip = IpAddr::from([127, 0, 0, 2]);
        for name in ["a", "b", "c", "d"] {
            t.reserve(name, ip).expect("a free try");
        }
        assert!(
            t.reserve("e", ip).is_err(),
            "a fifth name from one address waits"
        );
        // A clerk who signed in from this address before is not held up by
        // the guesses of someone else behind it.
        let other = IpAddr::from([127, 0, 0, 9]);
        let t2 = SignInThrottle::new(3, 4);
        let first = t2.reserve("siti", other).expect("a free try");
        t2.succeeded(first);
        for name in ["a", "b", "c", "d"] {
            t2.reserve(name, other).expect("a free try");
        }
        assert!(t2.reserve("e", other).is_err());
        let again = t2
            .reserve("siti", other)
            .expect("known here: not held by the address");
        t2.succeeded(again);
        let t = SignInThrottle::new(3, 2);
        // Clerks signing in one after another at opening are no attack.
        for name in ["a", "b", "c", "d", "e"] {
            let ok = t.reserve(name, ip).expect("each right the first time");
            t.succeeded(ok);
        }
    }

    #[tokio::test]
    async fn hashing_runs_a_few_at_once_and_refuses_beyond_its_queue() {
        let h = Arc::new(Hashing::new());
        let running = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let most = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let tasks: Vec<_> = (0..HASHING_QUEUE * 3)
            .map(|_| {
                let (h, running, most) = (Arc::clone(&h), Arc::clone(&running), Arc::clone(&most));
                tokio::spawn(async move {
                    h.run(move || {
                        use std::sync::atomic::Ordering::SeqCst;
                        let now = running.fetch_add(1, SeqCst) + 1;
                        most.fetch_max(now, SeqCst);
                        std::thread::sleep(Duration::from_millis(5));
                        running.fetch_sub(1, SeqCst);
                    })
                    .await
                    .is_some()
                })
            })
            .collect();
        let mut done = 0;
        for t in tasks {
            done += usize::from(t.await.expect("joined"));
        }
        let most = most.load(std::sync::atomic::Ordering::SeqCst);
        let threads = Hashing::threads();
        assert!(most <= threads, "{most} at once on {threads} threads");
        assert!(done >= HASHING_QUEUE, "the queue's worth ran: {done}");
        assert!(done < HASHING_QUEUE * 3, "the rest was refused: {done}");
    }

    #[test]
    fn addresses_count_as_ipv4_or_an_ipv6_64() {
        let v4: IpAddr = "192.0.2.1".parse().expect("ip");
        assert_eq!(address_key("::ffff:192.0.2.1".parse().expect("ip")), v4);
        let a = address_key("2001:db8:1:2:aaaa::1".parse().expect("ip"));
        let b = address_key("2001:db8:1:2:bbbb::2".parse().expect("ip"));
        assert_eq!(a, b);
        assert_ne!(a, address_key("2001:db8:1:3::1".parse().expect("ip")));
    }

    #[test]
    fn a_reservation_counts_until_given_back() {
        let rl = RateLimit::new(2, Duration::from_secs(60));
        let kept = rl.reserve("a").expect("a place");
        let dropped = rl.reserve("a").expect("a place");
        assert!(rl.reserve("a").is_err(), "both counted at once");
        kept.keep();
        drop(dropped);
        rl.reserve("a").expect("the dropped one given back").keep();
        assert!(rl.hit("a").is_err());
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

    #[test]
    fn the_total_caps_every_address() {
        let c = Arc::new(ConnectionCounter::with_total(2, 3));
        let (a, b) = (IpAddr::from([127, 0, 0, 2]), IpAddr::from([127, 0, 0, 3]));
        let held: Vec<_> = [a, a, b]
            .iter()
            .map(|ip| c.acquire(*ip).expect("a place"))
            .collect();
        assert!(c.acquire(b).is_err());
        assert!(c.acquire_uncapped(b).is_err());
        assert_eq!(c.total(), 3);
        drop(held);
        assert_eq!(c.total(), 0);
        let proxy: Vec<_> = (0..3)
            .map(|_| c.acquire_uncapped(a).expect("a place"))
            .collect();
        assert_eq!(proxy.len(), 3);
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
