//! When an office and its services take tickets: weekly opening hours (a
//! shorter Friday, a break at midday, a service with hours of its own) and
//! the days it is closed (public holidays, collective leave, one-off
//! closures), each with the reason citizens are shown; and when it opens
//! next, so that a closed screen can say "Buka lagi Senin, 07.30".
//!
//! Everything is in the office's local time; the caller converts.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A stretch of a day during which tickets are taken: from `open`, up to
/// but not including `close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    pub open: NaiveTime,
    pub close: NaiveTime,
}

/// Opening hours for each day of the week. A day without intervals is
/// closed; a day's intervals are in order and do not overlap.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeekHours {
    /// Monday first.
    days: [Vec<Interval>; 7],
}

/// Why a week's hours cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HoursError {
    #[error("{}: opening must be before closing", day_key(*.0))]
    Empty(Weekday),
    #[error("{}: the times overlap or are out of order", day_key(*.0))]
    Overlap(Weekday),
    #[error("{}: not hours like 07:30-12:00 (several separated by commas)", day_key(*.0))]
    Unreadable(Weekday),
}

/// The days of the week, Monday first, by the short names configuration
/// and the API use (`mon` ... `sun`).
pub const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn day_key(day: Weekday) -> &'static str {
    ["mon", "tue", "wed", "thu", "fri", "sat", "sun"][day.num_days_from_monday() as usize]
}

impl Interval {
    /// `07:30-12:00`.
    fn parse(text: &str) -> Option<Interval> {
        let (open, close) = text.split_once('-')?;
        let time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
        Some(Interval {
            open: time(open)?,
            close: time(close)?,
        })
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.open.format("%H:%M"),
            self.close.format("%H:%M")
        )
    }
}

/// As written in configuration and on the wire: each open day's hours,
/// `{ mon = "07:30-16:00", fri = "07:30-11:30, 13:30-16:00" }`.
impl Serialize for WeekHours {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.days().map(|(d, text)| (day_key(d), text)))
    }
}

/// Each day a string of stretches; the order and overlap of the times are
/// rules no pattern states, refused with the configuration's other rules.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for WeekHours {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
        const TIME: &str = r"([01]?\d|2[0-3]):[0-5]\d";
        let stretch = format!("{TIME} *- *{TIME}");
        let pattern = format!("^ *{stretch} *(, *{stretch} *)*$");
        let day = || {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .pattern(Some(pattern.clone()))
        };
        WEEK.into_iter()
            .fold(ObjectBuilder::new(), |o, d| o.property(day_key(d), day()))
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some(
                "Each open day's stretches, local time, in order (`mon` ... `sun`); a day not named is closed.",
            ))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for WeekHours {}

impl<'de> Deserialize<'de> for WeekHours {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Days {
            mon: Option<String>,
            tue: Option<String>,
            wed: Option<String>,
            thu: Option<String>,
            fri: Option<String>,
            sat: Option<String>,
            sun: Option<String>,
        }
        let w = Days::deserialize(d)?;
        let days = [w.mon, w.tue, w.wed, w.thu, w.fri, w.sat, w.sun];
        WeekHours::read(
            WEEK.into_iter()
                .zip(&days)
                .filter_map(|(day, text)| text.as_deref().map(|t| (day, t))),
        )
        .map_err(serde::de::Error::custom)
    }
}

impl WeekHours {
    /// The week from each day's intervals; refuses an interval that closes
    /// before it opens and intervals out of order or overlapping.
    pub fn new(
        days: impl IntoIterator<Item = (Weekday, Vec<Interval>)>,
    ) -> Result<Self, HoursError> {
        let week = WeekHours::unchecked(days);
        week.check()?;
        Ok(week)
    }

    fn unchecked(days: impl IntoIterator<Item = (Weekday, Vec<Interval>)>) -> Self {
        let mut week = WeekHours::default();
        for (day, intervals) in days {
            week.days[day.num_days_from_monday() as usize] = intervals;
        }
        week
    }

