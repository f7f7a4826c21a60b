use std::sync::Arc;
use std::time::Duration;

use ens_domain::{
    ActivityFilter, ActivityKind, Drift, EmailAddress, FieldChange, Mapping, ScimImport, SecretToken, SyncState,
    TokenInfo,
};

use super::*;
use crate::memory::ManualClock;
use crate::outbound::Clock as _;
use crate::usecases::persons::{PersonFilter, PersonOrder, PersonSearch};
use crate::usecases::principals::PrincipalContext;
use crate::usecases::provisioning::ProvisioningError;

const TOKEN: &str = "health-token";

struct Rig {
    p: Ports,
    clock: Arc<ManualClock>,
    import: ScimImport,
    ctx: PrincipalContext,
}

fn rig(mapping: Mapping) -> Rig {
    let (p, clock) = crate::testing::ports_with_clock();
    let e = p.create_enterprise("Contoso").expect("enterprise");
    let mut i = p.setup.scim_import(e.id).expect("store").expect("exists");
    i.version += 1;
    let t = SecretToken::new(TOKEN.into());
    i.token = Some(TokenInfo { hash: t.hash(), created_at: clock.now(), last4: t.last4() });
    i.state = SyncState::Enabled { since: clock.now(), by: None };
    i.mapping = mapping;
    i.notify = vec![EmailAddress::parse("ops@contoso.com").expect("valid")];
    p.setup.update_scim_import(&i, None, &[]).expect("stored");
    let import = p.scim_begin(TOKEN).expect("authenticates");
    let creds = p.create_principal(e.id, "admin@contoso.com").expect("principal");
    let s = p.login("admin@contoso.com", &creds.password, "ip").expect("login");
    let ctx = p.change_password(&s.context, &creds.password, "a good new password").expect("changed").context;
    Rig { p, clock, import, ctx }
}

fn create(r: &Rig, user: &str, more: &[FieldChange]) -> Person {
    let mut changes = vec![FieldChange::set(Field::UserName, user)];
    changes.extend_from_slice(more);
    r.p.scim_create(&r.import, changes).expect("created").person
}

fn listed(r: &Rig, filter: PersonFilter, text: Option<&str>) -> Vec<String> {
    let s = PersonSearch {
        text: text.map(str::to_owned),
        filter,
        order: PersonOrder::UserName,
        descending: false,
        offset: 0,
        limit: 100,
    };
    r.p.list_persons(&r.ctx, &s).expect("list").persons.iter().map(|p| p.values.user_name().to_string()).collect()
}

#[test]
fn a_person_losing_its_only_phone_cannot_be_alerted() {
    let r = rig(Mapping::default());
    let jane = create(&r, "jane@contoso.com", &[FieldChange::set(Field::PhoneMobile, "+41 79 000 00 00")]);
    create(&r, "bob@contoso.com", &[FieldChange::set(Field::EmailWork, "bob@contoso.com")]);
    assert_eq!(r.p.health(&r.ctx, None).expect("health").unreachable, 0);
    let unreachable = PersonFilter { reach: Some(ReachFilter::Unreachable), ..PersonFilter::default() };
    assert!(listed(&r, unreachable, None).is_empty());

    r.p.scim_patch(&r.import, jane.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::clear(Field::PhoneMobile)]))
        .expect("patched");
    let h = r.p.health(&r.ctx, None).expect("health");
    assert_eq!((h.unreachable, h.counts.total(), h.counts.active()), (1, 2, 2));
    assert_eq!(listed(&r, unreachable, None), ["jane@contoso.com"]);
    // Inactive, it is no longer "cannot be alerted": it is not alerted at all.
    r.p.scim_patch(&r.import, jane.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Active, false)]))
        .expect("patched");
    assert_eq!(r.p.health(&r.ctx, None).expect("health").unreachable, 0);
}

#[test]
fn a_channel_no_longer_imported_is_reported() {
    let r = rig(Mapping::default());
    create(&r, "jane@contoso.com", &[FieldChange::set(Field::PhoneMobile, "+41 79 000 00 00")]);
    create(&r, "bob@contoso.com", &[FieldChange::set(Field::EmailWork, "bob@contoso.com")]);
    let keys: Vec<String> = Field::all().filter(|f| *f != Field::PhoneMobile).map(|f| f.key().to_owned()).collect();
    r.p.set_mapping(&r.ctx, &keys).expect("mapping");
    let h = r.p.health(&r.ctx, None).expect("health");
    assert_eq!((h.unreachable, h.only_not_imported), (0, 1));
    let stale = PersonFilter { reach: Some(ReachFilter::OnlyNotImported), ..PersonFilter::default() };
    assert_eq!(listed(&r, stale, None), ["jane@contoso.com"]);
}

