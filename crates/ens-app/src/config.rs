//! Configuration: defaults < optional TOML file < environment (`ENS_SCIM__SECTION__KEY`).

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: Server,
    pub database: Database,
    pub log: Log,
    pub scim: Scim,
    pub auth: Auth,
    pub bootstrap: Bootstrap,
    pub activity: ActivityRetention,
    pub smtp: Smtp,
    pub guard: Guard,
    pub metrics: Metrics,
    pub traces: Traces,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Server {
    /// Address and port to listen on.
    pub bind: String,
    /// How principals and Entra reach the service (behind a proxy: the proxy's URL).
    pub public_base_url: String,
    /// HTTP worker threads; 0 means one per core.
    pub workers: usize,
    /// Threads that run SCIM requests' database work; nothing else runs on them.
    pub scim_threads: usize,
    /// Threads that run the admin API's and pages' database work (not logins).
    pub admin_threads: usize,
    /// Logins and password changes at once (each Argon2id hash holds its memory cost).
    pub password_threads: usize,
    /// Test e-mails sent at once.
    pub mail_threads: usize,
    /// Seconds a client may take to send a request body (then 408).
    pub body_timeout_secs: u64,
    /// Open connections per HTTP worker at most; further ones wait in the listen backlog.
    pub max_connections: usize,
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
    /// Take client addresses from Forwarded / X-Forwarded-For (only behind a proxy that sets
    /// them; otherwise clients could pick their own address and dodge login throttling).
    pub trust_forwarded_for: bool,
    /// Whom principals contact about a failure they cannot fix themselves; Setup names it.
    /// Empty: "the operator of this ENS+ service", in the page's language.
    pub support_contact: String,
}

