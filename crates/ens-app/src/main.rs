//! `ens-scim`: the ENS+ SCIM import service and its operator commands.

mod config;
mod monitoring;
mod telemetry;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use ens_http::{AppState, HttpConfig};
use ens_ports::system::{OsIds, SystemClock};
use ens_ports::throttle::LoginPolicy;
use ens_ports::usecases::guard::GuardPolicy;
use ens_ports::{Passwords, Policy, Ports, SessionPolicy};
use ens_store_diesel::{DatabaseUrl, DieselStore, StoreConfig};

use crate::config::Settings;

#[derive(Debug, Parser)]
#[command(
    name = "ens-scim",
    version,
    about = "ENS+ SCIM import: the SCIM 2.0 endpoint Microsoft Entra ID provisions the Person list through"
)]
struct Cli {
    /// Configuration file (TOML). Default: ./ens-scim.toml when it exists.
    #[arg(long, global = true, env = "ENS_SCIM_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the service (migrates the database first).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage enterprises.
    #[command(subcommand)]
    Enterprise(EnterpriseCommand),
    /// Manage principals (an enterprise's ENS+ administrators).
    #[command(subcommand)]
    Principal(PrincipalCommand),
}

#[derive(Debug, Subcommand)]
enum EnterpriseCommand {
    /// Create an enterprise; prints its id.
    Create {
        #[arg(long)]
        name: String,
    },
    /// List enterprises.
    List,
}

#[derive(Debug, Subcommand)]
enum PrincipalCommand {
    /// Create a principal; prints a generated password once.
    Create {
        /// The enterprise's id or exact name.
        #[arg(long)]
        enterprise: String,
        /// The principal's e-mail address, used to log in.
        #[arg(long)]
        login: String,
    },
    /// Give a principal a new generated password; prints it once.
    ResetPassword {
        #[arg(long)]
        login: String,
    },
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let settings = config::load(cli.config.as_deref())?;
    let telemetry = telemetry::init(&settings.log, &settings.traces)?;
    let result = command(cli.command, &settings, &telemetry);
    telemetry.shutdown();
    result
}

fn command(command: Command, settings: &Settings, telemetry: &telemetry::Telemetry) -> anyhow::Result<()> {
    // One-shot commands: one connection, migrated first.
    let one_shot = || -> anyhow::Result<(Ports, Vec<String>)> {
        let (store, applied) = DieselStore::open(&store_config(settings, false)?)?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "database migrated");
        }
        Ok((build_ports(settings, Arc::new(store))?, applied))
    };
    match command {
        Command::Serve => {
            // Before anything records: from here on every adapter's metrics are kept.
            let metrics = settings.metrics.enabled.then(monitoring::install).transpose()?;
            let store = Arc::new(DieselStore::new(&store_config(settings, true)?));
            let ports = build_ports(settings, store.clone())?;
            serve(settings, ports, store, metrics, telemetry.trace_context())
        }
        Command::Migrate => {
            let (_, applied) = one_shot()?;
            println!("database is up to date ({} migration(s) applied now)", applied.len());
            Ok(())
        }
        Command::Enterprise(EnterpriseCommand::Create { name }) => {
            let (ports, _) = one_shot()?;
            let e = ports.create_enterprise(&name)?;
            println!("created enterprise {:?} with id {}", e.name, e.id);
            Ok(())
        }
        Command::Enterprise(EnterpriseCommand::List) => {
            let (ports, _) = one_shot()?;
            for e in ports.list_enterprises()? {
                println!("{}\t{}", e.id, e.name);
            }
            Ok(())
        }
        Command::Principal(PrincipalCommand::Create { enterprise, login }) => {
            let (ports, _) = one_shot()?;
            let e = ports.find_enterprise(&enterprise)?;
            let creds = ports.create_principal(e.id, &login)?;
            print_credentials("created principal", &creds.principal.login.to_string(), &creds.password);
            Ok(())
        }
        Command::Principal(PrincipalCommand::ResetPassword { login }) => {
            let (ports, _) = one_shot()?;
            let creds = ports.reset_password(&login)?;
            print_credentials("new password for", &creds.principal.login.to_string(), &creds.password);
            Ok(())
        }
    }
}

fn print_credentials(what: &str, login: &str, password: &str) {
    println!("{what} {login}");
    println!("password (shown once, not stored): {password}");
}

