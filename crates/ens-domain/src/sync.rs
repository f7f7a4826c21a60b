//! The state machine of an enterprise's SCIM import.
//!
//! ```text
//!                enable (needs a token)
//!   Disabled ───────────────────────────► Enabled ──── trip(failure) ───► DisabledByFailure
//!   ByPrincipal ◄──────── disable ─────── │   ▲                                 │
//!        ▲                                │   └──────── enable ─────────────────┘
//!        └──────────────────── disable ───┴─────────────────────────────────────┘
//! ```
//! Only `Enabled` accepts SCIM requests. A failure switches import off until a principal
//! switches it on again; nothing switches it on by itself.

use crate::departures::Hold;
use crate::ids::{IncidentId, PrincipalId};
use crate::said::Said;
use crate::time::Timestamp;

/// What kind of failure of ours interrupted synchronization.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The database could not be reached.
    DatabaseUnavailable,
    /// The database answered with an error.
    DatabaseError,
    /// The request took longer than we allow.
    Timeout,
    /// A limit of ours (capacity, size) refused work we should have done.
    Limit,
    /// A bug or an unexpected condition in ENS+.
    Internal,
    /// Entra tried to take more persons off the alert list than the enterprise's departure
    /// limit allows ([`crate::departures`]): held until a principal decides.
    MassDeactivationHeld,
}

impl FailureKind {
    pub const ALL: [FailureKind; 6] = [
        FailureKind::DatabaseUnavailable,
        FailureKind::DatabaseError,
        FailureKind::Timeout,
        FailureKind::Limit,
        FailureKind::Internal,
        FailureKind::MassDeactivationHeld,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FailureKind::DatabaseUnavailable => "database_unavailable",
            FailureKind::DatabaseError => "database_error",
            FailureKind::Timeout => "timeout",
            FailureKind::Limit => "limit",
            FailureKind::Internal => "internal",
            FailureKind::MassDeactivationHeld => "mass_deactivation_held",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the same request fails again as soon as Entra retries it: a limit of ours
    /// refuses it whatever the moment (a body over the size ENS+ accepts, say). Switching on
    /// again does not help until the limit is raised.
    pub fn recurs_on_retry(self) -> bool {
        matches!(self, FailureKind::Limit)
    }

    /// What happened, in words a principal understands.
    pub fn said(self) -> Said {
        Said::new(match self {
            FailureKind::DatabaseUnavailable => "failure-database-unavailable",
            FailureKind::DatabaseError => "failure-database-error",
            FailureKind::Timeout => "failure-timeout",
            FailureKind::Limit => "failure-limit",
            FailureKind::Internal => "failure-internal",
            FailureKind::MassDeactivationHeld => "failure-mass-deactivation-held",
        })
    }
}

/// Why import was switched off by a failure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Failure {
    pub incident: IncidentId,
    pub kind: FailureKind,
    /// What failed, secret-free (no SQL, no stack trace).
    pub detail: Said,
    /// For [`FailureKind::MassDeactivationHeld`]: what was held.
    pub hold: Option<Box<Hold>>,
}

/// Whether ENS+ accepts SCIM requests for an enterprise, and why not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncState {
    Enabled {
        since: Timestamp,
        by: Option<PrincipalId>,
    },
    /// Off because a principal (or, with `by: None`, the initial setup) said so.
    DisabledByPrincipal {
        since: Timestamp,
        by: Option<PrincipalId>,
    },
    /// Off because synchronization broke on our side.
    DisabledByFailure {
        since: Timestamp,
        failure: Failure,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("SCIM import cannot be switched on before a secret token has been generated")]
    NoToken,
}

impl SyncState {
    /// A new enterprise: off until a principal has a token and switches import on.
    pub fn initial(now: Timestamp) -> Self {
        SyncState::DisabledByPrincipal { since: now, by: None }
    }

    pub fn accepts_scim(&self) -> bool {
        matches!(self, SyncState::Enabled { .. })
    }

    /// The held mass deactivation, when that is why import is off.
    pub fn hold(&self) -> Option<&Hold> {
        match self {
            SyncState::DisabledByFailure { failure, .. } => failure.hold.as_deref(),
            _ => None,
        }
    }

    pub fn since(&self) -> Timestamp {
        match self {
            SyncState::Enabled { since, .. }
            | SyncState::DisabledByPrincipal { since, .. }
            | SyncState::DisabledByFailure { since, .. } => *since,
        }
    }

    /// A principal switches import on. Already on: unchanged.
    pub fn enable(&self, now: Timestamp, by: Option<PrincipalId>, has_token: bool) -> Result<SyncState, SyncError> {
        match self {
            SyncState::Enabled { .. } => Ok(self.clone()),
            _ if !has_token => Err(SyncError::NoToken),
            _ => Ok(SyncState::Enabled { since: now, by }),
        }
    }

    /// A principal switches import off. Already off by a principal: unchanged.
    pub fn disable(&self, now: Timestamp, by: Option<PrincipalId>) -> SyncState {
        match self {
            SyncState::DisabledByPrincipal { .. } => self.clone(),
            _ => SyncState::DisabledByPrincipal { since: now, by },
        }
    }

    /// The sync guard switches import off after a failure. Only an enabled import trips; an
    /// import already off stays as it is, so one incident gives one switch-off.
    pub fn trip(&self, now: Timestamp, failure: Failure) -> Option<SyncState> {
        match self {
            SyncState::Enabled { .. } => Some(SyncState::DisabledByFailure { since: now, failure }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn t(n: i64) -> Timestamp {
        Timestamp::from_micros(n)
    }

    fn failure() -> Failure {
        Failure {
            incident: IncidentId::from_uuid(Uuid::nil()),
            kind: FailureKind::DatabaseUnavailable,
            detail: Said::verbatim("x"),
            hold: None,
        }
    }

    #[test]
    fn starts_off_and_needs_a_token_to_switch_on() {
        let s = SyncState::initial(t(1));
        assert!(!s.accepts_scim());
        assert_eq!(s.enable(t(2), None, false), Err(SyncError::NoToken));
        let on = s.enable(t(2), None, true).expect("token");
        assert!(on.accepts_scim());
        assert_eq!(on.since(), t(2));
        // Switching on twice keeps the original time.
        assert_eq!(on.enable(t(3), None, true).expect("on").since(), t(2));
    }

    #[test]
    fn a_failure_trips_only_an_enabled_import() {
        let on = SyncState::Enabled { since: t(1), by: None };
        let off = on.trip(t(2), failure()).expect("trips");
        assert_eq!(off, SyncState::DisabledByFailure { since: t(2), failure: failure() });
        assert!(!off.accepts_scim());
        assert_eq!(off.trip(t(3), failure()), None, "one incident, one switch-off");
        assert_eq!(SyncState::initial(t(0)).trip(t(3), failure()), None);
    }

    #[test]
    fn a_principal_clears_a_failure_by_switching_on_or_off() {
        let off = SyncState::DisabledByFailure { since: t(2), failure: failure() };
        assert_eq!(off.enable(t(5), None, true), Ok(SyncState::Enabled { since: t(5), by: None }));
        assert_eq!(off.disable(t(5), None), SyncState::DisabledByPrincipal { since: t(5), by: None });
        let manual = SyncState::DisabledByPrincipal { since: t(1), by: None };
        assert_eq!(manual.disable(t(9), None).since(), t(1));
    }

    #[test]
    fn failure_kinds_round_trip() {
        for k in FailureKind::ALL {
            assert_eq!(FailureKind::parse(k.as_str()), Some(k));
            assert!(k.said().id.starts_with("failure-"));
        }
    }
}
