use std::sync::Arc;
use std::time::Duration;

use ens_domain::{ActivityKind, Field, FieldChange, Mapping, NoticeKind, SecretToken, SyncState, TokenInfo};

use super::*;
use crate::faults::{Fault, FaultyStore};
use crate::memory::{ManualClock, MemoryStore, RecordingMailer, SeqIds};
use crate::outbound::{ActivityLog as _, Clock as _, Outbox as _, SetupStore as _};
use crate::testing::cheap_passwords;
use crate::{Policy, Ports};
use ens_domain::ActivityFilter;

const TOKEN: &str = "guarded-token";

struct Rig {
    ports: Ports,
    store: Arc<FaultyStore<MemoryStore>>,
    mailer: Arc<RecordingMailer>,
    clock: Arc<ManualClock>,
    import: ScimImport,
}

fn rig_with(policy: Policy, addresses: &[&str]) -> Rig {
    let store = Arc::new(FaultyStore::new(Arc::new(MemoryStore::new())));
    let mailer = Arc::new(RecordingMailer::default());
    let clock = Arc::new(ManualClock::default());
    let ports = Ports::new(
        store.clone(),
        clock.clone(),
        Arc::new(SeqIds::default()),
        mailer.clone(),
        cheap_passwords(),
        policy,
    );
    let e = ports.create_enterprise("Contoso").expect("enterprise");
    let mut i = ports.setup.scim_import(e.id).expect("store").expect("exists");
    i.version += 1;
    let t = SecretToken::new(TOKEN.into());
    i.token = Some(TokenInfo { hash: t.hash(), created_at: clock.now(), last4: t.last4() });
    i.state = SyncState::Enabled { since: clock.now(), by: None };
    i.mapping = Mapping::default();
    i.notify = addresses.iter().map(|a| EmailAddress::parse(a).expect("valid")).collect();
    ports.setup.update_scim_import(&i, None, &[]).expect("stored");
    let import = ports.scim_begin(TOKEN).expect("authenticates");
    Rig { ports, store, mailer, clock, import }
}

fn rig() -> Rig {
    rig_with(Policy::default(), &["ops@contoso.com", "it@contoso.com"])
}

fn switch_offs(r: &Rig) -> Vec<Activity> {
    let (log, _) = r.store.inner().activities(r.import.enterprise_id, &ActivityFilter::default(), 0, 100).expect("log");
    log.into_iter().filter(|a| a.kind == ActivityKind::ImportSwitchedOff).collect()
}

fn state(r: &Rig) -> SyncState {
    r.store.inner().scim_import(r.import.enterprise_id).expect("store").expect("exists").state
}

#[test]
fn a_failure_of_ours_switches_off_and_queues_one_notice_per_address() {
    let r = rig();
    for end in [RequestEnd::Refused { status: 400 }, RequestEnd::Refused { status: 409 }, RequestEnd::ImportOff] {
        r.ports.guard_observe(&r.import, end, &Said::verbatim("client error"));
    }
    assert!(state(&r).accepts_scim(), "the client's mistakes do not count");
    r.ports.guard_observe(&r.import, RequestEnd::DatabaseError, &Said::verbatim("the database refused a change"));
    let SyncState::DisabledByFailure { failure, .. } = state(&r) else { panic!("{:?}", state(&r)) };
    assert_eq!(failure.kind, FailureKind::DatabaseError);
    assert!(matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Disabled { .. })));
    // Another failure of the same incident: no second switch-off, no second notice.
    r.ports.guard_observe(&r.import, RequestEnd::Timeout, &Said::verbatim("slow"));
    let offs = switch_offs(&r);
    assert_eq!(offs.len(), 1);
    assert_eq!((offs[0].actor, offs[0].outcome), (Actor::SyncGuard, Outcome::Failed));
    assert!(offs[0].detail.quotes("ops@contoso.com"), "{:?}", offs[0].detail);

    assert!(r.mailer.sent().is_empty(), "notices go through the outbox");
    let report = r.ports.deliver_notices().expect("delivered");
    assert_eq!(report, DeliveryReport { delivered: 2, retried: 0, abandoned: 0 });
    let sent = r.mailer.sent();
    assert_eq!(sent.iter().map(|n| n.recipient.as_str()).collect::<Vec<_>>(), ["ops@contoso.com", "it@contoso.com"]);
    assert!(sent.iter().all(|n| n.kind == NoticeKind::ImportSwitchedOff && n.incident == Some(failure.incident)));
    assert!(sent[0].reason.quotes("refused a change"), "{:?}", sent[0].reason);
    assert_eq!(r.ports.deliver_notices().expect("nothing left"), DeliveryReport::default());
}

