#![doc = include_str!("../README.md")]

mod activity;
mod census;
mod conn;
mod group;
mod health;
mod observe;
mod outbox;
mod persons;
mod said;
mod schema;
mod sessions;
mod setup;
#[cfg(feature = "test-support")]
pub mod testing;

use std::time::Duration;

use diesel::Connection;
use diesel::r2d2::R2D2Connection;
use diesel::r2d2::{Pool, PooledConnection};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ens_ports::{StoreError, UniqueKey};

pub use conn::{DatabaseUrl, DbConnection, MigrationError, UrlError};
pub use observe::{PoolStatus, describe as describe_metrics};

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

/// The diesel adapter: implements `PersonStore`, `SetupStore`, `SessionStore`, `ActivityLog`
/// and `Outbox` on either backend. Every method blocks; call it from a blocking thread.
pub struct DieselStore {
    pool: Pool<conn::Manager>,
    url: DatabaseUrl,
    /// SQLite allows one writer at a time; taking this lock before `BEGIN` keeps two of our
    /// own connections from deadlocking on the upgrade from reader to writer (which SQLite
    /// answers with SQLITE_BUSY at once, without waiting). Released fairly, so that under a
    /// burst of writes no request waits for many turns.
    sqlite_writer: Option<parking_lot::Mutex<()>>,
    /// Attempts at a piece of work when pooled connections turn out to be dead (the pool's
    /// size, plus one for a fresh connection).
    attempts: u32,
    /// SQLite: writes waiting to be committed together (`group`).
    group: Option<group::Queue>,
    /// SQLite: the checkpoint thread runs while this lives.
    _checkpointer: Option<std::sync::Arc<()>>,
    /// Whether the database is known to be down (then nothing waits for it) or not migrated
    /// yet; a background probe notices when it is back.
    health: std::sync::Arc<health::Health>,
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
        let health = std::sync::Arc::new(health::Health::new(manager.clone()));
        let pool = Pool::builder()
            .max_size(config.pool_size.max(1))
            // Connections are opened ahead (in the background), not by the first requests.
            .min_idle(Some(config.pool_size.max(1)))
            .connection_timeout(config.connect_timeout)
            .test_on_check_out(false)
            .event_handler(Box::new(observe::PoolEvents::new()))
            .build_unchecked(manager);
        Self {
            pool,
            url: config.url.clone(),
            sqlite_writer: config.url.is_sqlite().then(|| parking_lot::Mutex::new(())),
            attempts: config.pool_size.max(1) + 1,
            group: config.url.is_sqlite().then(group::Queue::default),
            _checkpointer: match &config.url {
                DatabaseUrl::Sqlite(path) => {
                    let alive = std::sync::Arc::new(());
                    conn::spawn_checkpointer(path.clone(), std::sync::Arc::downgrade(&alive));
                    Some(alive)
                }
                DatabaseUrl::Postgres(_) => None,
            },
            health,
        }
    }

    /// Connects, applies pending migrations and returns the store with the versions applied.
    pub fn open(config: &StoreConfig) -> Result<(Self, Vec<String>), InitError> {
        let store = Self::new(config);
        let applied = store.migrate()?;
        Ok((store, applied))
    }

    /// Applies pending migrations (idempotent; safe with several instances). Until they have
    /// been applied once, every other method answers `Unavailable`.
    pub fn migrate(&self) -> Result<Vec<String>, InitError> {
        let mut c = self.pool.get().map_err(|e| InitError::Connect { url: self.url.clone(), reason: e.to_string() })?;
        let applied = conn::run_migrations(&mut c.conn)?;
        // Keys stored under an older userName rule are recomputed before anything is served
        // (docs/decisions/username-normalization.md); on this connection, since a one-shot
        // command's pool has only one.
        // It logs what it did, and which persons a principal must look at.
        persons::rekey_user_names(&mut c.conn)
            .map_err(|e| MigrationError::Failed(format!("recomputing userName keys: {e}")))?;
        self.health.migrated();
        Ok(applied)
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The backend, as traces name it (OpenTelemetry's `db.system.name`).
    fn system(&self) -> &'static str {
        if self.url.is_sqlite() { "sqlite" } else { "postgresql" }
    }

    /// A pooled connection — unless the database is known to be down, in which case the
    /// answer is `Unavailable` at once instead of after `connect_timeout`.
    fn conn(&self) -> Result<PooledConnection<conn::Manager>, StoreError> {
        self.health.check()?;
        self.pool.get().map_err(|e| {
            self.health.failed();
            StoreError::Unavailable(e.to_string())
        })
    }

    /// After an error: whether the connection still reaches its server (checked, since drivers
    /// word a lost connection in many ways). A lost one is dropped by the pool, and the error
    /// reported as the database being unavailable.
    fn settle<T>(c: &mut conn::Pooled, result: Result<T, StoreError>) -> Result<T, StoreError> {
        match result {
            Err(StoreError::Unavailable(e)) => {
                c.broken = true;
                Err(StoreError::Unavailable(e))
            }
            Err(StoreError::Backend(e)) if c.conn.ping().is_err() => {
                c.broken = true;
                Err(StoreError::Unavailable(format!("the connection to the database was lost ({e})")))
            }
            other => other,
        }
    }

    /// Runs `f` on a pooled connection. Pooled server connections can be dead (closed while
    /// idle, e.g. by a database restart): on a lost connection the read is tried again on
    /// another, so that a restart the service did not notice costs no request.
    fn read<T>(&self, mut f: impl FnMut(&mut DbConnection) -> Result<T, DieselError>) -> Result<T, StoreError> {
        let _span = tracing::debug_span!("store.read", db.system.name = self.system()).entered();
        let mut attempt = 1;
        loop {
            let mut c = self.conn()?;
            let result = f(&mut c.conn).map_err(map_error);
            match Self::settle(&mut c, result) {
                Err(StoreError::Unavailable(_)) if c.broken && attempt < self.attempts => attempt += 1,
                other => return other,
            }
        }
    }

    /// The row `query` finds (its `first`), read back with `convert`; `None` if there is none.
    pub(crate) fn first<R, T>(
        &self,
        mut query: impl FnMut(&mut DbConnection) -> Result<R, DieselError>,
        convert: impl FnOnce(R) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        use diesel::OptionalExtension;
        self.read(|c| query(c).optional())?.map(convert).transpose()
    }

    /// Runs `f` in a transaction; commits if it returns Ok. For SQLite, one writer at a time.
    /// A dead connection that fails before `f` ran (at `BEGIN`) is replaced and the write tried
    /// again; once `f` ran, a lost connection is reported, since the commit may have happened.
    fn write<T>(&self, mut f: impl FnMut(&mut DbConnection) -> Result<T, TxError>) -> Result<T, StoreError> {
        let _span = tracing::debug_span!("store.write", db.system.name = self.system()).entered();
        let mut attempt = 1;
        loop {
            let mut c = self.conn()?;
            let mut ran = false;
            let guard = self.sqlite_writer.as_ref().map(parking_lot::Mutex::lock);
            let result = DbConnection::transaction(&mut c.conn, |tx| {
                ran = true;
                conn::begin_writing(tx)?;
                f(tx)
            })
            .map_err(StoreError::from);
            if let Some(g) = guard {
                parking_lot::MutexGuard::unlock_fair(g);
            }
            match Self::settle(&mut c, result) {
                Err(StoreError::Unavailable(_)) if c.broken && !ran && attempt < self.attempts => attempt += 1,
                other => return other,
            }
        }
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

impl From<TxError> for StoreError {
    fn from(e: TxError) -> Self {
        match e {
            TxError::Store(s) => s,
            TxError::Diesel(d) => map_error(d),
        }
    }
}

/// A stored value this code cannot read back.
/// Makes the transaction's checks of enterprise `e` take turns with other transactions (on any
/// instance) that call this too: on PostgreSQL it locks the enterprise's `scim_imports` row
/// until commit. SQLite needs nothing: its writes run one at a time.
pub(crate) fn lock_enterprise(c: &mut DbConnection, e: &str) -> Result<(), TxError> {
    use diesel::prelude::*;
    if let DbConnection::Pg(pg) = c {
        schema::scim_imports::table
            .filter(schema::scim_imports::enterprise_id.eq(e))
            .select(schema::scim_imports::version)
            .for_update()
            .first::<i64>(pg)?;
    }
    Ok(())
}

pub(crate) fn corrupt(what: &str) -> StoreError {
    StoreError::Backend(format!("unreadable {what} in the database"))
}

/// Every unique index of the schema (migrations/): its name, which PostgreSQL reports, and
/// the columns SQLite names in its message instead ("UNIQUE constraint failed: t.a, t.b").
/// Anything else unique is a primary key.
const UNIQUE_INDEXES: &[(&str, &str, UniqueKey)] = &[
    ("persons_user_name", "persons.enterprise_id, persons.user_name_lower", UniqueKey::UserName),
    ("principals_login", "principals.login_lower", UniqueKey::Login),
    ("scim_imports_token", "scim_imports.token_hash", UniqueKey::Token),
    ("scim_imports_previous_token", "scim_imports.previous_token_hash", UniqueKey::Token),
    ("outbox_incident_recipient", "outbox.incident_id, outbox.recipient", UniqueKey::Notice),
];

/// Which rule a unique violation broke, from either backend's report.
fn unique_key(constraint: Option<&str>, message: &str) -> UniqueKey {
    UNIQUE_INDEXES
        .iter()
        .find(|(name, columns, _)| constraint == Some(*name) || message.ends_with(columns))
        .map_or(UniqueKey::Id, |(_, _, key)| *key)
}

/// Translates driver errors into the port's vocabulary.
pub(crate) fn map_error(e: DieselError) -> StoreError {
    match &e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Duplicate(unique_key(info.constraint_name(), info.message()))
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
