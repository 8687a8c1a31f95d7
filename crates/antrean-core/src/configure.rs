//! Changes to an office's configuration, and the rules every configuration
//! keeps. A change is decided by the office like any command (it may
//! conflict with what is happening: people wait for a service that would be
//! removed) and applied from its event; here is what needs no live state:
//! each field's rule, and how a change alters the configuration.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::{Closure, WeekHours};
use crate::error::DomainError;
use crate::model::{CounterDef, OfficeDef, OfficeSettings, PrinterDef, ServiceDef};

/// One change to an office's configuration, as the event log keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
// Changes are rare and short-lived: the size of the largest costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Change {
    /// The whole configuration, as its file seeded it on the first start.
    Seeded {
        office: Box<OfficeDef>,
    },
    Settings {
        settings: OfficeSettings,
    },
    /// The office's weekly hours; `None`: any hour.
    Hours {
        hours: Option<WeekHours>,
    },
    /// A service added, or changed (its id stays).
    ServiceSaved {
        service: ServiceDef,
    },
    ServiceRemoved {
        service: String,
    },
    CounterSaved {
        counter: CounterDef,
    },
    CounterRemoved {
        counter: String,
    },
    /// A closed day or days added, or changed (those starting on its
    /// `from`).
    ClosureSaved {
        closure: Closure,
    },
    ClosureRemoved {
        from: NaiveDate,
    },
    PrinterSaved {
        printer: PrinterDef,
    },
    PrinterRemoved {
        printer: String,
    },
}

impl Change {
    /// The snake_case name of the change, as in the log.
    pub fn name(&self) -> &'static str {
        match self {
            Change::Seeded { .. } => "seeded",
            Change::Settings { .. } => "settings",
            Change::Hours { .. } => "hours",
            Change::ServiceSaved { .. } => "service_saved",
            Change::ServiceRemoved { .. } => "service_removed",
            Change::CounterSaved { .. } => "counter_saved",
            Change::CounterRemoved { .. } => "counter_removed",
            Change::ClosureSaved { .. } => "closure_saved",
            Change::ClosureRemoved { .. } => "closure_removed",
            Change::PrinterSaved { .. } => "printer_saved",
            Change::PrinterRemoved { .. } => "printer_removed",
        }
    }

    /// The id of what it changed, if one thing.
    pub fn subject(&self) -> Option<String> {
        match self {
            Change::Seeded { .. } | Change::Settings { .. } | Change::Hours { .. } => None,
            Change::ServiceSaved {
                service: ServiceDef { id, .. },
            }
            | Change::ServiceRemoved { service: id }
            | Change::CounterSaved {
                counter: CounterDef { id, .. },
            }
            | Change::CounterRemoved { counter: id }
            | Change::PrinterSaved {
                printer: PrinterDef { id, .. },
            }
            | Change::PrinterRemoved { printer: id } => Some(id.clone()),
            Change::ClosureSaved { closure } => Some(closure.from.to_string()),
            Change::ClosureRemoved { from } => Some(from.to_string()),
        }
    }

    /// The changes that turn `from` into `to`, each part compared on its
    /// own: nothing for the same configuration. What `to` removes goes
    /// first, so that a prefix or a closed day can move to another entry.
    pub fn between(from: &OfficeDef, to: &OfficeDef) -> Vec<Change> {
        let mut changes = Vec::new();
        for c in &from.counters {
            if to.counter(&c.id).is_none() {
                changes.push(Change::CounterRemoved {
                    counter: c.id.clone(),
                });
            }
        }
        for s in &from.services {
            if to.service(&s.id).is_none() {
                changes.push(Change::ServiceRemoved {
                    service: s.id.clone(),
                });
            }
        }
        for c in &from.closed {
            if !to.closed.iter().any(|x| x.from == c.from) {
                changes.push(Change::ClosureRemoved { from: c.from });
            }
        }
        for p in &from.printers {
            if to.printer(&p.id).is_none() {
                changes.push(Change::PrinterRemoved {
                    printer: p.id.clone(),
                });
            }
        }
        if from.settings() != to.settings() {
            changes.push(Change::Settings {
                settings: to.settings(),
            });
        }
        if from.hours != to.hours {
            changes.push(Change::Hours {
                hours: to.hours.clone(),
            });
        }
        for s in &to.services {
            if from.service(&s.id) != Some(s) {
                changes.push(Change::ServiceSaved { service: s.clone() });
            }
        }
        for c in &to.counters {
            if from.counter(&c.id) != Some(c) {
                changes.push(Change::CounterSaved { counter: c.clone() });
            }
        }
        for c in &to.closed {
            if !from.closed.contains(c) {
                changes.push(Change::ClosureSaved { closure: c.clone() });
            }
        }
        for p in &to.printers {
            if from.printer(&p.id) != Some(p) {
                changes.push(Change::PrinterSaved { printer: p.clone() });
            }
        }
        changes
    }
}

