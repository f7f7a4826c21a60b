use std::sync::Arc;

use ens_domain::{
    EnterpriseId, Field, FieldChange, Mapping, Person, PersonId, PersonValues, SecretToken, Source, SyncState,
    Timestamp, TokenInfo, UserName,
};

use super::*;
use crate::PersonStore as _;
use crate::memory::MemoryStore;
use crate::outbound::Deadline;
use crate::outbound::PersonWrite;
use crate::testing::ports;
use ens_domain::ActivityFilter;

const TOKEN: &str = "entra-secret";

/// An enterprise whose import is on, with `TOKEN`, under `mapping`.
fn enabled(p: &Ports, mapping: Mapping) -> ScimImport {
    let e = p.create_enterprise("Contoso").expect("created");
    let mut i = p.setup.scim_import(e.id).expect("store").expect("exists");
    i.version += 1;
    let t = SecretToken::new(TOKEN.into());
    i.token = Some(TokenInfo { hash: t.hash(), created_at: p.clock.now(), last4: t.last4() });
    i.state = SyncState::Enabled { since: p.clock.now(), by: None };
    i.mapping = mapping;
    p.setup.update_scim_import(&i, None, &[]).expect("stored");
    p.scim_authenticate(TOKEN).expect("authenticates")
}

fn create(p: &Ports, i: &ScimImport, user: &str, more: &[FieldChange]) -> Person {
    let mut changes = vec![FieldChange::set(Field::UserName, user)];
    changes.extend_from_slice(more);
    p.scim_create(i, changes).expect("created").person
}

#[test]
fn authentication() {
    let p = ports();
    assert!(matches!(p.scim_authenticate(""), Err(ProvisioningError::Unauthorized)));
    assert!(matches!(p.scim_authenticate("nope"), Err(ProvisioningError::Unauthorized)));
    let i = enabled(&p, Mapping::default());
    assert_eq!(p.scim_authenticate(TOKEN).expect("ok").enterprise_id, i.enterprise_id);
    let mut off = i.clone();
    off.version += 1;
    off.state = SyncState::DisabledByPrincipal { since: p.clock.now(), by: None };
    p.setup.update_scim_import(&off, None, &[]).expect("stored");
    assert!(matches!(
        p.scim_authenticate(TOKEN),
        Err(ProvisioningError::Disabled { state: SyncState::DisabledByPrincipal { .. }, .. })
    ));
}

#[test]
fn create_stores_and_logs_and_refuses_a_taken_user_name() {
    let p = ports();
    let i = enabled(&p, Mapping::default());
    let person = create(&p, &i, "JDoe@contoso.com", &[FieldChange::set(Field::DisplayName, "Jane")]);
    assert_eq!(p.scim_get(&i, person.id).expect("found"), person);
    assert_eq!((person.source, person.version), (Source::Scim, 1));
    assert!(matches!(
        p.scim_create(&i, vec![FieldChange::set(Field::UserName, "jdoe@CONTOSO.com")]),
        Err(ProvisioningError::UserNameTaken { .. })
    ));
    assert!(matches!(p.scim_create(&i, vec![FieldChange::set(Field::Title, "x")]), Err(ProvisioningError::Invalid(_))));
    let (log, total) = p.activity.activities(i.enterprise_id, &ActivityFilter::default(), 0, 10).expect("log");
    assert_eq!(total, 1);
    assert_eq!(log[0].kind, ActivityKind::PersonCreated);
    assert_eq!(log[0].user_name.as_deref(), Some("JDoe@contoso.com"));
    assert!(log[0].detail.names(Field::DisplayName), "{:?}", log[0].detail);
}

#[test]
fn create_takes_over_a_manual_person_instead_of_duplicating() {
    let p = ports();
    let i = enabled(&p, Mapping::from_keys(["user_name", "external_id", "active", "display_name"]).expect("valid"));
    let mut values =
        PersonValues::from_changes(&[FieldChange::set(Field::UserName, "jdoe@contoso.com")]).expect("valid");
    values.set(Field::PhoneMobile, Some("+41 79 000 00 00".into())).expect("valid");
    let now = p.clock.now();
    let manual = Person {
        id: PersonId::from_uuid(p.ids.new_id()),
        enterprise_id: i.enterprise_id,
        source: Source::Manual,
        values,
        version: 1,
        created_at: now,
        updated_at: now,
        scim_updated_at: None,
        inactive_since: None,
    };
    let log = p.activity(&i, ActivityKind::PersonCreated, &manual, Said::verbatim("manual"));
    p.persons.insert_person(&manual, &PersonWrite::new(&log, &Deadline::NONE)).expect("stored");

    let created = p
        .scim_create(
            &i,
            vec![
                FieldChange::set(Field::UserName, "JDOE@contoso.com"),
                FieldChange::set(Field::DisplayName, "Jane"),
                FieldChange::set(Field::PhoneMobile, "+41 79 999 99 99"),
            ],
        )
        .expect("adopted");
    assert!(created.adopted);
    assert_eq!(created.person.id, manual.id);
    assert_eq!(created.person.source, Source::Scim);
    assert_eq!(created.person.values.text(Field::DisplayName), Some("Jane"));
    assert_eq!(created.person.values.text(Field::PhoneMobile), Some("+41 79 000 00 00"), "not imported: kept");
    assert_eq!(p.scim_query(&i, &PersonQuery::all(10)).expect("query").total, 1, "no duplicate");
}

