//! The Person: one entry of an enterprise's Person list, the people ENS+ alerts.

use std::collections::BTreeMap;
use std::fmt;

use crate::catalogue::{Field, ValueType};
use crate::ids::{EnterpriseId, PersonId};
use crate::said::Said;
use crate::time::Timestamp;
use crate::values::{EmailAddress, UserName, ValueError};

/// A field's value as the domain sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FieldValue {
    Text(String),
    Bool(bool),
}

impl FieldValue {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            FieldValue::Text(s) => Some(s),
            FieldValue::Bool(_) => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            FieldValue::Bool(b) => Some(*b),
            FieldValue::Text(_) => None,
        }
    }
}

impl From<&str> for FieldValue {
    fn from(s: &str) -> Self {
        FieldValue::Text(s.to_owned())
    }
}

impl From<bool> for FieldValue {
    fn from(b: bool) -> Self {
        FieldValue::Bool(b)
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.scim_path())
    }
}

/// Why a value could not be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    /// `value` is the refused value as it may be shown: escaped, and cut when long.
    #[error("{field} {error}: “{value}”")]
    Invalid { field: Field, error: ValueError, value: String },
    #[error("{0} is required and cannot be removed")]
    Required(Field),
    #[error("{0} must be true or false")]
    NotBoolean(Field),
    #[error("{0} must be a string")]
    NotText(Field),
}

impl FieldError {
    /// The field it is about.
    pub fn field(&self) -> Field {
        match self {
            FieldError::Invalid { field, .. }
            | FieldError::Required(field)
            | FieldError::NotBoolean(field)
            | FieldError::NotText(field) => *field,
        }
    }

    /// What is wrong, as the catalogue's message (the `Display` above is its English).
    pub fn said(&self) -> Said {
        let field = vec![self.field()];
        match self {
            FieldError::Invalid { error, value, .. } => Said::new("field-error-invalid")
                .with("field", field)
                .with("error", error.said())
                .with("value", value.as_str()),
            FieldError::Required(_) => Said::new("field-error-required").with("field", field),
            FieldError::NotBoolean(_) => Said::new("field-error-not-boolean").with("field", field),
            FieldError::NotText(_) => Said::new("field-error-not-text").with("field", field),
        }
    }

    /// The longest part of a refused value an error repeats.
    const SHOWN_CHARS: usize = 60;

    fn invalid(field: Field, error: ValueError, raw: &str) -> Self {
        // Escaped, so that an invisible or control character the error is about can be seen.
        let mut value: String = raw.chars().flat_map(char::escape_debug).take(Self::SHOWN_CHARS).collect();
        if raw.chars().flat_map(char::escape_debug).nth(Self::SHOWN_CHARS).is_some() {
            value.push('…');
        }
        FieldError::Invalid { field, error, value }
    }
}

/// One change to one field: a new value, or `None` to clear it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: Field,
    pub value: Option<FieldValue>,
}

impl FieldChange {
    pub fn set(field: Field, value: impl Into<FieldValue>) -> Self {
        Self { field, value: Some(value.into()) }
    }

    pub fn clear(field: Field) -> Self {
        Self { field, value: None }
    }
}

/// A person's values. Always valid: `userName` is present, every value passed its field's
/// checks, and `active` defaults to true.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonValues {
    user_name: UserName,
    active: bool,
    text: BTreeMap<Field, String>,
}

impl PersonValues {
    pub fn new(user_name: UserName) -> Self {
        Self { user_name, active: true, text: BTreeMap::new() }
    }

    /// Builds values from changes, e.g. a SCIM create: `userName` must be among them.
    pub fn from_changes(changes: &[FieldChange]) -> Result<Self, FieldError> {
        let user_name = changes
            .iter()
            .rfind(|c| c.field == Field::UserName)
            .and_then(|c| c.value.as_ref())
            .ok_or(FieldError::Required(Field::UserName))?;
        let user_name = match user_name {
            FieldValue::Text(s) => {
                UserName::parse(s.as_str()).map_err(|error| FieldError::invalid(Field::UserName, error, s))?
            }
            FieldValue::Bool(_) => return Err(FieldError::NotText(Field::UserName)),
        };
        let mut values = Self::new(user_name);
        values.apply(changes)?;
        Ok(values)
    }

