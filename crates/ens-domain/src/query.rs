//! Queries over an enterprise's persons: a filter, an order and a page.
//!
//! SCIM filters are translated into [`Filter`] by the HTTP adapter and into SQL by the store.
//! [`Filter::matches`] and [`PersonQuery::sort`] define the semantics; every store must give
//! the same answers (the store test suite checks it against this evaluator).
//!
//! - A comparison on an absent value is false; `ne` is the negation of `eq`, so an absent value
//!   is "not equal".
//! - Text is compared without regard to case unless the field is case-exact
//!   ([`ValueType::is_case_exact`]): `userName` folds Unicode case (as its unique index does),
//!   other text folds ASCII letters only (what SQLite's and PostgreSQL's `lower()` do under
//!   the byte-order collation the stores use). Ordering comparisons compare code points.
//! - Sorting puts absent values last, then breaks ties by id.

use std::cmp::Ordering;

use crate::catalogue::{Field, ValueType};
use crate::health::Channels;
use crate::person::{Person, Source};
use crate::time::Timestamp;
use crate::values::normalize_user_name;

/// What a filter or sort can name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Attr {
    Field(Field),
    Id,
    Created,
    LastModified,
}

/// The kind of value an attribute holds, for checking a filter before it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttrKind {
    Text { case_exact: bool },
    Bool,
    Time,
}

impl Attr {
    pub fn kind(self) -> AttrKind {
        match self {
            Attr::Id => AttrKind::Text { case_exact: true },
            Attr::Created | Attr::LastModified => AttrKind::Time,
            Attr::Field(f) => match f.value_type() {
                ValueType::Boolean => AttrKind::Bool,
                t => AttrKind::Text { case_exact: t.is_case_exact() },
            },
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Co,
    Sw,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

impl CmpOp {
    pub fn is_ordering(self) -> bool {
        matches!(self, CmpOp::Gt | CmpOp::Ge | CmpOp::Lt | CmpOp::Le)
    }

    pub fn is_substring(self) -> bool {
        matches!(self, CmpOp::Co | CmpOp::Sw | CmpOp::Ew)
    }

    fn holds(self, ord: Ordering) -> bool {
        match self {
            CmpOp::Eq => ord == Ordering::Equal,
            CmpOp::Ne => ord != Ordering::Equal,
            CmpOp::Gt => ord == Ordering::Greater,
            CmpOp::Ge => ord != Ordering::Less,
            CmpOp::Lt => ord == Ordering::Less,
            CmpOp::Le => ord != Ordering::Greater,
            CmpOp::Co | CmpOp::Sw | CmpOp::Ew => false,
        }
    }
}

/// Why a filter cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("the operator {op:?} cannot be used on {attr}")]
    OperatorNotApplicable { attr: String, op: CmpOp },
}

/// A typed filter over persons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    Const(bool),
    Present(Attr),
    Text {
        attr: Attr,
        op: CmpOp,
        value: String,
    },
    Bool {
        attr: Attr,
        op: CmpOp,
        value: bool,
    },
    Time {
        attr: Attr,
        op: CmpOp,
        value: Timestamp,
    },
    /// Persons from this source. The next three are principals' filters: no SCIM filter
    /// names them.
    Source(Source),
    /// Persons whose channels ([`crate::health::Channels`]) are one of these.
    ChannelsIn(Vec<Channels>),
    /// Inactive persons who became inactive before this time.
    InactiveBefore(Timestamp),
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
}

fn attr_name(attr: Attr) -> String {
    match attr {
        Attr::Field(f) => f.scim_path(),
        Attr::Id => "id".into(),
        Attr::Created => "meta.created".into(),
        Attr::LastModified => "meta.lastModified".into(),
    }
}

impl Filter {
    /// A text comparison; the attribute must hold text.
    pub fn text(attr: Attr, op: CmpOp, value: impl Into<String>) -> Result<Filter, FilterError> {
        match attr.kind() {
            AttrKind::Text { .. } => Ok(Filter::Text { attr, op, value: value.into() }),
            _ => Err(FilterError::OperatorNotApplicable { attr: attr_name(attr), op }),
        }
    }

