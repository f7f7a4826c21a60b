//! Test databases: each test gets a database of its own and leaves nothing behind.
//!
//! PostgreSQL is the local server (`ENS_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`); a test that needs it fails, rather than
//! skips, when it is down.

#![allow(clippy::expect_used, clippy::unwrap_used, clippy::panic)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use diesel::Connection;
use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;

use crate::{DatabaseUrl, DieselStore, StoreConfig};

/// The server tests create their databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("ENS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A database that exists for as long as this value.
#[derive(Debug)]
pub enum TestDb {
    Sqlite { dir: tempfile::TempDir, url: DatabaseUrl },
    Postgres { name: String, url: DatabaseUrl },
}

fn unique_name() -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("ens_test_{}_{}_{}", std::process::id(), N.fetch_add(1, Ordering::SeqCst), nanos)
}

fn admin() -> PgConnection {
    let url = postgres_admin_url();
    PgConnection::establish(&url).unwrap_or_else(|e| {
        panic!(
            "PostgreSQL is needed for this test and is not reachable at {url}: {e}\n\
             start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        )
    })
}

impl TestDb {
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = DatabaseUrl::Sqlite(dir.path().join("ens-scim.db"));
        TestDb::Sqlite { dir, url }
    }

    pub fn postgres() -> Self {
        let name = unique_name();
        admin().batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let base = postgres_admin_url();
        let server = base.rsplit_once('/').map(|(s, _)| s).unwrap_or(&base);
        let url = format!("{server}/{name}").parse().expect("valid url");
        TestDb::Postgres { name, url }
    }

    pub fn url(&self) -> &DatabaseUrl {
        match self {
            TestDb::Sqlite { url, .. } | TestDb::Postgres { url, .. } => url,
        }
    }

    /// The URL as configuration would give it.
    pub fn url_string(&self) -> String {
        match self {
            TestDb::Sqlite { url: DatabaseUrl::Sqlite(p), .. } => format!("sqlite://{}", p.display()),
            TestDb::Postgres { url: DatabaseUrl::Postgres(u), .. } => u.clone(),
            _ => unreachable!("constructed consistently"),
        }
    }

    pub fn config(&self) -> StoreConfig {
        let mut c = StoreConfig::new(self.url().clone());
        c.connect_timeout = Duration::from_secs(2);
        c
    }

    /// A migrated store on this database.
    pub fn store(&self) -> DieselStore {
        DieselStore::open(&self.config()).expect("open test store").0
    }

    /// PostgreSQL only: refuse (`false`) or allow new connections, and drop existing ones —
    /// the database as seen by the service goes away or comes back.
    pub fn set_postgres_reachable(&self, reachable: bool) {
        let TestDb::Postgres { name, .. } = self else {
            panic!("only a PostgreSQL test database can be made unreachable");
        };
        let mut c = admin();
        c.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}")).expect("alter database");
        if !reachable {
            c.batch_execute(&format!(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()"
            ))
            .expect("terminate connections");
        }
    }

    /// PostgreSQL only: runs SQL in the test database as the administrator (e.g. a trigger
    /// that makes the database refuse writes).
    pub fn execute_as_admin(&self, sql: &str) {
        let TestDb::Postgres { url: DatabaseUrl::Postgres(url), .. } = self else {
            panic!("only on a PostgreSQL test database");
        };
        PgConnection::establish(url).expect("connect to the test database").batch_execute(sql).expect("run SQL");
    }

    /// Runs SQL in the test database on a connection of its own, either backend: what a
    /// black-box test cannot reach through the service (e.g. a person inactive for 40 days).
    pub fn execute(&self, sql: &str) {
        match self {
            TestDb::Sqlite { url: DatabaseUrl::Sqlite(path), .. } => {
                diesel::sqlite::SqliteConnection::establish(&path.to_string_lossy())
                    .expect("connect")
                    .batch_execute(sql)
                    .expect("run SQL");
            }
            TestDb::Postgres { .. } => self.execute_as_admin(sql),
            _ => panic!("a test database has a URL of its backend"),
        }
    }

    /// Keeps every write to the Person list waiting for `duration` (from another connection,
    /// as a slow database or a long transaction elsewhere would); returns when it lets go.
    /// Reads go on.
    pub fn hold_person_writes(&self, duration: Duration) {
        match self {
            TestDb::Sqlite { url: DatabaseUrl::Sqlite(path), .. } => {
                let mut c = diesel::sqlite::SqliteConnection::establish(&path.to_string_lossy()).expect("connect");
                c.batch_execute("BEGIN IMMEDIATE").expect("take the write lock");
                std::thread::sleep(duration);
                c.batch_execute("COMMIT").expect("let go");
            }
            TestDb::Postgres { url: DatabaseUrl::Postgres(url), .. } => {
                let mut c = PgConnection::establish(url).expect("connect");
                c.batch_execute(&format!(
                    "BEGIN; LOCK TABLE persons IN EXCLUSIVE MODE; SELECT pg_sleep({}); COMMIT;",
                    duration.as_secs_f64()
                ))
                .expect("hold the lock");
            }
            _ => panic!("a test database has a URL of its backend"),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, TestDb::Postgres { .. })
    }

    pub fn sqlite_dir(&self) -> Option<&std::path::Path> {
        match self {
            TestDb::Sqlite { dir, .. } => Some(dir.path()),
            TestDb::Postgres { .. } => None,
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let TestDb::Postgres { name, .. } = self {
            // FORCE ends connections a pool may still hold.
            let _ = admin().batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        }
    }
}
