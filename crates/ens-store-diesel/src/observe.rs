//! What the store tells operators: the pool's occupancy (read on demand) and its waits, and the
//! size of SQLite's group commits (recorded through the `metrics` facade; nothing is kept
//! unless the binary installed a recorder).

use diesel::r2d2::HandleEvent;
use diesel::r2d2::event::{CheckoutEvent, TimeoutEvent};

use crate::DieselStore;

/// The connection pool right now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open.
    pub open: u32,
    /// Of those, the ones lent out to work now.
    pub in_use: u32,
    /// Connections the pool may open at most (`database.pool_size`).
    pub max: u32,
}

impl DieselStore {
    pub fn pool_status(&self) -> PoolStatus {
        let state = self.pool.state();
        PoolStatus {
            open: state.connections,
            in_use: state.connections.saturating_sub(state.idle_connections),
            max: self.pool.max_size(),
        }
    }
}

/// r2d2's events: how long each checkout waited for a connection, and which gave up.
pub(crate) struct PoolEvents {
    /// Every piece of store work checks out: the handle is looked up in the recorder once,
    /// when the pool is built (after the binary installed its recorder), not per checkout.
    wait: metrics::Histogram,
}

impl PoolEvents {
    pub(crate) fn new() -> PoolEvents {
        PoolEvents { wait: metrics::histogram!("ens_store_pool_wait_seconds") }
    }
}

impl std::fmt::Debug for PoolEvents {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolEvents").finish_non_exhaustive()
    }
}

impl HandleEvent for PoolEvents {
    fn handle_checkout(&self, event: CheckoutEvent) {
        self.wait.record(event.duration().as_secs_f64());
    }

    fn handle_timeout(&self, _: TimeoutEvent) {
        metrics::counter!("ens_store_pool_timeouts_total").increment(1);
    }
}

/// Writes committed together by one SQLite group commit.
pub(crate) fn group_committed(writes: usize) {
    metrics::histogram!("ens_store_group_commit_batch_size").record(writes as f64);
}

/// Names every series this crate records, for the exporter's help text.
pub fn describe() {
    metrics::describe_histogram!(
        "ens_store_pool_wait_seconds",
        metrics::Unit::Seconds,
        "Time a piece of store work waited for a pooled database connection."
    );
    metrics::describe_counter!(
        "ens_store_pool_timeouts_total",
        "Waits for a pooled database connection that gave up (database.connect_timeout_secs)."
    );
    metrics::describe_histogram!(
        "ens_store_group_commit_batch_size",
        "SQLite only: writes committed together in one transaction (one fsync) by a group commit."
    );
    metrics::counter!("ens_store_pool_timeouts_total").increment(0);
}