impl OfficeDef {
    /// Applies a change that the office decided (or the log holds).
    pub fn apply(&mut self, change: &Change) {
        match change {
            Change::Seeded { office } => *self = (**office).clone(),
            Change::Settings { settings } => {
                let s = settings.clone();
                self.name = s.name;
                self.address = s.address;
                self.time_zone = s.time_zone;
                self.languages = s.languages;
                self.number_reading = s.number_reading;
                self.min_calls = s.min_calls;
                self.priority_ratio = s.priority_ratio;
            }
            Change::Hours { hours } => self.hours = hours.clone(),
            Change::ServiceSaved { service } => upsert(&mut self.services, service, |s| &s.id),
            Change::ServiceRemoved { service } => {
                self.services.retain(|s| &s.id != service);
                for c in &mut self.counters {
                    c.services.retain(|s| s != service);
                }
                self.retired.services.insert(service.clone());
            }
            Change::CounterSaved { counter } => upsert(&mut self.counters, counter, |c| &c.id),
            Change::CounterRemoved { counter } => {
                self.counters.retain(|c| &c.id != counter);
                self.retired.counters.insert(counter.clone());
            }
            Change::ClosureSaved { closure } => {
                self.closed.retain(|c| c.from != closure.from);
                let at = self.closed.partition_point(|c| c.from < closure.from);
                self.closed.insert(at, closure.clone());
            }
            Change::ClosureRemoved { from } => self.closed.retain(|c| c.from != *from),
            Change::PrinterSaved { printer } => upsert(&mut self.printers, printer, |p| &p.id),
            Change::PrinterRemoved { printer } => self.printers.retain(|p| &p.id != printer),
        }
    }

    /// Checks a whole configuration (a file to seed or import, or the
    /// result of a change): every field's rule and that the parts fit
    /// together. The error names the field as the file does:
    /// `services[2].prefix`.
    pub fn check(&self) -> Result<(), DomainError> {
        check_slug("id", &self.id)?;
        self.settings().check()?;
        check_hours(self.hours.as_ref())?;
        check_text("running_text", &self.running_text, 0, 500)?;
        let lang = self.languages[0].as_str();
        let at = |list: &str, i: usize, e: DomainError| match e {
            DomainError::InvalidField { field, problem } => DomainError::InvalidField {
                field: format!("{list}[{i}].{field}"),
                problem,
            },
            other => other,
        };
        let mut prefixes = HashSet::new();
        // A prefix twice is the conflict it is anywhere (409 `prefix_taken`).
        for (i, s) in self.services.iter().enumerate() {
            s.check(lang).map_err(|e| at("services", i, e))?;
            if let Some(l) = s.translations.keys().find(|l| !self.languages.contains(l)) {
                return Err(at(
                    "services",
                    i,
                    invalid(
                        "translations",
                        &format!("`{l}` is not a language of the office"),
                    ),
                ));
            }
            if self.services[..i].iter().any(|x| x.id == s.id) {
                return Err(at("services", i, invalid("id", "another service has it")));
            }
            if !prefixes.insert(s.prefix.as_str()) {
                let other = self.services[..i].iter().find(|x| x.prefix == s.prefix);
                return Err(DomainError::PrefixTaken {
                    prefix: s.prefix.clone(),
                    service: other.map_or_else(String::new, |o| o.id.clone()),
                });
            }
            if self.retired.services.contains(&s.id) {
                return Err(at("services", i, invalid("id", "was used before")));
            }
        }
        for (i, c) in self.counters.iter().enumerate() {
            c.check(self).map_err(|e| at("counters", i, e))?;
            if self.counters[..i].iter().any(|x| x.id == c.id) {
                return Err(at("counters", i, invalid("id", "another counter has it")));
            }
            if self.retired.counters.contains(&c.id) {
                return Err(at("counters", i, invalid("id", "was used before")));
            }
        }
        for (i, c) in self.closed.iter().enumerate() {
            check_closure(c, lang).map_err(|e| at("closed", i, e))?;
            if let Some(other) = self.closed[..i].iter().find(|x| x.overlaps(c)) {
                return Err(at(
                    "closed",
                    i,
                    invalid("from", &format!("overlaps the closure from {}", other.from)),
                ));
            }
        }
        for (i, p) in self.printers.iter().enumerate() {
            p.check().map_err(|e| at("printers", i, e))?;
            if self.printers[..i].iter().any(|x| x.id == p.id) {
                return Err(at("printers", i, invalid("id", "another printer has it")));
            }
        }
        Ok(())
    }
}

