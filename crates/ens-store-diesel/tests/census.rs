//! The census (counts across enterprises, for operators' gauges) gives the same answers on
//! SQLite, on PostgreSQL and in the in-memory store the use-case tests run on.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ens_domain::{
    EmailAddress, Enterprise, EnterpriseId, Failure, FailureKind, IncidentId, Notice, NoticeId, NoticeKind, ScimImport,
    SyncState, Timestamp, TokenUse,
};
use ens_ports::memory::MemoryStore;
use ens_ports::{Census, ImportCensus, Outbox, OutboxCensus, SetupStore};
use ens_store_diesel::testing::TestDb;
use std::time::Duration;
use uuid::Uuid;

fn t(seconds: i64) -> Timestamp {
    Timestamp::from_micros(1_767_225_600_000_000 + seconds * 1_000_000)
}

fn notice(e: EnterpriseId, n: u128, to: &str) -> Notice {
    Notice {
        id: NoticeId(Uuid::from_u128(1000 + n)),
        kind: NoticeKind::ImportSwitchedOff,
        enterprise_id: e,
        enterprise_name: "Contoso".into(),
        incident: Some(IncidentId::from_uuid(Uuid::from_u128(2000 + n))),
        recipient: EmailAddress::parse(to).unwrap(),
        occurred_at: t(0),
        reason: ens_ports::Said::verbatim("test"),
        setup_url: "http://127.0.0.1/setup".into(),
        examples: Vec::new(),
        language: ens_ports::Language::German,
    }
}

/// Five enterprises in every state, notices delivered, retried and given up; returns what
/// the census says before and after.
fn scenario<S: SetupStore + Outbox + Census>(store: &S) -> Vec<(ImportCensus, OutboxCensus)> {
    let mut seen = vec![(store.import_census().unwrap(), store.outbox_census().unwrap())];
    let mut imports = Vec::new();
    for n in 1..=5u128 {
        let id = EnterpriseId::from_uuid(Uuid::from_u128(n));
        let e = Enterprise { id, name: format!("Enterprise {n}"), created_at: t(0) };
        store.create_enterprise(&e, &ScimImport::new(id, t(0))).unwrap();
        imports.push(store.scim_import(id).unwrap().unwrap());
    }
    let set = |i: &ScimImport, state: SyncState, notices: &[Notice]| {
        let mut next = store.scim_import(i.enterprise_id).unwrap().unwrap();
        next.version += 1;
        next.state = state;
        store.update_scim_import(&next, None, notices).unwrap();
    };
    // 1: on since 100 s, Entra called at 50 s (before): last heard at 100.
    // 2: on since 10 s, Entra called at 300 s: last heard at 300.
    // 3: on since 200 s, never called: last heard at 200.
    // 4: switched off by a failure at 400 s, with two notices; 5: off (as created).
    store.touch_scim_request(imports[0].enterprise_id, TokenUse::Current, t(50)).unwrap();
    set(&imports[0], SyncState::Enabled { since: t(100), by: None }, &[]);
    set(&imports[1], SyncState::Enabled { since: t(10), by: None }, &[]);
    store.touch_scim_request(imports[1].enterprise_id, TokenUse::Current, t(300)).unwrap();
    set(&imports[2], SyncState::Enabled { since: t(200), by: None }, &[]);
    seen.push((store.import_census().unwrap(), store.outbox_census().unwrap()));
    let e4 = imports[3].enterprise_id;
    let failure = Failure {
        incident: IncidentId::from_uuid(Uuid::from_u128(99)),
        kind: FailureKind::DatabaseError,
        detail: ens_ports::Said::verbatim("test"),
        hold: None,
    };
    let queued = [notice(e4, 1, "a@contoso.example"), notice(e4, 2, "b@contoso.example")];
    set(&imports[3], SyncState::DisabledByFailure { since: t(400), failure }, &queued);
    seen.push((store.import_census().unwrap(), store.outbox_census().unwrap()));

    let claimed = store.claim_due_notices(t(500), Duration::from_secs(60), 10).unwrap();
    assert_eq!(claimed.len(), 2);
    store.notice_failed(claimed[0].notice.id, 1, Some(t(900)), "421 try later", t(500)).unwrap();
    store.notice_delivered(claimed[1].notice.id, t(500)).unwrap();
    seen.push((store.import_census().unwrap(), store.outbox_census().unwrap()));
    let again = store.claim_due_notices(t(900), Duration::from_secs(60), 10).unwrap();
    store.notice_failed(again[0].notice.id, 3, None, "550 no such mailbox", t(900)).unwrap();
    seen.push((store.import_census().unwrap(), store.outbox_census().unwrap()));
    seen
}

fn expected() -> Vec<(ImportCensus, OutboxCensus)> {
    let imports =
        |on, off, failed, quietest: Option<i64>| ImportCensus { on, off, failed, quietest_since: quietest.map(t) };
    let outbox = |undelivered, oldest: Option<i64>| OutboxCensus { undelivered, oldest_queued_at: oldest.map(t) };
    vec![
        (imports(0, 0, 0, None), outbox(0, None)),
        (imports(3, 2, 0, Some(100)), outbox(0, None)),
        (imports(3, 1, 1, Some(100)), outbox(2, Some(400))),
        // The retried notice still waits; the delivered one does not.
        (imports(3, 1, 1, Some(100)), outbox(1, Some(400))),
        // Given up: nothing waits any more.
        (imports(3, 1, 1, Some(100)), outbox(0, None)),
    ]
}

#[test]
fn the_in_memory_store_counts_as_expected() {
    assert_eq!(scenario(&MemoryStore::new()), expected());
}

#[test]
fn sqlite_counts_like_the_in_memory_store() {
    let db = TestDb::sqlite();
    assert_eq!(scenario(&db.store()), expected());
}

#[test]
fn postgres_counts_like_the_in_memory_store() {
    let db = TestDb::postgres();
    assert_eq!(scenario(&db.store()), expected());
}