#[test]
fn the_threshold_counts_consecutive_failures_only() {
    let mut policy = Policy::default();
    policy.guard.failures_before_switch_off = 3;
    let r = rig_with(policy, &["ops@contoso.com"]);
    r.ports.guard_observe(&r.import, RequestEnd::Internal, &Said::verbatim("x"));
    r.ports.guard_observe(&r.import, RequestEnd::Internal, &Said::verbatim("x"));
    r.ports.guard_observe(&r.import, RequestEnd::Succeeded, &Said::verbatim(""));
    r.ports.guard_observe(&r.import, RequestEnd::Internal, &Said::verbatim("x"));
    r.ports.guard_observe(&r.import, RequestEnd::Internal, &Said::verbatim("x"));
    assert!(state(&r).accepts_scim());
    r.ports.guard_observe(&r.import, RequestEnd::Internal, &Said::verbatim("x"));
    assert!(!state(&r).accepts_scim());
}

#[test]
fn nothing_is_lost_the_failed_change_is_applied_when_retried_after_switching_on() {
    let r = rig();
    let create = || r.ports.scim_create(&r.import, vec![FieldChange::set(Field::UserName, "jdoe@contoso.com")]);
    r.store.set_fault(Some(Fault::PersonWrites));
    let Err(ProvisioningError::Store(e)) = create() else { panic!("the write must fail") };
    r.ports.guard_observe(&r.import, RequestEnd::DatabaseError, &Said::verbatim(e.to_string()));
    r.store.set_fault(None);
    assert!(matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Disabled { .. })), "off until a principal acts");

    let creds = r.ports.create_principal(r.import.enterprise_id, "admin@contoso.com").expect("principal");
    let s = r.ports.login("admin@contoso.com", &creds.password, "ip").expect("login");
    let ctx = r.ports.change_password(&s.context, &creds.password, "a good new password").expect("changed").context;
    r.ports.set_import_enabled(&ctx, true).expect("switched on");
    let import = r.ports.scim_begin(TOKEN).expect("on again");
    // Entra retries the escrowed create.
    let created =
        r.ports.scim_create(&import, vec![FieldChange::set(Field::UserName, "jdoe@contoso.com")]).expect("applied");
    assert_eq!(
        r.ports.scim_get(&import, created.person.id).expect("stored").values.user_name().as_str(),
        "jdoe@contoso.com"
    );
    let (log, _) = r.store.inner().activities(import.enterprise_id, &ActivityFilter::default(), 0, 10).expect("log");
    let kinds: Vec<ActivityKind> = log.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds[..3],
        [ActivityKind::PersonCreated, ActivityKind::ImportSwitchedOn, ActivityKind::ImportSwitchedOff]
    );
    assert!(log[1].detail.says("switched-on-after-failure"), "{:?}", log[1].detail);
}

