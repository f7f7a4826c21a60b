//! The fixed attribute catalogue: every person field ENS+ can import from Entra.
//!
//! Principals choose which of these fields Entra owns (the [`Mapping`](crate::Mapping)); they
//! cannot add fields. Each field has a stable key (used in the database, the admin API and
//! the mapping), its SCIM location, a label for people and a value type.

use crate::values::{self, Expected, ValueError};

/// The URN of the SCIM core User schema.
pub const CORE_USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
/// The URN of the SCIM enterprise User extension.
pub const ENTERPRISE_USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

/// One field of a person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    UserName,
    ExternalId,
    Active,
    DisplayName,
    Title,
    PreferredLanguage,
    GivenName,
    FamilyName,
    FormattedName,
    EmailWork,
    EmailOther,
    PhoneWork,
    PhoneMobile,
    PhoneFax,
    WorkStreetAddress,
    WorkLocality,
    WorkRegion,
    WorkPostalCode,
    WorkCountry,
    WorkFormattedAddress,
    OtherFormattedAddress,
    EmployeeNumber,
    Department,
    Division,
    Organization,
    CostCenter,
    Manager,
}

/// Which SCIM schema a field lives in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Schema {
    Core,
    Enterprise,
}

impl Schema {
    pub fn urn(self) -> &'static str {
        match self {
            Core => CORE_USER_SCHEMA,
            Enterprise => ENTERPRISE_USER_SCHEMA,
        }
    }
}

/// Where a field sits in a SCIM User: `attribute`, optionally one element of a multi-valued
/// attribute chosen by its `type` (`slot`), optionally a sub-attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    pub schema: Schema,
    pub attribute: &'static str,
    pub slot: Option<&'static str>,
    pub sub_attribute: Option<&'static str>,
}

/// What kind of value a field holds, and so how raw input is validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValueType {
    /// The unique sign-in name, compared without regard to case.
    UserName,
    /// Single-line identifier, compared exactly (externalId, employee number).
    Identifier,
    /// Free text, compared without regard to case.
    Text,
    Boolean,
    Email,
    Phone,
    LanguageTag,
    /// The `id` of another person (the manager).
    PersonRef,
}

impl ValueType {
    pub fn is_case_exact(self) -> bool {
        matches!(self, ValueType::Identifier | ValueType::PersonRef)
    }
}

/// Everything the product knows about one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldSpec {
    pub field: Field,
    /// Stable key: database column, admin API, mapping. Never renamed.
    pub key: &'static str,
    pub location: Location,
    pub label: &'static str,
    pub value_type: ValueType,
    /// Required fields are always imported: they identify the person or say whether ENS+ may
    /// alert them.
    pub required: bool,
}

