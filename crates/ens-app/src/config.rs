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
    /// Seconds in-flight requests get to finish after SIGTERM.
    pub shutdown_timeout_secs: u64,
}

impl Default for Server {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            public_base_url: "http://127.0.0.1:8080".into(),
            workers: 0,
            shutdown_timeout_secs: 30,
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
}

impl Default for Scim {
    fn default() -> Self {
        let d = ens_http::scim::ScimConfig::default();
        Self {
            max_body_bytes: d.max_body_bytes,
            max_page_size: d.max_page_size,
            retry_after_secs: d.retry_after_secs,
            request_timeout_secs: d.request_timeout.as_secs(),
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
