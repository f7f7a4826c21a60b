//! The Person list: rows, conversion, and SCIM-style queries translated into SQL.

use diesel::dsl::sql;
use diesel::expression::BoxableExpression;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Nullable, Text};
use ens_domain::query::fold_case;
use std::collections::BTreeMap;

use ens_domain::{
    Activity, Attr, AttrKind, Channels, CmpOp, Departure, DepartureAction, DepartureLimit, EnterpriseId, EntraMark,
    Field, Filter, Person, PersonCounts, PersonId, PersonQuery, PersonValues, Sort, Source, Timestamp, UserName,
};
use ens_ports::{Deadline, PersonPage, PersonStore, PersonWrite, StoreError};

use crate::activity::insert_activity;
use crate::conn::{DbConnection, MultiBackend};
use crate::schema::{departures, entra_marks, person_counts, persons};
use crate::{DieselStore, TxError, corrupt, lock_enterprise, to_i64, to_u64};

diesel::define_sql_function! {
    /// SQL `lower()`: ASCII-only in SQLite, and in PostgreSQL under the C collation of our
    /// columns, so both backends fold case the same way.
    fn lower(x: Nullable<Text>) -> Nullable<Text>;
}

/// Generates the mapping between catalogue fields and the person columns of the same name.
macro_rules! text_columns {
    ($($variant:ident => $col:ident),* $(,)?) => {
        #[derive(Debug, Clone, Queryable, Selectable, Insertable)]
        #[diesel(table_name = persons)]
        pub(crate) struct PersonRow {
            id: String,
            enterprise_id: String,
            source: String,
            user_name: String,
            user_name_lower: String,
            active: bool,
            $($col: Option<String>,)*
            version: i64,
            created_at: i64,
            updated_at: i64,
            scim_updated_at: Option<i64>,
            channels: i32,
            inactive_since: Option<i64>,
        }

        /// What an update sets: `None` leaves a column alone. SQLite rewrites the entries of
        /// every index whose columns an UPDATE sets, changed or not; setting only what changed
        /// keeps a phone-number PATCH away from the userName, externalId and e-mail indexes
        /// (5 WAL pages per update down to 1, measured on 1M persons).
        #[derive(Debug, AsChangeset)]
        #[diesel(table_name = persons)]
        pub(crate) struct PersonChanges {
            source: Option<String>,
            user_name: Option<String>,
            user_name_lower: Option<String>,
            active: Option<bool>,
            $($col: Option<Option<String>>,)*
            version: i64,
            updated_at: Option<i64>,
            scim_updated_at: Option<Option<i64>>,
            channels: Option<i32>,
            inactive_since: Option<Option<i64>>,
        }

        impl PersonChanges {
            /// From the stored row to `new`. The version always changes, so the set is never
            /// empty.
            fn between(old: &PersonRow, new: &PersonRow) -> Self {
                fn changed<T: PartialEq + Clone>(old: &T, new: &T) -> Option<T> {
                    (old != new).then(|| new.clone())
                }
                Self {
                    source: changed(&old.source, &new.source),
                    user_name: changed(&old.user_name, &new.user_name),
                    user_name_lower: changed(&old.user_name_lower, &new.user_name_lower),
                    active: changed(&old.active, &new.active),
                    $($col: changed(&old.$col, &new.$col),)*
                    version: new.version,
                    updated_at: changed(&old.updated_at, &new.updated_at),
                    scim_updated_at: changed(&old.scim_updated_at, &new.scim_updated_at),
                    channels: changed(&old.channels, &new.channels),
                    inactive_since: changed(&old.inactive_since, &new.inactive_since),
                }
            }
        }

        /// The column of a text field (not userName, not active).
        fn text_column(field: Field) -> Option<TextExpr> {
            match field {
                $(Field::$variant => Some(Box::new(persons::$col)),)*
                _ => None,
            }
        }

        impl PersonRow {
            fn text(&self, field: Field) -> Option<&String> {
                match field {
                    $(Field::$variant => self.$col.as_ref(),)*
                    _ => None,
                }
            }

            fn from_person(p: &Person) -> Self {
                let v = &p.values;
                Self {
                    id: p.id.to_string(),
                    enterprise_id: p.enterprise_id.to_string(),
                    source: p.source.as_str().to_owned(),
                    user_name: v.user_name().as_str().to_owned(),
                    user_name_lower: v.user_name().normalized().to_owned(),
                    active: v.active(),
                    $($col: v.text(Field::$variant).map(str::to_owned),)*
                    version: to_i64(p.version),
                    created_at: p.created_at.as_micros(),
                    updated_at: p.updated_at.as_micros(),
                    scim_updated_at: p.scim_updated_at.map(Timestamp::as_micros),
                    channels: i32::from(Channels::of(v).bits()),
                    inactive_since: p.inactive_since.map(Timestamp::as_micros),
                }
            }
        }

        #[cfg(test)]
        const COLUMN_KEYS: &[(Field, &str)] = &[$((Field::$variant, stringify!($col)),)*];
    };
}