#[test]
fn drift_shows_fields_entra_does_not_send_and_fields_it_sends_unimported() {
    let keys: Vec<String> = Field::all().filter(|f| *f != Field::Title).map(|f| f.key().to_owned()).collect();
    let r = rig(Mapping::from_keys(&keys).expect("valid"));
    create(&r, "jane@contoso.com", &[FieldChange::set(Field::DisplayName, "Jane")]);
    let h = r.p.health(&r.ctx, None).expect("health");
    let not_sent: Vec<Field> =
        h.drift.iter().filter(|d| matches!(d, Drift::NotSentByEntra { .. })).map(Drift::field).collect();
    assert!(not_sent.contains(&Field::PhoneFax), "imported, never carried by a create: {not_sent:?}");
    assert!(!not_sent.contains(&Field::DisplayName), "carried");
    assert!(!h.drift.iter().any(|d| d.field() == Field::Title), "not imported and never sent: nothing to say");

    // Entra sends the title although it is not imported.
    r.clock.advance(Duration::from_secs(61));
    let jane = r.p.scim_get(&r.import, create(&r, "bob@contoso.com", &[]).id).expect("there");
    r.p.scim_patch(&r.import, jane.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Title, "Boss")]))
        .expect("patched");
    let h = r.p.health(&r.ctx, None).expect("health");
    assert!(
        h.drift.iter().any(|d| matches!(d, Drift::NotImported { field: Field::Title, .. })),
        "Entra sends it: {:?}",
        h.drift
    );
    // Selected now: no create since, so no advice about it yet.
    let all: Vec<String> = Field::all().map(|f| f.key().to_owned()).collect();
    r.p.set_mapping(&r.ctx, &all).expect("mapping");
    assert!(!r.p.health(&r.ctx, None).expect("health").drift.iter().any(|d| d.field() == Field::Title));
}

#[test]
fn entra_marks_are_written_once_a_minute_per_field() {
    let r = rig(Mapping::default());
    create(&r, "a@contoso.com", &[FieldChange::set(Field::Title, "x")]);
    let first = r.p.persons.entra_marks(r.import.enterprise_id).expect("marks");
    assert_eq!(first.get(&EntraMark::Sent(Field::Title)), Some(&r.clock.now()));
    r.clock.advance(Duration::from_secs(10));
    create(&r, "b@contoso.com", &[FieldChange::set(Field::Title, "y")]);
    assert_eq!(r.p.persons.entra_marks(r.import.enterprise_id).expect("marks"), first, "within the minute");
    r.clock.advance(Duration::from_secs(60));
    create(&r, "c@contoso.com", &[FieldChange::set(Field::Title, "z")]);
    let later = r.p.persons.entra_marks(r.import.enterprise_id).expect("marks");
    assert_eq!(later.get(&EntraMark::Sent(Field::Title)), Some(&r.clock.now()));
    assert_eq!(later.get(&EntraMark::Created), Some(&r.clock.now()));
}

#[test]
fn conflicts_name_the_holder_and_manual_look_alikes() {
    let r = rig(Mapping::default());
    let holder = create(&r, "jane@contoso.com", &[FieldChange::set(Field::EmailWork, "jane@contoso.com")]);
    let Err(ProvisioningError::UserNameTaken { holder: Some(h), .. }) =
        r.p.scim_create(&r.import, vec![FieldChange::set(Field::UserName, "JANE@contoso.com")])
    else {
        panic!("a taken userName names its holder")
    };
    // What the HTTP adapter records for the 409.
    r.p.scim_record_rejection(&r.import, ActivityKind::UserNameConflict, Some(h), None, Said::verbatim("409 taken"));
    r.p.create_manual_person(
        &r.ctx,
        &[FieldChange::set(Field::UserName, "jd"), FieldChange::set(Field::EmailWork, "Jane@Contoso.com")],
    )
    .expect("manual");
    let h = r.p.health(&r.ctx, None).expect("health");
    assert_eq!((h.refused_creates, h.shared_identities), (1, 1));
    let c = r.p.conflicts(&r.ctx, 10).expect("conflicts");
    assert_eq!(c.refused_creates.len(), 1);
    assert_eq!(c.refused_creates[0].1.as_ref().map(|p| p.id), Some(holder.id));
    assert_eq!(c.shared[0].1.id, holder.id);
    // Older than 30 days: no longer a conflict to look at.
    r.clock.advance(CONFLICT_WINDOW + Duration::from_secs(1));
    assert_eq!(r.p.health(&r.ctx, None).expect("health").refused_creates, 0);
}

#[test]
fn the_last_day_counts_changes_and_refusals() {
    let r = rig(Mapping::default());
    create(&r, "a@contoso.com", &[]);
    r.p.scim_record_rejection(
        &r.import,
        ActivityKind::PersonCreated,
        None,
        Some("bad".into()),
        Said::verbatim("400 bad"),
    );
    let h = r.p.health(&r.ctx, None).expect("health");
    assert_eq!((h.applied_last_day, h.refused_last_day), (1, 1));
    r.clock.advance(DAY + Duration::from_secs(1));
    let h = r.p.health(&r.ctx, None).expect("health");
    assert_eq!((h.applied_last_day, h.refused_last_day), (0, 0));
}

