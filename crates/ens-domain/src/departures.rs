//! Departures: persons leaving the alert list, and the limit that holds a mass deactivation
//! before it empties the list.
//!
//! One wrong unassignment in Entra (a group removed from the application, a scoping filter
//! changed) deactivates or deletes hundreds of persons in one provisioning cycle. Each
//! departure through SCIM is recorded; a request that would take more than
//! [`DepartureRule::threshold`] persons off the alert list within the rule's window is not
//! applied, and import is switched off until a principal decides
//! ([`crate::FailureKind::MassDeactivationHeld`]).
//!
//! A departure is an *active* person deactivated or deleted. Deleting a person who is inactive
//! already (Entra's hard delete 30 days after a soft delete) shrinks nothing and is not one.

use std::time::Duration;

use crate::ids::PersonId;
use crate::person::PersonValues;
use crate::said::Said;
use crate::time::Timestamp;

/// How a person left the alert list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DepartureAction {
    Deactivated,
    Deleted,
}

impl DepartureAction {
    pub fn as_str(self) -> &'static str {
        match self {
            DepartureAction::Deactivated => "deactivated",
            DepartureAction::Deleted => "deleted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [DepartureAction::Deactivated, DepartureAction::Deleted].into_iter().find(|a| a.as_str() == s)
    }

    /// Whether going from `before` to `after` (`None`: deleted) takes a person off the alert
    /// list, and how.
    pub fn of(before: &PersonValues, after: Option<&PersonValues>) -> Option<DepartureAction> {
        Self::between(before.active(), after.map(PersonValues::active))
    }

    /// [`DepartureAction::of`] from the `active` flags alone (`None`: deleted).
    pub fn between(active_before: bool, active_after: Option<bool>) -> Option<DepartureAction> {
        match active_after {
            _ if !active_before => None,
            None => Some(DepartureAction::Deleted),
            Some(false) => Some(DepartureAction::Deactivated),
            Some(true) => None,
        }
    }
}

/// One person who left the alert list through SCIM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Departure {
    pub person_id: PersonId,
    pub user_name: String,
    pub display_name: Option<String>,
    pub action: DepartureAction,
    pub at: Timestamp,
}

impl Departure {
    /// "Jane Doe (jane@contoso.com), deactivated": how a notice and the page name it.
    pub fn said(&self) -> Said {
        let said = match self.display_name.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            Some(name) => Said::new("departure-named").with("name", name),
            None => Said::new("departure"),
        };
        said.with("user", self.user_name.as_str()).with("action", self.action.as_str())
    }
}

/// Why a rule was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepartureRuleError {
    #[error("the number of persons must be between {min} and {max}")]
    Floor { min: u32, max: u32 },
    #[error("the percentage must be between {min} and {max}")]
    Percent { min: u8, max: u8 },
    #[error("the window must be between {min} and {max} minutes")]
    Window { min: u32, max: u32 },
}

/// The limit: import is held when more than `max(floor, percent % of the active SCIM persons)`
/// persons would leave the alert list within `window_minutes`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DepartureRule {
    pub floor: u32,
    pub percent: u8,
    pub window_minutes: u32,
}

impl Default for DepartureRule {
    /// More than max(20, 10 %) within 60 minutes.
    fn default() -> Self {
        Self { floor: 20, percent: 10, window_minutes: 60 }
    }
}

impl DepartureRule {
    /// Sane bounds: a floor of one would hold on the second leaver; more than 100,000 or a
    /// day-long window would no longer protect anything.
    pub const FLOOR: (u32, u32) = (1, 100_000);
    pub const PERCENT: (u8, u8) = (1, 100);
    pub const WINDOW_MINUTES: (u32, u32) = (5, 24 * 60);