text_columns! {
    ExternalId => external_id,
    DisplayName => display_name,
    Title => title,
    PreferredLanguage => preferred_language,
    GivenName => given_name,
    FamilyName => family_name,
    FormattedName => formatted_name,
    EmailWork => email_work,
    EmailOther => email_other,
    PhoneWork => phone_work,
    PhoneMobile => phone_mobile,
    PhoneFax => phone_fax,
    WorkStreetAddress => work_street_address,
    WorkLocality => work_locality,
    WorkRegion => work_region,
    WorkPostalCode => work_postal_code,
    WorkCountry => work_country,
    WorkFormattedAddress => work_formatted_address,
    OtherFormattedAddress => other_formatted_address,
    EmployeeNumber => employee_number,
    Department => department,
    Division => division,
    Organization => organization,
    CostCenter => cost_center,
    Manager => manager,
}

/// A departure as stored (`departures`).
#[derive(Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = departures)]
struct DepartureRow {
    enterprise_id: String,
    person_id: String,
    user_name: String,
    display_name: Option<String>,
    action: String,
    at: i64,
}

impl DepartureRow {
    fn into_departure(self) -> Result<Departure, StoreError> {
        Ok(Departure {
            person_id: self.person_id.parse().map_err(|_| corrupt("departure person"))?,
            user_name: self.user_name,
            display_name: self.display_name,
            action: DepartureAction::parse(&self.action).ok_or_else(|| corrupt("departure action"))?,
            at: Timestamp::from_micros(self.at),
        })
    }
}

/// The departure rule inside a write's transaction: whether `stored` becoming `active_after`
/// (`None`: deleted) takes a person off the alert list, and if so, under `limit`, whether the
/// window allows it. Departures of an enterprise are checked one at a time: on SQLite the
/// writer lock does it; on PostgreSQL, the enterprise's `scim_imports` row is locked first
/// (other instances' departures wait for this transaction; nothing else is held up). Returns
/// the row to record with the write.
fn departing(
    c: &mut DbConnection,
    stored: &PersonRow,
    active_after: Option<bool>,
    limit: Option<&DepartureLimit>,
    at: Timestamp,
) -> Result<Option<DepartureRow>, TxError> {
    let (Some(limit), Some(action)) = (limit, DepartureAction::between(stored.active, active_after)) else {
        return Ok(None);
    };
    let e = &stored.enterprise_id;
    lock_enterprise(c, e)?;
    let departed: i64 = departures::table
        .filter(departures::enterprise_id.eq(e))
        .filter(departures::at.ge(limit.since.as_micros()))
        .count()
        .get_result(c)?;
    let mut failed = None;
    // The active SCIM persons, from the counters the writes keep (never counted here).
    let active = || {
        person_counts::table
            .filter(person_counts::enterprise_id.eq(e))
            .filter(person_counts::active.eq(true))
            .filter(person_counts::source.eq(Source::Scim.as_str()))
            .select(person_counts::n)
            .load::<i64>(c)
            .map(|stripes| stripes.into_iter().sum::<i64>())
            .map_or_else(
                |err| {
                    failed = Some(err);
                    0
                },
                to_u64,
            )
    };
    let verdict = limit.rule.allows(to_u64(departed), active);
    if let Some(err) = failed {
        return Err(err.into());
    }
    verdict.map_err(StoreError::DeparturesHeld)?;
    Ok(Some(DepartureRow {
        enterprise_id: e.clone(),
        person_id: stored.id.clone(),
        user_name: stored.user_name.clone(),
        display_name: stored.display_name.clone(),
        action: action.as_str().to_owned(),
        at: at.as_micros(),
    }))
}

/// A write's extras, owned for the writer's queue.
struct OwnedWrite {
    activity: Activity,
    departures: Option<DepartureLimit>,
    marks: Vec<EntraMark>,
    deadline: Deadline,
}

impl OwnedWrite {
    fn new(w: &PersonWrite<'_>) -> Self {
        Self {
            activity: w.activity.clone(),
            departures: w.departures.copied(),
            marks: w.marks.to_vec(),
            deadline: w.deadline.clone(),
        }
    }

    /// The activity entry and Entra's marks; then the deadline is claimed, last.
    fn finish(&self, c: &mut DbConnection, enterprise: &str) -> Result<(), TxError> {
        insert_activity(c, &self.activity)?;
        for mark in &self.marks {
            upsert_mark(c, enterprise, mark.key(), self.activity.at.as_micros())?;
        }
        self.deadline.claim_commit()?;
        Ok(())
    }
}

/// How many stripes the counters are spread over.
const STRIPES: u32 = 16;

/// The stripe of a person: from its id's last hex digit (random in time-ordered ids).
fn stripe(id: &str) -> i32 {
    id.chars().last().and_then(|c| c.to_digit(16)).map_or(0, |d| (d % STRIPES) as i32)
}