    /// A boolean comparison: only `eq` and `ne` on a boolean attribute.
    pub fn boolean(attr: Attr, op: CmpOp, value: bool) -> Result<Filter, FilterError> {
        match (attr.kind(), op) {
            (AttrKind::Bool, CmpOp::Eq | CmpOp::Ne) => Ok(Filter::Bool { attr, op, value }),
            _ => Err(FilterError::OperatorNotApplicable { attr: attr_name(attr), op }),
        }
    }

    /// A date-time comparison: no substring operators.
    pub fn time(attr: Attr, op: CmpOp, value: Timestamp) -> Result<Filter, FilterError> {
        match attr.kind() {
            AttrKind::Time if !op.is_substring() => Ok(Filter::Time { attr, op, value }),
            _ => Err(FilterError::OperatorNotApplicable { attr: attr_name(attr), op }),
        }
    }

    pub fn and(self, other: Filter) -> Filter {
        match (self, other) {
            (Filter::Const(false), _) | (_, Filter::Const(false)) => Filter::Const(false),
            (Filter::Const(true), f) | (f, Filter::Const(true)) => f,
            (a, b) => Filter::And(Box::new(a), Box::new(b)),
        }
    }

    pub fn or(self, other: Filter) -> Filter {
        match (self, other) {
            (Filter::Const(true), _) | (_, Filter::Const(true)) => Filter::Const(true),
            (Filter::Const(false), f) | (f, Filter::Const(false)) => f,
            (a, b) => Filter::Or(Box::new(a), Box::new(b)),
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Filter {
        match self {
            Filter::Const(b) => Filter::Const(!b),
            Filter::Not(inner) => *inner,
            f => Filter::Not(Box::new(f)),
        }
    }

    /// The reference semantics.
    pub fn matches(&self, p: &Person) -> bool {
        match self {
            Filter::Const(b) => *b,
            Filter::Present(attr) => match attr {
                Attr::Field(f) => p.values.get(*f).is_some(),
                Attr::Id | Attr::Created | Attr::LastModified => true,
            },
            Filter::Text { attr, op, value } => {
                let Some(actual) = text_of(p, *attr) else {
                    return *op == CmpOp::Ne;
                };
                let (a, v) = (fold_case(*attr, &actual), fold_case(*attr, value));
                match op {
                    CmpOp::Co => a.contains(&v),
                    CmpOp::Sw => a.starts_with(&v),
                    CmpOp::Ew => a.ends_with(&v),
                    op => op.holds(a.as_str().cmp(v.as_str())),
                }
            }
            Filter::Bool { attr, op, value } => {
                let actual = match attr {
                    Attr::Field(f) => p.values.get(*f).and_then(|v| v.as_bool()),
                    _ => None,
                };
                match actual {
                    Some(a) => op.holds(a.cmp(value)),
                    None => *op == CmpOp::Ne,
                }
            }
            Filter::Time { attr, op, value } => match time_of(p, *attr) {
                Some(t) => op.holds(t.cmp(value)),
                None => *op == CmpOp::Ne,
            },
            Filter::Source(s) => p.source == *s,
            Filter::ChannelsIn(set) => set.contains(&Channels::of(&p.values)),
            Filter::InactiveBefore(t) => !p.values.active() && p.inactive_since.is_some_and(|since| since < *t),
            Filter::And(a, b) => a.matches(p) && b.matches(p),
            Filter::Or(a, b) => a.matches(p) || b.matches(p),
            Filter::Not(f) => !f.matches(p),
        }
    }
}

/// The form in which text of `attr` is compared and sorted.
pub fn fold_case(attr: Attr, s: &str) -> String {
    match attr.kind() {
        AttrKind::Text { case_exact: true } => s.to_owned(),
        _ if attr == Attr::Field(Field::UserName) => normalize_user_name(s),
        _ => s.to_ascii_lowercase(),
    }
}

fn text_of(p: &Person, attr: Attr) -> Option<String> {
    match attr {
        Attr::Field(f) => p.values.text(f).map(str::to_owned),
        Attr::Id => Some(p.id.to_string()),
        Attr::Created | Attr::LastModified => None,
    }
}

fn time_of(p: &Person, attr: Attr) -> Option<Timestamp> {
    match attr {
        Attr::Created => Some(p.created_at),
        Attr::LastModified => Some(p.updated_at),
        _ => None,
    }
}

/// An order for a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    pub attr: Attr,
    pub descending: bool,
}

/// A filtered, ordered page of an enterprise's persons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PersonQuery {
    pub filter: Filter,
    pub sort: Option<Sort>,
    /// How many matching persons to skip.
    pub offset: u64,
    /// How many to return at most.
    pub limit: u64,
}

impl PersonQuery {
    pub fn all(limit: u64) -> Self {
        Self { filter: Filter::Const(true), sort: None, offset: 0, limit }
    }

