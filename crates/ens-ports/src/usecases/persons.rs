//! The Person list as principals see and edit it. SCIM-managed persons belong to Entra for
//! the imported fields; the rest, and manual persons, principals may change.

use ens_domain::{
    Activity, ActivityKind, Attr, CmpOp, Field, FieldChange, Filter, Person, PersonId, PersonQuery, PersonValues, Said,
    ScimImport, Sort, Source,
};

use super::AdminError;
use super::health::ReachFilter;
use super::principals::PrincipalContext;
use crate::Ports;
use crate::outbound::{PersonPage, PersonWrite, StoreError, UniqueKey};

/// Orders the Person list can be shown in: by any of its columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonOrder {
    UserName,
    DisplayName,
    FamilyName,
    Mobile,
    Department,
    /// Most recently changed first by default.
    LastChanged,
}

/// Which persons the list shows, beyond the search text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonFilter {
    pub source: Option<Source>,
    pub active: Option<bool>,
    /// A Health report's persons.
    pub reach: Option<ReachFilter>,
    /// Persons inactive for more than this many days.
    pub inactive_days: Option<u32>,
}

/// A page of the Person list, searched and filtered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonSearch {
    /// Matches userName, names, e-mail addresses, phone numbers, employee number, external id
    /// and department (substring, without regard to case).
    pub text: Option<String>,
    pub filter: PersonFilter,
    pub order: PersonOrder,
    pub descending: bool,
    pub offset: u64,
    pub limit: u64,
}

/// Most persons in one page of the admin list.
pub const MAX_PAGE: u64 = 200;

const SEARCHED: [Field; 11] = [
    Field::UserName,
    Field::DisplayName,
    Field::GivenName,
    Field::FamilyName,
    Field::EmailWork,
    Field::EmailOther,
    Field::PhoneMobile,
    Field::PhoneWork,
    Field::EmployeeNumber,
    Field::ExternalId,
    Field::Department,
];

impl PersonSearch {
    /// The query, with `reach` the filter of a Health report and `inactive` that of long
    /// inactivity, already built (they depend on the mapping and the clock).
    fn query(&self, reach: Option<Filter>, inactive: Option<Filter>) -> PersonQuery {
        let mut filter = match self.text.as_deref().map(str::trim) {
            None | Some("") => Filter::Const(true),
            Some(t) => SEARCHED.iter().fold(Filter::Const(false), |acc, f| {
                acc.or(Filter::Text { attr: Attr::Field(*f), op: CmpOp::Co, value: t.to_owned() })
            }),
        };
        if let Some(source) = self.filter.source {
            filter = filter.and(Filter::Source(source));
        }
        if let Some(active) = self.filter.active {
            filter = filter.and(Filter::Bool { attr: Attr::Field(Field::Active), op: CmpOp::Eq, value: active });
        }
        for f in [reach, inactive].into_iter().flatten() {
            filter = filter.and(f);
        }
        let attr = match self.order {
            PersonOrder::UserName => Attr::Field(Field::UserName),
            PersonOrder::DisplayName => Attr::Field(Field::DisplayName),
            PersonOrder::FamilyName => Attr::Field(Field::FamilyName),
            PersonOrder::Mobile => Attr::Field(Field::PhoneMobile),
            PersonOrder::Department => Attr::Field(Field::Department),
            PersonOrder::LastChanged => Attr::LastModified,
        };
        PersonQuery {
            filter,
            sort: Some(Sort { attr, descending: self.descending }),
            offset: self.offset,
            limit: self.limit.min(MAX_PAGE),
        }
    }
}

impl Ports {
    fn person_activity(&self, ctx: &PrincipalContext, kind: ActivityKind, p: &Person, detail: Said) -> Activity {
        Activity {
            person_id: Some(p.id),
            user_name: Some(p.values.user_name().to_string()),
            ..self.principal_activity(ctx, kind, detail)
        }
    }

    pub fn list_persons(&self, ctx: &PrincipalContext, search: &PersonSearch) -> Result<PersonPage, AdminError> {
        ctx.require_ready()?;
        let reach = search.filter.reach.map(|r| self.reach_filter(ctx, r)).transpose()?;
        let inactive = search.filter.inactive_days.map(|d| self.long_inactive_filter(d));
        Ok(self.persons.query_persons(ctx.enterprise(), &search.query(reach, inactive))?)
    }

    pub fn person_of(&self, ctx: &PrincipalContext, id: PersonId) -> Result<Person, AdminError> {
        ctx.require_ready()?;
        self.persons.person(ctx.enterprise(), id)?.ok_or(AdminError::NotFound)
    }