/// Keeps `person_counts` true across a write from `before` to `after` (`None`: absent).
fn recount(c: &mut DbConnection, before: Option<&PersonRow>, after: Option<&PersonRow>) -> Result<(), TxError> {
    let class = |r: &PersonRow| (r.source.clone(), r.active, r.channels);
    if before.map(class) == after.map(class) {
        return Ok(());
    }
    for (row, delta) in [(before, -1i64), (after, 1)] {
        if let Some(r) = row {
            upsert_count(c, &r.enterprise_id, stripe(&r.id), &r.source, r.active, r.channels, delta)?;
        }
    }
    Ok(())
}

/// `INSERT … ON CONFLICT DO UPDATE` is SQL both backends share, but not through diesel's
/// MultiConnection, and placeholders differ (`?`, `$n`): one statement per backend.
fn upsert_count(
    c: &mut DbConnection,
    enterprise: &str,
    stripe: i32,
    source: &str,
    active: bool,
    channels: i32,
    delta: i64,
) -> Result<(), TxError> {
    use diesel::sql_types::{BigInt, Integer};
    macro_rules! run {
        ($conn:expr, $sql:literal) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(enterprise)
                .bind::<Integer, _>(stripe)
                .bind::<Text, _>(source)
                .bind::<Bool, _>(active)
                .bind::<Integer, _>(channels)
                .bind::<BigInt, _>(delta)
                .execute($conn)
        };
    }
    match c {
        DbConnection::Sqlite(s) => run!(
            s,
            "INSERT INTO person_counts (enterprise_id, stripe, source, active, channels, n) VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (enterprise_id, stripe, source, active, channels) DO UPDATE SET n = person_counts.n + excluded.n"
        ),
        DbConnection::Pg(p) => run!(
            p,
            "INSERT INTO person_counts (enterprise_id, stripe, source, active, channels, n) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (enterprise_id, stripe, source, active, channels) DO UPDATE SET n = person_counts.n + excluded.n"
        ),
    }?;
    Ok(())
}

/// Records that Entra's request carried `mark` at `at`, unless a later time is recorded.
fn upsert_mark(c: &mut DbConnection, enterprise: &str, mark: &str, at: i64) -> Result<(), TxError> {
    use diesel::sql_types::BigInt;
    macro_rules! run {
        ($conn:expr, $sql:literal) => {
            diesel::sql_query($sql)
                .bind::<Text, _>(enterprise)
                .bind::<Text, _>(mark)
                .bind::<BigInt, _>(at)
                .execute($conn)
        };
    }
    match c {
        DbConnection::Sqlite(s) => run!(
            s,
            "INSERT INTO entra_marks (enterprise_id, mark, at) VALUES (?, ?, ?) ON CONFLICT (enterprise_id, mark) \
             DO UPDATE SET at = excluded.at WHERE excluded.at > entra_marks.at"
        ),
        DbConnection::Pg(p) => run!(
            p,
            "INSERT INTO entra_marks (enterprise_id, mark, at) VALUES ($1, $2, $3) ON CONFLICT (enterprise_id, mark) \
             DO UPDATE SET at = excluded.at WHERE excluded.at > entra_marks.at"
        ),
    }?;
    Ok(())
}

type Cond = Box<dyn BoxableExpression<persons::table, MultiBackend, SqlType = Bool>>;
type TextExpr = Box<dyn BoxableExpression<persons::table, MultiBackend, SqlType = Nullable<Text>>>;

impl PersonRow {
    fn into_person(self) -> Result<Person, StoreError> {
        let text: Vec<(Field, String)> = Field::all().filter_map(|f| self.text(f).map(|v| (f, v.clone()))).collect();
        Ok(Person {
            id: self.id.parse().map_err(|_| corrupt("id"))?,
            enterprise_id: self.enterprise_id.parse().map_err(|_| corrupt("enterprise_id"))?,
            source: Source::parse(&self.source).ok_or_else(|| corrupt("source"))?,
            values: PersonValues::restore(&self.user_name, self.active, text),
            version: to_u64(self.version),
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            scim_updated_at: self.scim_updated_at.map(Timestamp::from_micros),
            inactive_since: self.inactive_since.map(Timestamp::from_micros),
        })
    }
}

/// The attribute in the form its values are compared and sorted in (see
/// [`fold_case`]): userName's Unicode-lowercased column, a case-exact column as it is, or
/// `lower(column)`.
fn folded(attr: Attr) -> Option<TextExpr> {
    match attr {
        Attr::Id => Some(Box::new(persons::id.nullable())),
        Attr::Field(Field::UserName) => Some(Box::new(persons::user_name_lower.nullable())),
        Attr::Field(f) if f.value_type().is_case_exact() => text_column(f),
        Attr::Field(f) => text_column(f).map(|c| Box::new(lower(c)) as TextExpr),
        Attr::Created | Attr::LastModified => None,
    }
}

fn always(b: bool) -> Cond {
    Box::new(sql::<Bool>(if b { "1 = 1" } else { "1 = 0" }))
}