/// Replaces the entry with the same id, or adds it at the end.
fn upsert<T: Clone>(list: &mut Vec<T>, item: &T, id: impl Fn(&T) -> &String) {
    match list.iter_mut().find(|x| id(x) == id(item)) {
        Some(slot) => *slot = item.clone(),
        None => list.push(item.clone()),
    }
}

impl OfficeSettings {
    pub fn check(&self) -> Result<(), DomainError> {
        check_text("name", &self.name, 1, 120)?;
        check_text("address", &self.address, 0, 200)?;
        if self.languages.is_empty() {
            return Err(invalid("languages", "at least one, the default first"));
        }
        let code =
            |l: &String| (2..=3).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_lowercase());
        if let Some(bad) = self.languages.iter().find(|l| !code(l)) {
            return Err(invalid(
                "languages",
                &format!("`{bad}` is not a language code like `id` or `en`"),
            ));
        }
        if (1..self.languages.len()).any(|i| self.languages[..i].contains(&self.languages[i])) {
            return Err(invalid("languages", "a language is named twice"));
        }
        if !(1..=10).contains(&self.min_calls) {
            return Err(invalid("min_calls", "1 to 10 calls"));
        }
        if self.priority_ratio.is_some_and(|n| !(1..=100).contains(&n)) {
            return Err(invalid(
                "priority_ratio",
                "1 to 100 regular tickets, or absent for priority always first",
            ));
        }
        Ok(())
    }
}

impl ServiceDef {
    /// The rules of one service, in an office whose default language is
    /// `lang`.
    pub fn check(&self, lang: &str) -> Result<(), DomainError> {
        check_slug("id", &self.id)?;
        check_names("name", &self.names, lang, 80)?;
        if self.prefix.is_empty()
            || self.prefix.len() > 3
            || !self.prefix.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(invalid("prefix", "1 to 3 capital letters"));
        }
        if self.quota_total == Some(0) {
            return Err(invalid(
                "quota",
                "at least 1, or absent for no limit (to stop issuing, use the stop switch)",
            ));
        }
        if let (Some(total), Some(online)) = (self.quota_total, self.quota_online) {
            if online > total {
                return Err(invalid("quota_online", "cannot exceed quota"));
            }
        }
        check_hours(self.hours.as_ref())?;
        if !(1..=480).contains(&self.service_minutes) {
            return Err(invalid("service_minutes", "1 to 480 minutes"));
        }
        check_list("requirements", &self.requirements, 30, 200)?;
        check_text("completion_time", &self.completion_time, 0, 100)?;
        check_text("cost", &self.cost, 0, 100)?;
        for (l, texts) in &self.translations {
            let field = |f: &str| format!("translations.{l}.{f}");
            if l == lang {
                return Err(invalid(
                    "translations",
                    &format!("`{l}` is the default language: its texts are the service's own"),
                ));
            }
            check_list(&field("requirements"), &texts.requirements, 30, 200)?;
            check_text(&field("completion_time"), &texts.completion_time, 0, 100)?;
            check_text(&field("cost"), &texts.cost, 0, 100)?;
        }
        check_list("workflow", &self.workflow, 20, 40)?;
        if (1..self.workflow.len()).any(|i| self.workflow[..i].contains(&self.workflow[i])) {
            return Err(invalid("workflow", "a step is named twice"));
        }
        Ok(())
    }
}