const fn spec(
    field: Field,
    key: &'static str,
    location: (Schema, &'static str, Option<&'static str>, Option<&'static str>),
    label: &'static str,
    value_type: ValueType,
    required: bool,
) -> FieldSpec {
    FieldSpec {
        field,
        key,
        location: Location { schema: location.0, attribute: location.1, slot: location.2, sub_attribute: location.3 },
        label,
        value_type,
        required,
    }
}

use Schema::{Core, Enterprise};
use ValueType as T;

/// The catalogue, in the order principals see it.
pub const CATALOGUE: [FieldSpec; 27] = [
    spec(Field::UserName, "user_name", (Core, "userName", None, None), "User name (sign-in name)", T::UserName, true),
    spec(Field::ExternalId, "external_id", (Core, "externalId", None, None), "External ID", T::Identifier, true),
    spec(Field::Active, "active", (Core, "active", None, None), "Active", T::Boolean, true),
    spec(Field::DisplayName, "display_name", (Core, "displayName", None, None), "Display name", T::Text, false),
    spec(Field::Title, "title", (Core, "title", None, None), "Job title", T::Text, false),
    spec(
        Field::PreferredLanguage,
        "preferred_language",
        (Core, "preferredLanguage", None, None),
        "Preferred language",
        T::LanguageTag,
        false,
    ),
    spec(Field::GivenName, "given_name", (Core, "name", None, Some("givenName")), "First name", T::Text, false),
    spec(Field::FamilyName, "family_name", (Core, "name", None, Some("familyName")), "Last name", T::Text, false),
    spec(Field::FormattedName, "formatted_name", (Core, "name", None, Some("formatted")), "Full name", T::Text, false),
    spec(Field::EmailWork, "email_work", (Core, "emails", Some("work"), Some("value")), "Work e-mail", T::Email, false),
    spec(
        Field::EmailOther,
        "email_other",
        (Core, "emails", Some("other"), Some("value")),
        "Other e-mail",
        T::Email,
        false,
    ),
    spec(
        Field::PhoneWork,
        "phone_work",
        (Core, "phoneNumbers", Some("work"), Some("value")),
        "Work phone",
        T::Phone,
        false,
    ),
    spec(
        Field::PhoneMobile,
        "phone_mobile",
        (Core, "phoneNumbers", Some("mobile"), Some("value")),
        "Mobile phone",
        T::Phone,
        false,
    ),
    spec(Field::PhoneFax, "phone_fax", (Core, "phoneNumbers", Some("fax"), Some("value")), "Fax", T::Phone, false),
    spec(
        Field::WorkStreetAddress,
        "work_street_address",
        (Core, "addresses", Some("work"), Some("streetAddress")),
        "Work address: street",
        T::Text,
        false,
    ),
    spec(
        Field::WorkLocality,
        "work_locality",
        (Core, "addresses", Some("work"), Some("locality")),
        "Work address: city",
        T::Text,
        false,
    ),
    spec(
        Field::WorkRegion,
        "work_region",
        (Core, "addresses", Some("work"), Some("region")),
        "Work address: region",
        T::Text,
        false,
    ),
    spec(
        Field::WorkPostalCode,
        "work_postal_code",
        (Core, "addresses", Some("work"), Some("postalCode")),
        "Work address: postal code",
        T::Text,
        false,
    ),
    spec(
        Field::WorkCountry,
        "work_country",
        (Core, "addresses", Some("work"), Some("country")),
        "Work address: country",
        T::Text,
        false,
    ),
    spec(
        Field::WorkFormattedAddress,
        "work_formatted_address",
        (Core, "addresses", Some("work"), Some("formatted")),
        "Work address (one line)",
        T::Text,
        false,
    ),
    spec(
        Field::OtherFormattedAddress,
        "other_formatted_address",
        (Core, "addresses", Some("other"), Some("formatted")),
        "Other address (one line)",
        T::Text,
        false,
    ),
    spec(
        Field::EmployeeNumber,
        "employee_number",
        (Enterprise, "employeeNumber", None, None),
        "Employee number",
        T::Identifier,
        false,
    ),
    spec(Field::Department, "department", (Enterprise, "department", None, None), "Department", T::Text, false),
    spec(Field::Division, "division", (Enterprise, "division", None, None), "Division", T::Text, false),
    spec(Field::Organization, "organization", (Enterprise, "organization", None, None), "Organization", T::Text, false),
    spec(Field::CostCenter, "cost_center", (Enterprise, "costCenter", None, None), "Cost center", T::Text, false),
    spec(Field::Manager, "manager", (Enterprise, "manager", None, None), "Manager", T::PersonRef, false),
];

/// How the pages group the catalogue, so that a principal finds a field among 27.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FieldGroup {
    Identity,
    Name,
    Contact,
    Address,
    Organization,
}

impl FieldGroup {
    pub const ALL: [FieldGroup; 5] =
        [FieldGroup::Identity, FieldGroup::Name, FieldGroup::Contact, FieldGroup::Address, FieldGroup::Organization];

    pub fn key(self) -> &'static str {
        match self {
            FieldGroup::Identity => "identity",
            FieldGroup::Name => "name",
            FieldGroup::Contact => "contact",
            FieldGroup::Address => "address",
            FieldGroup::Organization => "organization",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FieldGroup::Identity => "Sign-in and state",
            FieldGroup::Name => "Name",
            FieldGroup::Contact => "Contact",
            FieldGroup::Address => "Address",
            FieldGroup::Organization => "Organization",
        }
    }
}

impl Field {
    pub fn group(self) -> FieldGroup {
        use Field::*;
        match self {
            UserName | ExternalId | Active => FieldGroup::Identity,
            DisplayName | GivenName | FamilyName | FormattedName | PreferredLanguage => FieldGroup::Name,
            EmailWork | EmailOther | PhoneWork | PhoneMobile | PhoneFax => FieldGroup::Contact,
            WorkStreetAddress
            | WorkLocality
            | WorkRegion
            | WorkPostalCode
            | WorkCountry
            | WorkFormattedAddress
            | OtherFormattedAddress => FieldGroup::Address,
            Title | EmployeeNumber | Department | Division | Organization | CostCenter | Manager => {
                FieldGroup::Organization
            }
        }
    }

    /// Every field, in catalogue order.
    pub fn all() -> impl ExactSizeIterator<Item = Field> + Clone {
        CATALOGUE.iter().map(|s| s.field)
    }