/// Escapes LIKE's wildcards; the pattern uses `\` as its escape character.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Translates a filter into a WHERE condition that is never NULL, so `NOT` keeps the
/// two-valued meaning of [`Filter::matches`].
fn condition(filter: &Filter) -> Cond {
    match filter {
        Filter::Const(b) => always(*b),
        Filter::Present(Attr::Field(f)) => match text_column(*f) {
            Some(col) => Box::new(col.is_not_null()),
            // userName and active are never absent.
            None => always(true),
        },
        Filter::Present(_) => always(true),
        Filter::Text { attr, op, value } => {
            let (Some(col), Some(col_again)) = (folded(*attr), folded(*attr)) else {
                return always(*op == CmpOp::Ne);
            };
            let v = fold_case(*attr, value);
            let cmp: Box<dyn BoxableExpression<persons::table, MultiBackend, SqlType = Nullable<Bool>>> = match op {
                CmpOp::Eq | CmpOp::Ne => Box::new(col.eq(v)),
                CmpOp::Gt => Box::new(col.gt(v)),
                CmpOp::Ge => Box::new(col.ge(v)),
                CmpOp::Lt => Box::new(col.lt(v)),
                CmpOp::Le => Box::new(col.le(v)),
                CmpOp::Co => Box::new(col.like(format!("%{}%", like_escape(&v))).escape('\\')),
                CmpOp::Sw => Box::new(col.like(format!("{}%", like_escape(&v))).escape('\\')),
                CmpOp::Ew => Box::new(col.like(format!("%{}", like_escape(&v))).escape('\\')),
            };
            let holds: Cond = Box::new(col_again.is_not_null().and(cmp.assume_not_null()));
            if *op == CmpOp::Ne { Box::new(diesel::dsl::not(holds)) } else { holds }
        }
        Filter::Bool { attr: Attr::Field(Field::Active), op, value } => match op {
            CmpOp::Ne => Box::new(persons::active.ne(*value)),
            _ => Box::new(persons::active.eq(*value)),
        },
        Filter::Bool { op, .. } => always(*op == CmpOp::Ne),
        Filter::Time { attr, op, value } => {
            let v = value.as_micros();
            macro_rules! cmp {
                ($col:expr) => {
                    match op {
                        CmpOp::Eq => Box::new($col.eq(v)) as Cond,
                        CmpOp::Ne => Box::new($col.ne(v)),
                        CmpOp::Gt => Box::new($col.gt(v)),
                        CmpOp::Ge => Box::new($col.ge(v)),
                        CmpOp::Lt => Box::new($col.lt(v)),
                        CmpOp::Le => Box::new($col.le(v)),
                        CmpOp::Co | CmpOp::Sw | CmpOp::Ew => always(false),
                    }
                };
            }
            match attr {
                Attr::Created => cmp!(persons::created_at),
                Attr::LastModified => cmp!(persons::updated_at),
                _ => always(*op == CmpOp::Ne),
            }
        }
        Filter::Source(source) => Box::new(persons::source.eq(source.as_str())),
        Filter::ChannelsIn(set) => {
            Box::new(persons::channels.eq_any(set.iter().map(|c| i32::from(c.bits())).collect::<Vec<_>>()))
        }
        // Only inactive persons have an `inactive_since` (every write keeps it so): the
        // condition is the index's range alone, so a count reads the index and no row (with
        // `active = false` added, SQLite fetched 100k rows at 1M persons: 130 ms). `IS NOT
        // NULL` keeps `NOT (…)` true for the active (SQL's NULL would drop them).
        Filter::InactiveBefore(t) => Box::new(
            persons::inactive_since.is_not_null().and(persons::inactive_since.lt(t.as_micros()).assume_not_null()),
        ),
        Filter::And(a, b) => Box::new(condition(a).and(condition(b))),
        Filter::Or(a, b) => Box::new(condition(a).or(condition(b))),
        Filter::Not(f) => Box::new(diesel::dsl::not(condition(f))),
    }
}

type BoxedPersons<'a> = persons::BoxedQuery<'a, MultiBackend>;

fn ordered(mut q: BoxedPersons<'static>, sort: Option<Sort>) -> BoxedPersons<'static> {
    if let Some(Sort { attr, descending }) = sort {
        match attr.kind() {
            AttrKind::Text { .. } => {
                if let (Some(a), Some(b)) = (folded(attr), folded(attr)) {
                    // Absent values last in both directions, as the reference order says.
                    // Every person has a userName: without that term the userName index
                    // gives the order, and a page stops after its rows (the "cannot be
                    // alerted" list at 1M persons sorted 10k rows first).
                    if attr != Attr::Field(Field::UserName) {
                        q = q.then_order_by(a.is_null().asc());
                    }
                    q = if descending { q.then_order_by(b.desc()) } else { q.then_order_by(b.asc()) };
                }
            }
            AttrKind::Bool => {
                q = if descending {
                    q.then_order_by(persons::active.desc())
                } else {
                    q.then_order_by(persons::active.asc())
                };
            }
            AttrKind::Time => {
                q = match (attr, descending) {
                    (Attr::Created, false) => q.then_order_by(persons::created_at.asc()),
                    (Attr::Created, true) => q.then_order_by(persons::created_at.desc()),
                    (_, false) => q.then_order_by(persons::updated_at.asc()),
                    (_, true) => q.then_order_by(persons::updated_at.desc()),
                };
            }
        }
    }
    q.then_order_by(persons::id.asc())
}

fn scoped(enterprise: EnterpriseId) -> BoxedPersons<'static> {
    persons::table.filter(persons::enterprise_id.eq(enterprise.to_string())).into_boxed()
}

