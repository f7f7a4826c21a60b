//! The use cases, written once against the outbound ports. Each is a method group on
//! [`Ports`](crate::Ports).

pub mod guard;
pub mod health;
pub mod operators;
pub mod overview;
pub mod persons;
pub mod principals;
pub mod provisioning;
pub mod setup;
pub mod team;

use std::time::Duration;

use ens_domain::{Field, FieldError, MappingError};

use crate::outbound::StoreError;
use crate::password::PasswordError;

/// What can go wrong for a principal (the admin API). Messages are for principals.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("you are not logged in, or your session has ended")]
    Unauthenticated,
    #[error("the login or password is wrong")]
    InvalidCredentials,
    #[error("too many failed logins; try again in {}", seconds(.0))]
    Throttled(Duration),
    #[error("you must change your one-time password before doing anything else")]
    PasswordChangeRequired,
    #[error("the new password is not acceptable: {0}")]
    WeakPassword(Weakness),
    #[error("not found")]
    NotFound,
    #[error("SCIM import cannot be switched on before a secret token has been generated")]
    NoToken,
    #[error("no notification address is configured")]
    NoAddresses,
    #[error("there is no previous secret token: only the current one works")]
    NoPreviousToken,
    #[error("some e-mail addresses are not valid")]
    InvalidAddresses(Vec<AddressProblem>),
    #[error("the departure limit is not acceptable: {0}")]
    InvalidDepartureRule(#[from] ens_domain::DepartureRuleError),
    #[error("there is no held mass deactivation to allow: SCIM import was not held by the departure limit")]
    NoHold,
    #[error("persons can be deleted after between {min} and {max} days of inactivity")]
    InvalidPurgeRule { min: u32, max: u32 },
    #[error(transparent)]
    Mapping(#[from] MappingError),
    #[error("another person already has the userName {0:?}")]
    UserNameTaken(String),
    #[error("these fields are imported from Entra and can only be changed there: {}", Field::list_keys(.0))]
    ImportedFields(Vec<Field>),
    #[error("this person is managed by SCIM: remove them in Entra (unassign the user from the ENS+ application)")]
    ManagedByScim,
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("someone changed this in the meantime; reload and try again")]
    Conflict,
    #[error("the login must be an e-mail address: {0}")]
    InvalidLogin(ens_domain::ValueError),
    #[error("another principal already logs in as {0}")]
    LoginTaken(String),
    #[error("you cannot remove yourself; another principal can")]
    RemoveSelf,
    #[error("the last principal of an enterprise cannot be removed: nobody could configure SCIM import any more")]
    LastPrincipal,
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// One refused notification address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressProblem {
    pub index: usize,
    pub value: String,
    pub reason: AddressRefusal,
}

/// Why a notification address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddressRefusal {
    #[error(transparent)]
    Invalid(#[from] ens_domain::ValueError),
    #[error("at most {max} addresses")]
    TooMany { max: usize },
}

/// Why a new password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Weakness {
    #[error("it must have at least {min} characters")]
    TooShort { min: usize },
    #[error("it must have at most {max} characters")]
    TooLong { max: usize },
    #[error("it must differ from the current one")]
    SameAsCurrent,
    #[error("it must not be your login")]
    IsLogin,
    /// `hint`: the estimator's own warning (English), when it has one.
    #[error("it is too easy to guess ({}); use several unrelated words or a password manager", hint.as_deref().unwrap_or("it is too easy to guess"))]
    Guessable { hint: Option<String> },
}

/// "1 second", "42 seconds" (never less than one).
pub fn seconds(d: &Duration) -> String {
    match d.as_secs().max(1) {
        1 => "1 second".to_owned(),
        n => format!("{n} seconds"),
    }
}

#[cfg(test)]
mod words_tests {
    use super::*;

    #[test]
    fn seconds_in_words() {
        assert_eq!(seconds(&Duration::from_secs(30)), "30 seconds");
        assert_eq!(seconds(&Duration::ZERO), "1 second");
    }
}