#[test]
fn a_database_outage_answers_503_at_once_mails_directly_and_records_when_back() {
    let r = rig();
    r.store.set_fault(Some(Fault::Everything));
    // Past the authentication cache: the token's setup must be read, and cannot be.
    r.clock.advance(Duration::from_secs(2));
    // The request's own lookup fails; the guard knows the token and trips in memory.
    assert!(matches!(
        r.ports.scim_begin(TOKEN),
        Err(ProvisioningError::Disabled { state: SyncState::DisabledByFailure { .. }, .. })
    ));
    assert!(
        matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Disabled { .. })),
        "every further request: 503 at once"
    );
    r.ports.guard_tick();
    assert!(r.mailer.sent().is_empty(), "the database may come back within the grace period");
    r.clock.advance(Duration::from_secs(31));
    r.ports.guard_tick();
    r.ports.guard_tick();
    let sent = r.mailer.sent();
    assert_eq!(sent.len(), 2, "once per address, however many ticks");
    assert_eq!(sent[0].kind, NoticeKind::ImportSwitchedOff);
    assert!(sent[0].reason.says("failure-database-unavailable"), "{:?}", sent[0].reason);

    r.store.set_fault(None);
    r.ports.guard_tick();
    let SyncState::DisabledByFailure { failure, .. } = state(&r) else { panic!("recorded once the database is back") };
    assert_eq!(failure.kind, FailureKind::DatabaseUnavailable);
    assert_eq!(Some(failure.incident), sent[0].incident, "the same incident");
    let offs = switch_offs(&r);
    assert_eq!(offs.len(), 1);
    assert!(offs[0].detail.says("told-mailed-during-outage"), "{:?}", offs[0].detail);
    assert_eq!(r.ports.deliver_notices().expect("outbox").delivered, 0, "no second notice");
    assert!(matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Disabled { .. })));
}

#[test]
fn a_short_outage_goes_through_the_outbox_instead() {
    let r = rig();
    r.store.set_fault(Some(Fault::Everything));
    r.clock.advance(Duration::from_secs(2));
    assert!(r.ports.scim_begin(TOKEN).is_err());
    r.clock.advance(Duration::from_secs(5));
    r.store.set_fault(None);
    r.ports.guard_tick();
    assert!(r.mailer.sent().is_empty());
    assert_eq!(r.ports.deliver_notices().expect("outbox").delivered, 2);
    assert_eq!(switch_offs(&r).len(), 1);
}

#[test]
fn two_instances_one_incident_one_switch_off_one_notice_per_address() {
    let r = rig();
    // A second instance: same database, its own memory.
    let mut other = r.ports.clone();
    other.guard = Arc::default();
    let import_b = other.scim_begin(TOKEN).expect("authenticates");
    r.ports.guard_observe(&r.import, RequestEnd::DatabaseError, &Said::verbatim("refused"));
    other.guard_observe(&import_b, RequestEnd::Timeout, &Said::verbatim("slow"));
    assert_eq!(switch_offs(&r).len(), 1);
    let a = r.ports.deliver_notices().expect("outbox");
    let b = other.deliver_notices().expect("outbox");
    assert_eq!(a.delivered + b.delivered, 2);
    assert_eq!(r.mailer.sent().len(), 2);
}

#[test]
fn no_address_still_switches_off_and_says_so() {
    let r = rig_with(Policy::default(), &[]);
    r.ports.guard_observe(&r.import, RequestEnd::Limit, &Said::verbatim("body too large"));
    assert!(!state(&r).accepts_scim());
    assert!(switch_offs(&r)[0].detail.says("told-nobody"));
    assert_eq!(r.ports.deliver_notices().expect("outbox").delivered, 0);
}

#[test]
fn undeliverable_notices_are_retried_with_backoff_until_delivered() {
    let r = rig_with(Policy::default(), &["ops@contoso.com"]);
    r.mailer.set_failing(true);
    r.ports.guard_observe(&r.import, RequestEnd::Internal, &Said::verbatim("bug"));
    assert_eq!(r.ports.deliver_notices().expect("outbox").retried, 1);
    assert_eq!(r.ports.deliver_notices().expect("outbox"), DeliveryReport::default(), "not due yet");
    r.clock.advance(backoff(1));
    assert_eq!(r.ports.deliver_notices().expect("outbox").retried, 1);
    r.mailer.set_failing(false);
    r.clock.advance(backoff(2));
    assert_eq!(r.ports.deliver_notices().expect("outbox").delivered, 1);
    assert_eq!(r.store.inner().undelivered_notices(r.import.enterprise_id).expect("count"), 0);
    assert_eq!(backoff(1), Duration::from_secs(30));
    assert_eq!(backoff(3), Duration::from_secs(120));
    assert_eq!(backoff(30), Duration::from_secs(3600));
}

