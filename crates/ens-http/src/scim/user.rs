//! The User resource on the wire: a stored person rendered as SCIM JSON, and SCIM JSON read
//! into field changes.

use ens_domain::catalogue::{CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA};
use ens_domain::{Field, FieldChange, FieldError, FieldValue, Person, PersonId, ValueType};
use serde_json::{Map, Value, json};

use super::error::{ScimError, ScimType};
use super::model::{Attribute, Lookup, Slot, lookup, user_model};

/// `W/"<version>"`: the ETag and `meta.version`.
pub fn etag(version: u64) -> String {
    format!("W/\"{version}\"")
}

/// The JSON of a stored person. Only what is stored appears.
pub fn render(p: &Person, users_url: &str) -> Value {
    let model = user_model();
    let mut out = Map::new();
    let has_enterprise = model.enterprise.iter().flat_map(Attribute::fields).any(|f| p.values.get(f).is_some());
    let mut schemas = vec![json!(CORE_USER_SCHEMA)];
    if has_enterprise {
        schemas.push(json!(ENTERPRISE_USER_SCHEMA));
    }
    out.insert("schemas".into(), Value::Array(schemas));
    out.insert("id".into(), json!(p.id.to_string()));
    render_attributes(p, &model.core, &mut out);
    if has_enterprise {
        let mut ext = Map::new();
        render_attributes(p, &model.enterprise, &mut ext);
        out.insert(ENTERPRISE_USER_SCHEMA.into(), Value::Object(ext));
    }
    out.insert(
        "meta".into(),
        json!({
            "resourceType": "User",
            "created": p.created_at.to_rfc3339(),
            "lastModified": p.updated_at.to_rfc3339(),
            "location": format!("{users_url}/{}", p.id),
            "version": etag(p.version),
        }),
    );
    Value::Object(out)
}

fn render_attributes(p: &Person, attrs: &[Attribute], out: &mut Map<String, Value>) {
    let value = |f: Field| {
        p.values.get(f).map(|v| match v {
            FieldValue::Bool(b) => json!(b),
            FieldValue::Text(s) => json!(s),
        })
    };
    for attr in attrs {
        match attr {
            Attribute::Simple { name, field } => {
                if let Some(v) = value(*field) {
                    out.insert((*name).into(), v);
                }
            }
            Attribute::Reference { name, field } => {
                // Entra compares `manager.value`; without this shape it re-sends every cycle.
                if let Some(v) = value(*field) {
                    out.insert((*name).into(), json!({ "value": v }));
                }
            }
            Attribute::Complex { name, subs } => {
                let obj: Map<String, Value> =
                    subs.iter().filter_map(|(n, f)| value(*f).map(|v| ((*n).to_owned(), v))).collect();
                if !obj.is_empty() {
                    out.insert((*name).into(), Value::Object(obj));
                }
            }
            Attribute::MultiValued { name, slots } => {
                let elements: Vec<Value> = slots
                    .iter()
                    .filter_map(|slot| {
                        let mut obj: Map<String, Value> =
                            slot.subs.iter().filter_map(|(n, f)| value(*f).map(|v| ((*n).to_owned(), v))).collect();
                        if obj.is_empty() {
                            return None;
                        }
                        obj.insert("type".into(), json!(slot.type_name));
                        Some(Value::Object(obj))
                    })
                    .collect();
                if !elements.is_empty() {
                    out.insert((*name).into(), Value::Array(elements));
                }
            }
        }
    }
}

/// Reads a JSON value into a field's value: `None` clears. Booleans may be strings in any
/// case (`"False"`, as Entra's legacy PATCH sends them); a reference may be `"id"`,
/// `{"value": "id"}` or `[{"value": "id", "$ref": …}]`. A string attribute takes a string
/// only: a JSON number has no single text form (`1.2345678901234568e29` is not what the
/// directory holds), and Entra sends strings.
pub fn field_value(field: Field, v: &Value) -> Result<Option<FieldValue>, ScimError> {
    let invalid =
        |expected: &str| ScimError::bad_request(ScimType::InvalidValue, format!("{field} must be {expected}, got {v}"));
    match (field.value_type(), v) {
        (_, Value::Null) => Ok(None),
        (ValueType::Boolean, Value::Bool(b)) => Ok(Some(FieldValue::Bool(*b))),
        (ValueType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(FieldValue::Bool(true))),
        (ValueType::Boolean, Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(FieldValue::Bool(false))),
        (ValueType::Boolean, _) => Err(invalid("true or false").with_said(FieldError::NotBoolean(field).said())),
        (_, Value::String(s)) => Ok(Some(FieldValue::Text(s.clone()))),
        (_, Value::Number(_) | Value::Bool(_)) => Err(invalid("a string").with_said(FieldError::NotText(field).said())),
        (_, Value::Object(o)) => match o.iter().find(|(k, _)| k.eq_ignore_ascii_case("value")) {
            Some((_, inner)) if !inner.is_object() && !inner.is_array() => field_value(field, inner),
            _ if o.is_empty() => Ok(None),
            _ => Err(invalid("a string").with_said(FieldError::NotText(field).said())),
        },
        (_, Value::Array(items)) => match items.as_slice() {
            [] => Ok(None),
            [one] => field_value(field, one),
            _ => Err(invalid("a single value")),
        },
    }
}

