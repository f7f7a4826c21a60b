//! Discovery documents (RFC 7643 §5–7): ServiceProviderConfig, Schemas and ResourceTypes,
//! generated from the same model the endpoint uses, so they cannot drift from it.

use ens_domain::catalogue::{CORE_USER_SCHEMA, ENTERPRISE_USER_SCHEMA};
use ens_domain::{Field, ValueType};
use serde_json::{Value, json};

use super::model::{Attribute, user_model};

pub const SPC_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
pub const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";
pub const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";

pub fn service_provider_config(base: &str, max_results: u64) -> Value {
    json!({
        "schemas": [SPC_SCHEMA],
        "documentationUri": format!("{base}/"),
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": max_results},
        "changePassword": {"supported": false},
        "sort": {"supported": true},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "Secret token",
            "description": "The secret token generated on Setup › SCIM Import in ENS+, sent as Authorization: Bearer <token>.",
            "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
    })
}

fn string_attr(name: &str, field: Option<Field>, description: &str) -> Value {
    let (case_exact, required, uniqueness) = match field.map(Field::value_type) {
        Some(ValueType::UserName) => (false, true, "server"),
        Some(t) => (t.is_case_exact(), false, "none"),
        None => (false, false, "none"),
    };
    json!({
        "name": name, "type": "string", "multiValued": false, "description": description,
        "required": required, "caseExact": case_exact, "mutability": "readWrite", "returned": "default",
        "uniqueness": uniqueness,
    })
}

fn describe(field: Field) -> String {
    let spec = field.spec();
    format!("{} ({})", spec.label, field.scim_path())
}

fn attribute_schema(attr: &Attribute) -> Value {
    match attr {
        // ENS+ always knows whether it may alert a person: `active` is never unassigned
        // (absent on create it is true; removing it is refused).
        Attribute::Simple { name, field } if field.value_type() == ValueType::Boolean => json!({
            "name": name, "type": "boolean", "multiValued": false, "description": describe(*field),
            "required": true, "mutability": "readWrite", "returned": "default",
        }),
        Attribute::Simple { name, field } => string_attr(name, Some(*field), &describe(*field)),
        Attribute::Reference { name, field } => json!({
            "name": name, "type": "complex", "multiValued": false, "description": describe(*field),
            "required": false, "mutability": "readWrite", "returned": "default",
            "subAttributes": [json!({
                "name": "value", "type": "string", "multiValued": false,
                "description": "The id of the manager's User.", "required": false, "caseExact": true,
                "mutability": "readWrite", "returned": "default", "uniqueness": "none",
            })],
        }),
        Attribute::Complex { name, subs } => json!({
            "name": name, "type": "complex", "multiValued": false, "description": format!("The person's {name}."),
            "required": false, "mutability": "readWrite", "returned": "default",
            "subAttributes": subs.iter().map(|(n, f)| string_attr(n, Some(*f), &describe(*f))).collect::<Vec<_>>(),
        }),
        Attribute::MultiValued { name, slots } => {
            // Every sub-attribute any type has; the description says which types keep it.
            let mut subs: Vec<(&str, Vec<&str>)> = Vec::new();
            for slot in slots {
                for (n, _) in &slot.subs {
                    match subs.iter_mut().find(|(s, _)| s == n) {
                        Some((_, types)) => types.push(slot.type_name),
                        None => subs.push((n, vec![slot.type_name])),
                    }
                }
            }
            let mut sub_schemas: Vec<Value> = subs
                .iter()
                .map(|(n, types)| string_attr(n, None, &format!("Kept for type {}.", types.join(", "))))
                .collect();
            // Suggested types: those whose every sub-attribute is kept (an `other` address
            // keeps `formatted` only; it is accepted, and described, but not suggested).
            let complete: Vec<&str> =
                slots.iter().filter(|s| s.subs.len() == subs.len()).map(|s| s.type_name).collect();
            let kept = slots
                .iter()
                .map(|s| format!("{} ({})", s.type_name, s.subs.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")))
                .collect::<Vec<_>>()
                .join("; ");
            sub_schemas.push(json!({
                "name": "type", "type": "string", "multiValued": false,
                "description": format!("Which element this is. ENS+ keeps one element per type: {kept}."),
                "required": false, "caseExact": false, "canonicalValues": complete,
                "mutability": "readWrite", "returned": "default", "uniqueness": "none",
            }));
            json!({
                "name": name, "type": "complex", "multiValued": true,
                "description": format!("ENS+ keeps one {name} element of each type: {}.", slots.iter().map(|s| s.type_name).collect::<Vec<_>>().join(", ")),
                "required": false, "mutability": "readWrite", "returned": "default",
                "subAttributes": sub_schemas,
            })
        }
    }
}

fn schema(id: &str, name: &str, description: &str, attrs: &[Attribute], base: &str) -> Value {
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": id,
        "name": name,
        "description": description,
        "attributes": attrs.iter().map(attribute_schema).collect::<Vec<_>>(),
        "meta": {"resourceType": "Schema", "location": format!("{base}/Schemas/{id}")},
    })
}

pub fn schemas(base: &str) -> Vec<Value> {
    let model = user_model();
    vec![
        schema(CORE_USER_SCHEMA, "User", "A person of the ENS+ Person list", &model.core, base),
        schema(ENTERPRISE_USER_SCHEMA, "EnterpriseUser", "Enterprise attributes of a person", &model.enterprise, base),
    ]
}

pub fn resource_types(base: &str) -> Vec<Value> {
    vec![json!({
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": "User",
        "name": "User",
        "endpoint": "/Users",
        "description": "A person ENS+ alerts",
        "schema": CORE_USER_SCHEMA,
        "schemaExtensions": [{"schema": ENTERPRISE_USER_SCHEMA, "required": false}],
        "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/User")},
    })]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_schema_lists_exactly_what_is_stored() {
        let s = schemas("https://x/portal/scim");
        let names: Vec<&str> =
            s[0]["attributes"].as_array().expect("list").iter().filter_map(|a| a["name"].as_str()).collect();
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
        let user_name = &s[0]["attributes"][0];
        assert_eq!((user_name["required"].as_bool(), user_name["uniqueness"].as_str()), (Some(true), Some("server")));
        let emails = &s[0]["attributes"][7];
        assert!(
            emails["subAttributes"]
                .as_array()
                .expect("subs")
                .iter()
                .any(|a| a["canonicalValues"] == json!(["work", "other"]))
        );
        let ext: Vec<&str> =
            s[1]["attributes"].as_array().expect("list").iter().filter_map(|a| a["name"].as_str()).collect();
        assert_eq!(ext, ["employeeNumber", "department", "division", "organization", "costCenter", "manager"]);
    }

    #[test]
    fn resource_types_offer_users_only() {
        let r = resource_types("b");
        assert_eq!(r.len(), 1);
        assert_eq!(r[0]["schemaExtensions"][0]["schema"], ENTERPRISE_USER_SCHEMA);
        let spc = service_provider_config("b", 200);
        assert_eq!(
            (spc["bulk"]["supported"].as_bool(), spc["changePassword"]["supported"].as_bool()),
            (Some(false), Some(false))
        );
    }
}