#[test]
fn entra_silence_is_reported_once_per_silence() {
    let r = rig();
    assert_eq!(r.ports.check_silence().expect("checked"), 0);
    r.clock.advance(Duration::from_secs(2 * 3600));
    assert_eq!(r.ports.check_silence().expect("checked"), 1);
    assert_eq!(r.ports.check_silence().expect("checked"), 0, "once");
    r.ports.deliver_notices().expect("outbox");
    let sent = r.mailer.sent();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|n| n.kind == NoticeKind::ProvisioningSilent));
    // Entra calls again; later it goes quiet again: a new warning.
    r.clock.advance(Duration::from_secs(61));
    let import = r.ports.scim_begin(TOKEN).expect("a request");
    r.ports.scim_seen(&import, &SecretToken::new(TOKEN.into()).hash());
    r.clock.advance(Duration::from_secs(3600));
    assert_eq!(r.ports.check_silence().expect("checked"), 0);
    r.clock.advance(Duration::from_secs(3600));
    assert_eq!(r.ports.check_silence().expect("checked"), 1);
}

#[test]
fn authentication_is_cached_briefly_and_changes_made_here_apply_at_once() {
    let r = rig();
    // Another instance regenerates the token: this one trusts what it read for a second.
    let mut elsewhere = r.store.inner().scim_import(r.import.enterprise_id).expect("store").expect("exists");
    elsewhere.version += 1;
    let t = SecretToken::new("another-token".into());
    elsewhere.token = Some(TokenInfo { hash: t.hash(), created_at: r.clock.now(), last4: t.last4() });
    r.store.inner().update_scim_import(&elsewhere, None, &[]).expect("stored");
    assert!(r.ports.scim_begin(TOKEN).is_ok(), "within the cache time");
    r.clock.advance(Duration::from_secs(1));
    assert!(matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Unauthorized)), "read again after it");
    assert!(r.ports.scim_begin("another-token").is_ok());

    // A principal on this instance switches import off: it applies to the next request.
    let creds = r.ports.create_principal(r.import.enterprise_id, "admin@contoso.com").expect("principal");
    let s = r.ports.login("admin@contoso.com", &creds.password, "ip").expect("login");
    let ctx = r.ports.change_password(&s.context, &creds.password, "a good new password").expect("changed").context;
    r.ports.set_import_enabled(&ctx, false).expect("off");
    assert!(matches!(r.ports.scim_begin("another-token"), Err(ProvisioningError::Disabled { .. })));
}

#[test]
fn with_a_cached_token_a_failing_database_still_trips_through_the_request() {
    let r = rig();
    r.store.set_fault(Some(Fault::Everything));
    let import = r.ports.scim_begin(TOKEN).expect("cached authentication");
    let Err(ProvisioningError::Store(e)) =
        r.ports.scim_get(&import, ens_domain::PersonId::from_uuid(uuid::Uuid::nil()))
    else {
        panic!("the store is down")
    };
    r.ports.guard_observe(&import, RequestEnd::DatabaseUnavailable, &Said::verbatim(e.to_string()));
    assert!(
        matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Disabled { .. })),
        "held in memory, 503 at once"
    );
    // Long after the authentication cache's second, the held incident still answers from
    // memory: no request waits for a database known to be down.
    r.clock.advance(Duration::from_secs(600));
    assert!(matches!(
        r.ports.scim_cached(&SecretToken::new(TOKEN.into()).hash()),
        Some(Err(ProvisioningError::Disabled { .. }))
    ));
}

