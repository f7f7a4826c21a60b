//! Resolves a parsed SCIM filter against the User model into the domain's typed [`Filter`].
//!
//! Multi-valued attributes are stored as fixed typed elements (`emails` of type `work` and
//! `other`), so `emails[type eq "work"].value eq "x"` becomes `email_work = x`, and
//! `emails.value co "@x"` becomes `email_work LIKE … OR email_other LIKE …`: comparisons on
//! `type` are decided here, while resolving. Attributes RFC 7643 defines but ENS+ does not
//! keep (`nickName`, `emails.primary`, custom extensions) have no value: comparisons on them
//! are false (`ne` true), `pr` is false. Names that are not User attributes at all are an
//! `invalidFilter` error.

use ens_domain::{Attr, CmpOp, Filter, Timestamp, ValueType};

use super::filter::{AttrPath, Expr, Literal};
use super::model::{Attribute, Lookup, Slot, lookup};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolveError(pub String);

type Result<T> = std::result::Result<T, ResolveError>;

/// Sub-attributes every multi-valued attribute has in RFC 7643 that ENS+ does not keep.
const MULTI_NOT_STORED: &[&str] = &["primary", "display", "$ref"];

/// What a comparison on an attribute that has no value gives.
fn absent(o: Option<CmpOp>) -> Filter {
    Filter::Const(o == Some(CmpOp::Ne))
}

pub fn resolve(expr: &Expr) -> Result<Filter> {
    match expr {
        Expr::And(a, b) => Ok(resolve(a)?.and(resolve(b)?)),
        Expr::Or(a, b) => Ok(resolve(a)?.or(resolve(b)?)),
        Expr::Not(e) => Ok(resolve(e)?.not()),
        Expr::Present(p) => top_level(p, None),
        Expr::Compare(p, o, lit) => top_level(p, Some((*o, lit))),
        Expr::ValuePath(p, inner) => {
            let Lookup::Stored(Attribute::MultiValued { slots, .. }) = lookup(p.uri.as_deref(), &p.name) else {
                return match lookup(p.uri.as_deref(), &p.name) {
                    Lookup::NotStored => Ok(Filter::Const(false)),
                    Lookup::Unknown => Err(unknown(p)),
                    _ => Err(ResolveError(format!("{p} is not multi-valued: it cannot take a [filter]"))),
                };
            };
            slots
                .iter()
                .try_fold(Filter::Const(false), |acc, slot| Ok(acc.or(slot_present(slot).and(in_slot(inner, slot)?))))
        }
    }
}

fn unknown(p: &AttrPath) -> ResolveError {
    ResolveError(format!("{p} is not an attribute of a User"))
}

