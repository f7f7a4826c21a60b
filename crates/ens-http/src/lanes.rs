//! Blocking work, in lanes that cannot take each other's threads.
//!
//! Use cases block (database, Argon2id, SMTP). If they all shared one pool, whatever is
//! slowest would decide for everyone: 40 test e-mails to a mail server that never answers,
//! or a stream of failed logins each hashing 19 MiB, left Entra's requests for every other
//! enterprise waiting until they timed out. So each kind of work has its own threads and a
//! bounded queue; a full queue answers "busy" at once instead of piling up.
//!
//! Each lane is a tokio runtime of its own, used only for its blocking threads.

use std::sync::Arc;
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};
use tokio::sync::Semaphore;

/// Threads and queue of each lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneSizes {
    /// SCIM requests (database work for Entra). Nothing else runs here.
    pub scim: usize,
    /// The admin API's and pages' database work (not logins), and `/readyz`.
    pub admin: usize,
    /// Logins and password changes: Argon2id hashes, each taking its memory cost (19 MiB by
    /// default) while it runs, so this also bounds that memory.
    pub passwords: usize,
    /// Test e-mails sent while a principal waits for the result.
    pub mail: usize,
}

impl Default for LaneSizes {
    fn default() -> Self {
        Self { scim: 16, admin: 4, passwords: 1, mail: 2 }
    }
}

/// Why a lane did not run the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LaneError {
    #[error("the {0} lane's queue is full")]
    Busy(&'static str),
    #[error("work on the {0} lane panicked")]
    Panicked(&'static str),
}

/// One lane: `threads` blocking threads, at most `threads × QUEUE_PER_THREAD` jobs waiting.
pub struct Lane {
    name: &'static str,
    handle: Handle,
    slots: Arc<Semaphore>,
    threads: usize,
    // Dropped without blocking (see Drop): a lane may be dropped on an async thread.
    runtime: Option<Runtime>,
}

/// Jobs that may wait per thread before the lane answers busy.
const QUEUE_PER_THREAD: usize = 64;

impl std::fmt::Debug for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lane").field("name", &self.name).field("threads", &self.threads).finish_non_exhaustive()
    }
}

impl Lane {
    pub fn new(name: &'static str, threads: usize) -> std::io::Result<Lane> {
        let threads = threads.max(1);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(threads)
            // Threads stay for the next burst instead of being started per request.
            .thread_keep_alive(Duration::from_secs(300))
            .thread_name(format!("lane-{name}"))
            .enable_time()
            .build()?;
        Ok(Lane {
            name,
            handle: runtime.handle().clone(),
            slots: Arc::new(Semaphore::new(threads * (1 + QUEUE_PER_THREAD))),
            threads,
            runtime: Some(runtime),
        })
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Runs `f` on one of this lane's threads; `Busy` at once if too much is waiting. `f` runs
    /// in the caller's span, so that what it records belongs to the request's trace.
    pub async fn run<T, F>(&self, f: F) -> Result<T, LaneError>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| LaneError::Busy(self.name))?;
        let span = tracing::Span::current();
        let job = self.handle.spawn_blocking(move || {
            let _slot = slot;
            span.in_scope(f)
        });
        job.await.map_err(|_| LaneError::Panicked(self.name))
    }

    /// Runs `f` without waiting for it (its own result is its business).
    pub fn spawn<F>(&self, f: F) -> Result<(), LaneError>
    where
        F: FnOnce() + Send + 'static,
    {
        let slot = self.slots.clone().try_acquire_owned().map_err(|_| LaneError::Busy(self.name))?;
        let span = tracing::Span::current();
        drop(self.handle.spawn_blocking(move || {
            let _slot = slot;
            span.in_scope(f)
        }));
        Ok(())
    }
}

impl Drop for Lane {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// Every lane of the service.
#[derive(Debug)]
pub struct Lanes {
    pub scim: Lane,
    pub admin: Lane,
    pub passwords: Lane,
    pub mail: Lane,
}

impl Lanes {
    pub fn new(sizes: LaneSizes) -> std::io::Result<Lanes> {
        Ok(Lanes {
            scim: Lane::new("scim", sizes.scim)?,
            admin: Lane::new("admin", sizes.admin)?,
            passwords: Lane::new("passwords", sizes.passwords)?,
            mail: Lane::new("mail", sizes.mail)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[actix_web::test]
    async fn a_lane_runs_work_and_refuses_beyond_its_queue() {
        let lane = Lane::new("test", 1).expect("lane");
        assert_eq!(lane.run(|| 41 + 1).await, Ok(42));
        // Block the one thread, fill the queue: the next job is refused at once.
        let (release, wait) = std::sync::mpsc::channel::<()>();
        let started = Arc::new(AtomicUsize::new(0));
        let s = started.clone();
        lane.spawn(move || {
            s.fetch_add(1, Ordering::SeqCst);
            let _ = wait.recv();
        })
        .expect("runs");
        for _ in 0..QUEUE_PER_THREAD {
            lane.spawn(|| {}).expect("queued");
        }
        assert_eq!(lane.spawn(|| {}), Err(LaneError::Busy("test")));
        assert!(matches!(lane.run(|| ()).await, Err(LaneError::Busy("test"))));
        release.send(()).expect("release");
    }

    #[actix_web::test]
    async fn lanes_do_not_share_threads() {
        let lanes = Lanes::new(LaneSizes { scim: 1, admin: 1, passwords: 1, mail: 1 }).expect("lanes");
        let (release, wait) = std::sync::mpsc::channel::<()>();
        lanes
            .mail
            .spawn(move || {
                let _ = wait.recv();
            })
            .expect("mail blocks its lane");
        // The mail lane's only thread is stuck; SCIM work still runs.
        assert_eq!(lanes.scim.run(|| "ran").await, Ok("ran"));
        release.send(()).expect("release");
    }
}