    /// A person with the setup that says which of its fields Entra owns.
    /// One person, the setup that says which fields Entra owns, and the person its Manager
    /// field names when that person is in the caller's Person list (Entra sends the manager's
    /// id in ENS+).
    pub fn person_detail(
        &self,
        ctx: &PrincipalContext,
        id: PersonId,
    ) -> Result<(Person, ScimImport, Option<Person>), AdminError> {
        let person = self.person_of(ctx, id)?;
        let manager = match person.values.text(Field::Manager).and_then(|m| m.parse::<PersonId>().ok()) {
            Some(m) => self.persons.person(ctx.enterprise(), m)?,
            None => None,
        };
        Ok((person, self.scim_setup(ctx)?, manager))
    }

    /// The caller's SCIM import setup (which fields are imported), for showing persons.
    pub fn scim_setup(&self, ctx: &PrincipalContext) -> Result<ScimImport, AdminError> {
        ctx.require_ready()?;
        self.setup.scim_import(ctx.enterprise())?.ok_or(AdminError::NotFound)
    }

    /// Creates a manual person (Entra takes it over when it provisions the same userName).
    pub fn create_manual_person(&self, ctx: &PrincipalContext, changes: &[FieldChange]) -> Result<Person, AdminError> {
        ctx.require_ready()?;
        let values = PersonValues::from_changes(changes)?;
        let now = self.clock.now();
        let mut person = Person {
            id: PersonId::from_uuid(self.ids.new_id()),
            enterprise_id: ctx.enterprise(),
            source: Source::Manual,
            values,
            version: 1,
            created_at: now,
            updated_at: now,
            scim_updated_at: None,
            inactive_since: None,
        };
        person.track_active(true, now);
        let log = self.person_activity(ctx, ActivityKind::PersonCreated, &person, Said::new("created-by-hand"));
        match self.persons.insert_person(&person, &PersonWrite::new(&log, &self.deadline)) {
            Ok(()) => Ok(person),
            Err(StoreError::Duplicate(UniqueKey::UserName)) => {
                Err(AdminError::UserNameTaken(person.values.user_name().to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Changes fields of a person. On a SCIM-managed person, imported fields are refused
    /// (409 naming them): they belong to Entra. `expected_version` guards against
    /// overwriting a change made since the caller read the person.
    pub fn edit_person(
        &self,
        ctx: &PrincipalContext,
        id: PersonId,
        changes: &[FieldChange],
        expected_version: Option<u64>,
    ) -> Result<Person, AdminError> {
        let current = self.person_of(ctx, id)?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(AdminError::Conflict);
        }
        if current.source == Source::Scim {
            let import = self.setup.scim_import(ctx.enterprise())?.ok_or(AdminError::NotFound)?;
            let mut owned: Vec<Field> = changes.iter().map(|c| c.field).filter(|f| import.mapping.admits(*f)).collect();
            owned.dedup();
            if !owned.is_empty() {
                return Err(AdminError::ImportedFields(owned));
            }
        }
        let mut next = current.clone();
        next.values.apply(changes)?;
        let changed = current.values.differing_fields(&next.values);
        if changed.is_empty() {
            return Ok(current);
        }
        next.version += 1;
        next.updated_at = self.clock.now();
        next.track_active(current.values.active(), next.updated_at);
        let detail = Said::new("changed-by-hand").with("fields", changed.clone());
        let log = self.person_activity(ctx, ActivityKind::PersonPatched, &next, detail);
        // A principal's own edit: not Entra's, so no departure limit.
        match self.persons.update_person(&next, &PersonWrite::new(&log, &self.deadline)) {
            Ok(()) => Ok(next),
            Err(StoreError::Conflict) => Err(AdminError::Conflict),
            Err(StoreError::NotFound) => Err(AdminError::NotFound),
            Err(StoreError::Duplicate(UniqueKey::UserName)) => {
                Err(AdminError::UserNameTaken(next.values.user_name().to_string()))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Deletes a manual person. SCIM-managed persons are removed in Entra.
    pub fn delete_manual_person(&self, ctx: &PrincipalContext, id: PersonId) -> Result<(), AdminError> {
        let current = self.person_of(ctx, id)?;
        if current.source == Source::Scim {
            return Err(AdminError::ManagedByScim);
        }
        let log = self.person_activity(ctx, ActivityKind::PersonDeleted, &current, Said::new("deleted-by-hand"));
        let write = PersonWrite::new(&log, &self.deadline);
        match self.persons.delete_person(ctx.enterprise(), id, current.version, &write) {
            Ok(true) => Ok(()),
            Ok(false) => Err(AdminError::NotFound),
            Err(StoreError::Conflict) => Err(AdminError::Conflict),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use ens_domain::{Mapping, SecretToken, SyncState, TokenInfo};

    use super::*;
    use crate::testing::ports_with_mailer;

    fn logged_in(p: &Ports) -> PrincipalContext {
        let e = p.create_enterprise("Contoso").expect("enterprise");
        let creds = p.create_principal(e.id, "admin@contoso.com").expect("principal");
        let s = p.login("admin@contoso.com", &creds.password, "ip").expect("login");
        p.change_password(&s.context, &creds.password, "correct horse battery").expect("changed").context
    }

    fn search(text: Option<&str>) -> PersonSearch {
        PersonSearch {
            text: text.map(str::to_owned),
            filter: PersonFilter::default(),
            order: PersonOrder::UserName,
            descending: false,
            offset: 0,
            limit: 50,
        }
    }

    #[test]
    fn manual_persons_can_be_created_searched_edited_and_deleted() {
        let (p, _) = ports_with_mailer();
        let ctx = logged_in(&p);
        let jane = p
            .create_manual_person(
                &ctx,
                &[
                    FieldChange::set(Field::UserName, "jane@contoso.com"),
                    FieldChange::set(Field::DisplayName, "Jane Doe"),
                ],
            )
            .expect("created");
        p.create_manual_person(
            &ctx,
            &[
                FieldChange::set(Field::UserName, "bob@contoso.com"),
                FieldChange::set(Field::EmailWork, "robert@contoso.com"),
            ],
        )
        .expect("created");
        assert!(matches!(
            p.create_manual_person(&ctx, &[FieldChange::set(Field::UserName, "JANE@contoso.com")]),
            Err(AdminError::UserNameTaken(_))
        ));
        assert!(matches!(
            p.create_manual_person(&ctx, &[FieldChange::set(Field::PhoneMobile, "+41 79 000 00 00")]),
            Err(AdminError::Invalid(_))
        ));
        assert_eq!(p.list_persons(&ctx, &search(None)).expect("list").total, 2);
        assert_eq!(p.list_persons(&ctx, &search(Some("DOE"))).expect("list").persons[0].id, jane.id);
        assert_eq!(p.list_persons(&ctx, &search(Some("robert"))).expect("list").total, 1);
        let edited = p
            .edit_person(&ctx, jane.id, &[FieldChange::set(Field::PhoneMobile, "+41 79 000 00 00")], Some(1))
            .expect("edited");
        assert_eq!(edited.version, 2);
        assert!(matches!(
            p.edit_person(&ctx, jane.id, &[FieldChange::set(Field::Title, "x")], Some(1)),
            Err(AdminError::Conflict)
        ));
        p.delete_manual_person(&ctx, jane.id).expect("deleted");
        assert!(matches!(p.person_of(&ctx, jane.id), Err(AdminError::NotFound)));
    }

    #[test]
    fn imported_fields_of_scim_persons_belong_to_entra() {
        let (p, _) = ports_with_mailer();
        let ctx = logged_in(&p);
        let mut import = p.setup.scim_import(ctx.enterprise()).expect("store").expect("exists");
        import.version += 1;
        let t = SecretToken::new("tok".into());
        import.token = Some(TokenInfo { hash: t.hash(), created_at: p.clock.now(), last4: t.last4() });
        import.state = SyncState::Enabled { since: p.clock.now(), by: None };
        import.mapping = Mapping::from_keys(["user_name", "external_id", "active", "display_name"]).expect("valid");
        p.setup.update_scim_import(&import, None, &[]).expect("stored");
        let person = p
            .scim_create(&import, vec![FieldChange::set(Field::UserName, "jdoe@contoso.com")])
            .expect("created")
            .person;

        let err = p
            .edit_person(
                &ctx,
                person.id,
                &[FieldChange::set(Field::DisplayName, "x"), FieldChange::set(Field::Title, "y")],
                None,
            )
            .expect_err("imported");
        assert!(matches!(&err, AdminError::ImportedFields(f) if f == &[Field::DisplayName]), "{err:?}");
        assert!(err.to_string().contains("display_name"));
        let edited = p
            .edit_person(&ctx, person.id, &[FieldChange::set(Field::PhoneMobile, "+41 79 000 00 00")], None)
            .expect("not imported");
        assert_eq!(edited.values.text(Field::PhoneMobile), Some("+41 79 000 00 00"));
        assert!(matches!(p.delete_manual_person(&ctx, person.id), Err(AdminError::ManagedByScim)));
    }

    #[test]
    fn other_enterprises_persons_are_invisible() {
        let (p, _) = ports_with_mailer();
        let ctx = logged_in(&p);
        let other = p.create_enterprise("Fabrikam").expect("enterprise");
        let creds = p.create_principal(other.id, "admin@fabrikam.com").expect("principal");
        let s = p.login("admin@fabrikam.com", &creds.password, "ip").expect("login");
        let fab = p.change_password(&s.context, &creds.password, "correct horse battery").expect("changed").context;
        let jane =
            p.create_manual_person(&ctx, &[FieldChange::set(Field::UserName, "jane@contoso.com")]).expect("created");
        assert!(matches!(p.person_of(&fab, jane.id), Err(AdminError::NotFound)));
        assert!(matches!(
            p.edit_person(&fab, jane.id, &[FieldChange::set(Field::Title, "x")], None),
            Err(AdminError::NotFound)
        ));
        assert!(matches!(p.delete_manual_person(&fab, jane.id), Err(AdminError::NotFound)));
        assert_eq!(p.list_persons(&fab, &search(None)).expect("list").total, 0);
    }
}