#[test]
fn a_regenerated_token_overlaps_until_entra_uses_the_new_one_or_the_overlap_ends() {
    let r = rig_with(Policy { token_overlap: Duration::from_secs(3600), ..Policy::default() }, &[]);
    let creds = r.ports.create_principal(r.import.enterprise_id, "admin@contoso.com").expect("principal");
    let s = r.ports.login("admin@contoso.com", &creds.password, "ip").expect("login");
    let ctx = r.ports.change_password(&s.context, &creds.password, "a good new password").expect("changed").context;
    let (second, _) = r.ports.generate_scim_token(&ctx).expect("regenerated");
    assert!(r.ports.scim_begin(TOKEN).is_ok(), "the previous token keeps working");
    // Past the overlap, the previous token fails even from the authentication cache…
    r.clock.advance(Duration::from_secs(3600));
    assert!(matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Unauthorized)));
    // …and the worker records its retirement, once.
    assert_eq!(r.ports.retire_expired_tokens().expect("swept"), 1);
    assert_eq!(r.ports.retire_expired_tokens().expect("swept"), 0);
    let (log, _) = r.store.inner().activities(r.import.enterprise_id, &ActivityFilter::default(), 0, 10).expect("log");
    assert_eq!(log[0].kind, ActivityKind::TokenRetired);
    assert_eq!(log[0].actor, Actor::SyncGuard);
    assert!(log[0].detail.says("token-retired-overlap-over"), "{:?}", log[0].detail);
    assert!(r.ports.scim_begin(second.expose()).is_ok());

    // Regenerate again; the new token's first use retires the old one at once.
    let (third, _) = r.ports.generate_scim_token(&ctx).expect("regenerated");
    let import = r.ports.scim_begin(second.expose()).expect("still works");
    r.ports.scim_seen(&import, &second.hash());
    let seen = r.store.inner().scim_import(r.import.enterprise_id).expect("store").expect("exists");
    assert!(seen.previous_token.as_ref().is_some_and(|p| p.last_used_at.is_some()), "its last use is shown");
    r.ports.scim_begin(third.expose()).expect("the new token");
    assert!(matches!(r.ports.scim_begin(second.expose()), Err(ProvisioningError::Unauthorized)));
    let (log, _) = r.store.inner().activities(r.import.enterprise_id, &ActivityFilter::default(), 0, 10).expect("log");
    assert_eq!((log[0].kind, log[0].actor), (ActivityKind::TokenRetired, Actor::Scim));
    assert!(matches!(r.ports.revoke_previous_token(&ctx), Err(crate::usecases::AdminError::NoPreviousToken)));
}

/// A principal of the rig's enterprise, logged in and past the first password change.
fn principal(r: &Rig) -> crate::usecases::principals::PrincipalContext {
    let creds = r.ports.create_principal(r.import.enterprise_id, "admin@contoso.com").expect("principal");
    let s = r.ports.login("admin@contoso.com", &creds.password, "ip").expect("login");
    r.ports.change_password(&s.context, &creds.password, "a good new password").expect("changed").context
}

/// `n` active SCIM persons, named p0…, with display names.
fn persons(r: &Rig, n: usize) -> Vec<ens_domain::Person> {
    (0..n)
        .map(|k| {
            let changes = vec![
                FieldChange::set(Field::UserName, format!("p{k}@contoso.com").as_str()),
                FieldChange::set(Field::DisplayName, format!("Person {k}").as_str()),
            ];
            r.ports.scim_create(&r.import, changes).expect("created").person
        })
        .collect()
}

fn deactivate(r: &Rig, import: &ScimImport, p: &ens_domain::Person) -> Result<ens_domain::Person, ProvisioningError> {
    r.ports.scim_replace(
        import,
        p.id,
        vec![FieldChange::set(Field::UserName, p.values.user_name().as_str()), FieldChange::set(Field::Active, false)],
        None,
    )
}

fn inactive(r: &Rig) -> usize {
    let q = ens_domain::PersonQuery::all(1000);
    r.ports.scim_query(&r.import, &q).expect("query").persons.iter().filter(|p| !p.values.active()).count()
}

