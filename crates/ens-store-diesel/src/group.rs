//! Group commit for SQLite: writes that arrive while another is being committed are
//! committed together, each in a savepoint of one transaction, so a burst of SCIM writes
//! costs one durable commit (one fsync) per batch instead of one per write.
//!
//! Leader/follower: every writer queues its work, then takes the writer lock. Whoever gets
//! the lock and finds its work still queued runs the whole queue; the others find theirs
//! done. An idle service commits each write alone, with no waiting.

use std::sync::mpsc;

use diesel::Connection;

use crate::conn::DbConnection;
use crate::{DieselStore, StoreError, TxError};

/// The work of one write, run in a savepoint of the batch's transaction.
type Work = Box<dyn FnMut(&mut DbConnection) -> Result<(), TxError> + Send>;

/// One queued write: it runs in a savepoint and reports its own result.
pub(crate) struct Job {
    work: Work,
    done: mpsc::SyncSender<Result<(), StoreError>>,
}

/// Writes waiting for the next commit.
#[derive(Default)]
pub(crate) struct Queue {
    jobs: parking_lot::Mutex<Vec<Job>>,
}

/// Most writes in one transaction: bounds how long a batch holds the writer lock.
const MAX_BATCH: usize = 64;

impl DieselStore {
    /// Like `write`, but on SQLite committed together with concurrent writes. `f` may run more
    /// than once only if nothing of it was committed (a dead connection at `BEGIN`).
    pub(crate) fn write_grouped<T: Send + 'static>(
        &self,
        mut f: impl FnMut(&mut DbConnection) -> Result<T, TxError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (Some(lock), Some(queue)) = (&self.sqlite_writer, &self.group) else {
            return self.write(f);
        };
        // The span covers the wait for the batch that commits this write, whoever leads it.
        let _span = tracing::debug_span!("store.write", db.system.name = "sqlite", grouped = true).entered();
        let (value_tx, value_rx) = mpsc::sync_channel::<T>(1);
        let (done_tx, done_rx) = mpsc::sync_channel(1);
        let work = Box::new(move |c: &mut DbConnection| {
            let v = f(c)?;
            // A savepoint rolled back by a later failure of the whole batch reports that
            // failure through `done`; the value is then never read.
            let _ = value_tx.try_send(v);
            Ok(())
        });
        queue.jobs.lock().push(Job { work, done: done_tx });
        let finish = |result: Result<(), StoreError>| {
            result.and_then(|()| {
                value_rx.try_recv().map_err(|_| StoreError::Backend("a grouped write lost its result".into()))
            })
        };
        loop {
            if let Ok(result) = done_rx.try_recv() {
                return finish(result);
            }
            let guard = lock.lock();
            // A leader reports while it holds the lock: holding it now, our write is either
            // done or still queued.
            if let Ok(result) = done_rx.try_recv() {
                parking_lot::MutexGuard::unlock_fair(guard);
                return finish(result);
            }
            let batch: Vec<Job> = {
                let mut jobs = queue.jobs.lock();
                let n = jobs.len().min(MAX_BATCH);
                jobs.drain(..n).collect()
            };
            self.commit_batch(batch);
            parking_lot::MutexGuard::unlock_fair(guard);
        }
    }

    /// Runs `batch` in one transaction, each job in its own savepoint, and reports to each.
    fn commit_batch(&self, mut batch: Vec<Job>) {
        crate::observe::group_committed(batch.len());
        let mut attempt = 1;
        let outcome = loop {
            let mut c = match self.conn() {
                Ok(c) => c,
                Err(e) => break Err(e),
            };
            let mut results: Vec<Result<(), StoreError>> = Vec::with_capacity(batch.len());
            let mut ran = false;
            let committed = DbConnection::transaction(&mut c.conn, |tx| {
                ran = true;
                crate::conn::begin_writing(tx)?;
                for job in batch.iter_mut() {
                    let r = tx.transaction(|sp| (job.work)(sp)).map_err(StoreError::from);
                    results.push(r);
                }
                Ok::<(), TxError>(())
            })
            .map_err(StoreError::from);
            match Self::settle(&mut c, committed) {
                Err(StoreError::Unavailable(_)) if c.broken && !ran && attempt < self.attempts => attempt += 1,
                Ok(()) => break Ok(results),
                Err(e) => break Err(e),
            }
        };
        match outcome {
            Ok(results) => {
                for (job, r) in batch.into_iter().zip(results) {
                    let _ = job.done.send(r);
                }
            }
            Err(e) => {
                let message = e.to_string();
                let unavailable = matches!(e, StoreError::Unavailable(_));
                for job in batch {
                    let err = if unavailable {
                        StoreError::Unavailable(message.clone())
                    } else {
                        StoreError::Backend(message.clone())
                    };
                    let _ = job.done.send(Err(err));
                }
            }
        }
    }
}
