//! What the adapter needs to know about the SMTP server, and how it checks it.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// How the connection to the SMTP server is protected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum TlsMode {
    /// Plain SMTP, no encryption at all. Only for a relay on the same machine or a trusted
    /// network; credentials are refused in this mode unless the host is a loopback address.
    None,
    /// Plain connection upgraded with `STARTTLS` (usually port 587 or 25). The upgrade is
    /// *required*: if the server does not offer `STARTTLS`, nothing is sent (no silent
    /// fall-back to plaintext).
    #[default]
    StartTls,
    /// Implicit TLS ("SMTPS", usually port 465): TLS from the first byte.
    Tls,
}

impl TlsMode {
    pub fn as_str(self) -> &'static str {
        match self {
            TlsMode::None => "none",
            TlsMode::StartTls => "starttls",
            TlsMode::Tls => "tls",
        }
    }
}

impl fmt::Display for TlsMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where and how to send notices. A plain struct: the application maps its own configuration
/// onto it, and [`SmtpMailer::new`](crate::SmtpMailer::new) checks it.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    /// Host name (or IP address) of the SMTP server; with TLS, the name its certificate must
    /// carry.
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Login for `AUTH`; used only when `password` is set too.
    pub username: Option<String>,
    /// Password for `AUTH`; used only when `username` is set too. Never printed.
    pub password: Option<String>,
    /// The sender, `noreply@example.com` or `ENS+ <noreply@example.com>`.
    pub from: String,
    /// Limit for connecting and for each exchange with the server.
    pub timeout: Duration,
    /// An extra trusted root certificate (PEM), for a server whose certificate a private CA
    /// issued. The system's trusted roots stay trusted.
    pub ca_file: Option<PathBuf>,
}

impl SmtpConfig {
    /// The credentials to log in with: both parts, or none.
    pub(crate) fn credentials(&self) -> Option<(&str, &str)> {
        match (&self.username, &self.password) {
            (Some(user), Some(password)) => Some((user.as_str(), password.as_str())),
            _ => None,
        }
    }
}

impl Default for SmtpConfig {
    /// A relay on the same machine at port 25, with `STARTTLS` required: changing only the
    /// host never sends in plaintext. A local relay without TLS needs `tls: TlsMode::None`.
    fn default() -> Self {
        Self {
            host: "localhost".to_owned(),
            port: 25,
            tls: TlsMode::StartTls,
            username: None,
            password: None,
            from: "ENS+ <noreply@localhost>".to_owned(),
            timeout: Duration::from_secs(30),
            ca_file: None,
        }
    }
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .field("ca_file", &self.ca_file)
            .finish()
    }
}

/// Why an [`SmtpConfig`] cannot be used. The messages name the setting at fault and never
/// contain the password.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("SMTP host must not be empty or contain spaces (got {0:?})")]
    Host(String),
    #[error("SMTP port must not be 0")]
    Port,
    #[error("SMTP timeout must be longer than zero")]
    Timeout,
    #[error("SMTP sender {from:?} is not a mailbox such as `ENS+ <noreply@example.com>`: {reason}")]
    From { from: String, reason: String },
    #[error("SMTP CA file {path}: {reason}")]
    CaFile { path: PathBuf, reason: String },
    #[error("SMTP credentials must not be sent in plaintext to {host}: use tls = starttls or tls")]
    CredentialsInClear { host: String },
    #[error("SMTP TLS setup failed: {0}")]
    Tls(String),
}

/// Whether `host` names this machine, where plaintext never crosses a network.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_password() {
        let config = SmtpConfig {
            username: Some("mailer".into()),
            password: Some("s3cr3t-pa55".into()),
            ..SmtpConfig::default()
        };
        let debug = format!("{config:?} {config:#?}");
        assert!(!debug.contains("s3cr3t-pa55"), "{debug}");
        assert!(debug.contains("[redacted]"), "{debug}");
        assert!(debug.contains("mailer"), "{debug}");
    }

    #[test]
    fn default_is_a_local_relay_with_starttls() {
        let config = SmtpConfig::default();
        assert_eq!((config.host.as_str(), config.port, config.tls), ("localhost", 25, TlsMode::StartTls));
        assert_eq!(config.timeout, Duration::from_secs(30));
        assert_eq!(config.credentials(), None);
    }

    #[test]
    fn credentials_need_both_parts() {
        let mut config = SmtpConfig { username: Some("u".into()), ..SmtpConfig::default() };
        assert_eq!(config.credentials(), None);
        config.password = Some("p".into());
        assert_eq!(config.credentials(), Some(("u", "p")));
        config.username = None;
        assert_eq!(config.credentials(), None);
    }

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["smtp.example.com", "10.0.0.1", "localhost.example.com", ""] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
