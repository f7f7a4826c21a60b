//! What the store knows of its database between requests: not migrated yet, up, or down.
//!
//! When the database is down, every request would otherwise wait `connect_timeout` for a
//! connection that will not come (40 concurrent SCIM requests took up to 20 s). Once one
//! attempt has failed, the store answers `Unavailable` at once, and a probe thread tries a
//! fresh connection every second; the first that works opens the store again. The pool's
//! own connections then come back as r2d2 reopens them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use diesel::r2d2::ManageConnection;
use ens_ports::StoreError;

use crate::conn::Manager;

/// How often the probe tries the database while it is down.
const PROBE_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug)]
pub(crate) struct Health {
    migrated: AtomicBool,
    down: AtomicBool,
    probing: AtomicBool,
    manager: Manager,
}

impl Health {
    pub(crate) fn new(manager: Manager) -> Self {
        Self {
            migrated: AtomicBool::new(false),
            down: AtomicBool::new(false),
            probing: AtomicBool::new(false),
            manager,
        }
    }

    pub(crate) fn migrated(&self) {
        self.migrated.store(true, Ordering::Release);
        self.down.store(false, Ordering::Release);
    }

    /// `Unavailable` at once while the database is known to be down or not migrated yet.
    pub(crate) fn check(&self) -> Result<(), StoreError> {
        if !self.migrated.load(Ordering::Acquire) {
            return Err(StoreError::Unavailable(
                "the database has not been reached since the service started; it is retried in the background".into(),
            ));
        }
        if self.down.load(Ordering::Acquire) {
            return Err(StoreError::Unavailable("the database is unreachable; it is checked every second".into()));
        }
        Ok(())
    }

    /// No connection could be had: the database is down until the probe reaches it.
    pub(crate) fn failed(self: &Arc<Self>) {
        self.down.store(true, Ordering::Release);
        if self.probing.swap(true, Ordering::AcqRel) {
            return;
        }
        let me = Arc::clone(self);
        let spawned = std::thread::Builder::new().name("db-probe".into()).spawn(move || {
            loop {
                std::thread::sleep(PROBE_EVERY);
                if me.manager.connect().is_ok() {
                    tracing::info!("the database answers again");
                    // In this order: a failure seen in between starts a probe of its own.
                    me.probing.store(false, Ordering::Release);
                    me.down.store(false, Ordering::Release);
                    return;
                }
            }
        });
        if let Err(e) = spawned {
            // Without a probe, requests go back to waiting for the pool themselves.
            tracing::warn!(error = %e, "cannot start the database probe");
            self.down.store(false, Ordering::Release);
            self.probing.store(false, Ordering::Release);
        }
    }
}