    /// Refuses a stretch that closes before it opens and stretches out of
    /// order or overlapping. Hours read from text are checked with the
    /// configuration they are part of, so that the refusal names its field.
    pub fn check(&self) -> Result<(), HoursError> {
        for day in WEEK {
            let intervals = self.on(day);
            if intervals.iter().any(|i| i.open >= i.close) {
                return Err(HoursError::Empty(day));
            }
            if intervals.windows(2).any(|w| w[1].open < w[0].close) {
                return Err(HoursError::Overlap(day));
            }
        }
        Ok(())
    }

    /// Reads each day's hours as written (`"07:30-11:30, 13:30-16:00"`);
    /// a day not named is closed.
    pub fn parse<'a>(
        days: impl IntoIterator<Item = (Weekday, &'a str)>,
    ) -> Result<Self, HoursError> {
        let week = WeekHours::read(days)?;
        week.check()?;
        Ok(week)
    }

    /// Only the text's form: stretches of `HH:MM-HH:MM`, not yet checked.
    fn read<'a>(days: impl IntoIterator<Item = (Weekday, &'a str)>) -> Result<Self, HoursError> {
        let days = days
            .into_iter()
            .map(|(day, text)| {
                let intervals = text
                    .split(',')
                    .map(|part| Interval::parse(part).ok_or(HoursError::Unreadable(day)))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok((day, intervals))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(WeekHours::unchecked(days))
    }

    /// Each open day with its hours as written, Monday first.
    pub fn days(&self) -> impl Iterator<Item = (Weekday, String)> + '_ {
        WEEK.into_iter()
            .filter(|d| !self.on(*d).is_empty())
            .map(|d| {
                let text = self
                    .on(d)
                    .iter()
                    .map(Interval::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                (d, text)
            })
    }

    /// The intervals of a weekday.
    pub fn on(&self, day: Weekday) -> &[Interval] {
        &self.days[day.num_days_from_monday() as usize]
    }

    fn is_open(&self, at: NaiveDateTime) -> bool {
        let t = at.time();
        self.on(at.weekday())
            .iter()
            .any(|i| i.open <= t && t < i.close)
    }

    /// The first opening at or after `at` on `at`'s date, if any.
    fn opening_on(&self, at: NaiveDateTime) -> Option<NaiveDateTime> {
        self.on(at.weekday())
            .iter()
            .find(|i| i.open >= at.time())
            .map(|i| at.date().and_time(i.open))
    }
}

/// Days on which the office is closed, with the reason shown to citizens.
/// Written `{ from = "2026-12-24", to = "2026-12-26", reason = { id = "Cuti
/// bersama Natal" } }`; `to` is absent for one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "ClosureText", into = "ClosureText")]
pub struct Closure {
    /// First day closed.
    pub from: NaiveDate,
    /// Last day closed (the same as `from` for one day).
    pub to: NaiveDate,
    /// Per language code: "Hari Raya Idul Fitri", "Cuti bersama".
    pub reason: BTreeMap<String, String>,
}

impl Closure {
    fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }

    /// Whether the two share a day.
    pub fn overlaps(&self, other: &Closure) -> bool {
        self.from <= other.to && other.from <= self.to
    }
}

/// A closure as written: `to` is absent for one day.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClosureText {
    pub from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
    /// Per language code; the office's default language is needed.
    pub reason: BTreeMap<String, String>,
}

/// Read as written; that `to` is not before `from` is checked with the
/// configuration's other rules, so that the refusal names its field.
impl From<ClosureText> for Closure {
    fn from(c: ClosureText) -> Self {
        Closure {
            from: c.from,
            to: c.to.unwrap_or(c.from),
            reason: c.reason,
        }
    }
}

impl From<Closure> for ClosureText {
    fn from(c: Closure) -> Self {
        ClosureText {
            from: c.from,
            to: (c.to != c.from).then_some(c.to),
            reason: c.reason,
        }
    }
}