    pub fn spec(self) -> &'static FieldSpec {
        // CATALOGUE is in declaration order; a unit test keeps it so.
        &CATALOGUE[self as usize]
    }

    pub fn key(self) -> &'static str {
        self.spec().key
    }

    /// "external_id, active": fields by their stable keys, for API clients.
    pub fn list_keys(fields: &[Field]) -> String {
        fields.iter().map(|f| f.key()).collect::<Vec<_>>().join(", ")
    }

    /// "Display name, Work e-mail": fields by their labels, for principals.
    pub fn list_labels(fields: &[Field]) -> String {
        fields.iter().map(|f| f.spec().label).collect::<Vec<_>>().join(", ")
    }

    pub fn from_key(key: &str) -> Option<Field> {
        CATALOGUE.iter().find(|s| s.key == key).map(|s| s.field)
    }

    pub fn value_type(self) -> ValueType {
        self.spec().value_type
    }

    pub fn location(self) -> Location {
        self.spec().location
    }

    pub fn is_required(self) -> bool {
        self.spec().required
    }

    /// The path an Entra administrator sees in the attribute mapping, e.g.
    /// `emails[type eq "work"].value` or the URN-qualified enterprise attributes.
    pub fn scim_path(self) -> String {
        let l = self.location();
        let mut path = match l.schema {
            Core => String::new(),
            Enterprise => format!("{ENTERPRISE_USER_SCHEMA}:"),
        };
        path.push_str(l.attribute);
        if let Some(slot) = l.slot {
            path.push_str(&format!("[type eq \"{slot}\"]"));
        }
        if let Some(sub) = l.sub_attribute {
            path.push('.');
            path.push_str(sub);
        }
        path
    }

    /// Validates a raw text value for this field. Booleans are not text: see
    /// [`FieldValue`](crate::FieldValue).
    pub fn validate_text(self, raw: &str) -> Result<(), ValueError> {
        match self.value_type() {
            ValueType::UserName => values::UserName::parse(raw).map(drop),
            ValueType::Identifier | ValueType::PersonRef => values::validate_identifier(raw),
            ValueType::Text => values::validate_text(raw),
            ValueType::Email => values::EmailAddress::parse(raw).map(drop),
            ValueType::Phone => values::validate_phone(raw),
            ValueType::LanguageTag => values::validate_language_tag(raw),
            ValueType::Boolean => Err(ValueError::Invalid { expected: Expected::Boolean }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn catalogue_is_in_declaration_order_and_keys_are_unique() {
        for (i, s) in CATALOGUE.iter().enumerate() {
            assert_eq!(s.field as usize, i, "{:?} out of order", s.field);
            assert_eq!(Field::from_key(s.key), Some(s.field));
        }
        let keys: HashSet<_> = CATALOGUE.iter().map(|s| s.key).collect();
        assert_eq!(keys.len(), CATALOGUE.len());
        assert_eq!(Field::all().len(), 27);
    }

    #[test]
    fn exactly_user_name_external_id_and_active_are_required() {
        let required: Vec<_> = Field::all().filter(|f| f.is_required()).collect();
        assert_eq!(required, [Field::UserName, Field::ExternalId, Field::Active]);
    }

    #[test]
    fn scim_paths_are_the_ones_entra_maps() {
        // The list at the end of the Entra provisioning reference, verbatim.
        let entra = [
            "userName",
            "externalId",
            "active",
            "displayName",
            "title",
            "preferredLanguage",
            "name.givenName",
            "name.familyName",
            "name.formatted",
            "emails[type eq \"work\"].value",
            "emails[type eq \"other\"].value",
            "phoneNumbers[type eq \"work\"].value",
            "phoneNumbers[type eq \"mobile\"].value",
            "phoneNumbers[type eq \"fax\"].value",
            "addresses[type eq \"work\"].streetAddress",
            "addresses[type eq \"work\"].locality",
            "addresses[type eq \"work\"].region",
            "addresses[type eq \"work\"].postalCode",
            "addresses[type eq \"work\"].country",
            "addresses[type eq \"work\"].formatted",
            "addresses[type eq \"other\"].formatted",
        ];
        let paths: Vec<String> = Field::all().map(Field::scim_path).collect();
        for p in entra {
            assert!(paths.iter().any(|x| x == p), "{p} missing");
        }
        for a in ["employeeNumber", "department", "division", "organization", "costCenter", "manager"] {
            let p = format!("{ENTERPRISE_USER_SCHEMA}:{a}");
            assert!(paths.contains(&p), "{p} missing");
        }
        assert_eq!(paths.len(), entra.len() + 6);
    }

    #[test]
    fn validation_follows_the_value_type() {
        assert!(Field::EmailWork.validate_text("jdoe@contoso.com").is_ok());
        assert!(Field::EmailWork.validate_text("+41 44 000 00 00").is_err());
        assert!(Field::PhoneMobile.validate_text("+41 79 000 00 00").is_ok());
        assert!(Field::PhoneMobile.validate_text("jdoe@contoso.com").is_err());
        assert!(Field::PreferredLanguage.validate_text("de-CH").is_ok());
        assert!(Field::Active.validate_text("true").is_err());
        assert!(Field::ExternalId.validate_text("a\nb").is_err());
        assert!(Field::WorkFormattedAddress.validate_text("Main 1\n8000 Zurich").is_ok());
    }
}