fn build_ports(settings: &Settings, store: Arc<DieselStore>) -> anyhow::Result<Ports> {
    let mailer = ens_notify_smtp::SmtpMailer::new(settings.smtp.to_adapter()?).context("invalid [smtp] settings")?;
    let passwords = Passwords::new(settings.auth.argon2_memory_kib, settings.auth.argon2_iterations)
        .context("invalid [auth] argon2 settings")?;
    let policy = Policy {
        sessions: SessionPolicy {
            idle: Duration::from_secs(settings.auth.session_idle_minutes.max(1) * 60),
            absolute: Duration::from_secs(settings.auth.session_absolute_hours.max(1) * 3600),
        },
        login: LoginPolicy {
            free_failures: settings.auth.free_failed_logins,
            address_failures: settings.auth.failed_logins_per_address.max(1),
            ..LoginPolicy::default()
        },
        activity_retention: Duration::from_secs(settings.activity.retention_days.max(1) * 24 * 3600),
        token_overlap: Duration::from_secs(settings.scim.token_overlap_secs),
        guard: GuardPolicy {
            failures_before_switch_off: settings.guard.failures_before_switch_off.max(1),
            outage_mail_after: Duration::from_secs(settings.guard.outage_mail_after_secs),
            silence: Duration::from_secs(settings.guard.silence_minutes.max(1) * 60),
            setup_url: ens_http::admin::setup_url(settings.server.public_base_url.trim_end_matches('/')),
            ..GuardPolicy::default()
        },
    };
    let mailer = Arc::new(monitoring::Counted(mailer));
    Ok(Ports::new(store, Arc::new(SystemClock), Arc::new(OsIds), mailer, passwords, policy))
}

/// `serving`: the pool opens `database.pool_size` connections ahead, in the background. A
/// one-shot command uses one connection: it must not end while the pool's threads are still
/// opening others, since libpq's TLS code crashes (SIGSEGV) when the process exits under it.
fn store_config(settings: &Settings, serving: bool) -> anyhow::Result<StoreConfig> {
    let url: DatabaseUrl = settings.database.url.parse()?;
    Ok(StoreConfig {
        url,
        pool_size: if serving { settings.database.pool_size } else { 1 },
        connect_timeout: Duration::from_secs(settings.database.connect_timeout_secs),
    })
}

/// Migrations, then the first start's enterprise and principal. A database that cannot be
/// reached does not stop the service: it answers 503 (and `/readyz` 503) and tries again every
/// few seconds until the database answers. A migration that fails for another reason does.
fn prepare_database(
    store: &DieselStore,
    ports: &Ports,
    settings: &Settings,
    public_base_url: &str,
) -> anyhow::Result<bool> {
    match store.migrate() {
        Ok(applied) => {
            if !applied.is_empty() {
                tracing::info!(migrations = ?applied, "database migrated");
            }
        }
        Err(ens_store_diesel::InitError::Connect { url, reason }) => {
            tracing::error!(%url, %reason, "the database cannot be reached: answering 503 until it can");
            return Ok(false);
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(creds) = ports.bootstrap(&settings.bootstrap.enterprise_name, &settings.bootstrap.principal_login)? {
        // On the console (stdout), once: the logs never carry it.
        println!(
            "First start: created enterprise {:?} and principal {}.\n\
             One-time password (shown once, not stored): {}\n\
             Log in at {public_base_url}/ and choose a new password; then open Setup › SCIM Import.",
            settings.bootstrap.enterprise_name, creds.principal.login, creds.password
        );
    }
    Ok(true)
}

fn serve(
    settings: &Settings,
    ports: Ports,
    store: Arc<DieselStore>,
    metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    trace_context: Option<Arc<dyn ens_http::observe::TraceContext>>,
) -> anyhow::Result<()> {
    let listener = std::net::TcpListener::bind(&settings.server.bind)
        .with_context(|| format!("cannot listen on {}", settings.server.bind))?;
    let addr = listener.local_addr()?;
    let metrics_listener = match &metrics {
        Some(_) => Some(
            std::net::TcpListener::bind(&settings.metrics.bind)
                .with_context(|| format!("cannot listen on {} (metrics.bind)", settings.metrics.bind))?,
        ),
        None => None,
    };
    let public_base_url = settings.server.public_base_url.trim_end_matches('/').to_owned();
    if !prepare_database(&store, &ports, settings, &public_base_url)? {
        let (ports, settings, base, store) = (ports.clone(), settings.clone(), public_base_url.clone(), store.clone());
        std::thread::Builder::new().name("db-start".into()).spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(2));
                match prepare_database(&store, &ports, &settings, &base) {
                    Ok(true) => return tracing::info!("the database answers: serving"),
                    Ok(false) => {}
                    Err(e) => {
                        // Cannot serve on a database whose migrations fail: stop, as at start.
                        tracing::error!(error = %e, "the database cannot be prepared; stopping");
                        std::process::exit(1);
                    }
                }
            }
        })?;
    }
    let http = HttpConfig {
        public_base_url,
        workers: settings.server.workers,
        lanes: ens_http::lanes::LaneSizes {
            scim: settings.server.scim_threads,
            admin: settings.server.admin_threads,
            passwords: settings.server.password_threads,
            mail: settings.server.mail_threads,
        },
        body_timeout: Duration::from_secs(settings.server.body_timeout_secs.max(1)),
        max_connections: settings.server.max_connections,
        shutdown_timeout: Duration::from_secs(settings.server.shutdown_timeout_secs),
        scim: settings.scim.to_http(),
        trust_forwarded_for: settings.server.trust_forwarded_for,
        support_contact: settings.server.support_contact.clone(),
        trace_context,
    };
    let state = AppState::new(ports.clone(), http).context("cannot start the worker threads")?;
    let maintenance = spawn_maintenance(ports.clone(), Duration::from_secs(settings.activity.housekeeping_secs.max(1)));
    let guard = spawn_guard(ports.clone(), Duration::from_secs(settings.guard.outbox_poll_secs.max(1)));
    let sampler = match &metrics {
        Some(handle) => Some(
            monitoring::Sampler::start(ports.clone(), store.clone(), handle.clone())
                .context("cannot start the metrics thread")?,
        ),
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async move {
        tracing::info!(version = env!("CARGO_PKG_VERSION"), "listening on http://{addr}");
        // The metrics listener stops once the service has: its last requests are counted.
        let (service_stopped, stop_metrics) = tokio::sync::oneshot::channel::<()>();
        let service = async move {
            let result = ens_http::serve(listener, state, shutdown_signal()).await;
            let _ = service_stopped.send(());
            result
        };
        let exporter = async move {
            let (Some(listener), Some(handle)) = (metrics_listener, metrics) else { return Ok(()) };
            tracing::info!("serving metrics on http://{}/metrics", listener.local_addr()?);
            let render = Arc::new(move || handle.render());
            ens_http::observe::serve_metrics(listener, render, async {
                let _ = stop_metrics.await;
            })
            .await
        };
        tokio::try_join!(service, exporter).map(|_| ())
    })?;
    maintenance.stop();
    guard.stop();
    if let Some(s) = sampler {
        s.stop();
    }
    tracing::info!("stopped");
    Ok(())
}

