//! Enterprises, their principals and their SCIM import setup.

use std::collections::BTreeMap;

use crate::catalogue::Field;
use crate::departures::{DepartureLimit, DepartureRule};
use crate::ids::{EnterpriseId, PrincipalId};
use crate::language::Language;
use crate::mapping::Mapping;
use crate::said::Said;
use crate::sync::SyncState;
use crate::time::Timestamp;
use crate::values::{EmailAddress, TokenHash, ValueError};

/// The purge of long-inactive persons never deletes a person inactive for less than this.
pub const PURGE_MIN_DAYS: u32 = 30;
/// Nor waits longer than this (ten years) to.
pub const PURGE_MAX_DAYS: u32 = 3650;

/// A customer of ENS+.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Enterprise {
    pub id: EnterpriseId,
    pub name: String,
    pub created_at: Timestamp,
}

/// Checks an enterprise's display name.
pub fn validate_enterprise_name(raw: &str) -> Result<String, ValueError> {
    crate::values::validate_identifier(raw)?;
    Ok(raw.trim().to_owned())
}

/// An administrator of one enterprise's ENS+.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    pub id: PrincipalId,
    pub enterprise_id: EnterpriseId,
    /// What the principal types to log in: an e-mail address, compared without regard to case.
    pub login: EmailAddress,
    pub created_at: Timestamp,
}

/// What is known of the current SCIM token: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenInfo {
    pub hash: TokenHash,
    pub created_at: Timestamp,
    pub last4: String,
}

/// The token a regeneration replaced: it keeps working during an overlap, so that Entra is
/// not cut off between the regeneration and the moment its admin pastes the new token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreviousToken {
    pub token: TokenInfo,
    /// It stops working then at the latest (earlier when Entra uses the new token, or a
    /// principal revokes it).
    pub until: Timestamp,
    /// When Entra last authenticated with it (to the minute).
    pub last_used_at: Option<Timestamp>,
}

/// Which of an enterprise's live tokens a request carried.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenUse {
    Current,
    Previous,
}

/// Why the previous token stopped working.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Retirement {
    /// Entra authenticated with the new token: the old one is not needed any more.
    NewTokenUsed,
    /// The overlap ended.
    OverlapOver,
    /// A principal revoked it.
    Revoked { by: String },
    /// Another token was generated: at most two live at once.
    Replaced,
}

impl Retirement {
    /// The activity log's words: `last4` names the token.
    pub fn said(&self, last4: &str) -> Said {
        let said = match self {
            Retirement::NewTokenUsed => Said::new("token-retired-new-used"),
            Retirement::OverlapOver => Said::new("token-retired-overlap-over"),
            Retirement::Revoked { by } => Said::new("token-retired-revoked").with("by", by.as_str()),
            Retirement::Replaced => Said::new("token-retired-replaced"),
        };
        said.with("last4", last4)
    }
}

/// An enterprise's SCIM import setup (the `Setup › SCIM Import` page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimImport {
    pub enterprise_id: EnterpriseId,
    pub token: Option<TokenInfo>,
    /// When Entra last authenticated with the current token (to the minute).
    pub token_last_used_at: Option<Timestamp>,
    /// The token the last regeneration replaced, while it still works.
    pub previous_token: Option<PreviousToken>,
    pub notify: Vec<EmailAddress>,
    pub state: SyncState,
    pub mapping: Mapping,
    pub last_request_at: Option<Timestamp>,
    /// When principals were last told that Entra went quiet (once per silence).
    pub silence_notified_at: Option<Timestamp>,
    /// How many persons may leave the alert list before import is held.
    pub departure_rule: DepartureRule,
    /// A principal allowed a held mass deactivation: until then the limit is lifted.
    pub departures_allowed_until: Option<Timestamp>,
    /// Since when each imported field is imported (mapping drift); a field missing here was
    /// imported before this was recorded.
    pub mapping_since: BTreeMap<Field, Timestamp>,
    /// The rule a principal may switch on: housekeeping deletes SCIM persons inactive for more
    /// than this many days ([`PURGE_MIN_DAYS`] at least).
    pub purge_inactive_after_days: Option<u32>,
    /// The language of the notices the notification addresses receive.
    pub notice_language: Language,
    /// Incremented by every change, so concurrent changes cannot overwrite each other.
    pub version: u64,
}

