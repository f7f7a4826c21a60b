//! The use cases' refusals in the words of the request's language: each error's variant and
//! data picked apart and worded with the catalogue (the errors' own `Display` is English,
//! for logs and the CLI).

use std::time::Duration;

use ens_ports::usecases::{AddressRefusal, AdminError, Weakness};
use ens_ports::{DepartureRuleError, Field, MappingError, StoreError, ValueError};

use crate::i18n::{self, number, say, string, t, t_with};

/// A field's label in the request's language.
pub fn field_label(field: Field) -> String {
    i18n::fields(&[field])
}

/// A duration in its largest whole unit, in the request's language: "45 minutes", "3 hours",
/// "2 days".
pub fn duration(d: &Duration) -> String {
    let secs = d.as_secs();
    let (id, n) = match secs {
        0..=119 => ("duration-seconds", secs.max(1)),
        120..=7199 => ("duration-minutes", secs / 60),
        7200..=172_799 => ("duration-hours", secs / 3600),
        _ => ("duration-days", secs / 86_400),
    };
    t_with(id, &[("n", number(n as f64))])
}

/// What is wrong with a value.
pub fn value_error(e: &ValueError) -> String {
    say(&e.said())
}

/// Why a notification address was refused.
pub fn address(r: &AddressRefusal) -> String {
    match r {
        AddressRefusal::Invalid(e) => value_error(e),
        AddressRefusal::TooMany { max } => t_with("address-too-many", &[("max", string(max.to_string()))]),
    }
}

fn weakness(w: &Weakness) -> String {
    match w {
        Weakness::TooShort { min } => t_with("weakness-too-short", &[("min", string(min.to_string()))]),
        Weakness::TooLong { max } => t_with("weakness-too-long", &[("max", string(max.to_string()))]),
        Weakness::SameAsCurrent => t("weakness-same-as-current"),
        Weakness::IsLogin => t("weakness-is-login"),
        // The estimator's hint is English only: given where it is understood.
        Weakness::Guessable { hint: Some(hint) } if crate::i18n::current() == ens_ports::Language::English => {
            t_with("weakness-guessable-because", &[("hint", string(hint.as_str()))])
        }
        Weakness::Guessable { .. } => t("weakness-guessable"),
    }
}

fn departure_rule(e: &DepartureRuleError) -> String {
    let (id, min, max) = match *e {
        DepartureRuleError::Floor { min, max } => ("departure-error-floor", min, max),
        DepartureRuleError::Percent { min, max } => ("departure-error-percent", u32::from(min), u32::from(max)),
        DepartureRuleError::Window { min, max } => ("departure-error-window", min, max),
    };
    t_with(id, &[("min", string(min.to_string())), ("max", string(max.to_string()))])
}

/// The detail of the problem an admin error becomes.
pub fn admin_error(e: &AdminError) -> String {
    match e {
        AdminError::Unauthenticated => t("problem-unauthenticated-detail"),
        AdminError::InvalidCredentials => t("problem-invalid-credentials-detail"),
        AdminError::Throttled(wait) => t_with("problem-throttled-detail", &[("wait", string(duration(wait)))]),
        AdminError::PasswordChangeRequired => t("problem-password-change-required-detail"),
        AdminError::WeakPassword(w) => t_with("problem-weak-password-detail", &[("reason", string(weakness(w)))]),
        AdminError::NotFound => t("problem-not-found-detail"),
        AdminError::NoToken => t("problem-token-required-detail"),
        AdminError::NoAddresses => t("problem-no-addresses-detail"),
        AdminError::NoPreviousToken => t("problem-no-previous-token-detail"),
        AdminError::InvalidAddresses(problems) => {
            problems.iter().map(|a| format!("{:?} {}", a.value, address(&a.reason))).collect::<Vec<_>>().join("; ")
        }
        AdminError::InvalidDepartureRule(r) => {
            t_with("problem-invalid-departure-limit-detail", &[("reason", string(departure_rule(r)))])
        }
        AdminError::NoHold => t("problem-no-hold-detail"),
        AdminError::InvalidPurgeRule { min, max } => t_with(
            "problem-invalid-purge-rule-detail",
            &[("min", string(min.to_string())), ("max", string(max.to_string()))],
        ),
        AdminError::Mapping(MappingError::RequiredDeselected(fields)) => {
            t_with("problem-mapping-required-detail", &[("fields", string(i18n::fields(fields)))])
        }
        AdminError::Mapping(MappingError::UnknownField(key)) => {
            t_with("problem-mapping-unknown-detail", &[("key", string(key.as_str()))])
        }
        AdminError::UserNameTaken(name) => {
            t_with("problem-user-name-taken-detail", &[("name", string(format!("{name:?}")))])
        }
        AdminError::ImportedFields(fields) => {
            t_with("problem-imported-fields-detail", &[("fields", string(i18n::fields(fields)))])
        }
        AdminError::ManagedByScim => t("problem-managed-by-scim-detail"),
        AdminError::Invalid(f) => say(&f.said()),
        AdminError::Conflict => t("problem-conflict-detail"),
        AdminError::InvalidLogin(e) => t_with("problem-invalid-login-detail", &[("reason", string(value_error(e)))]),
        AdminError::LoginTaken(login) => t_with("problem-login-taken-detail", &[("login", string(login.as_str()))]),
        AdminError::RemoveSelf => t("problem-remove-self-detail"),
        AdminError::LastPrincipal => t("problem-last-principal-detail"),
        AdminError::Store(StoreError::Unavailable(_)) => t("problem-unavailable-detail"),
        AdminError::Store(_) | AdminError::Password(_) => t("problem-internal-detail"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ens_ports::{Expected, FieldError};

    /// English words the use cases' own messages as they were: tests and scripts read them.
    #[test]
    fn english_as_the_use_cases_say_it() {
        for e in [
            AdminError::Unauthenticated,
            AdminError::InvalidCredentials,
            AdminError::NoToken,
            AdminError::LoginTaken("ops@contoso.com".into()),
            AdminError::LastPrincipal,
            AdminError::WeakPassword(Weakness::TooShort { min: 12 }),
            AdminError::InvalidPurgeRule { min: 30, max: 3650 },
            AdminError::Conflict,
        ] {
            assert_eq!(admin_error(&e), e.to_string(), "{e:?}");
        }
        for expected in [Expected::Boolean, Expected::EmailAddress, Expected::TelephoneNumber, Expected::Sha256Digest] {
            let e = ValueError::Invalid { expected };
            assert_eq!(value_error(&e), e.to_string(), "{expected:?}");
        }
        // Fields by their labels, as the pages name them.
        let e = AdminError::Invalid(FieldError::Required(Field::UserName));
        assert_eq!(admin_error(&e), "User name (sign-in name) is required and cannot be removed");
        assert_eq!(duration(&Duration::from_secs(30)), "30 seconds");
        assert_eq!(duration(&Duration::from_secs(45 * 60)), "45 minutes");
        assert_eq!(duration(&Duration::from_secs(3 * 3600 + 5)), "3 hours");
        assert_eq!(duration(&Duration::from_secs(2 * 86_400)), "2 days");
        assert_eq!(duration(&Duration::from_secs(1)), "1 second");
    }
}