impl CounterDef {
    /// The rules of one counter of `office`.
    pub fn check(&self, office: &OfficeDef) -> Result<(), DomainError> {
        check_slug("id", &self.id)?;
        check_text("name", &self.name, 1, 40)?;
        if self.services.is_empty() {
            return Err(invalid("services", "a counter serves at least one service"));
        }
        if let Some(s) = self.services.iter().find(|s| office.service(s).is_none()) {
            return Err(invalid("services", &format!("unknown service `{s}`")));
        }
        if (1..self.services.len()).any(|i| self.services[..i].contains(&self.services[i])) {
            return Err(invalid("services", "a service is named twice"));
        }
        Ok(())
    }
}

impl PrinterDef {
    pub fn check(&self) -> Result<(), DomainError> {
        check_slug("id", &self.id)?;
        let port = self
            .address
            .rsplit_once(':')
            .filter(|(host, _)| !host.is_empty() && !host.contains(char::is_whitespace))
            .and_then(|(_, port)| port.parse::<u16>().ok());
        if port.is_none_or(|p| p == 0) {
            return Err(invalid("address", "host:port, e.g. 192.168.1.50:9100"));
        }
        Ok(())
    }
}

/// The rules of a closure in an office whose default language is `lang`.
pub fn check_closure(c: &Closure, lang: &str) -> Result<(), DomainError> {
    if c.to < c.from {
        return Err(invalid("to", "must not be before `from`"));
    }
    check_names("reason", &c.reason, lang, 120)?;
    if c.to - c.from > chrono::Duration::days(366) {
        return Err(invalid("to", "at most a year after `from`"));
    }
    Ok(())
}

/// Hours whose times are in order (their form was checked when read).
pub fn check_hours(hours: Option<&WeekHours>) -> Result<(), DomainError> {
    match hours.map(WeekHours::check) {
        Some(Err(e)) => Err(invalid("hours", &e.to_string())),
        _ => Ok(()),
    }
}

fn invalid(field: &str, problem: &str) -> DomainError {
    DomainError::InvalidField {
        field: field.to_owned(),
        problem: problem.to_owned(),
    }
}

fn check_slug(field: &str, s: &str) -> Result<(), DomainError> {
    let ok = !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(invalid(
            field,
            "lowercase letters, digits, `-` or `_` (1 to 64)",
        ))
    }
}

/// A text shown to people: at most `max` characters, and when `min` is 1
/// not only spaces.
fn check_text(field: &str, text: &str, min: usize, max: usize) -> Result<(), DomainError> {
    let len = text.chars().count();
    if len > max {
        return Err(invalid(field, &format!("at most {max} characters")));
    }
    if min > 0 && text.trim().is_empty() {
        return Err(invalid(field, "is needed"));
    }
    if text.chars().any(char::is_control) && field != "running_text" {
        return Err(invalid(field, "no line breaks or control characters"));
    }
    Ok(())
}

fn check_list(
    field: &str,
    items: &[String],
    max_items: usize,
    max: usize,
) -> Result<(), DomainError> {
    if items.len() > max_items {
        return Err(invalid(field, &format!("at most {max_items} entries")));
    }
    for item in items {
        check_text(field, item, 1, max)?;
    }
    Ok(())
}