/// Whether tickets are taken at an instant, and if not, why and when again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Availability {
    Open {
        /// When it closes next, local time: the end of the current stretch,
        /// or the start of a closed day; `None` when no closing is planned
        /// in the coming year.
        closes: Option<NaiveDateTime>,
    },
    Closed {
        /// The closure that covers the day; `None` outside the hours.
        closure: Option<Closure>,
        /// When it opens next, local time; `None` when it never does in
        /// the coming year (no hours at all, or closed throughout).
        opens: Option<NaiveDateTime>,
    },
}

impl Availability {
    pub fn is_open(&self) -> bool {
        matches!(self, Availability::Open { .. })
    }
}

/// How far ahead the next opening is looked for.
const HORIZON_DAYS: i64 = 400;

/// An office's (or a service's) calendar: its week and its closed days,
/// borrowed from the office's configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Calendar<'a> {
    /// `None`: open at any hour of every day that is not closed.
    pub week: Option<&'a WeekHours>,
    pub closures: &'a [Closure],
}

impl<'a> Calendar<'a> {
    /// Whether tickets are taken at local time `at`, and if not, why and
    /// when again.
    pub fn at(&self, at: NaiveDateTime) -> Availability {
        self.at_with(None, at)
    }

    /// The same, with `week` instead of the calendar's own when given (a
    /// service with hours of its own keeps the office's closed days).
    pub fn at_with(&self, week: Option<&WeekHours>, at: NaiveDateTime) -> Availability {
        let week = week.or(self.week);
        let closure = self.closure(at.date());
        if closure.is_none() && week.is_none_or(|w| w.is_open(at)) {
            return Availability::Open {
                closes: self.next_closing(week, at),
            };
        }
        Availability::Closed {
            closure: closure.cloned(),
            opens: self.next_opening(week, at),
        }
    }

    /// Only whether tickets are taken at `at` (with `week` as in
    /// [`Calendar::at_with`]): what issuing a ticket asks, without looking
    /// for the next opening or closing.
    pub fn is_open_with(&self, week: Option<&WeekHours>, at: NaiveDateTime) -> bool {
        self.closure(at.date()).is_none() && week.or(self.week).is_none_or(|w| w.is_open(at))
    }

