//! Principals' sessions: created at login, ended by logout, idleness or age.

use std::time::Duration;

use crate::ids::{EnterpriseId, PrincipalId};
use crate::time::Timestamp;
use crate::values::TokenHash;

/// A logged-in principal. The session token itself is never stored, only its hash; so is the
/// CSRF token that cookie-authenticated writes must repeat in a header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub token_hash: TokenHash,
    pub principal_id: PrincipalId,
    pub enterprise_id: EnterpriseId,
    pub csrf_hash: TokenHash,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
}

/// How long sessions live.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionPolicy {
    /// Ends a session nobody used for this long.
    pub idle: Duration,
    /// Ends every session this long after login, used or not.
    pub absolute: Duration,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        Self { idle: Duration::from_secs(30 * 60), absolute: Duration::from_secs(12 * 60 * 60) }
    }
}

impl SessionPolicy {
    pub fn is_live(&self, s: &Session, now: Timestamp) -> bool {
        now.since(s.last_seen_at) < self.idle && now.since(s.created_at) < self.absolute && now >= s.created_at
    }

    /// When the session ends if it is not used again.
    pub fn expires_at(&self, s: &Session) -> Timestamp {
        s.last_seen_at.saturating_add(self.idle).min(s.created_at.saturating_add(self.absolute))
    }
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn idle_and_absolute_limits() {
        let policy = SessionPolicy { idle: Duration::from_secs(10), absolute: Duration::from_secs(100) };
        let t = |s: i64| Timestamp::from_micros(s * 1_000_000);
        let mut s = Session {
            token_hash: TokenHash::of("t"),
            principal_id: PrincipalId::from_uuid(Uuid::nil()),
            enterprise_id: EnterpriseId::from_uuid(Uuid::nil()),
            csrf_hash: TokenHash::of("c"),
            created_at: t(0),
            last_seen_at: t(0),
        };
        assert!(policy.is_live(&s, t(9)));
        assert!(!policy.is_live(&s, t(10)), "idle");
        assert_eq!(policy.expires_at(&s), t(10));
        s.last_seen_at = t(95);
        assert!(policy.is_live(&s, t(99)));
        assert!(!policy.is_live(&s, t(100)), "absolute");
        assert_eq!(policy.expires_at(&s), t(100));
    }
}