/// Case-insensitive member lookup.
pub fn member<'a>(obj: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    obj.get(name).or_else(|| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v))
}

/// The changes one element of a multi-valued attribute makes to its slot.
pub fn element_changes(slot: &Slot, element: &Map<String, Value>, out: &mut Vec<FieldChange>) -> Result<(), ScimError> {
    for (key, v) in element {
        if let Some(field) = slot.field(key) {
            out.push(FieldChange { field, value: field_value(field, v)? });
        }
    }
    Ok(())
}

/// One element of a multi-valued attribute, with the typed slot it goes to.
pub type SlotElement<'a> = (&'a Slot, &'a Map<String, Value>);

/// Assigns elements of a multi-valued attribute to typed slots: by `type`, or, without one,
/// to the first type not yet given in the same request. Elements of a type ENS+ does not keep
/// are skipped.
pub fn slot_elements<'a>(slots: &'a [Slot], elements: &'a [Value]) -> Result<Vec<SlotElement<'a>>, ScimError> {
    let mut assigned: Vec<SlotElement<'a>> = Vec::new();
    let mut untyped = Vec::new();
    for e in elements {
        let Value::Object(obj) = e else {
            return Err(ScimError::bad_request(ScimType::InvalidValue, format!("expected an object, got {e}")));
        };
        match member(obj, "type").and_then(Value::as_str) {
            Some(t) => {
                if let Some(slot) = slots.iter().find(|s| s.type_name.eq_ignore_ascii_case(t)) {
                    assigned.push((slot, obj));
                }
            }
            None => untyped.push(obj),
        }
    }
    for obj in untyped {
        if let Some(slot) = slots.iter().find(|s| !assigned.iter().any(|(a, _)| a.type_name == s.type_name)) {
            assigned.push((slot, obj));
        }
    }
    Ok(assigned)
}

/// Reads a full User (POST or PUT body) into changes for every field it mentions. Read-only
/// and unknown attributes are ignored, as are attributes of extensions we do not keep.
pub fn parse_resource(body: &Value) -> Result<Vec<FieldChange>, ScimError> {
    let Value::Object(obj) = body else {
        return Err(ScimError::bad_request(ScimType::InvalidSyntax, "the body must be a JSON object (a SCIM User)"));
    };
    let mut changes = Vec::new();
    for (key, v) in obj {
        if key.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA) {
            let Value::Object(ext) = v else {
                return Err(ScimError::bad_request(ScimType::InvalidSyntax, format!("{key} must be an object")));
            };
            for (k, ev) in ext {
                if let Lookup::Stored(attr) = lookup(Some(ENTERPRISE_USER_SCHEMA), k) {
                    attribute_changes(attr, ev, &mut changes)?;
                }
            }
            continue;
        }
        if let Lookup::Stored(attr) = lookup(None, key) {
            attribute_changes(attr, v, &mut changes)?;
        }
    }
    Ok(changes)
}

/// A PUT body's `id`, if it has one, must be the id in the URL. `id` is read-only, so it is
/// otherwise ignored; but a different one means the client meant another resource (a
/// mix-up in its own bookkeeping), and replacing this one with that body would overwrite the
/// wrong person. The same UUID in another case is the same id.
pub fn check_body_id(body: &Value, url_id: &str) -> Result<(), ScimError> {
    let Value::Object(obj) = body else { return Ok(()) };
    let same = match member(obj, "id") {
        None | Some(Value::Null) => true,
        Some(Value::String(id)) => {
            id == url_id || matches!((id.parse::<PersonId>(), url_id.parse::<PersonId>()), (Ok(a), Ok(b)) if a == b)
        }
        Some(_) => false,
    };
    if same {
        return Ok(());
    }
    let body_id = member(obj, "id").map(Value::to_string).unwrap_or_default();
    Err(ScimError::bad_request(
        ScimType::InvalidValue,
        format!(
            "the body's id {body_id} is not the id in the URL, \"{url_id}\": a PUT replaces the resource its URL names"
        ),
    ))
}

