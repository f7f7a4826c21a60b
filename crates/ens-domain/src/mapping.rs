//! The enterprise's mapping: which catalogue fields Entra owns.

use std::collections::BTreeSet;

use crate::catalogue::Field;
use crate::person::FieldChange;

/// The fields an enterprise imports. Always contains the required fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mapping {
    selected: BTreeSet<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MappingError {
    #[error("these fields are required and cannot be deselected: {}", Field::list_keys(.0))]
    RequiredDeselected(Vec<Field>),
    #[error("unknown field: {0}")]
    UnknownField(String),
}

impl Default for Mapping {
    /// A new enterprise imports every field; principals untick what they do not want.
    fn default() -> Self {
        Self { selected: Field::all().collect() }
    }
}

impl Mapping {
    /// Exactly the given fields; required fields missing from it are an error.
    pub fn from_fields(fields: impl IntoIterator<Item = Field>) -> Result<Self, MappingError> {
        let selected: BTreeSet<Field> = fields.into_iter().collect();
        let missing: Vec<Field> = Field::all().filter(|f| f.is_required() && !selected.contains(f)).collect();
        if missing.is_empty() { Ok(Self { selected }) } else { Err(MappingError::RequiredDeselected(missing)) }
    }

    /// Parses stable keys, e.g. from the admin API.
    pub fn from_keys<S: AsRef<str>>(keys: impl IntoIterator<Item = S>) -> Result<Self, MappingError> {
        let fields = keys
            .into_iter()
            .map(|k| Field::from_key(k.as_ref()).ok_or_else(|| MappingError::UnknownField(k.as_ref().to_owned())))
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_fields(fields)
    }

    pub fn admits(&self, field: Field) -> bool {
        self.selected.contains(&field)
    }

    pub fn fields(&self) -> impl Iterator<Item = Field> + '_ {
        self.selected.iter().copied()
    }

    pub fn keys(&self) -> Vec<&'static str> {
        self.fields().map(Field::key).collect()
    }

    /// Splits changes into those this mapping imports and the fields it ignores.
    pub fn split(&self, changes: Vec<FieldChange>) -> (Vec<FieldChange>, Vec<Field>) {
        let (kept, dropped): (Vec<_>, Vec<_>) = changes.into_iter().partition(|c| self.admits(c.field));
        let mut ignored: Vec<Field> = dropped.into_iter().map(|c| c.field).collect();
        ignored.dedup();
        (kept, ignored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_selects_everything() {
        assert_eq!(Mapping::default().fields().count(), Field::all().len());
    }

    #[test]
    fn required_fields_cannot_be_deselected() {
        let err = Mapping::from_keys(["user_name", "display_name"]).expect_err("missing required");
        assert_eq!(err, MappingError::RequiredDeselected(vec![Field::ExternalId, Field::Active]));
        assert_eq!(err.to_string(), "these fields are required and cannot be deselected: external_id, active");
        let m = Mapping::from_keys(["user_name", "external_id", "active", "email_work"]).expect("valid");
        assert!(m.admits(Field::EmailWork));
        assert!(!m.admits(Field::PhoneMobile));
        assert_eq!(Mapping::from_keys(["shoe_size"]), Err(MappingError::UnknownField("shoe_size".into())));
    }

    #[test]
    fn split_keeps_only_selected_fields() {
        let m = Mapping::from_keys(["user_name", "external_id", "active", "title"]).expect("valid");
        let (kept, ignored) = m.split(vec![
            FieldChange::set(Field::Title, "Engineer"),
            FieldChange::set(Field::PhoneMobile, "+41 79 000 00 00"),
            FieldChange::clear(Field::Department),
        ]);
        assert_eq!(kept, [FieldChange::set(Field::Title, "Engineer")]);
        assert_eq!(ignored, [Field::PhoneMobile, Field::Department]);
    }
}
