//! When a request's work must be done by, and who decides whether it counts.
//!
//! A caller that answers "503, not applied" when its time is up must be able to trust that
//! answer: the work, still queued or still running, must then never commit. A [`Deadline`]
//! is shared by the caller and the work. The work checks it when it starts ([`check`]) and
//! claims the right to commit as the last step inside its transaction ([`claim_commit`]); the
//! caller, when its time is up, abandons it ([`abandon`]). Exactly one of claim and abandon
//! wins: a caller whose abandon loses waits for the commit's result instead of answering
//! 503.
//!
//! [`check`]: Deadline::check
//! [`claim_commit`]: Deadline::claim_commit
//! [`abandon`]: Deadline::abandon

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::{Duration, Instant};

use crate::outbound::StoreError;

const RUNNING: u8 = 0;
const COMMITTING: u8 = 1;
const ABANDONED: u8 = 2;

#[derive(Debug)]
struct Inner {
    at: Instant,
    state: AtomicU8,
}

/// A deadline shared by a caller and its work; cloning shares it. [`Deadline::NONE`] never
/// passes (work without a waiting caller: the CLI, workers, tests).
#[derive(Debug, Clone, Default)]
pub struct Deadline(Option<Arc<Inner>>);

impl Deadline {
    /// No deadline: every check passes.
    pub const NONE: Deadline = Deadline(None);

    /// Passes `after` from now.
    pub fn after(after: Duration) -> Self {
        Self::at(Instant::now() + after)
    }

    pub fn at(at: Instant) -> Self {
        Deadline(Some(Arc::new(Inner { at, state: AtomicU8::new(RUNNING) })))
    }

    /// When it passes, if ever.
    pub fn instant(&self) -> Option<Instant> {
        self.0.as_ref().map(|i| i.at)
    }

    /// Time left (zero once passed); `None` without a deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.instant().map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether work may (still) start or go on: not abandoned and not past.
    pub fn check(&self) -> Result<(), StoreError> {
        let Some(inner) = &self.0 else { return Ok(()) };
        match inner.state.load(Ordering::Acquire) {
            ABANDONED => Err(StoreError::DeadlinePassed),
            COMMITTING => Ok(()),
            _ if Instant::now() >= inner.at => Err(StoreError::DeadlinePassed),
            _ => Ok(()),
        }
    }

    /// The work's last step before `COMMIT`: from now on the caller waits for the outcome.
    /// Fails, so that the transaction rolls back, when the caller gave up or the time is up.
    /// Claiming again (a retried transaction) succeeds.
    pub fn claim_commit(&self) -> Result<(), StoreError> {
        let Some(inner) = &self.0 else { return Ok(()) };
        if Instant::now() >= inner.at && inner.state.load(Ordering::Acquire) == RUNNING {
            // Past the time but not yet abandoned: give up here, as the caller is about to.
            let _ = inner.state.compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire);
        }
        match inner.state.compare_exchange(RUNNING, COMMITTING, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => Ok(()),
            Err(COMMITTING) => Ok(()),
            Err(_) => Err(StoreError::DeadlinePassed),
        }
    }

    /// The caller's side when its time is up: true if the work will not commit (it had not
    /// claimed); false if a commit is under way, whose result the caller must wait for.
    pub fn abandon(&self) -> bool {
        let Some(inner) = &self.0 else { return false };
        match inner.state.compare_exchange(RUNNING, ABANDONED, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => true,
            Err(state) => state == ABANDONED,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_never_passes() {
        assert!(Deadline::NONE.check().is_ok());
        assert!(Deadline::NONE.claim_commit().is_ok());
        assert!(!Deadline::NONE.abandon());
    }

    #[test]
    fn a_passed_deadline_stops_work_before_it_starts_and_before_commit() {
        let d = Deadline::at(Instant::now());
        assert!(matches!(d.check(), Err(StoreError::DeadlinePassed)));
        assert!(matches!(d.claim_commit(), Err(StoreError::DeadlinePassed)));
        assert!(d.abandon(), "nothing was claimed: the caller may answer 'not applied'");
    }

    #[test]
    fn claim_and_abandon_exclude_each_other() {
        let d = Deadline::after(Duration::from_secs(60));
        assert!(d.check().is_ok());
        assert!(d.claim_commit().is_ok());
        assert!(d.claim_commit().is_ok(), "a retried transaction claims again");
        assert!(!d.abandon(), "a commit is under way: the caller must wait for it");

        let d = Deadline::after(Duration::from_secs(60));
        assert!(d.abandon());
        assert!(d.abandon(), "abandoning twice is harmless");
        assert!(matches!(d.check(), Err(StoreError::DeadlinePassed)));
        assert!(matches!(d.claim_commit(), Err(StoreError::DeadlinePassed)));
    }

    #[test]
    fn clones_share_the_outcome() {
        let d = Deadline::after(Duration::from_secs(60));
        let work = d.clone();
        assert!(d.abandon());
        assert!(matches!(work.claim_commit(), Err(StoreError::DeadlinePassed)));
    }
}
