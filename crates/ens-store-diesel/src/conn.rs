//! Connections: one diesel code path over SQLite and PostgreSQL, the backend chosen by the
//! URL scheme, pooled with r2d2.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, R2D2Connection};
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

/// A connection to either backend. Queries written against it run on both; only the SQL the
/// two share is available (no `ON CONFLICT`, no `ILIKE`).
// diesel's connections do not implement Debug.
#[allow(missing_debug_implementations)]
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// An arbitrary, fixed key: instances starting together migrate one after the other.
const MIGRATION_LOCK_KEY: i64 = 0x454e_535f_5343_494d; // "ENS_SCIM"

/// Which database to use, from `database.url`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// `sqlite://PATH`: a file (created if missing), relative to the working directory unless
    /// absolute (`sqlite:///var/lib/ens-scim/ens-scim.db`).
    Sqlite(PathBuf),
    /// `postgres://…` or `postgresql://…`, passed to libpq as it is.
    Postgres(String),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error(
        "database.url must start with sqlite:// or postgres:// (got {0:?}); e.g. sqlite://./ens-scim.db or postgres://user@host/db"
    )]
    UnsupportedScheme(String),
    #[error("database.url sqlite:// needs a file path, e.g. sqlite://./ens-scim.db")]
    MissingPath,
    #[error("in-memory SQLite is not supported: each pooled connection would get its own empty database")]
    InMemory,
}

impl FromStr for DatabaseUrl {
    type Err = UrlError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        let url = url.trim();
        if let Some(path) = url.strip_prefix("sqlite://") {
            match path {
                "" => Err(UrlError::MissingPath),
                ":memory:" => Err(UrlError::InMemory),
                p if p.contains("mode=memory") => Err(UrlError::InMemory),
                p => Ok(DatabaseUrl::Sqlite(PathBuf::from(p))),
            }
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DatabaseUrl::Postgres(url.to_owned()))
        } else {
            // Only the scheme: the rest may hold a password.
            let scheme = url.split("://").next().unwrap_or_default();
            Err(UrlError::UnsupportedScheme(scheme.to_owned()))
        }
    }
}

impl fmt::Display for DatabaseUrl {
    /// Never shows a password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            DatabaseUrl::Postgres(url) => {
                let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
                match rest.rsplit_once('@') {
                    Some((userinfo, host)) => {
                        let user = userinfo.split(':').next().unwrap_or_default();
                        let redacted = if userinfo.contains(':') { ":***" } else { "" };
                        write!(f, "{scheme}://{user}{redacted}@{host}")
                    }
                    None => write!(f, "{scheme}://{rest}"),
                }
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({self})")
    }
}

impl DatabaseUrl {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, DatabaseUrl::Sqlite(_))
    }
}

/// Opens connections of the URL's backend. Unlike diesel's generic manager it never tries a
/// PostgreSQL URL as an SQLite file name.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    connect_timeout: Duration,
}

impl Manager {
    pub fn new(url: DatabaseUrl, connect_timeout: Duration) -> Self {
        Self { url, connect_timeout }
    }
}

/// SQLite, per connection: wait for locks rather than fail; WAL so readers never block the
/// writer; `synchronous=FULL` so a commit survives a crash of the process *and* of the
/// machine; foreign keys on; `LIKE` case-sensitive as in PostgreSQL (case-insensitive
/// filters lowercase both sides explicitly).
/// Checkpoints are left to [`spawn_checkpointer`] (the WAL may grow to 40 MB before a writer
/// must checkpoint itself, as a safety net).
const SQLITE_PRAGMAS: &str = "PRAGMA busy_timeout = 5000;
PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
PRAGMA case_sensitive_like = ON;
PRAGMA wal_autocheckpoint = 10000;";

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Copies the WAL into the database file every second, on its own thread and connection:
/// otherwise the writer whose commit crosses the WAL's size limit checkpoints while every
/// other writer waits for it (p99 latency in the hundreds of milliseconds). A PASSIVE
/// checkpoint never blocks readers or writers. Stops when `alive` can no longer be upgraded.
pub fn spawn_checkpointer(path: PathBuf, alive: std::sync::Weak<()>) {
    let spawned = std::thread::Builder::new().name("sqlite-checkpoint".into()).spawn(move || {
        let mut conn: Option<SqliteConnection> = None;
        loop {
            std::thread::sleep(CHECKPOINT_EVERY);
            if alive.upgrade().is_none() {
                return;
            }
            let c = match conn.as_mut() {
                Some(c) => c,
                None => match SqliteConnection::establish(&path.to_string_lossy()) {
                    Ok(c) => conn.insert(c),
                    Err(e) => {
                        tracing::warn!(error = %e, "SQLite checkpoint: cannot open the database");
                        continue;
                    }
                },
            };
            if let Err(e) = c.batch_execute("PRAGMA busy_timeout = 1000; PRAGMA wal_checkpoint(PASSIVE);") {
                tracing::warn!(error = %e, "SQLite checkpoint failed");
                conn = None;
            }
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "cannot start the SQLite checkpoint thread; writers checkpoint themselves");
    }
}

/// SQLite: makes the transaction a writer from its first statement. A transaction that
/// reads first and writes later must upgrade, and SQLite refuses the upgrade at once
/// (`SQLITE_BUSY`, no busy wait) while another process holds the write lock — an operator's
/// `ens-scim principal create`, say — which would be reported as the database being down.
/// A write as the first statement waits `busy_timeout` like any writer. (diesel's
/// `immediate_transaction` does the same, but not through a `MultiConnection`.)
pub fn begin_writing(tx: &mut DbConnection) -> QueryResult<()> {
    if let DbConnection::Sqlite(c) = tx {
        // Touches no row; an UPDATE still takes the write lock when it starts.
        c.batch_execute("UPDATE persons SET version = version WHERE rowid = -1")?;
    }
    Ok(())
}

/// A pooled connection and what the pool needs to know about it.
#[allow(missing_debug_implementations)]
pub struct Pooled {
    pub conn: DbConnection,
    /// It failed in a way that leaves it unusable: the pool drops it.
    pub broken: bool,
}

impl r2d2::ManageConnection for Manager {
    type Connection = Pooled;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<Pooled, r2d2::Error> {
        let conn = match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(&path.to_string_lossy()).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS).map_err(r2d2::Error::QueryError)?;
                DbConnection::Sqlite(conn)
            }
            DatabaseUrl::Postgres(url) => {
                let url = with_connect_timeout(url, self.connect_timeout);
                DbConnection::Pg(PgConnection::establish(&url).map_err(r2d2::Error::ConnectionError)?)
            }
        };
        Ok(Pooled { conn, broken: false })
    }

    fn is_valid(&self, conn: &mut Pooled) -> Result<(), r2d2::Error> {
        conn.conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut Pooled) -> bool {
        conn.broken || conn.conn.is_broken()
    }
}

