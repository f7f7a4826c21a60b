//! The SCIM User resource as ENS+ stores it, derived from the domain's attribute catalogue:
//! which attribute names exist, which are multi-valued with typed elements ("slots"), and
//! which RFC 7643 attributes are known but not stored.

use std::sync::OnceLock;

use ens_domain::catalogue::{CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA};
use ens_domain::{Field, Schema};

/// One element type of a multi-valued attribute (`emails` of type `work`).
#[derive(Debug)]
pub struct Slot {
    pub type_name: &'static str,
    /// Sub-attribute name (`value`, `streetAddress`, …) and the field that stores it.
    pub subs: Vec<(&'static str, Field)>,
}

impl Slot {
    pub fn field(&self, sub: &str) -> Option<Field> {
        self.subs.iter().find(|(n, _)| n.eq_ignore_ascii_case(sub)).map(|(_, f)| *f)
    }

    pub fn fields(&self) -> impl Iterator<Item = Field> + '_ {
        self.subs.iter().map(|(_, f)| *f)
    }
}

/// A top-level attribute of the User resource.
#[derive(Debug)]
pub enum Attribute {
    /// `userName`, `active`, `department`, …
    Simple { name: &'static str, field: Field },
    /// `name` with its sub-attributes.
    Complex { name: &'static str, subs: Vec<(&'static str, Field)> },
    /// `emails`, `phoneNumbers`, `addresses`: elements chosen by `type`.
    MultiValued { name: &'static str, slots: Vec<Slot> },
    /// The enterprise `manager`: `{"value": id}`.
    Reference { name: &'static str, field: Field },
}

impl Attribute {
    pub fn name(&self) -> &'static str {
        match self {
            Attribute::Simple { name, .. }
            | Attribute::Complex { name, .. }
            | Attribute::MultiValued { name, .. }
            | Attribute::Reference { name, .. } => name,
        }
    }

    pub fn slot(&self, type_name: &str) -> Option<&Slot> {
        match self {
            Attribute::MultiValued { slots, .. } => slots.iter().find(|s| s.type_name.eq_ignore_ascii_case(type_name)),
            _ => None,
        }
    }

    /// Every field this attribute stores.
    pub fn fields(&self) -> Vec<Field> {
        match self {
            Attribute::Simple { field, .. } | Attribute::Reference { field, .. } => vec![*field],
            Attribute::Complex { subs, .. } => subs.iter().map(|(_, f)| *f).collect(),
            Attribute::MultiValued { slots, .. } => slots.iter().flat_map(Slot::fields).collect(),
        }
    }
}

/// The User resource: core attributes, then the enterprise extension's.
#[derive(Debug)]
pub struct UserModel {
    pub core: Vec<Attribute>,
    pub enterprise: Vec<Attribute>,
}

fn build() -> UserModel {
    let mut model = UserModel { core: Vec::new(), enterprise: Vec::new() };
    for field in Field::all() {
        let loc = field.location();
        let list = match loc.schema {
            Schema::Core => &mut model.core,
            Schema::Enterprise => &mut model.enterprise,
        };
        let existing = list.iter_mut().find(|a| a.name() == loc.attribute);
        match (loc.slot, loc.sub_attribute, existing) {
            (None, None, None) if field == Field::Manager => {
                list.push(Attribute::Reference { name: loc.attribute, field })
            }
            (None, None, None) => list.push(Attribute::Simple { name: loc.attribute, field }),
            (None, Some(sub), Some(Attribute::Complex { subs, .. })) => subs.push((sub, field)),
            (None, Some(sub), None) => list.push(Attribute::Complex { name: loc.attribute, subs: vec![(sub, field)] }),
            (Some(slot), Some(sub), existing) => {
                let slots = match existing {
                    Some(Attribute::MultiValued { slots, .. }) => slots,
                    _ => {
                        list.push(Attribute::MultiValued { name: loc.attribute, slots: Vec::new() });
                        match list.last_mut() {
                            Some(Attribute::MultiValued { slots, .. }) => slots,
                            _ => unreachable!("just pushed"),
                        }
                    }
                };
                match slots.iter_mut().find(|s| s.type_name == slot) {
                    Some(s) => s.subs.push((sub, field)),
                    None => slots.push(Slot { type_name: slot, subs: vec![(sub, field)] }),
                }
            }
            other => unreachable!("the catalogue has a location the SCIM model cannot place: {field:?} {other:?}"),
        }
    }
    model
}

/// The model, built once from the catalogue.
pub fn user_model() -> &'static UserModel {
    static MODEL: OnceLock<UserModel> = OnceLock::new();
    MODEL.get_or_init(build)
}