    fn closure(&self, day: NaiveDate) -> Option<&'a Closure> {
        self.closures.iter().find(|c| c.covers(day))
    }

    /// The end of the opening `at` is in: the end of its stretch (or, with
    /// no weekly hours, the next closed day's start).
    fn next_closing(&self, week: Option<&WeekHours>, at: NaiveDateTime) -> Option<NaiveDateTime> {
        if let Some(week) = week {
            let t = at.time();
            let day = week.on(at.weekday());
            let now = day.iter().position(|i| i.open <= t && t < i.close)?;
            // Stretches that touch are one opening.
            let mut close = day[now].close;
            for i in &day[now + 1..] {
                if i.open != close {
                    break;
                }
                close = i.close;
            }
            return Some(at.date().and_time(close));
        }
        // Today is open, so no closure covers it: the next closed day is
        // the nearest start after today.
        let today = at.date();
        self.closures
            .iter()
            .map(|c| c.from)
            .filter(|from| *from > today && *from - today < Duration::days(HORIZON_DAYS))
            .min()
            .map(|day| day.and_time(NaiveTime::MIN))
    }

    /// The first instant after `at` at which tickets are taken.
    fn next_opening(&self, week: Option<&WeekHours>, at: NaiveDateTime) -> Option<NaiveDateTime> {
        (0..HORIZON_DAYS).find_map(|n| {
            let day = at.date() + Duration::days(n);
            if self.closure(day).is_some() {
                return None;
            }
            let from = if n == 0 {
                at
            } else {
                day.and_time(NaiveTime::MIN)
            };
            match week {
                None => Some(from),
                Some(week) => week.opening_on(from),
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn i(open: (u32, u32), close: (u32, u32)) -> Interval {
        Interval {
            open: t(open.0, open.1),
            close: t(close.0, close.1),
        }
    }

    /// 2026-12-07 is a Monday.
    fn at(day: u32, h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 12, day)
            .unwrap()
            .and_time(t(h, m))
    }

    /// What a calendar borrows.
    #[derive(Default)]
    struct Owned {
        week: Option<WeekHours>,
        closures: Vec<Closure>,
    }

    impl Owned {
        fn cal(&self) -> Calendar<'_> {
            Calendar {
                week: self.week.as_ref(),
                closures: &self.closures,
            }
        }
    }

    /// Monday to Thursday 07:30–16:00 with a break 12:00–13:00, Friday
    /// 07:30–11:30, closed at the weekend.
    fn office() -> Owned {
        use Weekday::*;
        let long = vec![i((7, 30), (12, 0)), i((13, 0), (16, 0))];
        let week = WeekHours::new([
            (Mon, long.clone()),
            (Tue, long.clone()),
            (Wed, long.clone()),
            (Thu, long),
            (Fri, vec![i((7, 30), (11, 30))]),
        ])
        .unwrap();
        Owned {
            week: Some(week),
            closures: vec![],
        }
    }

    fn opens(a: Availability) -> Option<NaiveDateTime> {
        match a {
            Availability::Open { .. } => panic!("expected closed"),
            Availability::Closed { opens, .. } => opens,
        }
    }

    #[test]
    fn open_within_the_hours_and_closed_at_the_break_and_after() {
        let o = office();
        let c = o.cal();
        assert!(c.at(at(7, 7, 30)).is_open(), "opening minute");
        assert!(c.at(at(7, 11, 59)).is_open());
        assert_eq!(opens(c.at(at(7, 12, 0))), Some(at(7, 13, 0)), "the break");
        assert_eq!(
            opens(c.at(at(7, 6, 0))),
            Some(at(7, 7, 30)),
            "before opening"
        );
        assert_eq!(
            opens(c.at(at(7, 16, 0))),
            Some(at(8, 7, 30)),
            "closing minute"
        );
        assert!(c.at(at(11, 11, 0)).is_open(), "Friday morning");
        assert_eq!(
            opens(c.at(at(11, 13, 0))),
            Some(at(14, 7, 30)),
            "Friday afternoon: Monday"
        );
        assert_eq!(
            opens(c.at(at(12, 9, 0))),
            Some(at(14, 7, 30)),
            "Saturday: Monday"
        );
    }

    #[test]
    fn a_closure_says_why_and_the_next_opening_skips_it() {
        let mut o = office();
        let reason = BTreeMap::from([("id".to_owned(), "Cuti bersama".to_owned())]);
        o.closures.push(Closure {
            from: at(14, 0, 0).date(),
            to: at(15, 0, 0).date(),
            reason: reason.clone(),
        });
        let c = o.cal();
        // Friday afternoon: Monday and Tuesday are closed, Wednesday opens.
        assert_eq!(opens(c.at(at(11, 13, 0))), Some(at(16, 7, 30)));
        match c.at(at(14, 9, 0)) {
            Availability::Closed { closure, opens } => {
                assert_eq!(closure.map(|c| c.reason), Some(reason));
                assert_eq!(opens, Some(at(16, 7, 30)));
            }
            Availability::Open { .. } => panic!("a closed day"),
        }
    }

    #[test]
    fn without_hours_only_closures_close_and_it_opens_at_midnight() {
        let o = Owned {
            week: None,
            closures: vec![Closure {
                from: at(25, 0, 0).date(),
                to: at(25, 0, 0).date(),
                reason: BTreeMap::new(),
            }],
        };
        let c = o.cal();
        assert!(c.at(at(24, 23, 59)).is_open());
        assert_eq!(opens(c.at(at(25, 10, 0))), Some(at(26, 0, 0)));
        assert!(Calendar::default().at(at(25, 10, 0)).is_open());
    }

    #[test]
    fn a_service_with_its_own_week_keeps_the_office_closures() {
        let mut o = office();
        o.closures.push(Closure {
            from: at(8, 0, 0).date(),
            to: at(8, 0, 0).date(),
            reason: BTreeMap::new(),
        });
        let c = o.cal();
        let samsat = WeekHours::new([(Weekday::Tue, vec![i((8, 0), (14, 0))])]).unwrap();
        let s = Some(&samsat);
        assert!(
            !c.at_with(s, at(8, 9, 0)).is_open(),
            "Tuesday is closed for the office"
        );
        assert!(!c.is_open_with(s, at(8, 9, 0)));
        assert_eq!(
            opens(c.at_with(s, at(7, 9, 0))),
            Some(at(15, 8, 0)),
            "next Tuesday"
        );
        assert!(c.is_open_with(s, at(15, 9, 0)), "the service's own Tuesday");
        assert!(!c.is_open_with(s, at(14, 9, 0)), "not the office's Monday");
        assert_eq!(c.at_with(None, at(7, 9, 0)), c.at(at(7, 9, 0)));
    }

    #[test]
    fn never_open_has_no_next_opening() {
        let o = Owned {
            week: Some(WeekHours::default()),
            closures: vec![],
        };
        assert_eq!(opens(o.cal().at(at(7, 9, 0))), None);
    }

    #[test]
    fn an_opening_says_when_it_closes() {
        let closes = |a: Availability| match a {
            Availability::Open { closes } => closes,
            Availability::Closed { .. } => panic!("expected open"),
        };
        let o = office();
        let c = o.cal();
        assert_eq!(closes(c.at(at(7, 9, 0))), Some(at(7, 12, 0)), "the break");
        assert_eq!(closes(c.at(at(11, 7, 30))), Some(at(11, 11, 30)), "Friday");
        let mut always = Owned::default();
        assert_eq!(closes(always.cal().at(at(7, 9, 0))), None);
        always.closures.push(Closure {
            from: at(9, 0, 0).date(),
            to: at(9, 0, 0).date(),
            reason: BTreeMap::new(),
        });
        assert_eq!(closes(always.cal().at(at(7, 9, 0))), Some(at(9, 0, 0)));
    }

    #[test]
    fn hours_and_closures_read_and_write_as_configured() {
        let week: WeekHours =
            serde_json::from_str(r#"{"mon": "07:30-12:00, 13:00-16:00", "fri": "07:30-11:30"}"#)
                .unwrap();
        let expected = WeekHours::new([
            (Weekday::Mon, vec![i((7, 30), (12, 0)), i((13, 0), (16, 0))]),
            (Weekday::Fri, vec![i((7, 30), (11, 30))]),
        ])
        .unwrap();
        assert_eq!(week, expected);
        assert_eq!(
            serde_json::to_string(&week).unwrap(),
            r#"{"mon":"07:30-12:00, 13:00-16:00","fri":"07:30-11:30"}"#
        );
        let backwards: WeekHours = serde_json::from_str(r#"{"tue": "16:00-07:30"}"#).unwrap();
        assert_eq!(backwards.check(), Err(HoursError::Empty(Weekday::Tue)));
        for (bad, problem) in [
            (r#"{"mon": "pagi"}"#, "mon: not hours like"),
            (r#"{"funday": "07:30-16:00"}"#, "unknown field"),
        ] {
            let e = serde_json::from_str::<WeekHours>(bad)
                .unwrap_err()
                .to_string();
            assert!(e.contains(problem), "{bad}: {e}");
        }
        let one: Closure =
            serde_json::from_str(r#"{"from": "2026-12-25", "reason": {"id": "Natal"}}"#).unwrap();
        assert_eq!(one.to, one.from);
        assert_eq!(
            serde_json::to_string(&one).unwrap(),
            r#"{"from":"2026-12-25","reason":{"id":"Natal"}}"#
        );
        let e =
            serde_json::from_str::<Closure>(r#"{"from": "2026-12-25", "reason": 1}"#).unwrap_err();
        assert!(e.to_string().contains("invalid type"), "{e}");
    }

    #[test]
    fn bad_hours_are_refused() {
        assert_eq!(
            WeekHours::new([(Weekday::Mon, vec![i((9, 0), (9, 0))])]),
            Err(HoursError::Empty(Weekday::Mon))
        );
        assert_eq!(
            WeekHours::new([(Weekday::Fri, vec![i((8, 0), (12, 0)), i((11, 0), (13, 0))])]),
            Err(HoursError::Overlap(Weekday::Fri))
        );
    }
}