#[test]
fn the_persons_list_filters_by_source_activity_inactivity_and_finds_more_fields() {
    let r = rig(Mapping::default());
    let old = create(&r, "old@contoso.com", &[FieldChange::set(Field::EmployeeNumber, "E-4711")]);
    r.p.scim_patch(&r.import, old.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Active, false)]))
        .expect("deactivated");
    r.clock.advance(DAY * 100);
    create(&r, "new@contoso.com", &[FieldChange::set(Field::Department, "Night shift")]);
    r.p.create_manual_person(&r.ctx, &[FieldChange::set(Field::UserName, "hand@contoso.com")]).expect("manual");
    let f = PersonFilter::default();
    assert_eq!(listed(&r, PersonFilter { source: Some(Source::Manual), ..f }, None), ["hand@contoso.com"]);
    assert_eq!(listed(&r, PersonFilter { active: Some(false), ..f }, None), ["old@contoso.com"]);
    assert_eq!(listed(&r, PersonFilter { inactive_days: Some(90), ..f }, None), ["old@contoso.com"]);
    assert!(listed(&r, PersonFilter { inactive_days: Some(120), ..f }, None).is_empty());
    assert_eq!(r.p.health(&r.ctx, None).expect("health").long_inactive, 1);
    assert_eq!(r.p.health(&r.ctx, Some(120)).expect("health").long_inactive, 0);
    assert_eq!(listed(&r, f, Some("4711")), ["old@contoso.com"], "employee number");
    assert_eq!(listed(&r, f, Some("night")), ["new@contoso.com"], "department");
}

#[test]
fn the_purge_deletes_only_long_inactive_scim_persons_records_each_and_tells_once() {
    let r = rig(Mapping::default());
    assert!(matches!(r.p.set_purge_rule(&r.ctx, Some(29)), Err(AdminError::InvalidPurgeRule { .. })));
    let gone = create(&r, "gone@contoso.com", &[FieldChange::set(Field::DisplayName, "Gone Soon")]);
    let recent = create(&r, "recent@contoso.com", &[]);
    let active = create(&r, "active@contoso.com", &[]);
    let manual =
        r.p.create_manual_person(
            &r.ctx,
            &[FieldChange::set(Field::UserName, "hand@contoso.com"), FieldChange::set(Field::Active, false)],
        )
        .expect("manual");
    r.p.scim_patch(&r.import, gone.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Active, false)]))
        .expect("deactivated");
    r.clock.advance(DAY * 40);
    r.p.scim_patch(&r.import, recent.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Active, false)]))
        .expect("deactivated");
    assert_eq!(r.p.purge_inactive().expect("purge"), PurgeReport::default(), "off by default");
    r.p.set_purge_rule(&r.ctx, Some(30)).expect("on");
    r.clock.advance(DAY);
    assert_eq!(r.p.purge_inactive().expect("purge"), PurgeReport { enterprises: 1, deleted: 1 });
    assert!(matches!(r.p.scim_get(&r.import, gone.id), Err(ProvisioningError::NotFound)));
    for kept in [recent.id, active.id, manual.id] {
        assert!(r.p.persons.person(r.import.enterprise_id, kept).expect("read").is_some());
    }
    let (log, _) = r.p.activity_log(&r.ctx, &ActivityFilter::default(), 0, 5).expect("log");
    assert_eq!(log[0].kind, ActivityKind::InactivePurged);
    assert_eq!(log[1].kind, ActivityKind::PersonDeleted);
    assert_eq!(log[1].user_name.as_deref(), Some("gone@contoso.com"));
    assert!(
        log[1].detail.says("purged-person") && log[1].detail.arg("days") == Some(&ens_domain::Arg::Number(30)),
        "{:?}",
        log[1].detail
    );
    let due = r.p.outbox.claim_due_notices(r.clock.now(), Duration::from_secs(60), 10).expect("outbox");
    assert_eq!(due.len(), 1, "one summary per address per run");
    assert_eq!(due[0].notice.kind, NoticeKind::InactivePurged);
    assert_eq!(
        due[0].notice.examples,
        [Said::new("person-named").with("name", "Gone Soon").with("user", "gone@contoso.com")]
    );
    assert_eq!(r.p.purge_inactive().expect("purge"), PurgeReport::default(), "nothing left: no second notice");
    // Entra activates the user again: 404, so it creates it anew.
    assert!(matches!(
        r.p.scim_patch(&r.import, gone.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Active, true)])),
        Err(crate::usecases::provisioning::PatchError::Provisioning(ProvisioningError::NotFound))
    ));
    create(&r, "gone@contoso.com", &[]);
}
