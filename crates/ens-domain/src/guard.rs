//! What counts as synchronization breaking on our side.
//!
//! A SCIM request that failed through a fault of ours (the database unreachable or failing,
//! a timeout, an internal error, a limit of ours) interrupts synchronization: Entra keeps the
//! change and retries it, but until someone acts, the Person list falls behind. The client's
//! own mistakes (400, 401, 404, 409, 412, …) do not: they are Entra's to fix and show in its
//! provisioning logs.

use crate::sync::FailureKind;

/// How a SCIM request ended, as far as the sync guard cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestEnd {
    /// Applied (or read) as asked.
    Succeeded,
    /// Refused because of the request: an HTTP status in 4xx, or 501 for features ENS+ does
    /// not offer (groups, bulk, /Me).
    Refused {
        status: u16,
    },
    /// Not taken because SCIM import is switched off: nothing new broke.
    ImportOff,
    /// Not applied because it would have crossed the departure limit: the use case has
    /// switched import off already, with what it held ([`crate::Hold`]).
    Held,
    DatabaseUnavailable,
    DatabaseError,
    Timeout,
    /// A limit of ours refused it, e.g. a body larger than we accept (413).
    Limit,
    Internal,
}

impl RequestEnd {
    /// The failure of ours this ending is, if it is one.
    pub fn fault(self) -> Option<FailureKind> {
        match self {
            RequestEnd::Succeeded | RequestEnd::Refused { .. } | RequestEnd::ImportOff | RequestEnd::Held => None,
            RequestEnd::DatabaseUnavailable => Some(FailureKind::DatabaseUnavailable),
            RequestEnd::DatabaseError => Some(FailureKind::DatabaseError),
            RequestEnd::Timeout => Some(FailureKind::Timeout),
            RequestEnd::Limit => Some(FailureKind::Limit),
            RequestEnd::Internal => Some(FailureKind::Internal),
        }
    }

    /// Reads an HTTP status of a SCIM answer whose cause is not known otherwise.
    pub fn from_status(status: u16) -> RequestEnd {
        match status {
            200..=399 => RequestEnd::Succeeded,
            413 => RequestEnd::Limit,
            400..=499 | 501 => RequestEnd::Refused { status },
            503 => RequestEnd::DatabaseUnavailable,
            504 => RequestEnd::Timeout,
            _ => RequestEnd::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_table() {
        use FailureKind as K;
        use RequestEnd as E;
        let table: &[(RequestEnd, Option<FailureKind>)] = &[
            (E::Succeeded, None),
            (E::Refused { status: 400 }, None),
            (E::Refused { status: 401 }, None),
            (E::Refused { status: 404 }, None),
            (E::Refused { status: 405 }, None),
            (E::Refused { status: 409 }, None),
            (E::Refused { status: 412 }, None),
            (E::Refused { status: 501 }, None),
            (E::ImportOff, None),
            (E::Held, None),
            (E::DatabaseUnavailable, Some(K::DatabaseUnavailable)),
            (E::DatabaseError, Some(K::DatabaseError)),
            (E::Timeout, Some(K::Timeout)),
            (E::Limit, Some(K::Limit)),
            (E::Internal, Some(K::Internal)),
        ];
        for (end, fault) in table {
            assert_eq!(end.fault(), *fault, "{end:?}");
        }
    }

    #[test]
    fn statuses() {
        let table: &[(u16, RequestEnd)] = &[
            (200, RequestEnd::Succeeded),
            (201, RequestEnd::Succeeded),
            (204, RequestEnd::Succeeded),
            (400, RequestEnd::Refused { status: 400 }),
            (401, RequestEnd::Refused { status: 401 }),
            (404, RequestEnd::Refused { status: 404 }),
            (409, RequestEnd::Refused { status: 409 }),
            (412, RequestEnd::Refused { status: 412 }),
            (413, RequestEnd::Limit),
            (500, RequestEnd::Internal),
            (501, RequestEnd::Refused { status: 501 }),
            (503, RequestEnd::DatabaseUnavailable),
            (504, RequestEnd::Timeout),
        ];
        for (status, end) in table {
            assert_eq!(RequestEnd::from_status(*status), *end, "{status}");
        }
    }
}
