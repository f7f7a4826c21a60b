//! Metrics (`docs/decisions/metrics.md`): the Prometheus exporter every adapter's `metrics`
//! call reaches once it is installed, and what only the binary can see — the census of
//! enterprises (from a use case, every few seconds, never per request), the connection pool,
//! notices sent. `GET /metrics` itself is served by ens-http on `metrics.bind`.

use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use anyhow::Context;
use ens_ports::{MailError, Mailer, Notice, NoticeKind, Ports};
use ens_store_diesel::DieselStore;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// How often the gauges are read again. A scrape sees values at most this old.
const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// Request latency, seconds: a SCIM lookup takes about a millisecond, Entra gives up at 60 s.
const LATENCY_BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
/// A checkout from a pool with idle connections takes microseconds; a full pool, up to
/// `database.connect_timeout_secs`.
const POOL_WAIT_BUCKETS: &[f64] = &[0.000_01, 0.000_1, 0.001, 0.01, 0.1, 0.5, 1.0, 5.0];
/// Group commits hold at most 64 writes.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// Installs the recorder: from now on every `metrics` call in the process is kept.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    let buckets = |name: &str, values: &[f64]| (Matcher::Full(name.to_owned()), values.to_vec());
    let mut builder = PrometheusBuilder::new();
    for (matcher, values) in [
        buckets("ens_http_request_duration_seconds", LATENCY_BUCKETS),
        buckets("ens_store_pool_wait_seconds", POOL_WAIT_BUCKETS),
        buckets("ens_store_group_commit_batch_size", BATCH_BUCKETS),
    ] {
        builder = builder.set_buckets_for_metric(matcher, &values).context("histogram buckets")?;
    }
    let handle = builder.install_recorder().context("cannot install the metrics recorder")?;
    ens_http::observe::describe();
    ens_store_diesel::describe_metrics();
    describe();
    Ok(handle)
}