impl DieselStore {
    /// The person whose Unicode-lowercased userName is `normalized`.
    fn by_user_name(&self, enterprise: EnterpriseId, normalized: &str) -> Result<Option<Person>, StoreError> {
        self.first(
            |c| {
                persons::table
                    .filter(persons::enterprise_id.eq(enterprise.to_string()))
                    .filter(persons::user_name_lower.eq(normalized))
                    .select(PersonRow::as_select())
                    .first(c)
            },
            PersonRow::into_person,
        )
    }
}

impl PersonStore for DieselStore {
    fn insert_person(&self, person: &Person, write: &PersonWrite<'_>) -> Result<(), StoreError> {
        let row = PersonRow::from_person(person);
        let w = OwnedWrite::new(write);
        self.write_grouped(move |c| {
            w.deadline.check()?;
            diesel::insert_into(persons::table).values(&row).execute(c)?;
            recount(c, None, Some(&row))?;
            w.finish(c, &row.enterprise_id)
        })
    }

    fn update_person(&self, person: &Person, write: &PersonWrite<'_>) -> Result<(), StoreError> {
        let row = PersonRow::from_person(person);
        let id = person.id.to_string();
        let enterprise = person.enterprise_id.to_string();
        let previous = to_i64(person.version.saturating_sub(1));
        let w = OwnedWrite::new(write);
        self.write_grouped(move |c| {
            w.deadline.check()?;
            let mine = || persons::table.filter(persons::id.eq(&id)).filter(persons::enterprise_id.eq(&enterprise));
            let stored: PersonRow = match mine().select(PersonRow::as_select()).first(c).optional()? {
                None => return Err(StoreError::NotFound.into()),
                Some(s) if s.version != previous => return Err(StoreError::Conflict.into()),
                Some(s) => s,
            };
            let departure = departing(c, &stored, Some(row.active), w.departures.as_ref(), w.activity.at)?;
            // The version condition stays: on PostgreSQL another instance may have written
            // the row since it was read.
            let n = diesel::update(mine().filter(persons::version.eq(previous)))
                .set(PersonChanges::between(&stored, &row))
                .execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict.into());
            }
            if let Some(d) = departure {
                diesel::insert_into(departures::table).values(&d).execute(c)?;
            }
            recount(c, Some(&stored), Some(&row))?;
            w.finish(c, &enterprise)
        })
    }

    fn delete_person(
        &self,
        enterprise: EnterpriseId,
        id: PersonId,
        version: u64,
        write: &PersonWrite<'_>,
    ) -> Result<bool, StoreError> {
        let w = OwnedWrite::new(write);
        let (id, enterprise) = (id.to_string(), enterprise.to_string());
        self.write_grouped(move |c| {
            w.deadline.check()?;
            let mine = || persons::table.filter(persons::id.eq(&id)).filter(persons::enterprise_id.eq(&enterprise));
            let Some(stored) = mine().select(PersonRow::as_select()).first(c).optional()? else {
                return Ok(false);
            };
            if stored.version != to_i64(version) {
                return Err(StoreError::Conflict.into());
            }
            let departure = departing(c, &stored, None, w.departures.as_ref(), w.activity.at)?;
            let n = diesel::delete(mine().filter(persons::version.eq(stored.version))).execute(c)?;
            if n == 0 {
                return Err(StoreError::Conflict.into());
            }
            if let Some(d) = departure {
                diesel::insert_into(departures::table).values(&d).execute(c)?;
            }
            recount(c, Some(&stored), None)?;
            w.finish(c, &enterprise)?;
            Ok(true)
        })
    }

    fn person_counts(&self, enterprise: EnterpriseId) -> Result<PersonCounts, StoreError> {
        let rows: Vec<(String, bool, i32, i64)> = self.read(|c| {
            person_counts::table
                .filter(person_counts::enterprise_id.eq(enterprise.to_string()))
                .select((person_counts::source, person_counts::active, person_counts::channels, person_counts::n))
                .load(c)
        })?;
        let mut counts = PersonCounts::default();
        for (source, active, channels, n) in rows {
            let source = Source::parse(&source).ok_or_else(|| corrupt("person_counts source"))?;
            let channels = u8::try_from(channels).map_err(|_| corrupt("person_counts channels"))?;
            counts.add(source, active, Channels::from_bits(channels), n);
        }
        Ok(counts)
    }

    fn mark_entra(&self, enterprise: EnterpriseId, marks: &[EntraMark], at: Timestamp) -> Result<(), StoreError> {
        let (e, marks) = (enterprise.to_string(), marks.to_vec());
        self.write_grouped(move |c| {
            for mark in &marks {
                upsert_mark(c, &e, mark.key(), at.as_micros())?;
            }
            Ok(())
        })
    }

    fn entra_marks(&self, enterprise: EnterpriseId) -> Result<BTreeMap<EntraMark, Timestamp>, StoreError> {
        let rows: Vec<(String, i64)> = self.read(|c| {
            entra_marks::table
                .filter(entra_marks::enterprise_id.eq(enterprise.to_string()))
                .select((entra_marks::mark, entra_marks::at))
                .load(c)
        })?;
        // A mark a later version added and this one does not know is skipped.
        Ok(rows.into_iter().filter_map(|(m, at)| Some((EntraMark::parse(&m)?, Timestamp::from_micros(at)))).collect())
    }

    fn count_persons(&self, enterprise: EnterpriseId, filter: &Filter, cap: u64) -> Result<u64, StoreError> {
        // The enterprise id is in every index: whichever the condition uses, it covers this.
        let found: Vec<String> = self.read(|c| {
            scoped(enterprise).filter(condition(filter)).select(persons::enterprise_id).limit(to_i64(cap)).load(c)
        })?;
        Ok(found.len() as u64)
    }

    fn shared_identities(
        &self,
        enterprise: EnterpriseId,
        limit: u64,
    ) -> Result<(Vec<(Person, Person)>, u64), StoreError> {
        let e = enterprise.to_string();
        let (ids, total): (Vec<(String, String)>, i64) = self.read(|c| {
            let holder = diesel::alias!(persons as holder);
            // Driven by the enterprise's manual persons (the source index), each matched to
            // SCIM persons through the work e-mail and userName indexes.
            let pairs =
                || {
                    persons::table
                        .inner_join(
                            holder.on(holder
                                .field(persons::enterprise_id)
                                .eq(persons::enterprise_id)
                                .and(holder.field(persons::source).eq(Source::Scim.as_str()))
                                .and(lower(holder.field(persons::email_work)).eq(lower(persons::email_work)).or(
                                    holder.field(persons::user_name_lower).nullable().eq(lower(persons::email_work)),
                                ))),
                        )
                        .filter(persons::enterprise_id.eq(&e))
                        .filter(persons::source.eq(Source::Manual.as_str()))
                        .filter(persons::email_work.is_not_null())
                };
            let ids = if limit == 0 {
                Vec::new()
            } else {
                pairs()
                    .select((persons::id, holder.field(persons::id)))
                    .order((persons::id.asc(), holder.field(persons::id).asc()))
                    .limit(to_i64(limit))
                    .load(c)?
            };
            let total = pairs().count().get_result(c)?;
            Ok((ids, total))
        })?;
        let mut pairs = Vec::with_capacity(ids.len());
        for (m, h) in ids {
            let get = |id: &str| -> Result<Option<Person>, StoreError> {
                self.person(enterprise, id.parse().map_err(|_| corrupt("id"))?)
            };
            // Gone since the pairs were read: left out.
            if let (Some(m), Some(h)) = (get(&m)?, get(&h)?) {
                pairs.push((m, h));
            }
        }
        Ok((pairs, to_u64(total)))
    }

    fn departures(&self, enterprise: EnterpriseId, since: Timestamp, limit: u64) -> Result<Vec<Departure>, StoreError> {
        let rows: Vec<DepartureRow> = self.read(|c| {
            departures::table
                .filter(departures::enterprise_id.eq(enterprise.to_string()))
                .filter(departures::at.ge(since.as_micros()))
                .order((departures::at.desc(), departures::seq.desc()))
                .limit(to_i64(limit))
                .select(DepartureRow::as_select())
                .load(c)
        })?;
        rows.into_iter().map(DepartureRow::into_departure).collect()
    }

    fn prune_departures(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.write(|c| Ok(diesel::delete(departures::table.filter(departures::at.lt(before.as_micros()))).execute(c)?))
            .map(|n| n as u64)
    }

    fn person(&self, enterprise: EnterpriseId, id: PersonId) -> Result<Option<Person>, StoreError> {
        // Not boxed: a query of static shape is prepared once per connection and cached.
        self.first(
            |c| {
                persons::table
                    .filter(persons::enterprise_id.eq(enterprise.to_string()))
                    .filter(persons::id.eq(id.to_string()))
                    .select(PersonRow::as_select())
                    .first(c)
            },
            PersonRow::into_person,
        )
    }

    fn person_by_user_name(
        &self,
        enterprise: EnterpriseId,
        user_name: &UserName,
    ) -> Result<Option<Person>, StoreError> {
        self.by_user_name(enterprise, user_name.normalized())
    }

    fn query_persons(&self, enterprise: EnterpriseId, query: &PersonQuery) -> Result<PersonPage, StoreError> {
        // Entra's lookup: one userName, unique, so no order or count to work out; answered by a
        // cached prepared statement instead of a query built for the filter.
        if let Filter::Text { attr: attr @ Attr::Field(Field::UserName), op: CmpOp::Eq, value } = &query.filter
            && query.offset == 0
            && query.limit > 0
        {
            let persons: Vec<Person> = self.by_user_name(enterprise, &fold_case(*attr, value))?.into_iter().collect();
            return Ok(PersonPage { total: persons.len() as u64, persons });
        }
        let offset = to_i64(query.offset);
        let limit = to_i64(query.limit);
        let (rows, total) = self.read(|c: &mut DbConnection| {
            let rows: Vec<PersonRow> = if limit == 0 {
                Vec::new()
            } else {
                ordered(scoped(enterprise).filter(condition(&query.filter)), query.sort)
                    .select(PersonRow::as_select())
                    .offset(offset)
                    .limit(limit)
                    .load(c)?
            };
            // A page that is not full tells the total without counting (the common case:
            // Entra's lookups by userName return 0 or 1 person).
            let n = rows.len() as i64;
            let total = if n < limit && (n > 0 || offset == 0) {
                offset + n
            } else {
                scoped(enterprise).filter(condition(&query.filter)).count().get_result::<i64>(c)?
            };
            Ok((rows, total))
        })?;
        Ok(PersonPage {
            persons: rows.into_iter().map(PersonRow::into_person).collect::<Result<_, _>>()?,
            total: to_u64(total),
        })
    }
}