/// A comparison (`Some`) or presence test (`None`) on a top-level attribute path.
fn top_level(p: &AttrPath, cmp: Option<(CmpOp, &Literal)>) -> Result<Filter> {
    let o = cmp.map(|(o, _)| o);
    match lookup(p.uri.as_deref(), &p.name) {
        Lookup::Unknown => Err(unknown(p)),
        Lookup::NotStored => Ok(absent(o)),
        Lookup::ReadOnly("id") if p.sub.is_none() => on_attr(Attr::Id, cmp, p),
        Lookup::ReadOnly("meta") => match p.sub.as_deref().map(str::to_ascii_lowercase).as_deref() {
            Some("created") => on_attr(Attr::Created, cmp, p),
            Some("lastmodified") => on_attr(Attr::LastModified, cmp, p),
            Some("resourcetype") => constant("User", cmp, p),
            _ => Ok(absent(o)),
        },
        Lookup::ReadOnly("schemas") => {
            let enterprise = super::model::user_model()
                .enterprise
                .iter()
                .flat_map(Attribute::fields)
                .fold(Filter::Const(false), |acc, f| acc.or(Filter::Present(Attr::Field(f))));
            let core = constant(ens_domain::catalogue::CORE_USER_SCHEMA, cmp, p)?;
            let ext = constant(ens_domain::catalogue::ENTERPRISE_USER_SCHEMA, cmp, p)?;
            Ok(match o {
                None => Filter::Const(true),
                Some(CmpOp::Ne) => core.and(ext.or(enterprise.not())),
                Some(_) => core.or(ext.and(enterprise)),
            })
        }
        Lookup::ReadOnly(_) => Err(unknown(p)),
        Lookup::Stored(attr) => match (attr, p.sub.as_deref()) {
            (Attribute::Simple { field, .. }, None) => on_attr(Attr::Field(*field), cmp, p),
            (Attribute::Reference { field, .. }, None) => on_attr(Attr::Field(*field), cmp, p),
            (Attribute::Reference { field, .. }, Some(s)) if s.eq_ignore_ascii_case("value") => {
                on_attr(Attr::Field(*field), cmp, p)
            }
            (Attribute::Complex { subs, .. }, Some(s)) => match subs.iter().find(|(n, _)| n.eq_ignore_ascii_case(s)) {
                Some((_, field)) => on_attr(Attr::Field(*field), cmp, p),
                None => Ok(absent(o)),
            },
            (Attribute::Complex { subs, .. }, None) if cmp.is_none() => {
                Ok(subs.iter().fold(Filter::Const(false), |acc, (_, f)| acc.or(Filter::Present(Attr::Field(*f)))))
            }
            (Attribute::MultiValued { slots, .. }, sub) => {
                // `emails co "x"` compares the elements' `value`.
                let sub = sub.unwrap_or("value");
                let sub_path = AttrPath { uri: None, name: sub.to_owned(), sub: None };
                slots.iter().try_fold(Filter::Const(false), |acc, slot| {
                    let one = match cmp {
                        None if p.sub.is_none() => slot_present(slot),
                        _ => slot_term(slot, &sub_path, cmp)?,
                    };
                    Ok(acc.or(one))
                })
            }
            (Attribute::Reference { .. } | Attribute::Simple { .. }, Some(_)) => Ok(absent(o)),
            (Attribute::Complex { .. }, None) => {
                Err(ResolveError(format!("{p} is complex: compare one of its sub-attributes, e.g. {p}.givenName")))
            }
        },
    }
}

/// Whether an element of this type exists: some field of it has a value.
pub(crate) fn slot_present(slot: &Slot) -> Filter {
    slot.fields().fold(Filter::Const(false), |acc, f| acc.or(Filter::Present(Attr::Field(f))))
}

/// Resolves the filter inside `attr[…]` for one element type.
pub(crate) fn in_slot(expr: &Expr, slot: &Slot) -> Result<Filter> {
    match expr {
        Expr::And(a, b) => Ok(in_slot(a, slot)?.and(in_slot(b, slot)?)),
        Expr::Or(a, b) => Ok(in_slot(a, slot)?.or(in_slot(b, slot)?)),
        Expr::Not(e) => Ok(in_slot(e, slot)?.not()),
        Expr::Present(p) => slot_term(slot, p, None),
        Expr::Compare(p, o, lit) => slot_term(slot, p, Some((*o, lit))),
        Expr::ValuePath(p, _) => Err(ResolveError(format!("{p}[…] cannot be nested in another value filter"))),
    }
}

fn slot_term(slot: &Slot, p: &AttrPath, cmp: Option<(CmpOp, &Literal)>) -> Result<Filter> {
    if p.uri.is_some() || p.sub.is_some() {
        return Err(ResolveError(format!("{p} is not a sub-attribute")));
    }
    if p.name.eq_ignore_ascii_case("type") {
        return constant(slot.type_name, cmp, p);
    }
    if let Some(field) = slot.field(&p.name) {
        return on_attr(Attr::Field(field), cmp, p);
    }
    let o = cmp.map(|(o, _)| o);
    let known_elsewhere = super::model::user_model()
        .core
        .iter()
        .any(|a| matches!(a, Attribute::MultiValued { slots, .. } if slots.iter().any(|s| s.field(&p.name).is_some())));
    if known_elsewhere || MULTI_NOT_STORED.iter().any(|n| n.eq_ignore_ascii_case(&p.name)) {
        // e.g. `streetAddress` of an `other` address, or `primary`: no value here.
        Ok(absent(o))
    } else {
        Err(ResolveError(format!("{} is not a sub-attribute here", p.name)))
    }
}

