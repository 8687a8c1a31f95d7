//! Property test of the calendar: for any week and closed days, the next
//! opening it names is open, and nothing between now and then is.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use antrean_core::calendar::{Availability, Calendar, Closure, Interval, WeekHours, WEEK};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use proptest::prelude::*;

/// Up to three stretches a day, on the quarter hour, in order.
fn day() -> impl Strategy<Value = Vec<Interval>> {
    prop::collection::btree_set(0u32..96, 0..=6).prop_map(|marks| {
        let marks: Vec<u32> = marks.into_iter().collect();
        marks
            .chunks_exact(2)
            .map(|pair| {
                let t = |q: u32| NaiveTime::from_hms_opt(q / 4, (q % 4) * 15, 0).unwrap();
                Interval {
                    open: t(pair[0]),
                    close: t(pair[1]),
                }
            })
            .collect()
    })
}

/// The week and closed days a calendar borrows.
#[derive(Debug, Clone)]
struct Owned {
    week: Option<WeekHours>,
    closures: Vec<Closure>,
}

fn calendar() -> impl Strategy<Value = Owned> {
    let week = prop::collection::vec(day(), 7)
        .prop_map(|days| WeekHours::new(WEEK.into_iter().zip(days)).unwrap());
    let closures = prop::collection::vec((0i64..30, 0i64..4), 0..4).prop_map(|spans| {
        spans
            .into_iter()
            .map(|(start, len)| {
                let from = base_day() + Duration::days(start);
                Closure {
                    from,
                    to: from + Duration::days(len),
                    reason: BTreeMap::new(),
                }
            })
            .collect()
    });
    (prop::option::weighted(0.9, week), closures)
        .prop_map(|(week, closures)| Owned { week, closures })
}

fn base_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

proptest! {
    #[test]
    fn the_next_opening_is_open_and_nothing_before_it_is(
        owned in calendar(),
        day in 0i64..30,
        minute in 0i64..(24 * 60),
    ) {
        let cal = Calendar { week: owned.week.as_ref(), closures: &owned.closures };
        let now: NaiveDateTime = base_day().and_time(NaiveTime::MIN)
            + Duration::days(day)
            + Duration::minutes(minute);
        match cal.at(now) {
            Availability::Open { closes } => {
                if let Some(closes) = closes {
                    prop_assert!(closes > now);
                    prop_assert!(!cal.at(closes).is_open(), "{closes} is named as the closing but open");
                }
            }
            Availability::Closed { closure, opens } => {
                if let Some(c) = &closure {
                    prop_assert!(c.from <= now.date() && now.date() <= c.to);
                }
                if let Some(opens) = opens {
                    prop_assert!(opens >= now);
                    prop_assert!(cal.at(opens).is_open(), "{opens} is named but closed");
                    // Openness only changes on a quarter hour (stretches
                    // and days start on one): now and every quarter hour
                    // after it, up to the opening, are closed.
                    let past = now.and_utc().timestamp() / 60 % 15;
                    let mut t = now + Duration::minutes(15 - past);
                    while t < opens {
                        prop_assert!(!cal.at(t).is_open(), "{t} is open before {opens}");
                        t += Duration::minutes(15);
                    }
                } else {
                    // Nothing opens within the horizon: then it is closed
                    // in every stretch of the coming weeks too.
                    let week = cal.week;
                    prop_assert!(week.is_some_and(|w| WEEK.iter().all(|d| w.on(*d).is_empty()))
                        || cal.closures.iter().any(|c| c.to - c.from > Duration::days(300)));
                }
            }
        }
    }
}
