//! The activity log: what SCIM did to the Person list, and who switched import on or off.

use crate::ids::{EnterpriseId, PersonId, PrincipalId};
use crate::said::Said;
use crate::time::Timestamp;

/// Who did something.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    /// Entra's provisioning engine, through the SCIM endpoint.
    Scim,
    Principal(PrincipalId),
    /// The `ens-scim` command line.
    Operator,
    /// The sync guard, after a failure of ours or when Entra went quiet.
    SyncGuard,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ActivityKind {
    PersonCreated,
    PersonReplaced,
    PersonPatched,
    PersonDeleted,
    ImportSwitchedOn,
    ImportSwitchedOff,
    TokenGenerated,
    /// The previous token stopped working (new one used, overlap over, revoked, replaced).
    TokenRetired,
    MappingChanged,
    NotifyAddressesChanged,
    /// Entra has not called for longer than the configured silence.
    ProvisioningSilent,
    /// A principal changed how many departures hold SCIM import.
    DepartureLimitChanged,
    /// Entra's create was refused: another person holds the userName (the entry names that
    /// person).
    UserNameConflict,
    /// A principal switched the purge of long-inactive persons on or off, or changed it.
    PurgeRuleChanged,
    /// Housekeeping deleted long-inactive SCIM persons (one summary per run).
    InactivePurged,
    /// A request of Entra's that changes nothing (a lookup) failed on our side.
    RequestFailed,
    /// A principal invited another (a one-time password was shown).
    PrincipalInvited,
    /// A principal gave another a new one-time password.
    PrincipalPasswordReset,
    PrincipalRemoved,
    /// A principal chose the language of the notices.
    NoticeLanguageChanged,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 20] = [
        ActivityKind::PersonCreated,
        ActivityKind::PersonReplaced,
        ActivityKind::PersonPatched,
        ActivityKind::PersonDeleted,
        ActivityKind::ImportSwitchedOn,
        ActivityKind::ImportSwitchedOff,
        ActivityKind::TokenGenerated,
        ActivityKind::TokenRetired,
        ActivityKind::MappingChanged,
        ActivityKind::NotifyAddressesChanged,
        ActivityKind::ProvisioningSilent,
        ActivityKind::DepartureLimitChanged,
        ActivityKind::UserNameConflict,
        ActivityKind::PurgeRuleChanged,
        ActivityKind::InactivePurged,
        ActivityKind::RequestFailed,
        ActivityKind::PrincipalInvited,
        ActivityKind::PrincipalPasswordReset,
        ActivityKind::PrincipalRemoved,
        ActivityKind::NoticeLanguageChanged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::PersonCreated => "person_created",
            ActivityKind::PersonReplaced => "person_replaced",
            ActivityKind::PersonPatched => "person_patched",
            ActivityKind::PersonDeleted => "person_deleted",
            ActivityKind::ImportSwitchedOn => "import_switched_on",
            ActivityKind::ImportSwitchedOff => "import_switched_off",
            ActivityKind::TokenGenerated => "token_generated",
            ActivityKind::TokenRetired => "token_retired",
            ActivityKind::MappingChanged => "mapping_changed",
            ActivityKind::NotifyAddressesChanged => "notify_addresses_changed",
            ActivityKind::ProvisioningSilent => "provisioning_silent",
            ActivityKind::DepartureLimitChanged => "departure_limit_changed",
            ActivityKind::UserNameConflict => "user_name_conflict",
            ActivityKind::PurgeRuleChanged => "purge_rule_changed",
            ActivityKind::InactivePurged => "inactive_purged",
            ActivityKind::RequestFailed => "request_failed",
            ActivityKind::PrincipalInvited => "principal_invited",
            ActivityKind::PrincipalPasswordReset => "principal_password_reset",
            ActivityKind::PrincipalRemoved => "principal_removed",
            ActivityKind::NoticeLanguageChanged => "notice_language_changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// How it ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Outcome {
    Applied,
    /// Refused because the request was wrong (the client's mistake).
    Rejected,
    /// Not applied through a fault of ours.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Rejected => "rejected",
            Outcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Outcome::Applied, Outcome::Rejected, Outcome::Failed].into_iter().find(|o| o.as_str() == s)
    }
}

/// One entry of the activity log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Activity {
    pub enterprise_id: EnterpriseId,
    pub at: Timestamp,
    pub kind: ActivityKind,
    pub actor: Actor,
    pub outcome: Outcome,
    pub person_id: Option<PersonId>,
    /// The person's userName as it was when this happened.
    pub user_name: Option<String>,
    /// A short reason or summary, secret-free.
    pub detail: Said,
}

/// Which entries of an enterprise's activity log to show or count. Empty lists keep every
/// outcome or kind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    pub outcomes: Vec<Outcome>,
    pub kinds: Vec<ActivityKind>,
    /// Entries about this person only.
    pub person: Option<PersonId>,
    /// Entries at or after this time only.
    pub since: Option<Timestamp>,
}

impl ActivityFilter {
    pub fn outcomes(outcomes: &[Outcome]) -> Self {
        Self { outcomes: outcomes.to_vec(), ..Self::default() }
    }

    /// The reference semantics, which every store's query must match.
    pub fn matches(&self, a: &Activity) -> bool {
        (self.outcomes.is_empty() || self.outcomes.contains(&a.outcome))
            && (self.kinds.is_empty() || self.kinds.contains(&a.kind))
            && self.person.is_none_or(|p| a.person_id == Some(p))
            && self.since.is_none_or(|t| a.at >= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_outcomes_round_trip() {
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        }
        for o in [Outcome::Applied, Outcome::Rejected, Outcome::Failed] {
            assert_eq!(Outcome::parse(o.as_str()), Some(o));
        }
        assert_eq!(ActivityKind::parse("nope"), None);
    }
}
