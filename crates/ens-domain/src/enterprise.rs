//! Enterprises, their principals and their SCIM import setup.

use crate::ids::{EnterpriseId, PrincipalId};
use crate::mapping::Mapping;
use crate::sync::SyncState;
use crate::time::Timestamp;
use crate::values::{EmailAddress, TokenHash, ValueError};

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

/// An enterprise's SCIM import setup (the `Setup › SCIM Import` page).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScimImport {
    pub enterprise_id: EnterpriseId,
    pub token: Option<TokenInfo>,
    pub notify: Vec<EmailAddress>,
    pub state: SyncState,
    pub mapping: Mapping,
    pub last_request_at: Option<Timestamp>,
    /// When principals were last told that Entra went quiet (once per silence).
    pub silence_notified_at: Option<Timestamp>,
    /// Incremented by every change, so concurrent changes cannot overwrite each other.
    pub version: u64,
}

impl ScimImport {
    /// The setup of a new enterprise: no token, nobody to notify, off, every field imported.
    pub fn new(enterprise_id: EnterpriseId, now: Timestamp) -> Self {
        Self {
            enterprise_id,
            token: None,
            notify: Vec::new(),
            state: SyncState::initial(now),
            mapping: Mapping::default(),
            last_request_at: None,
            silence_notified_at: None,
            version: 1,
        }
    }
}