/// RFC 7643 §4.1 User attributes ENS+ accepts but does not keep.
const CORE_NOT_STORED: &[&str] = &[
    "nickName",
    "profileUrl",
    "userType",
    "locale",
    "timezone",
    "password",
    "ims",
    "photos",
    "groups",
    "entitlements",
    "roles",
    "x509Certificates",
];

/// What an attribute name (optionally URN-qualified) refers to.
#[derive(Debug)]
pub enum Lookup {
    Stored(&'static Attribute),
    /// `id`, `meta`, `schemas`: set by the server.
    ReadOnly(&'static str),
    /// Defined by RFC 7643 (or an extension we do not keep): accepted and ignored.
    NotStored,
    /// Not an attribute of a User.
    Unknown,
}

/// Finds an attribute. Names compare without regard to case; unqualified names are looked up
/// in the core schema first, then in the enterprise extension (clients often omit the URN).
pub fn lookup(uri: Option<&str>, name: &str) -> Lookup {
    let model = user_model();
    let find = |list: &'static [Attribute]| list.iter().find(|a| a.name().eq_ignore_ascii_case(name));
    match uri {
        None => {
            for ro in ["id", "meta", "schemas"] {
                if name.eq_ignore_ascii_case(ro) {
                    return Lookup::ReadOnly(ro);
                }
            }
            if let Some(a) = find(&model.core).or_else(|| find(&model.enterprise)) {
                Lookup::Stored(a)
            } else if CORE_NOT_STORED.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                Lookup::NotStored
            } else {
                Lookup::Unknown
            }
        }
        Some(u) if u.eq_ignore_ascii_case(CORE_USER_SCHEMA) => lookup(None, name),
        Some(u) if u.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA) => {
            find(&model.enterprise).map(Lookup::Stored).unwrap_or(Lookup::NotStored)
        }
        // A custom extension (Entra may send one): not ours to keep.
        Some(_) => Lookup::NotStored,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_covers_the_catalogue_exactly_once() {
        let m = user_model();
        let mut fields: Vec<Field> = m.core.iter().chain(&m.enterprise).flat_map(Attribute::fields).collect();
        fields.sort();
        assert_eq!(fields, Field::all().collect::<Vec<_>>());
        let names: Vec<&str> = m.core.iter().map(Attribute::name).collect();
        assert_eq!(
            names,
            [
                "userName",
                "externalId",
                "active",
                "displayName",
                "title",
                "preferredLanguage",
                "name",
                "emails",
                "phoneNumbers",
                "addresses"
            ]
        );
    }

    #[test]
    fn lookups() {
        assert!(matches!(lookup(None, "USERNAME"), Lookup::Stored(Attribute::Simple { field: Field::UserName, .. })));
        assert!(matches!(lookup(Some(CORE_USER_SCHEMA), "emails"), Lookup::Stored(Attribute::MultiValued { .. })));
        assert!(matches!(lookup(Some(ENTERPRISE_USER_SCHEMA), "Manager"), Lookup::Stored(Attribute::Reference { .. })));
        assert!(matches!(lookup(None, "department"), Lookup::Stored(_)));
        assert!(matches!(lookup(None, "roles"), Lookup::NotStored));
        assert!(matches!(lookup(Some("urn:contoso:ext:1.0:User"), "badge"), Lookup::NotStored));
        assert!(matches!(lookup(None, "meta"), Lookup::ReadOnly("meta")));
        assert!(matches!(lookup(None, "shoeSize"), Lookup::Unknown));
        let Lookup::Stored(emails) = lookup(None, "emails") else { panic!() };
        assert_eq!(emails.slot("WORK").and_then(|s| s.field("Value")), Some(Field::EmailWork));
        let Lookup::Stored(addresses) = lookup(None, "addresses") else { panic!() };
        assert_eq!(addresses.slot("work").map(|s| s.subs.len()), Some(6));
        assert_eq!(addresses.slot("other").and_then(|s| s.field("streetAddress")), None);
    }
}