impl Default for Server {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_base_url: "http://127.0.0.1:8080".into(),
            workers: 0,
            scim_threads: 16,
            admin_threads: 4,
            password_threads: 1,
            mail_threads: 2,
            body_timeout_secs: 10,
            max_connections: 1024,
            shutdown_timeout_secs: 30,
            trust_forwarded_for: false,
            support_contact: String::new(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Database {
    /// `sqlite://PATH` (embedded) or `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`.
    pub url: String,
    pub pool_size: u32,
    /// Seconds to wait for a connection before the database counts as unavailable.
    pub connect_timeout_secs: u64,
}

impl Default for Database {
    fn default() -> Self {
        Self { url: "sqlite://./ens-scim.db".into(), pool_size: 8, connect_timeout_secs: 5 }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Scim {
    /// Largest request body accepted (bytes); larger ones are answered 413.
    pub max_body_bytes: usize,
    /// Most Users in one page of a list (advertised as filter.maxResults).
    pub max_page_size: u64,
    /// Seconds in the Retry-After header of 503 answers.
    pub retry_after_secs: u64,
    /// Seconds a SCIM request may take before it is answered 503 (Entra waits about 60).
    pub request_timeout_secs: u64,
    /// Seconds a regenerated token's predecessor keeps working at most (until Entra uses the
    /// new token, or a principal revokes it, if earlier).
    pub token_overlap_secs: u64,
}

impl Default for Scim {
    fn default() -> Self {
        let d = ens_http::scim::ScimConfig::default();
        Self {
            max_body_bytes: d.max_body_bytes,
            max_page_size: d.max_page_size,
            retry_after_secs: d.retry_after_secs,
            request_timeout_secs: d.request_timeout.as_secs(),
            token_overlap_secs: ens_ports::Policy::default().token_overlap.as_secs(),
        }
    }
}

impl Scim {
    pub fn to_http(&self) -> ens_http::scim::ScimConfig {
        ens_http::scim::ScimConfig {
            max_body_bytes: self.max_body_bytes,
            max_page_size: self.max_page_size.max(1),
            retry_after_secs: self.retry_after_secs,
            request_timeout: std::time::Duration::from_secs(self.request_timeout_secs.max(1)),
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Auth {
    /// Minutes without a request after which a principal's session ends.
    pub session_idle_minutes: u64,
    /// Hours after login after which a session ends, used or not.
    pub session_absolute_hours: u64,
    /// Failed logins an account may have before each further attempt must wait (the wait
    /// doubles from one second up to 15 minutes).
    pub free_failed_logins: u32,
    /// Failed logins one client address may make within 15 minutes.
    pub failed_logins_per_address: u32,
    /// Argon2id cost for principal passwords (memory in KiB, iterations). OWASP minimum:
    /// 19456 and 2.
    pub argon2_memory_kib: u32,
    pub argon2_iterations: u32,
}

impl Default for Auth {
    fn default() -> Self {
        let login = ens_ports::throttle::LoginPolicy::default();
        Self {
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            free_failed_logins: login.free_failures,
            failed_logins_per_address: login.address_failures,
            argon2_memory_kib: 19 * 1024,
            argon2_iterations: 2,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Bootstrap {
    /// On the first start with an empty database, `serve` creates this enterprise…
    pub enterprise_name: String,
    /// …and a principal with this login, and prints a one-time password once.
    pub principal_login: String,
}

impl Default for Bootstrap {
    fn default() -> Self {
        Self { enterprise_name: "My enterprise".into(), principal_login: "admin@example.com".into() }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ActivityRetention {
    /// Days the SCIM activity log keeps its entries.
    pub retention_days: u64,
    /// How often housekeeping runs: ended sessions, old activity entries, and the purge of
    /// long-inactive persons where an enterprise switched it on.
    pub housekeeping_secs: u64,
}

impl Default for ActivityRetention {
    fn default() -> Self {
        Self { retention_days: 90, housekeeping_secs: 3600 }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Guard {
    /// Consecutive SCIM requests failing on our side that switch import off.
    pub failures_before_switch_off: u32,
    /// While the database is down, seconds to wait for it before e-mailing directly.
    pub outage_mail_after_secs: u64,
    /// Minutes Entra may stay silent (import on) before the addresses are told.
    pub silence_minutes: u64,
    /// Seconds between two looks at the outbox.
    pub outbox_poll_secs: u64,
}

impl Default for Guard {
    fn default() -> Self {
        let d = ens_ports::usecases::guard::GuardPolicy::default();
        Self {
            failures_before_switch_off: d.failures_before_switch_off,
            outage_mail_after_secs: d.outage_mail_after.as_secs(),
            silence_minutes: d.silence.as_secs() / 60,
            outbox_poll_secs: 5,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Metrics {
    /// Serve `GET /metrics` (Prometheus text format) on `bind`.
    pub enabled: bool,
    /// Its own address, apart from `server.bind`, so that it is never exposed to Entra's side by
    /// accident.
    pub bind: String,
}

impl Default for Metrics {
    fn default() -> Self {
        Self { enabled: true, bind: "127.0.0.1:9464".into() }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Traces {
    /// OTLP/HTTP (protobuf) endpoint traces are sent to, e.g.
    /// `http://127.0.0.1:4318/v1/traces`; empty: no traces are exported.
    pub otlp_endpoint: String,
    /// `service.name` of the exported spans.
    pub service_name: String,
}

impl Default for Traces {
    fn default() -> Self {
        Self { otlp_endpoint: String::new(), service_name: "ens-scim".into() }
    }
}

#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    /// "none", "starttls" (required upgrade) or "tls" (implicit TLS, usually port 465).
    pub tls: String,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender: "ENS+ <noreply@example.com>".
    pub from: String,
    pub timeout_secs: u64,
    /// An extra trusted root certificate (PEM) for a server with a private CA.
    pub ca_file: Option<std::path::PathBuf>,
}

impl Default for Smtp {
    fn default() -> Self {
        let d = ens_notify_smtp::SmtpConfig::default();
        Self {
            host: d.host,
            port: d.port,
            tls: d.tls.as_str().to_owned(),
            username: None,
            password: None,
            from: d.from,
            timeout_secs: d.timeout.as_secs(),
            ca_file: None,
        }
    }
}

impl std::fmt::Debug for Smtp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("from", &self.from)
            .finish_non_exhaustive()
    }
}

impl Smtp {
    pub fn to_adapter(&self) -> anyhow::Result<ens_notify_smtp::SmtpConfig> {
        let tls = match self.tls.to_ascii_lowercase().as_str() {
            "none" => ens_notify_smtp::TlsMode::None,
            "starttls" => ens_notify_smtp::TlsMode::StartTls,
            "tls" => ens_notify_smtp::TlsMode::Tls,
            other => anyhow::bail!("smtp.tls must be none, starttls or tls (got {other:?})"),
        };
        Ok(ens_notify_smtp::SmtpConfig {
            host: self.host.clone(),
            port: self.port,
            tls,
            username: self.username.clone(),
            password: self.password.clone(),
            from: self.from.clone(),
            timeout: std::time::Duration::from_secs(self.timeout_secs),
            ca_file: self.ca_file.clone(),
        })
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct Log {
    pub format: LogFormat,
    /// A `RUST_LOG`-style filter, e.g. `info` or `info,ens_http=debug`. `RUST_LOG`, when
    /// set, wins.
    pub filter: String,
}

impl Default for Log {
    fn default() -> Self {
        Self { format: LogFormat::Human, filter: "info".into() }
    }
}

/// The environment prefix: `ENS_SCIM__DATABASE__URL` sets `database.url`.
pub const ENV_PREFIX: &str = "ENS_SCIM";
/// Read when present in the working directory and no `--config` is given.
pub const DEFAULT_FILE: &str = "ens-scim.toml";

/// Loads settings: defaults, then the file (required if named explicitly), then the
/// environment.
pub fn load(file: Option<&Path>) -> anyhow::Result<Settings> {
    let mut builder = config::Config::builder();
    builder = match file {
        Some(path) => builder.add_source(config::File::from(path).format(config::FileFormat::Toml).required(true)),
        None => builder.add_source(config::File::new(DEFAULT_FILE, config::FileFormat::Toml).required(false)),
    };
    builder = builder.add_source(
        config::Environment::with_prefix(ENV_PREFIX).prefix_separator("__").separator("__").try_parsing(true),
    );
    let settings: Settings =
        builder.build().context("reading configuration")?.try_deserialize().context("invalid configuration")?;
    Ok(settings)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    #[test]
    fn the_example_file_is_complete_and_matches_the_defaults() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/ens-scim.example.toml");
        let from_file = load(Some(&example)).expect("example parses");
        assert_eq!(from_file, Settings::default(), "the example documents the defaults");
    }

    #[test]
    fn smtp_passwords_are_not_printed() {
        let s = Smtp { password: Some("hunter2".into()), ..Smtp::default() };
        assert!(!format!("{s:?}").contains("hunter2"));
        let settings = Settings { smtp: s, ..Settings::default() };
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn file_overrides_defaults_and_unknown_keys_are_refused() {
        let mut f = tempfile::NamedTempFile::new().expect("temp file");
        writeln!(f, "[database]\nurl = \"postgres://ens@db/ens\"\npool_size = 3").expect("write");
        let s = load(Some(f.path())).expect("loads");
        assert_eq!(s.database.url, "postgres://ens@db/ens");
        assert_eq!(s.database.pool_size, 3);
        assert_eq!(s.server, Server::default());

        let mut bad = tempfile::NamedTempFile::new().expect("temp file");
        writeln!(bad, "[database]\nulr = \"typo\"").expect("write");
        let err = format!("{:#}", load(Some(bad.path())).expect_err("typo refused"));
        assert!(err.contains("ulr"), "{err}");
        assert!(load(Some(Path::new("/nonexistent/ens-scim.toml"))).is_err());
    }
}