    /// Rebuilds values a store wrote earlier. They were validated when written; validating
    /// again would hide a person from the list if a later version tightened a rule.
    pub fn restore(user_name: &str, active: bool, text: impl IntoIterator<Item = (Field, String)>) -> Self {
        let text = text
            .into_iter()
            .filter(|(f, _)| !matches!(f.value_type(), ValueType::UserName | ValueType::Boolean))
            .collect();
        Self { user_name: UserName::restore(user_name), active, text }
    }

    pub fn user_name(&self) -> &UserName {
        &self.user_name
    }

    pub fn active(&self) -> bool {
        self.active
    }

    /// A text field's value (`userName` included).
    pub fn text(&self, field: Field) -> Option<&str> {
        match field {
            Field::UserName => Some(self.user_name.as_str()),
            _ => self.text.get(&field).map(String::as_str),
        }
    }

    pub fn get(&self, field: Field) -> Option<FieldValue> {
        match field {
            Field::Active => Some(FieldValue::Bool(self.active)),
            _ => self.text(field).map(FieldValue::from),
        }
    }

    /// Every field that has a value, in catalogue order.
    pub fn iter(&self) -> impl Iterator<Item = (Field, FieldValue)> + '_ {
        Field::all().filter_map(|f| self.get(f).map(|v| (f, v)))
    }

    /// Sets or clears one field. An empty or blank text clears an optional field (Entra clears
    /// a manager with `""`). `userName` and `active` cannot be cleared: a person always has a
    /// name and an answer to "may ENS+ alert them?".
    pub fn set(&mut self, field: Field, value: Option<FieldValue>) -> Result<(), FieldError> {
        let value = match value {
            Some(FieldValue::Text(s)) if s.trim().is_empty() && field.value_type() != ValueType::Boolean => None,
            v => v,
        };
        match (field.value_type(), value) {
            (ValueType::Boolean, None) => return Err(FieldError::Required(field)),
            (ValueType::Boolean, Some(FieldValue::Bool(b))) => self.active = b,
            (ValueType::Boolean, Some(FieldValue::Text(_))) => {
                return Err(FieldError::NotBoolean(field));
            }
            (_, Some(FieldValue::Bool(_))) => return Err(FieldError::NotText(field)),
            (ValueType::UserName, None) => return Err(FieldError::Required(field)),
            (ValueType::UserName, Some(FieldValue::Text(s))) => {
                self.user_name = UserName::parse(&s).map_err(|error| FieldError::invalid(field, error, &s))?;
            }
            (_, None) => {
                self.text.remove(&field);
            }
            (ValueType::Email, Some(FieldValue::Text(s))) => {
                let email = EmailAddress::parse(&s).map_err(|error| FieldError::invalid(field, error, &s))?;
                self.text.insert(field, email.as_str().to_owned());
            }
            (_, Some(FieldValue::Text(s))) => {
                field.validate_text(&s).map_err(|error| FieldError::invalid(field, error, &s))?;
                self.text.insert(field, s);
            }
        }
        Ok(())
    }

    /// Applies changes in order; on error nothing is applied.
    pub fn apply<'a>(&mut self, changes: impl IntoIterator<Item = &'a FieldChange>) -> Result<(), FieldError> {
        let mut next = self.clone();
        for c in changes {
            next.set(c.field, c.value.clone())?;
        }
        *self = next;
        Ok(())
    }

    /// The fields whose values differ between `self` and `other`.
    pub fn differing_fields(&self, other: &PersonValues) -> Vec<Field> {
        Field::all().filter(|f| self.get(*f) != other.get(*f)).collect()
    }
}

/// Where a person came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// Created or last taken over by SCIM: the imported fields belong to Entra.
    Scim,
    /// Created by a principal; becomes `Scim` with the first SCIM write.
    Manual,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Scim => "scim",
            Source::Manual => "manual",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "scim" => Some(Source::Scim),
            "manual" => Some(Source::Manual),
            _ => None,
        }
    }
}