#[test]
fn the_21st_deactivation_of_100_is_held_not_applied_and_switches_off_once() {
    let r = rig();
    let people = persons(&r, 100);
    for p in &people[..20] {
        deactivate(&r, &r.import, p).expect("below the limit: as before");
    }
    let Err(ProvisioningError::Held(hold)) = deactivate(&r, &r.import, &people[20]) else { panic!("must be held") };
    assert_eq!((hold.attempted, hold.applied(), hold.threshold, hold.window_minutes), (21, 20, 20, 60));
    assert_eq!(hold.held.user_name, "p20@contoso.com");
    assert!(
        r.ports.scim_get(&r.import, people[20].id).expect("there").values.active(),
        "a held request changes nothing"
    );
    assert_eq!(inactive(&r), 20);

    let SyncState::DisabledByFailure { failure, .. } = state(&r) else { panic!("{:?}", state(&r)) };
    assert_eq!(failure.kind, FailureKind::MassDeactivationHeld);
    assert_eq!(failure.hold.as_ref().map(|h| h.attempted), Some(21));
    assert!(matches!(r.ports.scim_begin(TOKEN), Err(ProvisioningError::Disabled { .. })), "every further request: 503");
    // A request racing the switch-off (another instance's cached setup) is held too: still one incident.
    assert!(matches!(deactivate(&r, &r.import, &people[21]), Err(ProvisioningError::Held(_))));
    assert_eq!(switch_offs(&r).len(), 1);
    let off = &switch_offs(&r)[0];
    assert_eq!(off.user_name.as_deref(), Some("p20@contoso.com"));

    r.ports.deliver_notices().expect("delivered");
    let sent = r.mailer.sent();
    assert_eq!(sent.len(), 2, "one per address per incident");
    assert!(sent.iter().all(|n| n.kind == NoticeKind::MassDeactivationHeld));
    assert_eq!(sent[0].examples.len(), 20, "up to 20 examples");
    let deactivated = |n: u32| {
        Said::new("departure-named")
            .with("name", format!("Person {n}"))
            .with("user", format!("p{n}@contoso.com"))
            .with("action", "deactivated")
    };
    assert_eq!(sent[0].examples[0], deactivated(20), "the held one first");
    assert_eq!(sent[0].examples[1], deactivated(19), "then the newest applied");
    assert!(
        sent[0].reason.says("hold") && sent[0].reason.arg("attempted") == Some(&ens_domain::Arg::Number(21)),
        "{:?}",
        sent[0].reason
    );

    let ctx = principal(&r);
    let import = r.ports.import_setup(&ctx).expect("read").1;
    let held = import.state.hold().expect("held").clone();
    let examples = r.ports.held_departures(&ctx, &import).expect("read");
    assert_eq!(held.attempted, 21);
    assert_eq!(examples.len(), 20);

    // "Allow these changes and switch on": Entra's retries all go through.
    r.clock.advance(Duration::from_secs(120));
    let (import, _) = r.ports.allow_held_departures(&ctx).expect("allowed");
    assert!(import.state.accepts_scim());
    let import = r.ports.scim_begin(TOKEN).expect("on again");
    for p in &people[20..30] {
        deactivate(&r, &import, p).expect("lifted for the next window");
    }
    assert_eq!(inactive(&r), 30, "every change applied, none twice");
    let (log, _) = r.store.inner().activities(import.enterprise_id, &ActivityFilter::default(), 0, 20).expect("log");
    let allowed = log.iter().find(|a| a.kind == ActivityKind::ImportSwitchedOn).expect("recorded");
    assert!(matches!(allowed.actor, Actor::Principal(_)));
    assert!(allowed.detail.says("switched-on-allowing-held"), "{:?}", allowed.detail);
    assert!(matches!(r.ports.allow_held_departures(&ctx), Err(crate::usecases::AdminError::NoHold)));
}

#[test]
fn after_a_lift_only_new_departures_count() {
    let r = rig();
    let people = persons(&r, 100);
    for p in &people[..20] {
        deactivate(&r, &r.import, p).expect("applied");
    }
    assert!(matches!(deactivate(&r, &r.import, &people[20]), Err(ProvisioningError::Held(_))));
    let ctx = principal(&r);
    r.ports.allow_held_departures(&ctx).expect("allowed");
    let import = r.ports.scim_begin(TOKEN).expect("on");
    for p in &people[20..60] {
        deactivate(&r, &import, p).expect("lifted");
    }
    // The lift ends one window after it was granted; what it let through is not held against
    // what comes next.
    r.clock.advance(Duration::from_secs(61 * 60));
    let import = r.ports.scim_begin(TOKEN).expect("on");
    for p in &people[60..80] {
        deactivate(&r, &import, p).expect("a fresh window");
    }
    assert!(matches!(deactivate(&r, &import, &people[80]), Err(ProvisioningError::Held(_))));
}