#[test]
fn unselected_fields_are_neither_stored_nor_overwritten() {
    let p = ports();
    let i = enabled(&p, Mapping::from_keys(["user_name", "external_id", "active", "title"]).expect("valid"));
    let person = create(
        &p,
        &i,
        "u",
        &[FieldChange::set(Field::Title, "Eng"), FieldChange::set(Field::PhoneMobile, "invalid but ignored")],
    );
    assert_eq!(person.values.text(Field::PhoneMobile), None);
    let (log, _) = p.activity.activities(i.enterprise_id, &ActivityFilter::default(), 0, 1).expect("log");
    assert!(
        log[0].detail.says("fields-not-imported") && log[0].detail.names(Field::PhoneMobile),
        "{:?}",
        log[0].detail
    );

    // A principal's value in a non-imported field survives PUT and PATCH.
    let mut manual_edit = person.clone();
    manual_edit.values.set(Field::PhoneMobile, Some("+41 79 000 00 00".into())).expect("valid");
    manual_edit.version += 1;
    let log = p.activity(&i, ActivityKind::PersonPatched, &manual_edit, Said::verbatim("principal"));
    p.persons.update_person(&manual_edit, &PersonWrite::new(&log, &Deadline::NONE)).expect("stored");

    let replaced = p
        .scim_replace(
            &i,
            person.id,
            vec![FieldChange::set(Field::UserName, "u"), FieldChange::set(Field::PhoneMobile, "+41 79 111 11 11")],
            None,
        )
        .expect("replaced");
    assert_eq!(replaced.values.text(Field::Title), None, "imported and absent from PUT: cleared");
    assert_eq!(replaced.values.text(Field::PhoneMobile), Some("+41 79 000 00 00"));

    let patched = p
        .scim_patch(&i, person.id, None, |_, _| {
            Ok::<_, ()>(vec![
                FieldChange::set(Field::PhoneMobile, "+41 79 222 22 22"),
                FieldChange::set(Field::Title, "Lead"),
            ])
        })
        .expect("patched");
    assert_eq!(patched.values.text(Field::PhoneMobile), Some("+41 79 000 00 00"));
    assert_eq!(patched.values.text(Field::Title), Some("Lead"));
}

#[test]
fn patch_versions_preconditions_and_request_errors() {
    let p = ports();
    let i = enabled(&p, Mapping::default());
    let person = create(&p, &i, "u", &[]);
    let set_title =
        |t: &'static str| move |_: &Person, _: &Mapping| Ok::<_, String>(vec![FieldChange::set(Field::Title, t)]);

    let v2 = p.scim_patch(&i, person.id, Some(&IfMatch::Versions(vec![1])), set_title("A")).expect("v1 matches");
    assert_eq!(v2.version, 2);
    assert!(matches!(
        p.scim_patch(&i, person.id, Some(&IfMatch::Versions(vec![1])), set_title("B")),
        Err(PatchError::Provisioning(ProvisioningError::PreconditionFailed))
    ));
    let same = p.scim_patch(&i, person.id, Some(&IfMatch::Any), set_title("A")).expect("no change");
    assert_eq!(same.version, 2, "nothing changed, nothing written");
    assert!(matches!(
        p.scim_patch(&i, person.id, None, |_, _| Err::<Vec<FieldChange>, _>("bad op")),
        Err(PatchError::Request("bad op"))
    ));
    assert!(matches!(
        p.scim_patch(&i, person.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::EmailWork, "not an email")])),
        Err(PatchError::Provisioning(ProvisioningError::Invalid(_)))
    ));
    let other = create(&p, &i, "taken", &[]);
    assert!(matches!(
        p.scim_patch(&i, other.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::UserName, "U")])),
        Err(PatchError::Provisioning(ProvisioningError::UserNameTaken { .. }))
    ));
    assert!(matches!(
        p.scim_patch(&i, PersonId::from_uuid(uuid::Uuid::from_u128(999)), None, set_title("x")),
        Err(PatchError::Provisioning(ProvisioningError::NotFound))
    ));
    assert_eq!(p.scim_get(&i, person.id).expect("found").values.text(Field::Title), Some("A"));
}

#[test]
fn delete_then_not_found() {
    let p = ports();
    let i = enabled(&p, Mapping::default());
    let person = create(&p, &i, "u", &[]);
    assert!(matches!(
        p.scim_delete(&i, person.id, Some(&IfMatch::Versions(vec![7]))),
        Err(ProvisioningError::PreconditionFailed)
    ));
    p.scim_delete(&i, person.id, None).expect("deleted");
    assert!(matches!(p.scim_get(&i, person.id), Err(ProvisioningError::NotFound)));
    assert!(matches!(p.scim_delete(&i, person.id, None), Err(ProvisioningError::NotFound)));
}