/// A person as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Person {
    pub id: PersonId,
    pub enterprise_id: EnterpriseId,
    pub source: Source,
    pub values: PersonValues,
    /// Incremented by every change; the SCIM `meta.version` and ETag.
    pub version: u64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When SCIM last changed this person (None for a person SCIM never touched).
    pub scim_updated_at: Option<Timestamp>,
    /// Since when the person is inactive (None while active). Kept by [`Person::track_active`].
    pub inactive_since: Option<Timestamp>,
}

impl Person {
    /// After a change at `at` from a person who was `was_active`: an inactive person
    /// remembers since when; an active one forgets.
    pub fn track_active(&mut self, was_active: bool, at: Timestamp) {
        self.inactive_since = match (self.values.active(), was_active) {
            (true, _) => None,
            (false, true) => Some(at),
            (false, false) => self.inactive_since.or(Some(at)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> PersonValues {
        PersonValues::new(UserName::parse("jdoe@contoso.com").expect("valid"))
    }

    #[test]
    fn from_changes_needs_a_user_name() {
        let err = PersonValues::from_changes(&[FieldChange::set(Field::DisplayName, "Jane")]);
        assert_eq!(err, Err(FieldError::Required(Field::UserName)));
        let v = PersonValues::from_changes(&[
            FieldChange::set(Field::UserName, "jdoe@contoso.com"),
            FieldChange::set(Field::Active, false),
            FieldChange::set(Field::EmailWork, " jdoe@contoso.com "),
        ])
        .expect("valid");
        assert_eq!(v.user_name().as_str(), "jdoe@contoso.com");
        assert!(!v.active());
        assert_eq!(v.text(Field::EmailWork), Some("jdoe@contoso.com"));
    }

    #[test]
    fn empty_text_clears_and_required_fields_stay() {
        let mut v = values();
        v.set(Field::Manager, Some("m-1".into())).expect("set");
        v.set(Field::Manager, Some("".into())).expect("clear");
        assert_eq!(v.text(Field::Manager), None);
        v.set(Field::Active, Some(false.into())).expect("set");
        assert_eq!(v.set(Field::Active, None), Err(FieldError::Required(Field::Active)));
        assert!(!v.active());
        assert_eq!(v.set(Field::UserName, None), Err(FieldError::Required(Field::UserName)));
        assert_eq!(v.set(Field::UserName, Some("".into())), Err(FieldError::Required(Field::UserName)));
    }

    #[test]
    fn types_are_enforced() {
        let mut v = values();
        assert_eq!(v.set(Field::Active, Some("true".into())), Err(FieldError::NotBoolean(Field::Active)));
        assert_eq!(v.set(Field::Title, Some(true.into())), Err(FieldError::NotText(Field::Title)));
        assert!(matches!(
            v.set(Field::PhoneMobile, Some("not a phone".into())),
            Err(FieldError::Invalid { field: Field::PhoneMobile, .. })
        ));
    }

    #[test]
    fn a_refused_value_is_repeated_escaped_and_cut() {
        let mut v = values();
        let e = v.set(Field::PhoneMobile, Some("call me".into())).unwrap_err();
        assert!(e.to_string().ends_with(": “call me”"), "{e}");
        let e = v.set(Field::UserName, Some("a\u{200B}b".into())).unwrap_err();
        assert!(e.to_string().ends_with(": “a\\u{200b}b”"), "{e}");
        let e = v.set(Field::PhoneMobile, Some("9".repeat(500).as_str().into())).unwrap_err();
        assert!(e.to_string().ends_with(&format!("“{}…”", "9".repeat(60))), "{e}");
    }

    #[test]
    fn apply_is_all_or_nothing() {
        let mut v = values();
        let before = v.clone();
        let err = v
            .apply(&[FieldChange::set(Field::DisplayName, "Jane"), FieldChange::set(Field::EmailWork, "not-an-email")]);
        assert!(err.is_err());
        assert_eq!(v, before);
        v.apply(&[FieldChange::set(Field::DisplayName, "Jane")]).expect("valid");
        assert_eq!(v.differing_fields(&before), [Field::DisplayName]);
    }

    #[test]
    fn errors_name_the_scim_path() {
        let mut v = values();
        let err = v.set(Field::EmailWork, Some("x".into())).expect_err("invalid");
        assert!(err.to_string().starts_with("emails[type eq \"work\"].value is not an e-mail address"), "{err}");
    }
}