#[test]
fn deleting_inactive_persons_does_not_count_and_deleting_active_ones_does() {
    let r = rig();
    let people = persons(&r, 60);
    // Entra's soft delete, then its hard delete 30 days later: only the first counts.
    for p in &people[..15] {
        deactivate(&r, &r.import, p).expect("applied");
    }
    r.clock.advance(Duration::from_secs(2 * 60 * 60));
    let import = r.ports.scim_begin(TOKEN).expect("on");
    for p in &people[..15] {
        r.ports.scim_delete(&import, p.id, None).expect("an inactive person: no departure");
    }
    for p in &people[15..35] {
        r.ports.scim_delete(&import, p.id, None).expect("active: counted, below the limit");
    }
    let Err(ProvisioningError::Held(hold)) = r.ports.scim_delete(&import, people[35].id, None) else {
        panic!("the 21st deletion of an active person is held")
    };
    assert_eq!(hold.held.action, ens_domain::DepartureAction::Deleted);
    assert!(r.ports.scim_get(&import, people[35].id).is_ok(), "not deleted");
}

#[test]
fn the_percentage_raises_the_limit_of_a_large_list() {
    let r = rig();
    let ctx = principal(&r);
    r.ports.set_departure_rule(&ctx, 5, 10, 60).expect("within bounds");
    assert!(matches!(
        r.ports.set_departure_rule(&ctx, 0, 10, 60),
        Err(crate::usecases::AdminError::InvalidDepartureRule(_))
    ));
    let import = r.ports.scim_begin(TOKEN).expect("on");
    let people = persons(&r, 120);
    // max(5, 10 % of 120) = 12.
    for p in &people[..12] {
        deactivate(&r, &import, p).expect("applied");
    }
    let Err(ProvisioningError::Held(hold)) = deactivate(&r, &import, &people[12]) else { panic!("held") };
    assert_eq!(hold.threshold, 12);
}

#[test]
fn reactivations_and_other_changes_never_count() {
    let r = rig();
    let people = persons(&r, 30);
    for round in 0..3 {
        for p in &people[..20] {
            let current = r.ports.scim_get(&r.import, p.id).expect("there");
            let import = r.ports.scim_begin(TOKEN).expect("on");
            if round % 2 == 0 {
                r.ports
                    .scim_patch(&import, p.id, None, |_, _| Ok::<_, ()>(vec![FieldChange::set(Field::Title, "x")]))
                    .expect("not a departure");
            } else {
                r.ports
                    .scim_replace(
                        &import,
                        current.id,
                        vec![
                            FieldChange::set(Field::UserName, current.values.user_name().as_str()),
                            FieldChange::set(Field::Active, true),
                        ],
                        None,
                    )
                    .expect("not a departure");
            }
        }
    }
    assert!(state(&r).accepts_scim());
}

/// The enterprise's choice of language reaches every notice it gets, and the log says who
/// chose it.
#[test]
fn notices_are_written_in_the_language_the_enterprise_chose() {
    let r = rig();
    let ctx = principal(&r);
    let import = r.ports.set_notice_language(&ctx, Language::German).expect("chosen");
    assert_eq!(import.notice_language, Language::German);
    let (entries, _) = r.ports.activity_log(&ctx, &ActivityFilter::default(), 0, 10).expect("the log");
    assert!(entries.iter().any(|a| a.kind == ActivityKind::NoticeLanguageChanged
        && a.actor == Actor::Principal(ctx.principal.id)
        && a.detail.says("notice-language-changed")
        && a.detail.quotes("de")));
    let import = r.ports.setup.scim_import(r.import.enterprise_id).unwrap().unwrap();
    r.ports.guard_observe(&import, RequestEnd::DatabaseError, &Said::verbatim("the database refused a change"));
    r.ports.deliver_notices().expect("delivered");
    let sent = r.mailer.sent();
    assert_eq!(sent.len(), 2);
    assert!(sent.iter().all(|n| n.language == Language::German), "{sent:?}");
}