impl ScimImport {
    /// The setup of a new enterprise: no token, nobody to notify, off, every field imported.
    pub fn new(enterprise_id: EnterpriseId, now: Timestamp) -> Self {
        Self {
            enterprise_id,
            token: None,
            token_last_used_at: None,
            previous_token: None,
            notify: Vec::new(),
            state: SyncState::initial(now),
            mapping: Mapping::default(),
            last_request_at: None,
            silence_notified_at: None,
            departure_rule: DepartureRule::default(),
            departures_allowed_until: None,
            mapping_since: BTreeMap::new(),
            purge_inactive_after_days: None,
            notice_language: Language::English,
            version: 1,
        }
    }

    /// What a SCIM write taking a person off the alert list must respect at `now`.
    pub fn departure_limit(&self, now: Timestamp) -> DepartureLimit {
        DepartureLimit::at(self.departure_rule, now, self.departures_allowed_until)
    }

    /// Which live token has this hash at `now`: the current one, or the previous one within
    /// its overlap.
    pub fn token_use(&self, hash: &TokenHash, now: Timestamp) -> Option<TokenUse> {
        if self.token.as_ref().is_some_and(|t| &t.hash == hash) {
            return Some(TokenUse::Current);
        }
        self.previous_token.as_ref().filter(|p| &p.token.hash == hash && now < p.until).map(|_| TokenUse::Previous)
    }

    /// A new token replaces the current one, which keeps working until `until` as the
    /// previous one; a previous token still live is retired at once. Returns it, if any.
    pub fn rotate(&mut self, new: TokenInfo, until: Timestamp) -> Option<TokenInfo> {
        let retired = self.previous_token.take().map(|p| p.token);
        self.previous_token =
            self.token.take().map(|token| PreviousToken { token, until, last_used_at: self.token_last_used_at });
        self.token = Some(new);
        self.token_last_used_at = None;
        retired
    }

    /// Chooses the imported fields at `now`: those newly imported are imported since `now`.
    pub fn set_mapping(&mut self, mapping: Mapping, now: Timestamp) {
        self.mapping_since.retain(|f, _| mapping.admits(*f));
        for f in mapping.fields().filter(|f| !self.mapping.admits(*f)) {
            self.mapping_since.insert(f, now);
        }
        self.mapping = mapping;
    }

    /// The previous token stops working now; returns it if there was one.
    pub fn retire_previous(&mut self) -> Option<TokenInfo> {
        self.previous_token.take().map(|p| p.token)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::EnterpriseId;

    fn token(n: u8) -> TokenInfo {
        TokenInfo {
            hash: TokenHash::of(&format!("token-{n}")),
            created_at: Timestamp::from_micros(i64::from(n)),
            last4: format!("000{n}"),
        }
    }

    #[test]
    fn a_rotation_keeps_the_previous_token_until_its_overlap_ends() {
        let mut i = ScimImport::new(EnterpriseId::from_uuid(uuid::Uuid::nil()), Timestamp::from_micros(0));
        assert_eq!(i.rotate(token(1), Timestamp::from_micros(100)), None, "the first token replaces nothing");
        assert_eq!(i.previous_token, None);
        i.token_last_used_at = Some(Timestamp::from_micros(5));
        assert_eq!(i.rotate(token(2), Timestamp::from_micros(100)), None);
        let (one, two) = (token(1).hash, token(2).hash);
        assert_eq!(i.token_use(&two, Timestamp::from_micros(50)), Some(TokenUse::Current));
        assert_eq!(i.token_use(&one, Timestamp::from_micros(50)), Some(TokenUse::Previous));
        assert_eq!(i.token_use(&one, Timestamp::from_micros(100)), None, "the overlap is over");
        assert_eq!(i.previous_token.as_ref().and_then(|p| p.last_used_at), Some(Timestamp::from_micros(5)));
        assert_eq!(i.token_last_used_at, None, "the new token has not been used yet");
        // A third token: the first is retired at once, two live at most.
        assert_eq!(i.rotate(token(3), Timestamp::from_micros(200)).map(|t| t.hash), Some(one.clone()));
        assert_eq!(i.token_use(&one, Timestamp::from_micros(50)), None);
        assert_eq!(i.token_use(&two, Timestamp::from_micros(50)), Some(TokenUse::Previous));
        assert_eq!(i.retire_previous().map(|t| t.hash), Some(two.clone()));
        assert_eq!(i.token_use(&two, Timestamp::from_micros(50)), None);
        assert_eq!(i.retire_previous(), None);
    }
}