fn describe() {
    use metrics::{Unit, describe_counter, describe_gauge};
    describe_gauge!("ens_build_info", "Always 1; the version of the running binary is its label.");
    describe_gauge!("ens_ready", "1 when the database answers (as /readyz), 0 otherwise; read every few seconds.");
    describe_gauge!(
        "ens_enterprises",
        "Enterprises by the state of their SCIM import: on, off (by a principal) or failed (switched off by a \
         failure of ours). The same on every instance: it is read from the database."
    );
    describe_gauge!(
        "ens_guard_held_incidents",
        "Switch-offs this instance holds in memory because the database cannot record them (it is down)."
    );
    describe_gauge!("ens_outbox_undelivered", "Notices waiting in the outbox to be e-mailed.");
    describe_gauge!(
        "ens_outbox_oldest_undelivered_age_seconds",
        Unit::Seconds,
        "How long the oldest notice waiting in the outbox has waited (0: none waits)."
    );
    describe_gauge!(
        "ens_entra_longest_silence_seconds",
        Unit::Seconds,
        "Of the enterprises whose import is on, the longest time one has not heard from Entra (since its last \
         SCIM request, or since import was switched on). 0 when no import is on."
    );
    describe_gauge!(
        "ens_guard_silence_threshold_seconds",
        Unit::Seconds,
        "guard.silence_minutes: the silence after which the sync guard warns an enterprise."
    );
    describe_gauge!("ens_store_pool_connections", "Database connections open.");
    describe_gauge!("ens_store_pool_connections_in_use", "Database connections lent out to work now.");
    describe_gauge!("ens_store_pool_max_connections", "database.pool_size: connections the pool may open.");
    describe_counter!(
        "ens_notices_total",
        "Attempts to e-mail a notice, by kind (import_switched_off, provisioning_silent, test) and result (sent, \
         transient_failure: retried later, permanent_failure: refused by the mail server)."
    );
    describe_counter!(
        "ens_notices_abandoned_total",
        "Notices given up after the mail server refused them for good several times."
    );
    describe_counter!("ens_census_failures_total", "Times the gauges above could not be read from the database.");
    metrics::gauge!("ens_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    // Counters exist from the start, at zero, so that the first increment is seen as one.
    for kind in NoticeKind::ALL {
        for result in ["sent", "transient_failure", "permanent_failure"] {
            metrics::counter!("ens_notices_total", "kind" => kind.as_str(), "result" => result).increment(0);
        }
    }
    metrics::counter!("ens_notices_abandoned_total").increment(0);
    metrics::counter!("ens_census_failures_total").increment(0);
}

/// A mailer that counts what it sends and what fails.
#[derive(Debug)]
pub struct Counted<M>(pub M);

impl<M: Mailer> Mailer for Counted<M> {
    fn send(&self, notice: &Notice) -> Result<(), MailError> {
        let result = self.0.send(notice);
        let outcome = match &result {
            Ok(()) => "sent",
            Err(MailError::Transient(_)) => "transient_failure",
            Err(MailError::Permanent(_)) => "permanent_failure",
        };
        metrics::counter!("ens_notices_total", "kind" => notice.kind.as_str(), "result" => outcome).increment(1);
        result
    }
}

/// Notices given up in one run of the outbox.
pub fn notices_abandoned(n: u32) {
    metrics::counter!("ens_notices_abandoned_total").increment(u64::from(n));
}

/// Reads the gauges every [`SAMPLE_EVERY`] on a thread of its own until stopped.
pub struct Sampler {
    stop: mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Sampler {
    pub fn start(ports: Ports, store: Arc<DieselStore>, handle: PrometheusHandle) -> std::io::Result<Sampler> {
        metrics::gauge!("ens_guard_silence_threshold_seconds").set(ports.policy().guard.silence.as_secs_f64());
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new().name("metrics".into()).spawn(move || {
            loop {
                sample(&ports, &store);
                // Histograms are kept in buckets that must be folded in now and then.
                handle.run_upkeep();
                if stopped.recv_timeout(SAMPLE_EVERY) != Err(RecvTimeoutError::Timeout) {
                    return;
                }
            }
        })?;
        Ok(Sampler { stop, thread })
    }

    pub fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

fn sample(ports: &Ports, store: &DieselStore) {
    let ready = ports.database_ready().is_ok();
    metrics::gauge!("ens_ready").set(if ready { 1.0 } else { 0.0 });
    metrics::gauge!("ens_guard_held_incidents").set(ports.held_incidents() as f64);
    let pool = store.pool_status();
    metrics::gauge!("ens_store_pool_connections").set(f64::from(pool.open));
    metrics::gauge!("ens_store_pool_connections_in_use").set(f64::from(pool.in_use));
    metrics::gauge!("ens_store_pool_max_connections").set(f64::from(pool.max));
    if !ready {
        // The gauges below keep their last values: the readiness alert says why they are old.
        return;
    }
    match ports.overview() {
        Ok(o) => {
            let seconds = |d: Option<Duration>| d.map_or(0.0, |d| d.as_secs_f64());
            metrics::gauge!("ens_enterprises", "import" => "on").set(o.imports.on as f64);
            metrics::gauge!("ens_enterprises", "import" => "off").set(o.imports.off as f64);
            metrics::gauge!("ens_enterprises", "import" => "failed").set(o.imports.failed as f64);
            metrics::gauge!("ens_outbox_undelivered").set(o.outbox_undelivered as f64);
            metrics::gauge!("ens_outbox_oldest_undelivered_age_seconds").set(seconds(o.oldest_undelivered_age));
            metrics::gauge!("ens_entra_longest_silence_seconds").set(seconds(o.longest_silence));
        }
        Err(e) => {
            metrics::counter!("ens_census_failures_total").increment(1);
            tracing::warn!(error = %e, "the metrics' census could not be read");
        }
    }
}