/// The sync guard's worker: incidents held while the database was down, the outbox, and
/// the silence watchdog.
fn spawn_guard(ports: Ports, poll: Duration) -> Maintenance {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        let mut last_silence_check: Option<std::time::Instant> = None;
        loop {
            ports.guard_tick();
            // Expired previous tokens no longer authenticate; this records their retirement.
            if let Err(e) = ports.retire_expired_tokens() {
                tracing::warn!(error = %e, "could not retire expired SCIM tokens");
            }
            match ports.deliver_notices() {
                Ok(r) if r != Default::default() => {
                    monitoring::notices_abandoned(r.abandoned);
                    tracing::info!(delivered = r.delivered, retried = r.retried, abandoned = r.abandoned, "outbox")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox unavailable"),
            }
            if last_silence_check.is_none_or(|t| t.elapsed() >= Duration::from_secs(60)) {
                last_silence_check = Some(std::time::Instant::now());
                if let Err(e) = ports.check_silence() {
                    tracing::warn!(error = %e, "silence check failed");
                }
            }
            if stopped.recv_timeout(poll) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
        }
    });
    Maintenance { stop, thread }
}

/// Housekeeping on its own thread: ended sessions and old activity entries are deleted, and
/// long-inactive persons where an enterprise's rule says so.
struct Maintenance {
    stop: std::sync::mpsc::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

impl Maintenance {
    fn stop(self) {
        let _ = self.stop.send(());
        let _ = self.thread.join();
    }
}

fn spawn_maintenance(ports: Ports, every: Duration) -> Maintenance {
    let (stop, stopped) = std::sync::mpsc::channel::<()>();
    let thread = std::thread::spawn(move || {
        loop {
            match ports.prune_sessions() {
                Ok(n) if n > 0 => tracing::info!(sessions = n, "ended sessions deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not delete ended sessions"),
            }
            match ports.prune_activity() {
                Ok(n) if n > 0 => tracing::info!(entries = n, "old activity entries deleted"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "could not delete old activity entries"),
            }
            if let Err(e) = ports.purge_inactive() {
                tracing::warn!(error = %e, "could not delete long-inactive persons");
            }
            if stopped.recv_timeout(every) != Err(std::sync::mpsc::RecvTimeoutError::Timeout) {
                return;
            }
        }
    });
    Maintenance { stop, thread }
}

/// Resolves on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the server gracefully");
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
    tracing::info!("shutting down: finishing requests in flight");
}