    /// The reference order: the sort attribute (absent values last), then id ascending.
    pub fn compare(&self, a: &Person, b: &Person) -> Ordering {
        let primary = match self.sort {
            None => Ordering::Equal,
            Some(Sort { attr, descending }) => {
                let key = |p: &Person| -> Option<SortKey> {
                    match attr.kind() {
                        AttrKind::Time => time_of(p, attr).map(SortKey::Time),
                        AttrKind::Bool => match attr {
                            Attr::Field(f) => p.values.get(f).and_then(|v| v.as_bool()).map(SortKey::Bool),
                            _ => None,
                        },
                        AttrKind::Text { .. } => text_of(p, attr).map(|s| SortKey::Text(fold_case(attr, &s))),
                    }
                };
                match (key(a), key(b)) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(x), Some(y)) if descending => y.cmp(&x),
                    (Some(x), Some(y)) => x.cmp(&y),
                }
            }
        };
        primary.then_with(|| a.id.cmp(&b.id))
    }

    /// Applies filter, order and page to persons held in memory: the semantics stores match.
    /// Returns the page and the number of matches.
    pub fn run_in_memory<'a>(&self, persons: impl IntoIterator<Item = &'a Person>) -> (Vec<Person>, u64) {
        let mut hits: Vec<&Person> = persons.into_iter().filter(|p| self.filter.matches(p)).collect();
        hits.sort_by(|a, b| self.compare(a, b));
        let total = hits.len() as u64;
        let page = hits
            .into_iter()
            .skip(usize::try_from(self.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(self.limit).unwrap_or(usize::MAX))
            .cloned()
            .collect();
        (page, total)
    }
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum SortKey {
    Text(String),
    Bool(bool),
    Time(Timestamp),
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::ids::{EnterpriseId, PersonId};
    use crate::person::{FieldChange, PersonValues, Source};

    fn person(n: u128, user: &str, changes: &[FieldChange]) -> Person {
        let mut values = PersonValues::from_changes(&[FieldChange::set(Field::UserName, user)]).expect("valid");
        values.apply(changes).expect("valid");
        Person {
            id: PersonId::from_uuid(Uuid::from_u128(n)),
            enterprise_id: EnterpriseId::from_uuid(Uuid::nil()),
            source: Source::Scim,
            values,
            version: 1,
            created_at: Timestamp::from_micros(n as i64 * 10),
            updated_at: Timestamp::from_micros(n as i64 * 10 + 5),
            scim_updated_at: None,
            inactive_since: None,
        }
    }

    fn text(f: Field, op: CmpOp, v: &str) -> Filter {
        Filter::text(Attr::Field(f), op, v).expect("text attr")
    }

    #[test]
    fn text_comparisons_ignore_case_unless_case_exact() {
        let p = person(1, "JDoe@Contoso.com", &[FieldChange::set(Field::ExternalId, "AbC")]);
        assert!(text(Field::UserName, CmpOp::Eq, "jdoe@contoso.COM").matches(&p));
        assert!(text(Field::UserName, CmpOp::Sw, "JDOE").matches(&p));
        assert!(text(Field::UserName, CmpOp::Ew, ".COM").matches(&p));
        assert!(text(Field::UserName, CmpOp::Co, "@CONTOSO").matches(&p));
        assert!(text(Field::ExternalId, CmpOp::Eq, "AbC").matches(&p));
        assert!(!text(Field::ExternalId, CmpOp::Eq, "abc").matches(&p));
        assert!(text(Field::UserName, CmpOp::Gt, "j").matches(&p));
        assert!(!text(Field::UserName, CmpOp::Lt, "j").matches(&p));
        // Unicode case folding for userName, ASCII folding elsewhere (as the stores do).
        let u = person(2, "ÄRGER", &[FieldChange::set(Field::Title, "ÄRGER")]);
        assert!(text(Field::UserName, CmpOp::Eq, "ärger").matches(&u));
        assert!(!text(Field::Title, CmpOp::Eq, "ärger").matches(&u));
        assert!(text(Field::Title, CmpOp::Eq, "Ärger").matches(&u));
    }

    #[test]
    fn absent_values_match_only_ne_and_not() {
        let p = person(1, "a", &[]);
        assert!(!text(Field::Title, CmpOp::Eq, "x").matches(&p));
        assert!(!text(Field::Title, CmpOp::Gt, "").matches(&p));
        assert!(text(Field::Title, CmpOp::Ne, "x").matches(&p));
        assert!(text(Field::Title, CmpOp::Eq, "x").not().matches(&p));
        assert!(!Filter::Present(Attr::Field(Field::Title)).matches(&p));
        assert!(Filter::Present(Attr::Field(Field::Active)).matches(&p));
    }

    #[test]
    fn types_are_checked() {
        assert!(Filter::text(Attr::Field(Field::Active), CmpOp::Eq, "true").is_err());
        assert!(Filter::boolean(Attr::Field(Field::Active), CmpOp::Gt, true).is_err());
        assert!(Filter::boolean(Attr::Field(Field::Title), CmpOp::Eq, true).is_err());
        assert!(Filter::time(Attr::Created, CmpOp::Co, Timestamp::UNIX_EPOCH).is_err());
        assert!(Filter::time(Attr::Field(Field::Title), CmpOp::Gt, Timestamp::UNIX_EPOCH).is_err());
        let p = person(3, "a", &[FieldChange::set(Field::Active, false)]);
        assert!(Filter::boolean(Attr::Field(Field::Active), CmpOp::Eq, false).expect("ok").matches(&p));
        assert!(Filter::time(Attr::Created, CmpOp::Ge, Timestamp::from_micros(30)).expect("ok").matches(&p));
        assert!(!Filter::time(Attr::LastModified, CmpOp::Lt, Timestamp::from_micros(35)).expect("ok").matches(&p));
    }

    #[test]
    fn boolean_algebra_folds_constants() {
        let f = text(Field::Title, CmpOp::Eq, "x");
        assert_eq!(f.clone().and(Filter::Const(true)), f);
        assert_eq!(f.clone().and(Filter::Const(false)), Filter::Const(false));
        assert_eq!(f.clone().or(Filter::Const(false)), f);
        assert_eq!(Filter::Const(true).or(f.clone()), Filter::Const(true));
        assert_eq!(f.clone().not().not(), f);
    }

    #[test]
    fn sorting_puts_absent_last_then_orders_by_id() {
        let a = person(1, "b", &[FieldChange::set(Field::Title, "Zed")]);
        let b = person(2, "a", &[]);
        let c = person(3, "c", &[FieldChange::set(Field::Title, "alpha")]);
        let mut q = PersonQuery::all(10);
        q.sort = Some(Sort { attr: Attr::Field(Field::Title), descending: false });
        let (page, total) = q.run_in_memory([&a, &b, &c]);
        assert_eq!(total, 3);
        assert_eq!(page.iter().map(|p| p.values.user_name().as_str()).collect::<Vec<_>>(), ["c", "b", "a"]);
        q.sort = Some(Sort { attr: Attr::Field(Field::Title), descending: true });
        let (page, _) = q.run_in_memory([&a, &b, &c]);
        assert_eq!(page.iter().map(|p| p.values.user_name().as_str()).collect::<Vec<_>>(), ["b", "c", "a"]);
        q.sort = None;
        q.offset = 1;
        q.limit = 1;
        let (page, total) = q.run_in_memory([&c, &b, &a]);
        assert_eq!((page[0].values.user_name().as_str(), total), ("a", 3));
    }
}