    pub fn new(floor: u32, percent: u8, window_minutes: u32) -> Result<Self, DepartureRuleError> {
        let within = |v: u32, (min, max): (u32, u32)| (min..=max).contains(&v);
        if !within(floor, Self::FLOOR) {
            return Err(DepartureRuleError::Floor { min: Self::FLOOR.0, max: Self::FLOOR.1 });
        }
        if !(Self::PERCENT.0..=Self::PERCENT.1).contains(&percent) {
            return Err(DepartureRuleError::Percent { min: Self::PERCENT.0, max: Self::PERCENT.1 });
        }
        if !within(window_minutes, Self::WINDOW_MINUTES) {
            return Err(DepartureRuleError::Window { min: Self::WINDOW_MINUTES.0, max: Self::WINDOW_MINUTES.1 });
        }
        Ok(Self { floor, percent, window_minutes })
    }

    pub fn window(&self) -> Duration {
        Duration::from_secs(u64::from(self.window_minutes) * 60)
    }

    /// How many departures the window allows, with `base` active SCIM persons.
    pub fn threshold(&self, base: u64) -> u64 {
        u64::from(self.floor).max(base.saturating_mul(u64::from(self.percent)) / 100)
    }

    /// Whether one more departure is allowed, with `departed` in the window already and
    /// `active` the enterprise's active SCIM persons now. The base of the percentage is
    /// `active + departed`, the list as it was when the window began, so that the limit does
    /// not shrink with each departure it lets through. `active` is asked only when `departed`
    /// reaches the floor (it costs a count).
    pub fn allows(&self, departed: u64, active: impl FnOnce() -> u64) -> Result<(), Crossing> {
        if departed < u64::from(self.floor) {
            return Ok(());
        }
        let threshold = self.threshold(active().saturating_add(departed));
        if departed < threshold { Ok(()) } else { Err(Crossing { departed, threshold }) }
    }

    /// "more than 20 persons (or 10 % of the active ones, if more) within 60 minutes".
    pub fn said(&self) -> Said {
        Said::new("departure-rule")
            .with("floor", self.floor)
            .with("percent", self.percent)
            .with("minutes", self.window_minutes)
    }
}

/// A departure the rule refused: `departed` had left within the window already, which is the
/// `threshold`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crossing {
    pub departed: u64,
    pub threshold: u64,
}

/// What a SCIM write that may take a person off the alert list must respect: the rule, and
/// where its window starts (counting departures at or after `since`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DepartureLimit {
    pub rule: DepartureRule,
    pub since: Timestamp,
}

impl DepartureLimit {
    /// The window ending `now`; departures before `allowed_until` (the end of a lift granted
    /// by a principal) do not count, so while a lift lasts the window is empty and everything
    /// passes, and afterwards the departures it let through are not held against the next ones.
    pub fn at(rule: DepartureRule, now: Timestamp, allowed_until: Option<Timestamp>) -> Self {
        let since = now.saturating_sub(rule.window());
        Self { rule, since: allowed_until.map_or(since, |a| a.max(since)) }
    }
}

/// A held mass deactivation: the request that would have crossed the limit, and the numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hold {
    /// Persons that would have left within the window, the held one included.
    pub attempted: u64,
    pub threshold: u64,
    pub window_minutes: u32,
    /// Where the window began (departures since then were counted).
    pub since: Timestamp,
    /// The change that was not applied.
    pub held: Departure,
}

impl Hold {
    /// Departures applied before the hold.
    pub fn applied(&self) -> u64 {
        self.attempted.saturating_sub(1)
    }

