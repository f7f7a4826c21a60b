#![doc = include_str!("../README.md")]

pub mod deadline;
// Test doubles: in tests of this crate, and for other crates' tests through the
// `test-support` feature; never in a release build.
#[cfg(any(test, feature = "test-support"))]
pub mod faults;
#[cfg(any(test, feature = "test-support"))]
pub mod memory;
pub mod outbound;
pub mod password;
pub mod system;
pub mod throttle;
pub mod usecases;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

pub use ens_domain::*;
pub use outbound::{
    ActivityLog, Census, Clock, Deadline, Ids, ImportCensus, MailError, Mailer, Outbox, OutboxCensus, OutboxEntry,
    PersonPage, PersonStore, PersonWrite, PrincipalRecord, PrincipalRemoval, SessionStore, SetupStore, StoreError,
    UniqueKey,
};
pub use password::Passwords;

/// Limits the use cases apply; configurable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub sessions: SessionPolicy,
    pub login: throttle::LoginPolicy,
    /// How long activity entries are kept.
    pub activity_retention: Duration,
    /// How long a regenerated SCIM token's predecessor keeps working at most (until Entra
    /// uses the new one, or a principal revokes it, if earlier).
    pub token_overlap: Duration,
    pub guard: usecases::guard::GuardPolicy,
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            sessions: SessionPolicy::default(),
            login: throttle::LoginPolicy::default(),
            activity_retention: Duration::from_secs(90 * 24 * 60 * 60),
            token_overlap: Duration::from_secs(7 * 24 * 60 * 60),
            guard: usecases::guard::GuardPolicy::default(),
        }
    }
}

/// The outbound adapters the use cases run against, and the little state they keep in memory.
///
/// The fields are private: adapters reach the stores only through the use cases, which
/// apply their gates (a password change still required, the enterprise of the caller,
/// readiness). Other crates' tests may look behind them with the `test-support` feature.
#[derive(Clone)]
pub struct Ports {
    pub(crate) persons: Arc<dyn PersonStore>,
    pub(crate) setup: Arc<dyn SetupStore>,
    pub(crate) activity: Arc<dyn ActivityLog>,
    pub(crate) sessions: Arc<dyn SessionStore>,
    pub(crate) outbox: Arc<dyn Outbox>,
    pub(crate) census: Arc<dyn Census>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Arc<dyn Ids>,
    pub(crate) mailer: Arc<dyn Mailer>,
    pub(crate) passwords: Passwords,
    pub(crate) policy: Policy,
    /// Failed logins per client address (this instance's view).
    pub(crate) throttle: Arc<throttle::AddressThrottle>,
    /// A hash to verify unknown logins against (computed once).
    dummy_hash: Arc<OnceLock<String>>,
    /// The sync guard's memory (this instance's view).
    pub(crate) guard: Arc<usecases::guard::GuardState>,
    /// The Entra marks this instance wrote lately.
    pub(crate) marks: Arc<usecases::health::MarkMemory>,
    /// The deadline of the request these ports serve ([`Ports::within`]); writes to the
    /// Person list roll back instead of committing once it has passed.
    deadline: Deadline,
}

impl std::fmt::Debug for Ports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ports").finish_non_exhaustive()
    }
}

impl Ports {
    /// Wires one store adapter that implements every store port.
    pub fn new<S>(
        store: Arc<S>,
        clock: Arc<dyn Clock>,
        ids: Arc<dyn Ids>,
        mailer: Arc<dyn Mailer>,
        passwords: Passwords,
        policy: Policy,
    ) -> Self
    where
        S: PersonStore + SetupStore + ActivityLog + SessionStore + Outbox + Census,
    {
        Self {
            persons: store.clone(),
            setup: store.clone(),
            activity: store.clone(),
            sessions: store.clone(),
            outbox: store.clone(),
            census: store,
            clock,
            ids,
            mailer,
            passwords,
            policy,
            throttle: Arc::default(),
            dummy_hash: Arc::default(),
            guard: Arc::default(),
            marks: Arc::default(),
            deadline: Deadline::NONE,
        }
    }

    /// These ports, for one request that must be done by `deadline`.
    pub fn within(&self, deadline: Deadline) -> Ports {
        Ports { deadline, ..self.clone() }
    }

    /// The deadline of the request these ports serve.
    pub fn deadline(&self) -> &Deadline {
        &self.deadline
    }

    /// The time, as every use case sees it.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The limits the use cases apply.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// Whether the database answers (readiness).
    pub fn database_ready(&self) -> Result<(), StoreError> {
        self.setup.ping()
    }
}

/// What other crates' tests may look at behind the use cases: the stores as they are.
#[cfg(feature = "test-support")]
impl Ports {
    pub fn setup_store(&self) -> &dyn SetupStore {
        self.setup.as_ref()
    }

    pub fn person_store(&self) -> &dyn PersonStore {
        self.persons.as_ref()
    }

    pub fn outbox_store(&self) -> &dyn Outbox {
        self.outbox.as_ref()
    }
}

/// Fakes wired together, for tests of this crate and of adapters.
#[cfg(any(test, feature = "test-support"))]
pub mod testing {
    use std::sync::Arc;

    use crate::memory::{ManualClock, MemoryStore, RecordingMailer, SeqIds};
    use crate::{Passwords, Policy, Ports};

    /// Cheap Argon2 parameters: tests hash many passwords.
    pub fn cheap_passwords() -> Passwords {
        #[allow(clippy::expect_used)]
        Passwords::new(1024, 1).expect("valid parameters")
    }

    /// Ports over a fresh [`MemoryStore`], a [`ManualClock`], [`SeqIds`] and a
    /// [`RecordingMailer`].
    pub fn ports() -> Ports {
        ports_with_clock().0
    }

    /// [`ports`], with the clock to move.
    pub fn ports_with_clock() -> (Ports, Arc<ManualClock>) {
        let clock = Arc::new(ManualClock::default());
        let p = Ports::new(
            Arc::new(MemoryStore::new()),
            clock.clone(),
            Arc::new(SeqIds::default()),
            Arc::new(RecordingMailer::default()),
            cheap_passwords(),
            Policy::default(),
        );
        (p, clock)
    }

    /// [`ports`], with the mailer to inspect.
    pub fn ports_with_mailer() -> (Ports, Arc<RecordingMailer>) {
        let mailer = Arc::new(RecordingMailer::default());
        let mut p = ports();
        p.mailer = mailer.clone();
        (p, mailer)
    }
}
