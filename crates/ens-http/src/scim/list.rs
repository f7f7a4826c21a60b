//! Listing: query parameters (or a `.search` body) into a [`PersonQuery`], the
//! ListResponse, and `attributes` / `excludedAttributes` projection.

use std::collections::HashMap;

use ens_domain::catalogue::ENTERPRISE_USER_SCHEMA;
use ens_domain::{Filter, PersonQuery, Sort};
use serde_json::{Map, Value, json};

use super::error::{ScimError, ScimType};
use super::filter::{AttrPath, parse_attr_path, parse_filter};
use super::resolve::{resolve, sort_attr};

pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

/// A list request, whichever way it came.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListRequest {
    pub filter: Option<String>,
    pub start_index: Option<i64>,
    pub count: Option<i64>,
    pub sort_by: Option<String>,
    pub sort_order: Option<String>,
    pub projection: Projection,
}

fn invalid_value(detail: impl Into<String>) -> ScimError {
    ScimError::bad_request(ScimType::InvalidValue, detail)
}

fn parse_int(name: &str, raw: &str) -> Result<i64, ScimError> {
    raw.trim().parse::<i64>().map_err(|_| invalid_value(format!("{name} must be an integer, got {raw:?}")))
}

fn split_list(raw: &str) -> Vec<String> {
    raw.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned).collect()
}

impl ListRequest {
    /// From `?filter=…&startIndex=…` (parameter names in any case; unknown ones, such as
    /// `aadOptscim062020`, ignored).
    pub fn from_query(params: &HashMap<String, String>) -> Result<Self, ScimError> {
        let get = |name: &str| params.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
        Ok(Self {
            filter: get("filter").map(str::to_owned),
            start_index: get("startIndex").map(|v| parse_int("startIndex", v)).transpose()?,
            count: get("count").map(|v| parse_int("count", v)).transpose()?,
            sort_by: get("sortBy").map(str::to_owned),
            sort_order: get("sortOrder").map(str::to_owned),
            projection: Projection::parse(
                get("attributes").map(split_list),
                get("excludedAttributes").map(split_list),
            )?,
        })
    }

    /// From a `POST …/.search` body.
    pub fn from_search(body: &Value) -> Result<Self, ScimError> {
        let Value::Object(obj) = body else {
            return Err(ScimError::bad_request(ScimType::InvalidSyntax, "a SearchRequest must be a JSON object"));
        };
        let get = |name: &str| obj.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        let string = |name: &str| -> Result<Option<String>, ScimError> {
            match get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.clone())),
                Some(v) => Err(invalid_value(format!("{name} must be a string, got {v}"))),
            }
        };
        let int = |name: &str| -> Result<Option<i64>, ScimError> {
            match get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::Number(n)) => {
                    n.as_i64().map(Some).ok_or_else(|| invalid_value(format!("{name} must be an integer")))
                }
                Some(Value::String(s)) => parse_int(name, s).map(Some),
                Some(v) => Err(invalid_value(format!("{name} must be an integer, got {v}"))),
            }
        };
        let list = |name: &str| -> Result<Option<Vec<String>>, ScimError> {
            match get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(split_list(s))),
                Some(Value::Array(items)) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_owned).ok_or_else(|| invalid_value(format!("{name} must list strings")))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                Some(v) => Err(invalid_value(format!("{name} must be an array of strings, got {v}"))),
            }
        };
        Ok(Self {
            filter: string("filter")?,
            start_index: int("startIndex")?,
            count: int("count")?,
            sort_by: string("sortBy")?,
            sort_order: string("sortOrder")?,
            projection: Projection::parse(list("attributes")?, list("excludedAttributes")?)?,
        })
    }

    /// The 1-based index of the first result, as the answer states it.
    pub fn start_index(&self) -> u64 {
        u64::try_from(self.start_index.unwrap_or(1).max(1)).unwrap_or(1)
    }

    /// The domain query: filter resolved and typed, page bounded by `max_page`.
    pub fn to_query(&self, max_page: u64) -> Result<PersonQuery, ScimError> {
        let filter = match self.filter.as_deref().map(str::trim) {
            None | Some("") => Filter::Const(true),
            Some(f) => {
                let expr = parse_filter(f)
                    .map_err(|e| ScimError::bad_request(ScimType::InvalidFilter, format!("invalid filter: {e}")))?;
                resolve(&expr).map_err(|e| ScimError::bad_request(ScimType::InvalidFilter, e.0))?
            }
        };
        let sort = match self.sort_by.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let path = parse_attr_path(s, 0).map_err(|e| invalid_value(format!("sortBy: {e}")))?;
                let attr = sort_attr(&path)
                    .map_err(|e| invalid_value(format!("sortBy: {}", e.0)))?
                    .ok_or_else(|| invalid_value(format!("sortBy: ENS+ cannot sort by {s}")))?;
                let descending = match self.sort_order.as_deref().map(str::to_ascii_lowercase).as_deref() {
                    None | Some("ascending") => false,
                    Some("descending") => true,
                    Some(o) => {
                        return Err(invalid_value(format!("sortOrder must be ascending or descending, got {o:?}")));
                    }
                };
                Some(Sort { attr, descending })
            }
        };
        let count = self.count.unwrap_or(i64::try_from(max_page).unwrap_or(i64::MAX)).max(0);
        Ok(PersonQuery {
            filter,
            sort,
            offset: self.start_index() - 1,
            limit: u64::try_from(count).unwrap_or(0).min(max_page),
        })
    }
}