/// A comparison whose left side is a fixed string (an element's `type`), decided now with
/// the semantics of [`Filter::matches`] (ASCII case folding).
fn constant(actual: &str, cmp: Option<(CmpOp, &Literal)>, p: &AttrPath) -> Result<Filter> {
    let Some((o, lit)) = cmp else { return Ok(Filter::Const(true)) };
    let value = match lit {
        Literal::Str(s) => s.to_ascii_lowercase(),
        Literal::Null => return Ok(Filter::Const(o == CmpOp::Ne)),
        _ => return Err(ResolveError(format!("{p} compares with a string"))),
    };
    let a = actual.to_ascii_lowercase();
    Ok(Filter::Const(match o {
        CmpOp::Eq => a == value,
        CmpOp::Ne => a != value,
        CmpOp::Co => a.contains(&value),
        CmpOp::Sw => a.starts_with(&value),
        CmpOp::Ew => a.ends_with(&value),
        CmpOp::Gt => a > value,
        CmpOp::Ge => a >= value,
        CmpOp::Lt => a < value,
        CmpOp::Le => a <= value,
    }))
}

/// A comparison or presence test on one stored attribute, with the literal checked against
/// the attribute's type.
fn on_attr(attr: Attr, cmp: Option<(CmpOp, &Literal)>, p: &AttrPath) -> Result<Filter> {
    let Some((o, lit)) = cmp else { return Ok(Filter::Present(attr)) };
    let bad = |e: ens_domain::FilterError| ResolveError(format!("{p}: {e}"));
    if *lit == Literal::Null {
        // `x eq null` asks for an absent value.
        let present = Filter::Present(attr);
        return match o {
            CmpOp::Eq => Ok(present.not()),
            CmpOp::Ne => Ok(present),
            _ => Err(ResolveError(format!("{p}: null can only be compared with eq or ne"))),
        };
    }
    match attr.kind() {
        ens_domain::AttrKind::Bool => {
            let b = match lit {
                Literal::Bool(b) => *b,
                Literal::Str(s) if s.eq_ignore_ascii_case("true") => true,
                Literal::Str(s) if s.eq_ignore_ascii_case("false") => false,
                _ => return Err(ResolveError(format!("{p} compares with true or false"))),
            };
            Filter::boolean(attr, o, b).map_err(bad)
        }
        ens_domain::AttrKind::Time => match lit {
            Literal::Str(s) => match Timestamp::parse_rfc3339(s) {
                Some(t) => Filter::time(attr, o, t).map_err(bad),
                None => Err(ResolveError(format!("{p} compares with a date-time such as 2026-01-31T12:00:00Z"))),
            },
            _ => Err(ResolveError(format!("{p} compares with a date-time string"))),
        },
        ens_domain::AttrKind::Text { .. } => {
            let s = match lit {
                Literal::Str(s) => s.clone(),
                // An employee number written as a number still means its digits.
                Literal::Number(n) if matches!(attr, Attr::Field(f) if f.value_type() == ValueType::Identifier) => {
                    format!("{n}")
                }
                _ => return Err(ResolveError(format!("{p} compares with a string"))),
            };
            Filter::text(attr, o, s).map_err(bad)
        }
    }
}

