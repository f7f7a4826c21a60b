#![doc = include_str!("../README.md")]

mod conn;
mod persons;
mod schema;
mod setup;
#[cfg(feature = "test-support")]
pub mod testing;

use std::sync::Mutex;
use std::time::Duration;

use diesel::Connection;
use diesel::r2d2::{Pool, PooledConnection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ens_ports::StoreError;

pub use conn::{DatabaseUrl, DbConnection, MigrationError, UrlError};

/// Pool and timeouts.
#[derive(Debug, Clone)]
pub struct StoreConfig {
    pub url: DatabaseUrl,
    /// Connections kept at most.
    pub pool_size: u32,
    /// How long a request waits for a connection (and PostgreSQL for a TCP connect) before
    /// the database counts as unavailable.
    pub connect_timeout: Duration,
}

impl StoreConfig {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url, pool_size: 8, connect_timeout: Duration::from_secs(5) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum InitError {
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: DatabaseUrl, reason: String },
    #[error(transparent)]
    Migration(#[from] MigrationError),
}

/// The diesel adapter: implements `PersonStore`, `SetupStore` and `ActivityLog` on either
/// backend. Every method blocks; call it from a blocking thread.
pub struct DieselStore {
    pool: Pool<conn::Manager>,
    url: DatabaseUrl,
    /// SQLite allows one writer at a time; taking this lock before `BEGIN` keeps two of our
    /// own connections from deadlocking on the upgrade from reader to writer (which SQLite
    /// answers with SQLITE_BUSY at once, without waiting).
    sqlite_writer: Option<Mutex<()>>,
}

impl std::fmt::Debug for DieselStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DieselStore").field("url", &self.url).finish_non_exhaustive()
    }
}

impl DieselStore {
    /// Builds the pool without connecting: the service can start (and say it is not ready)
    /// while the database is down.
    pub fn new(config: &StoreConfig) -> Self {
        let manager = conn::Manager::new(config.url.clone(), config.connect_timeout);
        let pool = Pool::builder()
            .max_size(config.pool_size.max(1))
            .min_idle(Some(0))
            .connection_timeout(config.connect_timeout)
            // A file does not go stale; a server connection may have been closed under us.
            .test_on_check_out(!config.url.is_sqlite())
            .build_unchecked(manager);
        Self { pool, url: config.url.clone(), sqlite_writer: config.url.is_sqlite().then(|| Mutex::new(())) }
    }

    /// Connects, applies pending migrations and returns the store with the versions applied.
    pub fn open(config: &StoreConfig) -> Result<(Self, Vec<String>), InitError> {
        let store = Self::new(config);
        let applied = store.migrate()?;
        Ok((store, applied))
    }

    /// Applies pending migrations (idempotent; safe with several instances).
    pub fn migrate(&self) -> Result<Vec<String>, InitError> {
        let mut conn =
            self.pool.get().map_err(|e| InitError::Connect { url: self.url.clone(), reason: e.to_string() })?;
        Ok(conn::run_migrations(&mut conn)?)
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    fn conn(&self) -> Result<PooledConnection<conn::Manager>, StoreError> {
        self.pool.get().map_err(|e| StoreError::Unavailable(e.to_string()))
    }

    /// Runs `f` on a pooled connection.
    fn read<T>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, DieselError>) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        f(&mut conn).map_err(map_error)
    }

    /// Runs `f` in a transaction; commits if it returns Ok. For SQLite, one writer at a time.
    fn write<T>(&self, f: impl FnOnce(&mut DbConnection) -> Result<T, TxError>) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        let _guard = match &self.sqlite_writer {
            Some(lock) => Some(lock.lock().map_err(|_| StoreError::Backend("SQLite writer lock poisoned".into()))?),
            None => None,
        };
        DbConnection::transaction(&mut conn, f).map_err(|e| match e {
            TxError::Store(s) => s,
            TxError::Diesel(d) => map_error(d),
        })
    }
}

/// Lets a transaction carry our own errors (Conflict, NotFound) as well as diesel's.
pub(crate) enum TxError {
    Store(StoreError),
    Diesel(DieselError),
}

impl From<DieselError> for TxError {
    fn from(e: DieselError) -> Self {
        TxError::Diesel(e)
    }
}

impl From<StoreError> for TxError {
    fn from(e: StoreError) -> Self {
        TxError::Store(e)
    }
}

/// Translates driver errors into the port's vocabulary.
fn map_error(e: DieselError) -> StoreError {
    match &e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            let what = format!("{} {}", info.constraint_name().unwrap_or_default(), info.message());
            StoreError::Duplicate(if what.contains("user_name") {
                "userName"
            } else if what.contains("login") {
                "login"
            } else if what.contains("token") {
                "token"
            } else if what.contains("outbox") || what.contains("incident") {
                "notice"
            } else {
                "id"
            })
        }
        DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _) => {
            StoreError::Unavailable(e.to_string())
        }
        DieselError::DatabaseError(_, info)
            if info.message().contains("database is locked") || info.message().contains("terminating connection") =>
        {
            StoreError::Unavailable(e.to_string())
        }
        DieselError::NotFound => StoreError::NotFound,
        _ => StoreError::Backend(e.to_string()),
    }
}

fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn to_u64(v: i64) -> u64 {
    u64::try_from(v).unwrap_or(0)
}