/// The changes a whole attribute's value makes.
pub fn attribute_changes(attr: &Attribute, v: &Value, out: &mut Vec<FieldChange>) -> Result<(), ScimError> {
    match attr {
        Attribute::Simple { field, .. } | Attribute::Reference { field, .. } => {
            out.push(FieldChange { field: *field, value: field_value(*field, v)? });
        }
        Attribute::Complex { name, subs } => match v {
            Value::Null => out.extend(subs.iter().map(|(_, f)| FieldChange::clear(*f))),
            Value::Object(o) => {
                for (k, sv) in o {
                    if let Some((_, f)) = subs.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)) {
                        out.push(FieldChange { field: *f, value: field_value(*f, sv)? });
                    }
                }
            }
            _ => return Err(ScimError::bad_request(ScimType::InvalidValue, format!("{name} must be an object"))),
        },
        Attribute::MultiValued { name, slots } => {
            let elements: Vec<Value> = match v {
                Value::Null => Vec::new(),
                Value::Array(items) => items.clone(),
                Value::Object(_) => vec![v.clone()],
                _ => return Err(ScimError::bad_request(ScimType::InvalidValue, format!("{name} must be an array"))),
            };
            for (slot, element) in slot_elements(slots, &elements)? {
                element_changes(slot, element, out)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use ens_domain::{EnterpriseId, PersonValues, Source, Timestamp};
    use uuid::Uuid;

    use super::*;

    /// The create body of the Entra reference, verbatim.
    pub(crate) fn entra_create() -> Value {
        json!({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
         "externalId":"jdoe","userName":"jdoe@contoso.com","active":true,"displayName":"Jane Doe","title":"Engineer",
         "preferredLanguage":"de-CH",
         "emails":[{"primary":true,"type":"work","value":"jdoe@contoso.com"}],
         "phoneNumbers":[{"type":"work","value":"+41 44 000 00 00"},{"type":"mobile","value":"+41 79 000 00 00"}],
         "addresses":[{"type":"work","streetAddress":"Main 1","locality":"Zurich","postalCode":"8000","country":"CH","primary":false}],
         "name":{"formatted":"Jane Doe","familyName":"Doe","givenName":"Jane"},
         "meta":{"resourceType":"User"},"roles":[],
         "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"4711","department":"Ops"}})
    }

    #[test]
    fn entra_create_body_reads_into_every_mapped_field() {
        let changes = parse_resource(&entra_create()).expect("valid");
        let values = PersonValues::from_changes(&changes).expect("valid values");
        let get = |f| values.text(f).map(str::to_owned);
        assert_eq!(get(Field::UserName).as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(get(Field::ExternalId).as_deref(), Some("jdoe"));
        assert!(values.active());
        assert_eq!(get(Field::EmailWork).as_deref(), Some("jdoe@contoso.com"));
        assert_eq!(get(Field::PhoneMobile).as_deref(), Some("+41 79 000 00 00"));
        assert_eq!(get(Field::WorkLocality).as_deref(), Some("Zurich"));
        assert_eq!(get(Field::GivenName).as_deref(), Some("Jane"));
        assert_eq!(get(Field::EmployeeNumber).as_deref(), Some("4711"));
        assert_eq!(get(Field::Department).as_deref(), Some("Ops"));
        assert_eq!(values.iter().count(), 18);
    }

    #[test]
    fn render_round_trips() {
        let changes = parse_resource(&entra_create()).expect("valid");
        let mut values = PersonValues::from_changes(&changes).expect("valid values");
        values.set(Field::Manager, Some("m-1".into())).expect("manager");
        let p = Person {
            id: PersonId::from_uuid(Uuid::from_u128(7)),
            enterprise_id: EnterpriseId::from_uuid(Uuid::nil()),
            source: Source::Scim,
            values: values.clone(),
            version: 3,
            created_at: Timestamp::from_micros(0),
            updated_at: Timestamp::from_micros(1_000_000),
            scim_updated_at: None,
            inactive_since: None,
        };
        let json = render(&p, "https://ens.example.com/portal/scim/Users");
        assert_eq!(json["id"], "00000000-0000-0000-0000-000000000007");
        assert_eq!(json["meta"]["version"], "W/\"3\"");
        assert_eq!(
            json["meta"]["location"],
            "https://ens.example.com/portal/scim/Users/00000000-0000-0000-0000-000000000007"
        );
        assert_eq!(json["meta"]["lastModified"], "1970-01-01T00:00:01Z");
        assert_eq!(json[ENTERPRISE_USER_SCHEMA]["manager"], json!({"value": "m-1"}));
        assert_eq!(json["emails"], json!([{"value": "jdoe@contoso.com", "type": "work"}]));
        let back = PersonValues::from_changes(&parse_resource(&json).expect("reads own output")).expect("valid");
        assert_eq!(back, values);
    }

    #[test]
    fn lenient_values() {
        assert_eq!(field_value(Field::Active, &json!("False")).expect("ok"), Some(FieldValue::Bool(false)));
        assert_eq!(field_value(Field::Active, &json!("TRUE")).expect("ok"), Some(FieldValue::Bool(true)));
        assert!(field_value(Field::Active, &json!("yes")).is_err());
        assert_eq!(
            field_value(Field::Manager, &json!([{"$ref": "../Users/m", "value": "m"}])).expect("ok"),
            Some("m".into())
        );
        assert_eq!(field_value(Field::Manager, &json!({"value": ""})).expect("ok"), Some("".into()));
        assert_eq!(field_value(Field::Title, &Value::Null).expect("ok"), None);
        assert!(field_value(Field::Title, &json!(true)).is_err());
        assert!(field_value(Field::Title, &json!(["a", "b"])).is_err());
    }

    #[test]
    fn string_attributes_refuse_numbers_and_other_non_strings() {
        // A number has no single text form (1.2345678901234568e29 is not what the directory
        // holds); Entra sends strings for every string attribute.
        for v in [json!(1.2345678901234568e29), json!(4711), json!(true), json!({"value": 5}), json!([7])] {
            for field in [Field::Title, Field::EmployeeNumber, Field::UserName, Field::Manager, Field::PhoneWork] {
                let err = field_value(field, &v).expect_err("not a string");
                assert_eq!(err.scim_type, Some(ScimType::InvalidValue), "{field} {v}");
                assert!(err.detail.contains("must be a string"), "{}", err.detail);
            }
        }
        for body in [
            json!({"userName": "u", "title": 1.2345678901234568e29}),
            json!({"userName": 42}),
            json!({"userName": "u", ENTERPRISE_USER_SCHEMA: {"employeeNumber": 4711}}),
            json!({"userName": "u", "emails": [{"type": "work", "value": 5}]}),
            json!({"userName": "u", "name": {"givenName": 1}}),
        ] {
            let err = parse_resource(&body).expect_err("refused");
            assert_eq!(err.scim_type, Some(ScimType::InvalidValue), "{body}");
        }
        // Booleans, as Entra sends them (also as strings), and strings stay as they were.
        assert_eq!(field_value(Field::Active, &json!("True")).expect("ok"), Some(FieldValue::Bool(true)));
        assert_eq!(field_value(Field::Active, &json!(false)).expect("ok"), Some(FieldValue::Bool(false)));
        assert_eq!(field_value(Field::EmployeeNumber, &json!("4711")).expect("ok"), Some("4711".into()));
    }

    #[test]
    fn a_body_id_must_be_the_id_of_the_url() {
        let url_id = "00000000-0000-0000-0000-000000000007";
        for ok in [
            json!({"userName": "u"}),
            json!({"userName": "u", "id": url_id}),
            json!({"userName": "u", "id": url_id.to_uppercase()}),
            json!({"userName": "u", "id": null}),
            json!([1]),
        ] {
            assert!(check_body_id(&ok, url_id).is_ok(), "{ok}");
        }
        for (body, shown) in [
            (json!({"id": "00000000-0000-0000-0000-000000000008"}), "\"00000000-0000-0000-0000-000000000008\""),
            (json!({"ID": "other"}), "\"other\""),
            (json!({"id": 7}), "7"),
            (json!({"id": ""}), "\"\""),
        ] {
            let err = check_body_id(&body, url_id).expect_err("mismatch");
            assert_eq!((err.status.as_u16(), err.scim_type), (400, Some(ScimType::InvalidValue)), "{body}");
            assert!(err.detail.contains(shown) && err.detail.contains(url_id), "{}", err.detail);
        }
    }

    #[test]
    fn untyped_elements_fill_free_types_and_unknown_types_are_skipped() {
        let body = json!({"userName": "u", "emails": [{"value": "a@x.ch"}, {"type": "WORK", "value": "w@x.ch"}, {"type": "home", "value": "h@x.ch"}]});
        let values = PersonValues::from_changes(&parse_resource(&body).expect("valid")).expect("valid");
        assert_eq!(values.text(Field::EmailWork), Some("w@x.ch"));
        assert_eq!(values.text(Field::EmailOther), Some("a@x.ch"));
    }

    #[test]
    fn unknown_and_read_only_attributes_are_ignored() {
        let body = json!({"userName": "u", "id": "mine", "meta": {"version": "x"}, "nickName": "n",
            "urn:contoso:ext:1.0:User": {"badge": 1}, "roles": [{"value": "r"}]});
        assert_eq!(parse_resource(&body).expect("valid"), [FieldChange::set(Field::UserName, "u")]);
        assert!(parse_resource(&json!([1])).is_err());
    }
}