/// libpq waits for an unreachable server as long as the OS does unless told otherwise.
fn with_connect_timeout(url: &str, timeout: Duration) -> String {
    if url.contains("connect_timeout=") {
        return url.to_owned();
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}connect_timeout={}", timeout.as_secs().max(1))
}

#[derive(Debug, thiserror::Error)]
pub enum MigrationError {
    #[error("could not apply database migrations: {0}")]
    Failed(String),
}

/// Applies pending migrations; returns the versions applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let failed = |e: Box<dyn std::error::Error + Send + Sync>| MigrationError::Failed(e.to_string());
    let versions = |v: Vec<diesel::migration::MigrationVersion<'_>>| v.into_iter().map(|v| v.to_string()).collect();
    match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(versions).map_err(failed),
        DbConnection::Pg(c) => {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(c)
                .map_err(|e| MigrationError::Failed(e.to_string()))?;
            let result: Result<Vec<String>, _> =
                c.run_pending_migrations(POSTGRES_MIGRATIONS).map(versions).map_err(failed);
            let unlock = diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})")).execute(c);
            let applied = result?;
            unlock.map_err(|e| MigrationError::Failed(e.to_string()))?;
            Ok(applied)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_backend_and_refuse_others() {
        assert_eq!(
            "sqlite://./ens-scim.db".parse::<DatabaseUrl>(),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("./ens-scim.db")))
        );
        assert_eq!(
            "sqlite:///var/lib/ens/ens.db".parse::<DatabaseUrl>(),
            Ok(DatabaseUrl::Sqlite(PathBuf::from("/var/lib/ens/ens.db")))
        );
        assert!(matches!("postgres://u@h/db".parse::<DatabaseUrl>(), Ok(DatabaseUrl::Postgres(_))));
        assert!(matches!("postgresql://u@h/db".parse::<DatabaseUrl>(), Ok(DatabaseUrl::Postgres(_))));
        assert_eq!(
            "mysql://root:hunter2@h/db".parse::<DatabaseUrl>(),
            Err(UrlError::UnsupportedScheme("mysql".into()))
        );
        assert_eq!("sqlite://".parse::<DatabaseUrl>(), Err(UrlError::MissingPath));
        assert_eq!("sqlite://:memory:".parse::<DatabaseUrl>(), Err(UrlError::InMemory));
        let err = "./file.db".parse::<DatabaseUrl>().expect_err("no scheme");
        assert!(err.to_string().contains("sqlite://"), "{err}");
    }

    #[test]
    fn display_hides_passwords() {
        let url: DatabaseUrl = "postgres://ens:s3cret@db.internal:5432/ens".parse().expect("valid");
        assert_eq!(url.to_string(), "postgres://ens:***@db.internal:5432/ens");
        assert!(!format!("{url:?}").contains("s3cret"));
        let url: DatabaseUrl = "postgres://ens@db/ens".parse().expect("valid");
        assert_eq!(url.to_string(), "postgres://ens@db/ens");
    }

    #[test]
    fn connect_timeout_is_added_once() {
        assert_eq!(
            with_connect_timeout("postgres://h/db", Duration::from_secs(3)),
            "postgres://h/db?connect_timeout=3"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?sslmode=require", Duration::from_millis(10)),
            "postgres://h/db?sslmode=require&connect_timeout=1"
        );
        assert_eq!(
            with_connect_timeout("postgres://h/db?connect_timeout=9", Duration::from_secs(3)),
            "postgres://h/db?connect_timeout=9"
        );
    }
}
