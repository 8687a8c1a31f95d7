//! Percentiles of latencies kept in microseconds, and CPU per operation.

use std::collections::HashMap;
use std::hash::Hash;

/// The latencies of a fan-out: every delivery, and per round (one event
/// sent to every client) the latest delivery.
#[derive(Debug)]
pub struct Fanout<K> {
    all: Vec<u32>,
    last: HashMap<K, u32>,
}

/// What [`Fanout`] sums up to, in ms.
#[derive(Debug, Clone, Copy)]
pub struct FanoutSummary {
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    /// The median over rounds of the time to the last client.
    pub last_p50_ms: f64,
    pub last_max_ms: f64,
}

impl<K: Hash + Eq> Fanout<K> {
    pub fn with_capacity(deliveries: usize) -> Self {
        Fanout {
            all: Vec::with_capacity(deliveries),
            last: HashMap::new(),
        }
    }

    /// One delivery of `round`, `us` after it was sent.
    pub fn add(&mut self, round: K, us: u32) {
        self.all.push(us);
        let last = self.last.entry(round).or_default();
        *last = (*last).max(us);
    }

    pub fn len(&self) -> usize {
        self.all.len()
    }

    pub fn is_empty(&self) -> bool {
        self.all.is_empty()
    }

    pub fn summary(mut self) -> FanoutSummary {
        self.all.sort_unstable();
        let mut last: Vec<u32> = self.last.into_values().collect();
        last.sort_unstable();
        FanoutSummary {
            p50_ms: percentile_ms(&self.all, 0.50),
            p99_ms: percentile_ms(&self.all, 0.99),
            max_ms: percentile_ms(&self.all, 1.0),
            last_p50_ms: percentile_ms(&last, 0.50),
            last_max_ms: percentile_ms(&last, 1.0),
        }
    }
}

/// Microseconds per operation of `seconds` spent on `n` operations.
pub fn us_each(seconds: f64, n: u64) -> f64 {
    seconds * 1e6 / n.max(1) as f64
}

/// The `q` quantile (0..=1, nearest rank) of sorted microseconds, in ms.
pub fn percentile_ms(sorted_us: &[u32], q: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let rank = (q * sorted_us.len() as f64).ceil() as usize;
    let i = rank.clamp(1, sorted_us.len()) - 1;
    f64::from(sorted_us[i]) / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let v: Vec<u32> = (1..=100).map(|i| i * 1000).collect();
        assert_eq!(percentile_ms(&v, 0.5), 50.0);
        assert_eq!(percentile_ms(&v, 0.99), 99.0);
        assert_eq!(percentile_ms(&v, 1.0), 100.0);
        assert_eq!(percentile_ms(&[], 0.5), 0.0);
    }

    #[test]
    fn fanout_keeps_the_latest_delivery_of_each_round() {
        let mut f = Fanout::with_capacity(4);
        for (round, us) in [(1, 1000), (1, 3000), (2, 2000), (2, 8000)] {
            f.add(round, us);
        }
        assert_eq!(f.len(), 4);
        let s = f.summary();
        assert_eq!((s.p50_ms, s.max_ms), (2.0, 8.0));
        assert_eq!((s.last_p50_ms, s.last_max_ms), (3.0, 8.0));
    }
}
