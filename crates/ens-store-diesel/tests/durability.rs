//! A commit that returned survives SIGKILL of the process that made it.
//!
//! The test starts this test binary again as a child that inserts persons into an SQLite
//! file and prints each id once `insert_person` has returned; the parent kills the child
//! with SIGKILL mid-stream and checks that every printed person is in the file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use ens_domain::{
    Activity, ActivityKind, Actor, Enterprise, EnterpriseId, Field, FieldChange, Outcome, Person, PersonId,
    PersonValues, ScimImport, Source, Timestamp,
};
use ens_ports::{Deadline, PersonStore, PersonWrite, SetupStore};
use ens_store_diesel::{DatabaseUrl, DieselStore, StoreConfig};
use uuid::Uuid;

const CHILD_ENV: &str = "ENS_DURABILITY_CHILD_DB";
const ENTERPRISE: u128 = 1;

fn store(path: &str) -> DieselStore {
    DieselStore::open(&StoreConfig::new(DatabaseUrl::Sqlite(path.into()))).unwrap().0
}

/// The child: writes until killed. Does nothing when run as an ordinary test.
#[test]
fn child_writer() {
    let Ok(path) = std::env::var(CHILD_ENV) else { return };
    let store = store(&path);
    let e = EnterpriseId::from_uuid(Uuid::from_u128(ENTERPRISE));
    let now = Timestamp::from_micros(1);
    for n in 1u128.. {
        let id = PersonId::from_uuid(Uuid::from_u128(1000 + n));
        let values =
            PersonValues::from_changes(&[FieldChange::set(Field::UserName, format!("user{n}").as_str())]).unwrap();
        let p = Person {
            id,
            enterprise_id: e,
            source: Source::Scim,
            values,
            version: 1,
            created_at: now,
            updated_at: now,
            scim_updated_at: Some(now),
            inactive_since: None,
        };
        let log = Activity {
            enterprise_id: e,
            at: now,
            kind: ActivityKind::PersonCreated,
            actor: Actor::Scim,
            outcome: Outcome::Applied,
            person_id: Some(id),
            user_name: None,
            detail: ens_ports::Said::verbatim(""),
        };
        store.insert_person(&p, &PersonWrite::new(&log, &Deadline::NONE)).unwrap();
        // Only after the commit returned: this is the "2xx".
        println!("committed {id}");
    }
}

#[test]
fn sigkill_after_commit_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kill.db");
    let path = path.to_str().unwrap();
    {
        let s = store(path);
        let e = EnterpriseId::from_uuid(Uuid::from_u128(ENTERPRISE));
        let t = Timestamp::from_micros(0);
        s.create_enterprise(&Enterprise { id: e, name: "Durable".into(), created_at: t }, &ScimImport::new(e, t))
            .unwrap();
    }
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_writer", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, path)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut committed = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if let Some(id) = line.strip_prefix("committed ") {
            committed.push(id.parse::<PersonId>().unwrap());
            if committed.len() == 50 {
                child.kill().unwrap(); // SIGKILL on Unix: no destructor, no checkpoint runs.
                break;
            }
        }
    }
    child.wait().unwrap();
    assert_eq!(committed.len(), 50, "the child stopped before writing 50 persons");

    let s = store(path);
    let e = EnterpriseId::from_uuid(Uuid::from_u128(ENTERPRISE));
    for id in &committed {
        assert!(s.person(e, *id).unwrap().is_some(), "person {id} was acknowledged but is gone");
    }
}
