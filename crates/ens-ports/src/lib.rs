#![doc = include_str!("../README.md")]

pub mod memory;
pub mod outbound;
pub mod password;
pub mod system;
pub mod usecases;

use std::sync::Arc;

pub use ens_domain::*;
pub use outbound::{
    ActivityLog, Clock, Ids, MailError, Mailer, PersonPage, PersonStore, PrincipalRecord, SetupStore, StoreError,
};
pub use password::Passwords;

/// The outbound adapters the use cases run against.
#[derive(Clone)]
pub struct Ports {
    pub persons: Arc<dyn PersonStore>,
    pub setup: Arc<dyn SetupStore>,
    pub activity: Arc<dyn ActivityLog>,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn Ids>,
    pub passwords: Passwords,
}

impl std::fmt::Debug for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ports").finish_non_exhaustive()
    }
}

impl Ports {
    /// Wires one store adapter that implements every store port.
    pub fn new<S>(store: Arc<S>, clock: Arc<dyn Clock>, ids: Arc<dyn Ids>, passwords: Passwords) -> Self
    where
        S: PersonStore + SetupStore + ActivityLog,
    {
        Self { persons: store.clone(), setup: store.clone(), activity: store, clock, ids, passwords }
    }
}

/// Fakes wired together, for tests of this crate and of adapters.
pub mod testing {
    use std::sync::Arc;

    use crate::memory::{ManualClock, MemoryStore, SeqIds};
    use crate::{Passwords, Ports};

    /// Cheap Argon2 parameters: tests hash many passwords.
    pub fn cheap_passwords() -> Passwords {
        #[allow(clippy::expect_used)]
        Passwords::new(1024, 1).expect("valid parameters")
    }

    /// Ports over a fresh [`MemoryStore`], a [`ManualClock`] and [`SeqIds`].
    pub fn ports() -> Ports {
        Ports::new(
            Arc::new(MemoryStore::new()),
            Arc::new(ManualClock::default()),
            Arc::new(SeqIds::default()),
            cheap_passwords(),
        )
    }
}
