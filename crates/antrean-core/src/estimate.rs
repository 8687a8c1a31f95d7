//! Estimated waits from real service times.
//!
//! Each service keeps an exponentially weighted mean of how long citizens
//! really spent at the counter (from call to finish), seeded with the
//! configured service time. The estimate for a waiting citizen is the people
//! ahead times that mean, shared among the counters open for the service.

use std::collections::HashMap;

/// Weight of the newest observation: about the last ten citizens dominate.
const ALPHA: f64 = 0.2;
/// Times outside this range are mistakes (a clerk who forgot to finish) and
/// would poison the mean.
const PLAUSIBLE_S: std::ops::RangeInclusive<f64> = 10.0..=3.0 * 3600.0;

/// Recent real service times per service.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceTimes {
    mean_s: HashMap<String, f64>,
}

impl ServiceTimes {
    /// Records that a citizen of `service` took `secs` at the counter.
    pub fn observe(&mut self, service: &str, secs: f64) {
        if !PLAUSIBLE_S.contains(&secs) {
            return;
        }
        self.mean_s
            .entry(service.to_owned())
            .and_modify(|m| *m += ALPHA * (secs - *m))
            .or_insert(secs);
    }

    /// The mean service time, or `default_s` before anything was observed.
    pub fn mean_s(&self, service: &str, default_s: u32) -> f64 {
        self.mean_s
            .get(service)
            .copied()
            .unwrap_or(f64::from(default_s))
    }
}

/// Seconds until a citizen with `ahead` people before them is called, when
/// `open` counters serve them at `mean_s` each. `None` when no counter is open:
/// then nobody can honestly say.
pub fn wait_s(ahead: u32, mean_s: f64, open: u32) -> Option<u32> {
    if open == 0 {
        return None;
    }
    let secs = f64::from(ahead) * mean_s / f64::from(open);
    // Saturating conversion; `as` on a finite, non-negative f64 is exact enough.
    Some(secs.round().min(f64::from(u32::MAX)) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mean_starts_at_configured_time_then_follows_reality() {
        let mut t = ServiceTimes::default();
        assert_eq!(t.mean_s("ktp", 300), 300.0);
        t.observe("ktp", 600.0);
        assert_eq!(t.mean_s("ktp", 300), 600.0);
        t.observe("ktp", 100.0);
        assert!((t.mean_s("ktp", 300) - 500.0).abs() < 1e-9);
    }

    #[test]
    fn implausible_times_are_ignored() {
        let mut t = ServiceTimes::default();
        t.observe("ktp", 1.0);
        t.observe("ktp", 86_400.0);
        assert_eq!(t.mean_s("ktp", 300), 300.0);
    }

    #[test]
    fn wait_is_shared_among_open_counters_and_unknown_when_none() {
        assert_eq!(wait_s(4, 300.0, 2), Some(600));
        assert_eq!(wait_s(0, 300.0, 1), Some(0));
        assert_eq!(wait_s(4, 300.0, 0), None);
    }
}