/// Names per language: the default one present, each a short text.
fn check_names(
    field: &str,
    names: &std::collections::BTreeMap<String, String>,
    lang: &str,
    max: usize,
) -> Result<(), DomainError> {
    if !names.contains_key(lang) {
        return Err(invalid(
            field,
            &format!("needs the default language `{lang}`"),
        ));
    }
    for text in names.values() {
        check_text(field, text, 1, max)?;
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn office() -> OfficeDef {
        let mut o = OfficeDef::new("x", "X", chrono_tz::Asia::Jakarta);
        o.services.push(ServiceDef {
            id: "ktp".into(),
            names: [("id".to_owned(), "KTP".to_owned())].into(),
            prefix: "A".into(),
            service_minutes: 5,
            ..Default::default()
        });
        o.counters.push(CounterDef {
            id: "1".into(),
            name: "Loket 1".into(),
            services: vec!["ktp".into()],
            ..Default::default()
        });
        o
    }

    #[test]
    fn errors_name_the_field_as_the_file_does() {
        assert_eq!(office().check(), Ok(()));
        type Edit = fn(&mut OfficeDef);
        let cases: [(Edit, &str); 8] = [
            (|o| o.services[0].prefix = "a1".into(), "services[0].prefix"),
            (|o| o.services[0].names.clear(), "services[0].name"),
            (
                |o| {
                    o.services[0].quota_total = Some(2);
                    o.services[0].quota_online = Some(5);
                },
                "services[0].quota_online",
            ),
            (
                |o| o.counters[0].services = vec!["kk".into()],
                "counters[0].services",
            ),
            (|o| o.languages.clear(), "languages"),
            (|o| o.min_calls = 0, "min_calls"),
            (
                |o| {
                    o.services.push(o.services[0].clone());
                    o.services[1].id = "kk".into();
                    o.services[1].names.clear();
                },
                "services[1].name",
            ),
            (
                |o| {
                    o.retired.counters.insert("1".into());
                },
                "counters[0].id",
            ),
        ];
        for (edit, field) in cases {
            let mut o = office();
            edit(&mut o);
            match o.check() {
                Err(DomainError::InvalidField { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
    }

    #[test]
    fn a_count_may_be_written_as_a_whole_float_but_not_a_fraction() {
        let read = |json: &str| serde_json::from_str::<ServiceDef>(json);
        let s =
            read(r#"{"name": {"id": "A"}, "prefix": "A", "quota": 40.0, "service_minutes": 5}"#);
        assert_eq!(
            s.map(|s| (s.quota_total, s.service_minutes)).ok(),
            Some((Some(40), 5))
        );
        for bad in [
            r#""quota": 1.5"#,
            r#""quota": -1"#,
            r#""service_minutes": null"#,
        ] {
            let json = format!(r#"{{"name": {{"id": "A"}}, "prefix": "A", {bad}}}"#);
            assert!(read(&json).is_err(), "{bad}");
        }
        assert_eq!(
            read(r#"{"name": {}, "prefix": "A", "quota": null}"#)
                .unwrap()
                .quota_total,
            None
        );
    }

    #[test]
    fn a_prefix_twice_is_taken() {
        let mut o = office();
        o.services.push(o.services[0].clone());
        o.services[1].id = "kk".into();
        assert!(
            matches!(o.check(), Err(DomainError::PrefixTaken { service, .. }) if service == "ktp")
        );
    }

    #[test]
    fn a_removed_service_leaves_its_counters_and_its_id_is_retired() {
        let mut o = office();
        let mut kk = o.services[0].clone();
        kk.id = "kk".into();
        kk.prefix = "B".into();
        o.apply(&Change::ServiceSaved { service: kk });
        o.counters[0].services.push("kk".into());
        o.apply(&Change::ServiceRemoved {
            service: "ktp".into(),
        });
        assert_eq!(o.counters[0].services, vec!["kk".to_owned()]);
        assert!(o.retired.services.contains("ktp"));
        assert_eq!(o.check(), Ok(()));
    }

    #[test]
    fn between_two_configurations_are_the_changes_that_make_one_the_other() {
        let from = office();
        assert!(Change::between(&from, &from).is_empty());
        let mut to = from.clone();
        to.name = "Y".into();
        to.services[0].quota_total = Some(10);
        to.counters.push(CounterDef {
            id: "2".into(),
            name: "Loket 2".into(),
            services: vec!["ktp".into()],
            ..Default::default()
        });
        let changes = Change::between(&from, &to);
        let names: Vec<_> = changes.iter().map(Change::name).collect();
        assert_eq!(names, ["settings", "service_saved", "counter_saved"]);
        let mut applied = from.clone();
        for c in &changes {
            applied.apply(c);
        }
        assert_eq!(applied, to);
    }
}