    /// The sentence for the switch-off's activity entry, notices and the 503's detail.
    pub fn said(&self) -> Said {
        Said::new("hold")
            .with("attempted", self.attempted)
            .with("minutes", self.window_minutes)
            .with("threshold", self.threshold)
            .with("applied", self.applied())
            .with("held", self.held.said())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::Field;
    use crate::person::FieldChange;
    use crate::said::Arg;

    fn values(active: bool) -> PersonValues {
        PersonValues::from_changes(&[
            FieldChange::set(Field::UserName, "a@example.com"),
            FieldChange::set(Field::Active, active),
        ])
        .expect("valid")
    }

    #[test]
    fn only_an_active_person_departs() {
        let (on, off) = (values(true), values(false));
        assert_eq!(DepartureAction::of(&on, Some(&off)), Some(DepartureAction::Deactivated));
        assert_eq!(DepartureAction::of(&on, None), Some(DepartureAction::Deleted));
        assert_eq!(DepartureAction::of(&on, Some(&on)), None);
        assert_eq!(DepartureAction::of(&off, None), None, "a hard delete of an inactive person shrinks nothing");
        assert_eq!(DepartureAction::of(&off, Some(&on)), None);
        for a in [DepartureAction::Deactivated, DepartureAction::Deleted] {
            assert_eq!(DepartureAction::parse(a.as_str()), Some(a));
        }
    }

    #[test]
    fn the_default_holds_the_21st_of_100_and_the_101st_of_1000() {
        let rule = DepartureRule::default();
        assert_eq!(rule.allows(19, || 81), Ok(()));
        assert_eq!(rule.allows(20, || 80), Err(Crossing { departed: 20, threshold: 20 }));
        // 10 % of the list as it was when the window began: 1000.
        assert_eq!(rule.allows(99, || 901), Ok(()));
        assert_eq!(rule.allows(100, || 900), Err(Crossing { departed: 100, threshold: 100 }));
    }

    #[test]
    fn the_active_count_is_asked_only_at_the_floor() {
        let rule = DepartureRule::default();
        assert_eq!(rule.allows(19, || panic!("not needed below the floor")), Ok(()));
    }

    #[test]
    fn bounds_are_checked() {
        assert!(DepartureRule::new(20, 10, 60).is_ok());
        assert!(matches!(DepartureRule::new(0, 10, 60), Err(DepartureRuleError::Floor { .. })));
        assert!(matches!(DepartureRule::new(20, 0, 60), Err(DepartureRuleError::Percent { .. })));
        assert!(matches!(DepartureRule::new(20, 101, 60), Err(DepartureRuleError::Percent { .. })));
        assert!(matches!(DepartureRule::new(20, 10, 4), Err(DepartureRuleError::Window { .. })));
        assert!(matches!(DepartureRule::new(20, 10, 1441), Err(DepartureRuleError::Window { .. })));
    }

    #[test]
    fn a_lift_empties_the_window_until_it_ends() {
        let rule = DepartureRule::default();
        let t = |m: i64| Timestamp::from_micros(m * 60_000_000);
        assert_eq!(DepartureLimit::at(rule, t(100), None).since, t(40));
        assert_eq!(DepartureLimit::at(rule, t(100), Some(t(130))).since, t(130), "lifted: nothing counts");
        assert_eq!(DepartureLimit::at(rule, t(150), Some(t(130))).since, t(130), "what the lift let through");
        assert_eq!(DepartureLimit::at(rule, t(200), Some(t(130))).since, t(140));
    }

    #[test]
    fn described_for_people() {
        let d = Departure {
            person_id: PersonId::from_uuid(uuid::Uuid::nil()),
            user_name: "jane@contoso.com".into(),
            display_name: Some("Jane Doe".into()),
            action: DepartureAction::Deactivated,
            at: Timestamp::from_micros(0),
        };
        assert!(d.said().says("departure-named") && d.said().quotes("Jane Doe") && d.said().quotes("deactivated"));
        let unnamed = Departure { display_name: Some("  ".into()), ..d.clone() };
        assert!(unnamed.said().says("departure") && !unnamed.said().quotes("  "));
        let hold = Hold { attempted: 21, threshold: 20, window_minutes: 60, since: d.at, held: d };
        assert_eq!(hold.applied(), 20);
        let said = hold.said();
        assert_eq!(said.arg("attempted"), Some(&Arg::Number(21)));
        assert!(said.says("departure-named"), "{said:?}");
    }
}