/// Resolves a `sortBy` attribute.
pub fn sort_attr(path: &AttrPath) -> Result<Option<Attr>> {
    Ok(match top_level(path, None)? {
        Filter::Present(attr) => Some(attr),
        // Multi-valued: sort by the first typed element's value (work before other).
        Filter::Or(a, _) => match *a {
            Filter::Present(attr) => Some(attr),
            _ => None,
        },
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use ens_domain::Field;

    use super::*;
    use crate::scim::filter::parse_filter;

    fn r(f: &str) -> Filter {
        resolve(&parse_filter(f).expect("parses")).unwrap_or_else(|e| panic!("{f}: {e:?}"))
    }

    fn text(f: Field, o: CmpOp, v: &str) -> Filter {
        Filter::text(Attr::Field(f), o, v).expect("text")
    }

    #[test]
    fn entra_lookups_become_single_column_comparisons() {
        assert_eq!(r(r#"userName eq "jdoe@contoso.com""#), text(Field::UserName, CmpOp::Eq, "jdoe@contoso.com"));
        assert_eq!(r(r#"USERNAME EQ "x""#), text(Field::UserName, CmpOp::Eq, "x"));
        assert_eq!(r(r#"externalId eq "jdoe""#), text(Field::ExternalId, CmpOp::Eq, "jdoe"));
        assert_eq!(
            r(r#"emails[type eq "work"].value eq "jdoe@contoso.com""#),
            Filter::Present(Attr::Field(Field::EmailWork)).and(text(Field::EmailWork, CmpOp::Eq, "jdoe@contoso.com"))
        );
        assert_eq!(
            r(r#"urn:ietf:params:scim:schemas:core:2.0:User:userName eq "x""#),
            text(Field::UserName, CmpOp::Eq, "x")
        );
        assert_eq!(
            r(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "4711""#),
            text(Field::EmployeeNumber, CmpOp::Eq, "4711")
        );
        assert_eq!(
            r(r#"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m""#),
            text(Field::Manager, CmpOp::Eq, "m")
        );
    }

    #[test]
    fn multi_valued_attributes_expand_over_their_types() {
        assert_eq!(
            r(r#"emails.value co "@contoso""#),
            text(Field::EmailWork, CmpOp::Co, "@contoso").or(text(Field::EmailOther, CmpOp::Co, "@contoso"))
        );
        assert_eq!(r(r#"emails co "@contoso""#), r(r#"emails.value co "@contoso""#));
        assert_eq!(r(r#"phoneNumbers[type eq "fax"]"#), Filter::Present(Attr::Field(Field::PhoneFax)));
        assert_eq!(r(r#"emails.type eq "work""#), Filter::Const(true));
        assert_eq!(r(r#"addresses[type eq "other" and locality eq "Bern"]"#), Filter::Const(false));
        assert_eq!(
            r(r#"addresses[locality eq "Bern"]"#),
            Filter::Present(Attr::Field(Field::WorkStreetAddress))
                .or(Filter::Present(Attr::Field(Field::WorkLocality)))
                .or(Filter::Present(Attr::Field(Field::WorkRegion)))
                .or(Filter::Present(Attr::Field(Field::WorkPostalCode)))
                .or(Filter::Present(Attr::Field(Field::WorkCountry)))
                .or(Filter::Present(Attr::Field(Field::WorkFormattedAddress)))
                .and(text(Field::WorkLocality, CmpOp::Eq, "Bern"))
        );
        assert_eq!(
            r("emails pr"),
            Filter::Present(Attr::Field(Field::EmailWork)).or(Filter::Present(Attr::Field(Field::EmailOther)))
        );
    }

    #[test]
    fn attributes_we_do_not_keep_have_no_value() {
        assert_eq!(r(r#"nickName eq "x""#), Filter::Const(false));
        assert_eq!(r(r#"nickName ne "x""#), Filter::Const(true));
        assert_eq!(r("roles pr"), Filter::Const(false));
        assert_eq!(r(r#"emails[primary eq true]"#), Filter::Const(false));
        assert_eq!(r(r#"urn:contoso:ext:1.0:User:badge eq "x""#), Filter::Const(false));
        assert_eq!(r(r#"name.middleName pr"#), Filter::Const(false));
    }

    #[test]
    fn types_and_meta() {
        assert_eq!(r("active eq true"), Filter::boolean(Attr::Field(Field::Active), CmpOp::Eq, true).expect("bool"));
        assert_eq!(
            r(r#"active eq "False""#),
            Filter::boolean(Attr::Field(Field::Active), CmpOp::Eq, false).expect("bool")
        );
        assert_eq!(
            r(r#"meta.lastModified gt "2011-05-13T04:42:34Z""#),
            Filter::time(Attr::LastModified, CmpOp::Gt, Timestamp::parse_rfc3339("2011-05-13T04:42:34Z").expect("ts"))
                .expect("time")
        );
        assert_eq!(r(r#"meta.resourceType eq "User""#), Filter::Const(true));
        assert_eq!(r(r#"id eq "abc""#), Filter::text(Attr::Id, CmpOp::Eq, "abc").expect("id"));
        assert_eq!(r("title eq null"), Filter::Present(Attr::Field(Field::Title)).not());
        assert_eq!(r(r#"schemas eq "urn:ietf:params:scim:schemas:core:2.0:User""#), Filter::Const(true));
    }

    #[test]
    fn errors() {
        for f in [
            r#"shoeSize eq "42""#,
            r#"userName eq true"#,
            r#"active eq "maybe""#,
            r#"active gt true"#,
            r#"meta.created gt "yesterday""#,
            r#"userName[type eq "work"]"#,
            r#"name eq "x""#,
            r#"emails[value[type eq "x"]]"#,
            r#"emails[shoe eq "x"]"#,
        ] {
            assert!(resolve(&parse_filter(f).expect("parses")).is_err(), "{f}");
        }
    }
}