/// What [`rekey_user_names`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserNameRekey {
    /// Persons whose key was rewritten in the current form.
    pub updated: u64,
    /// Persons left with their old key because another person of the same enterprise holds
    /// (or took first) the same new key: look-alikes stored before the rule. A principal
    /// decides which one stays; until then a change to this person is refused as a duplicate
    /// userName, and lookups by userName find the other one.
    pub conflicts: Vec<(EnterpriseId, PersonId)>,
    /// Persons whose stored userName holds an invisible format character, which the rule now
    /// refuses: they stay as they are, and the directory must send a clean userName.
    pub invisible: Vec<(EnterpriseId, PersonId)>,
}

/// Rewrites `user_name_lower` of rows written under an earlier key rule (plain lowercase,
/// before `docs/decisions/username-normalization.md`) in the current form. SQL cannot compute
/// the key (SQLite has no Unicode normalization), so this runs in Rust, right after the
/// migrations and before anything is served ([`DieselStore::migrate`]): a stale key would let
/// Entra's lookup miss a stored person and create them a second time. Idempotent, and cheap
/// when nothing is left to do: only a userName that is not plain ASCII, or has surrounding
/// spaces, can have a key that changed, and SQL finds those (`length` counts characters,
/// `octet_length` bytes, in both backends). The version is left alone: the person did not
/// change, only the way it is looked up.
pub(crate) fn rekey_user_names(conn: &mut DbConnection) -> Result<UserNameRekey, StoreError> {
    use diesel::result::{DatabaseErrorKind, Error as DieselError};
    use ens_domain::ValueError;

    let report = conn
        .transaction::<_, TxError, _>(|c| {
            // A writer from the first statement, so that another process's write is waited for.
            crate::conn::begin_writing(c)?;
            let rows: Vec<(String, String, String, String)> = persons::table
                .filter(sql::<Bool>(
                    "(length(user_name) <> octet_length(user_name) OR user_name LIKE ' %' OR user_name LIKE '% ')",
                ))
                .select((persons::id, persons::enterprise_id, persons::user_name, persons::user_name_lower))
                .order(persons::id.asc())
                .load(c)?;
            let mut report = UserNameRekey::default();
            let mut pending = Vec::new();
            for (id, enterprise, user_name, stored) in rows {
                let who: (EnterpriseId, PersonId) =
                    (enterprise.parse().map_err(|_| corrupt("enterprise_id"))?, id.parse().map_err(|_| corrupt("id"))?);
                if matches!(UserName::parse(&user_name), Err(ValueError::InvisibleCharacter { .. })) {
                    report.invisible.push(who);
                }
                let key = UserName::restore(&user_name).normalized().to_owned();
                if key != stored {
                    pending.push((id, who, key));
                }
            }
            // A key still held by another row under the old rule may be freed by that row's own
            // rewrite: what collided is tried again as long as anything else succeeded.
            loop {
                let before = pending.len();
                let mut left = Vec::new();
                for (id, who, key) in pending {
                    let set = c.transaction(|sp| {
                        diesel::update(persons::table.filter(persons::id.eq(&id)))
                            .set(persons::user_name_lower.eq(&key))
                            .execute(sp)
                    });
                    match set {
                        Ok(_) => report.updated += 1,
                        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                            left.push((id, who, key));
                        }
                        Err(e) => return Err(e.into()),
                    }
                }
                pending = left;
                if pending.is_empty() || pending.len() == before {
                    break;
                }
            }
            report.conflicts = pending.into_iter().map(|(_, who, _)| who).collect();
            Ok(report)
        })
        .map_err(StoreError::from)?;
    if report.updated > 0 {
        tracing::info!(updated = report.updated, "userName keys recomputed (NFKC)");
    }
    if !report.conflicts.is_empty() {
        // Ids only: userNames are personal data, and the Person list shows them.
        tracing::warn!(
            persons = ?report.conflicts,
            "persons whose userName is a look-alike of another person's kept their old key: remove the duplicate"
        );
    }
    if !report.invisible.is_empty() {
        tracing::warn!(persons = ?report.invisible, "persons whose userName holds an invisible format character");
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_text_field_has_the_column_named_by_its_key() {
        let expected: Vec<Field> = Field::all().filter(|f| !matches!(f, Field::UserName | Field::Active)).collect();
        assert_eq!(COLUMN_KEYS.iter().map(|(f, _)| *f).collect::<Vec<_>>(), expected);
        for (f, col) in COLUMN_KEYS {
            assert_eq!(f.key(), *col);
        }
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_escape(r"50%_off\"), r"50\%\_off\\");
    }

    /// Rows as the earlier rule wrote them (key: plain lowercase), then the rekey.
    fn rekey_on(db: &crate::testing::TestDb) {
        use uuid::Uuid;
        let store = db.store();
        let e = EnterpriseId::from_uuid(Uuid::from_u128(1));
        let mut c = store.conn().expect("connection");
        diesel::insert_into(crate::schema::enterprises::table)
            .values((
                crate::schema::enterprises::id.eq(e.to_string()),
                crate::schema::enterprises::name.eq("Contoso"),
                crate::schema::enterprises::created_at.eq(0_i64),
            ))
            .execute(&mut c.conn)
            .expect("enterprise");
        let id = |n: u128| PersonId::from_uuid(Uuid::from_u128(n));
        let stored = [
            (1, "jdoe@x.com", None),        // ASCII: the key is already right
            (2, " jdoe@x.com", None),       // a look-alike of 1: keeps its old key
            (3, "Rene\u{301}@x.com", None), // NFD
            (4, "ＡＤＡ@x.com", None),      // fullwidth
            (5, "bob\u{200b}@x.com", None), // an invisible character, stored before
            (6, "ｃａｔ@x.com", None),      // wants the key row 7 holds until its own rekey
            (7, "dög@x.com", Some("cat@x.com")),
        ];
        for (n, user_name, key) in stored {
            let person = Person {
                id: id(n),
                enterprise_id: e,
                source: Source::Scim,
                values: PersonValues::restore(user_name, true, []),
                version: 1,
                created_at: Timestamp::from_micros(0),
                updated_at: Timestamp::from_micros(0),
                scim_updated_at: None,
                inactive_since: None,
            };
            let mut row = PersonRow::from_person(&person);
            row.user_name_lower = key.map_or_else(|| user_name.to_lowercase(), str::to_owned);
            diesel::insert_into(persons::table).values(&row).execute(&mut c.conn).expect("insert");
        }
        drop(c);

        let report = rekey_user_names(&mut store.conn().expect("conn").conn).expect("rekey");
        assert_eq!(
            report,
            UserNameRekey { updated: 4, conflicts: vec![(e, id(2))], invisible: vec![(e, id(5))] },
            "rows 3, 4, 6 and 7 rekeyed"
        );
        let keys: Vec<(String, String)> = store
            .read(|c| persons::table.select((persons::user_name, persons::user_name_lower)).order(persons::id).load(c))
            .expect("keys");
        let keys: Vec<&str> = keys.iter().map(|(_, k)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["jdoe@x.com", " jdoe@x.com", "rené@x.com", "ada@x.com", "bob\u{200b}@x.com", "cat@x.com", "dög@x.com"]
        );
        for (lookup, n) in [("RENÉ@x.com", 3), ("ada@X.com", 4), ("cat@x.com", 6), ("jdoe@x.com", 1)] {
            let key = UserName::parse(lookup).expect("valid");
            let found = store.by_user_name(e, key.normalized()).expect("lookup").map(|p| p.id);
            assert_eq!(found, Some(id(n)), "{lookup}");
        }
        let versions: Vec<i64> = store.read(|c| persons::table.select(persons::version).load(c)).expect("versions");
        assert!(versions.iter().all(|v| *v == 1), "a rekey is not a change of the person");

        let again = rekey_user_names(&mut store.conn().expect("conn").conn).expect("rekey again");
        assert_eq!(again, UserNameRekey { updated: 0, ..report });
    }

    #[test]
    fn rekey_user_names_sqlite() {
        rekey_on(&crate::testing::TestDb::sqlite());
    }

    #[test]
    fn rekey_user_names_postgres() {
        rekey_on(&crate::testing::TestDb::postgres());
    }
}