/// `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Projection {
    include: Option<Vec<AttrPath>>,
    exclude: Vec<AttrPath>,
}

/// Attributes a client cannot leave out.
const ALWAYS: &[&str] = &["id", "schemas"];

impl Projection {
    pub fn parse(include: Option<Vec<String>>, exclude: Option<Vec<String>>) -> Result<Self, ScimError> {
        let paths = |list: Vec<String>| -> Result<Vec<AttrPath>, ScimError> {
            list.iter()
                .map(|s| {
                    // The whole extension (`urn:…:enterprise:2.0:User`) is a valid entry.
                    if s.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA) {
                        return Ok(AttrPath { uri: None, name: ENTERPRISE_USER_SCHEMA.into(), sub: None });
                    }
                    parse_attr_path(s, 0).map_err(|e| invalid_value(format!("attributes: {e}")))
                })
                .collect()
        };
        Ok(Self { include: include.map(paths).transpose()?, exclude: paths(exclude.unwrap_or_default())? })
    }

    pub fn is_identity(&self) -> bool {
        self.include.is_none() && self.exclude.is_empty()
    }

    /// Applies the projection to a rendered resource.
    pub fn apply(&self, resource: &mut Value) {
        let Value::Object(obj) = resource else { return };
        if let Some(include) = &self.include {
            let mut kept = Map::new();
            for (key, value) in std::mem::take(obj) {
                if ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&key)) {
                    kept.insert(key, value);
                } else if key.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA) {
                    let Value::Object(ext) = value else { continue };
                    let whole = include.iter().any(|p| p.name.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA));
                    let ext: Map<String, Value> = ext
                        .into_iter()
                        .filter_map(|(k, v)| {
                            let wanted: Vec<&AttrPath> = include
                                .iter()
                                .filter(|p| {
                                    p.uri.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA))
                                        || p.uri.is_none()
                                })
                                .filter(|p| p.name.eq_ignore_ascii_case(&k))
                                .collect();
                            if whole { Some((k, v)) } else { keep(&wanted, v).map(|v| (k, v)) }
                        })
                        .collect();
                    if !ext.is_empty() {
                        kept.insert(key, Value::Object(ext));
                    }
                } else {
                    let wanted: Vec<&AttrPath> = include
                        .iter()
                        .filter(|p| p.uri.as_deref().is_none_or(|u| !u.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA)))
                        .filter(|p| p.name.eq_ignore_ascii_case(&key))
                        .collect();
                    if let Some(v) = keep(&wanted, value) {
                        kept.insert(key, v);
                    }
                }
            }
            *obj = kept;
        }
        for p in &self.exclude {
            if ALWAYS.iter().any(|a| a.eq_ignore_ascii_case(&p.name)) {
                continue;
            }
            let in_ext = p.uri.as_deref().is_some_and(|u| u.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA));
            if p.name.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA) {
                obj.retain(|k, _| !k.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA));
                continue;
            }
            let target = if in_ext {
                match obj.iter_mut().find(|(k, _)| k.eq_ignore_ascii_case(ENTERPRISE_USER_SCHEMA)) {
                    Some((_, Value::Object(ext))) => ext,
                    _ => continue,
                }
            } else {
                &mut *obj
            };
            remove(target, p);
        }
    }
}

/// Keeps `value` if some wanted path names it; a path with a sub-attribute keeps only that.
fn keep(wanted: &[&AttrPath], value: Value) -> Option<Value> {
    if wanted.is_empty() {
        return None;
    }
    if wanted.iter().any(|p| p.sub.is_none()) {
        return Some(value);
    }
    let subs: Vec<&str> = wanted.iter().filter_map(|p| p.sub.as_deref()).collect();
    let pick = |o: Map<String, Value>| -> Map<String, Value> {
        o.into_iter().filter(|(k, _)| subs.iter().any(|s| s.eq_ignore_ascii_case(k))).collect()
    };
    match value {
        Value::Object(o) => Some(Value::Object(pick(o))),
        Value::Array(items) => Some(Value::Array(
            items
                .into_iter()
                .map(|i| match i {
                    Value::Object(o) => Value::Object(pick(o)),
                    other => other,
                })
                .collect(),
        )),
        other => Some(other),
    }
}