#[test]
fn enterprises_do_not_see_each_other() {
    let p = ports();
    let a = enabled(&p, Mapping::default());
    let person = create(&p, &a, "u", &[]);
    let other = ScimImport::new(EnterpriseId::from_uuid(uuid::Uuid::from_u128(424242)), p.clock.now());
    assert!(matches!(p.scim_get(&other, person.id), Err(ProvisioningError::NotFound)));
    assert!(matches!(p.scim_delete(&other, person.id, None), Err(ProvisioningError::NotFound)));
    assert_eq!(p.scim_query(&other, &PersonQuery::all(10)).expect("query").total, 0);
}

/// A store where every update loses the race.
#[derive(Debug)]
struct AlwaysConflicting(MemoryStore);

impl crate::PersonStore for AlwaysConflicting {
    fn insert_person(&self, p: &Person, w: &PersonWrite<'_>) -> Result<(), StoreError> {
        self.0.insert_person(p, w)
    }
    fn update_person(&self, _: &Person, _: &PersonWrite<'_>) -> Result<(), StoreError> {
        Err(StoreError::Conflict)
    }
    fn delete_person(&self, _: EnterpriseId, _: PersonId, _: u64, _: &PersonWrite<'_>) -> Result<bool, StoreError> {
        Err(StoreError::Conflict)
    }
    fn person_counts(&self, e: EnterpriseId) -> Result<ens_domain::PersonCounts, StoreError> {
        self.0.person_counts(e)
    }
    fn mark_entra(&self, e: EnterpriseId, marks: &[EntraMark], at: Timestamp) -> Result<(), StoreError> {
        self.0.mark_entra(e, marks, at)
    }
    fn entra_marks(&self, e: EnterpriseId) -> Result<std::collections::BTreeMap<EntraMark, Timestamp>, StoreError> {
        self.0.entra_marks(e)
    }
    fn shared_identities(&self, e: EnterpriseId, limit: u64) -> Result<(Vec<(Person, Person)>, u64), StoreError> {
        self.0.shared_identities(e, limit)
    }
    fn count_persons(&self, e: EnterpriseId, filter: &ens_domain::Filter, cap: u64) -> Result<u64, StoreError> {
        self.0.count_persons(e, filter, cap)
    }
    fn departures(&self, e: EnterpriseId, since: Timestamp, limit: u64) -> Result<Vec<Departure>, StoreError> {
        self.0.departures(e, since, limit)
    }
    fn prune_departures(&self, before: Timestamp) -> Result<u64, StoreError> {
        self.0.prune_departures(before)
    }
    fn person(&self, e: EnterpriseId, id: PersonId) -> Result<Option<Person>, StoreError> {
        self.0.person(e, id)
    }
    fn person_by_user_name(&self, e: EnterpriseId, u: &UserName) -> Result<Option<Person>, StoreError> {
        self.0.person_by_user_name(e, u)
    }
    fn query_persons(&self, e: EnterpriseId, q: &PersonQuery) -> Result<PersonPage, StoreError> {
        self.0.query_persons(e, q)
    }
}

#[test]
fn endless_races_end_in_contention_not_a_loop() {
    let mut p = ports();
    let i = enabled(&p, Mapping::default());
    let person = create(&p, &i, "u", &[]);
    let racing = Arc::new(AlwaysConflicting(MemoryStore::new()));
    let log = p.activity(&i, ActivityKind::PersonCreated, &person, Said::verbatim(""));
    racing.0.insert_person(&person, &PersonWrite::new(&log, &Deadline::NONE)).expect("stored");
    p.persons = racing;
    assert!(matches!(
        p.scim_patch(&i, person.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Title, "x")])),
        Err(PatchError::Provisioning(ProvisioningError::Contention))
    ));
    assert!(matches!(p.scim_delete(&i, person.id, None), Err(ProvisioningError::Contention)));
}

#[test]
fn refused_values_are_logged_cut_to_size() {
    let p = ports();
    let i = enabled(&p, Mapping::default());
    let huge = "x".repeat(1_000_000);
    p.scim_record_rejection(&i, ActivityKind::PersonCreated, None, Some(huge), Said::verbatim("why ".repeat(10_000)));
    let (log, _) = p.activity.activities(i.enterprise_id, &ActivityFilter::default(), 0, 10).expect("log");
    let entry = &log[0];
    let logged = entry.user_name.as_deref().expect("kept, cut");
    assert_eq!(logged.chars().count(), 257, "256 characters and an ellipsis");
    assert!(logged.ends_with('…'));
    assert!(
        matches!(entry.detail.arg("text"), Some(ens_domain::Arg::Text(t)) if t.chars().count() == ens_domain::said::MAX_TEXT_ARG + 1),
        "{:?}",
        entry.detail
    );
    let short = "jdoe@contoso.com".to_owned();
    p.scim_record_rejection(&i, ActivityKind::PersonCreated, None, Some(short.clone()), Said::verbatim("409"));
    let (log, _) = p.activity.activities(i.enterprise_id, &ActivityFilter::default(), 0, 10).expect("log");
    assert_eq!(log[0].user_name.as_deref(), Some(short.as_str()), "short values stay whole");
}
