//! Notices: the e-mails SCIM import sends to an enterprise's notification addresses.

use std::fmt;

use uuid::Uuid;

use crate::ids::{EnterpriseId, IncidentId};
use crate::language::Language;
use crate::said::Said;
use crate::time::Timestamp;
use crate::values::EmailAddress;

/// Why a notice is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// Synchronization broke on our side and import was switched off.
    ImportSwitchedOff,
    /// Entra tried to take more persons off the alert list than the limit allows; import is
    /// held (switched off) until a principal decides.
    MassDeactivationHeld,
    /// Import is on but Entra has not called for longer than the configured silence.
    ProvisioningSilent,
    /// A principal asked for a test e-mail.
    Test,
    /// Housekeeping deleted long-inactive SCIM persons, as the enterprise's rule says.
    InactivePurged,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 5] = [
        NoticeKind::ImportSwitchedOff,
        NoticeKind::MassDeactivationHeld,
        NoticeKind::ProvisioningSilent,
        NoticeKind::Test,
        NoticeKind::InactivePurged,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::ImportSwitchedOff => "import_switched_off",
            NoticeKind::MassDeactivationHeld => "mass_deactivation_held",
            NoticeKind::ProvisioningSilent => "provisioning_silent",
            NoticeKind::Test => "test",
            NoticeKind::InactivePurged => "inactive_purged",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Identifies one notice to one address (the outbox row).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NoticeId(pub Uuid);

impl fmt::Display for NoticeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.hyphenated().fmt(f)
    }
}

/// One e-mail to one address: everything needed to render it, and nothing secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    pub id: NoticeId,
    pub kind: NoticeKind,
    pub enterprise_id: EnterpriseId,
    pub enterprise_name: String,
    /// The incident a switch-off notice belongs to (one notice per address per incident).
    pub incident: Option<IncidentId>,
    pub recipient: EmailAddress,
    /// When what the notice reports happened.
    pub occurred_at: Timestamp,
    /// What happened, in words a principal understands (no secrets, no stack traces).
    pub reason: Said,
    /// Where to act: Setup › SCIM Import, built from the public base URL.
    pub setup_url: String,
    /// Persons the notice names as examples, one line each (a held mass deactivation).
    pub examples: Vec<Said>,
    /// The language it is written in: the enterprise's choice for its notices.
    pub language: Language,
}