fn remove(obj: &mut Map<String, Value>, p: &AttrPath) {
    let Some(key) = obj.keys().find(|k| k.eq_ignore_ascii_case(&p.name)).cloned() else { return };
    match &p.sub {
        None => {
            obj.remove(&key);
        }
        Some(sub) => match obj.get_mut(&key) {
            Some(Value::Object(o)) => o.retain(|k, _| !k.eq_ignore_ascii_case(sub)),
            Some(Value::Array(items)) => {
                for i in items {
                    if let Value::Object(o) = i {
                        o.retain(|k, _| !k.eq_ignore_ascii_case(sub));
                    }
                }
            }
            _ => {}
        },
    }
}

/// The ListResponse.
pub fn list_response(resources: Vec<Value>, total: u64, start_index: u64) -> Value {
    let items = resources.len();
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "Resources": resources,
        "startIndex": start_index,
        "itemsPerPage": items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn paging_is_bounded_and_forgiving() {
        let r =
            ListRequest::from_query(&q(&[("startIndex", "0"), ("count", "-3"), ("aadOptscim062020", "")])).expect("ok");
        let query = r.to_query(200).expect("ok");
        assert_eq!((r.start_index(), query.offset, query.limit), (1, 0, 0));
        let r = ListRequest::from_query(&q(&[("STARTINDEX", "11"), ("Count", "5000")])).expect("ok");
        let query = r.to_query(200).expect("ok");
        assert_eq!((r.start_index(), query.offset, query.limit), (11, 10, 200));
        assert!(ListRequest::from_query(&q(&[("count", "ten")])).is_err());
    }

    #[test]
    fn search_bodies() {
        let r = ListRequest::from_search(
            &json!({"schemas": [SEARCH_SCHEMA], "filter": "userName eq \"a\"", "startIndex": 1,
            "count": 10, "attributes": ["userName"], "sortBy": "userName", "sortOrder": "descending"}),
        )
        .expect("ok");
        let query = r.to_query(200).expect("ok");
        assert!(query.sort.expect("sorted").descending);
        assert!(ListRequest::from_search(&json!({"count": "x"})).is_err());
        assert!(ListRequest::from_search(&json!({"filter": "userName eq"})).expect("ok").to_query(200).is_err());
        assert!(ListRequest::from_search(&json!({"sortBy": "shoeSize"})).expect("ok").to_query(200).is_err());
        assert!(
            ListRequest::from_search(&json!({"sortBy": "userName", "sortOrder": "up"}))
                .expect("ok")
                .to_query(200)
                .is_err()
        );
    }

    fn user() -> Value {
        json!({"schemas": ["s"], "id": "1", "userName": "u", "name": {"givenName": "g", "familyName": "f"},
               "emails": [{"type": "work", "value": "w@x.ch"}], "meta": {"version": "W/\"1\""},
               ENTERPRISE_USER_SCHEMA: {"department": "Ops", "employeeNumber": "7"}})
    }

    #[test]
    fn attributes_keep_only_what_is_asked_and_the_id() {
        let mut v = user();
        Projection::parse(Some(vec!["userName".into(), "name.givenName".into(), "emails.value".into()]), None)
            .expect("ok")
            .apply(&mut v);
        assert_eq!(
            v,
            json!({"schemas": ["s"], "id": "1", "userName": "u", "name": {"givenName": "g"}, "emails": [{"value": "w@x.ch"}]})
        );
        let mut v = user();
        Projection::parse(Some(vec![format!("{ENTERPRISE_USER_SCHEMA}:department")]), None).expect("ok").apply(&mut v);
        assert_eq!(v, json!({"schemas": ["s"], "id": "1", ENTERPRISE_USER_SCHEMA: {"department": "Ops"}}));
    }

    #[test]
    fn excluded_attributes_are_removed_but_not_the_id() {
        let mut v = user();
        Projection::parse(
            None,
            Some(vec![
                "emails".into(),
                "id".into(),
                "name.familyName".into(),
                format!("{ENTERPRISE_USER_SCHEMA}:employeeNumber"),
            ]),
        )
        .expect("ok")
        .apply(&mut v);
        assert_eq!(v["id"], "1");
        assert!(v.get("emails").is_none());
        assert_eq!(v["name"], json!({"givenName": "g"}));
        assert_eq!(v[ENTERPRISE_USER_SCHEMA], json!({"department": "Ops"}));
    }
}
