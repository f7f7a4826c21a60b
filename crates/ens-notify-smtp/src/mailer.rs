//! The `Mailer` port over SMTP, with lettre's blocking transport.

use std::fmt;
use std::fs;
use std::time::Duration;

use ens_ports::{MailError, Mailer, Notice};
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{Address, Message, SmtpTransport, Transport};

use crate::config::{ConfigError, SmtpConfig, TlsMode, is_loopback};
use crate::render::render;

/// Sends notices through one SMTP server. Each [`Mailer::send`] opens a connection, sends one
/// message and closes it (notices are rare; nothing is kept open between them).
pub struct SmtpMailer {
    transport: SmtpTransport,
    from: Mailbox,
    /// `host:port`, for error messages.
    server: String,
    tls: TlsMode,
    timeout: Duration,
    /// To scrub from error messages, should a server ever echo it.
    password: Option<String>,
}

impl SmtpMailer {
    /// Checks `config` and prepares the transport. Nothing is sent and no connection is
    /// opened: an unreachable server shows when a notice is sent.
    pub fn new(config: SmtpConfig) -> Result<Self, ConfigError> {
        let host = config.host.trim();
        if host.is_empty() || host.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ConfigError::Host(config.host.clone()));
        }
        if config.port == 0 {
            return Err(ConfigError::Port);
        }
        if config.timeout.is_zero() {
            return Err(ConfigError::Timeout);
        }
        let from = config
            .from
            .trim()
            .parse::<Mailbox>()
            .map_err(|e| ConfigError::From { from: config.from.clone(), reason: e.to_string() })?;
        let credentials = config.credentials();
        if credentials.is_some() && config.tls == TlsMode::None && !is_loopback(host) {
            return Err(ConfigError::CredentialsInClear { host: host.to_owned() });
        }
        if config.username.is_some() != config.password.is_some() {
            tracing::warn!("SMTP username or password is set without the other; sending without logging in (AUTH)");
        }

        let tls = match config.tls {
            TlsMode::None => {
                if config.ca_file.is_some() {
                    tracing::warn!("SMTP ca_file is ignored: tls = none");
                }
                Tls::None
            }
            TlsMode::StartTls => Tls::Required(tls_parameters(host, &config)?),
            TlsMode::Tls => Tls::Wrapper(tls_parameters(host, &config)?),
        };
        let mut builder =
            SmtpTransport::builder_dangerous(host).port(config.port).tls(tls).timeout(Some(config.timeout));
        if let Some((user, password)) = credentials {
            builder = builder.credentials(Credentials::new(user.to_owned(), password.to_owned()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            server: format!("{host}:{}", config.port),
            tls: config.tls,
            timeout: config.timeout,
            password: credentials.map(|(_, p)| p.to_owned()).filter(|p| !p.is_empty()),
        })
    }

    /// The message that [`Mailer::send`] sends for `notice`.
    fn message(&self, notice: &Notice) -> Result<Message, MailError> {
        let rendered = render(notice);
        let to: Address = notice.recipient.as_str().parse().map_err(|e| {
            MailError::Permanent(format!("the recipient address {} cannot be used: {e}", notice.recipient.as_str()))
        })?;
        let message_id = format!("<{}@{}>", notice.id, self.from.email.domain());
        Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(rendered.subject)
            .date_now()
            .message_id(Some(message_id))
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("X-ENS-Notice-Id"), notice.id.to_string()))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("X-ENS-Notice-Kind"),
                notice.kind.as_str().to_owned(),
            ))
            // RFC 3834: sent by a machine, so auto-responders stay quiet.
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("Auto-Submitted"), "auto-generated".to_owned()))
            .multipart(MultiPart::alternative().singlepart(plain(rendered.text)).singlepart(html(rendered.html)))
            .map_err(|e| MailError::Permanent(format!("the notice could not be made into an e-mail: {e}")))
    }

    /// Sorts a failure into "never" (a 5xx reply) and "later" (everything else: a 4xx reply,
    /// no connection, a timeout, TLS), in words fit for a log and the outbox row.
    fn classify(&self, error: &lettre::transport::smtp::Error) -> MailError {
        let server = &self.server;
        let detail = self.scrub(error.to_string());
        let reply = || {
            let text = std::error::Error::source(error).map(ToString::to_string).unwrap_or_default();
            let code = error.status().map(|c| c.to_string()).unwrap_or_default();
            self.scrub(format!("{server} replied {code} {text}").trim_end().to_owned())
        };
        // Authentication replies (530, 534, 535, 538) are 5xx, yet the fix is on our side (the
        // configured credentials): retry them, so that notices wait for the fix instead of
        // being dropped.
        let auth_failure =
            error.status().is_some_and(|c| matches!(c.to_string().as_str(), "530" | "534" | "535" | "538"));
        if error.is_permanent() && !auth_failure {
            MailError::Permanent(reply())
        } else if error.is_transient() {
            MailError::Transient(reply())
        } else if timed_out(error) {
            MailError::Transient(format!("{server} did not answer within {:?} ({detail})", self.timeout))
        } else if error.is_tls() {
            MailError::Transient(format!("TLS ({}) with {server} failed: {detail}", self.tls))
        } else {
            MailError::Transient(format!("sending through {server} failed: {detail}"))
        }
    }

    fn scrub(&self, message: String) -> String {
        match &self.password {
            Some(password) => message.replace(password.as_str(), "[redacted]"),
            None => message,
        }
    }
}

impl Mailer for SmtpMailer {
    fn send(&self, notice: &Notice) -> Result<(), MailError> {
        let message = self.message(notice)?;
        match self.transport.send(&message) {
            Ok(_) => {
                tracing::debug!(notice = %notice.id, kind = notice.kind.as_str(), server = %self.server, "notice sent");
                Ok(())
            }
            Err(e) => Err(self.classify(&e)),
        }
    }
}

impl fmt::Debug for SmtpMailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpMailer")
            .field("server", &self.server)
            .field("tls", &self.tls)
            .field("from", &self.from.to_string())
            .field("authenticates", &self.password.is_some())
            .finish_non_exhaustive()
    }
}

/// Whether an IO operation ran out of time. A socket read timeout shows as `WouldBlock` on
/// Unix and `TimedOut` elsewhere; lettre's own `is_timeout` only knows the latter.
fn timed_out(error: &lettre::transport::smtp::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(error);
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return matches!(io.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock);
        }
        source = err.source();
    }
    false
}

fn plain(body: String) -> SinglePart {
    SinglePart::builder().header(ContentType::TEXT_PLAIN).body(body)
}

fn html(body: String) -> SinglePart {
    SinglePart::builder().header(ContentType::TEXT_HTML).body(body)
}

/// TLS for `host`, trusting the system's roots and, if given, the CA file.
fn tls_parameters(host: &str, config: &SmtpConfig) -> Result<TlsParameters, ConfigError> {
    let mut builder = TlsParameters::builder(host.to_owned());
    if let Some(path) = &config.ca_file {
        let ca_error = |reason: String| ConfigError::CaFile { path: path.clone(), reason };
        let pem = fs::read(path).map_err(|e| ca_error(format!("cannot be read: {e}")))?;
        // lettre accepts a file without any certificate; that would be a silent mistake.
        if !String::from_utf8_lossy(&pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(ca_error("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned()));
        }
        let certificate = Certificate::from_pem(&pem).map_err(|e| ca_error(format!("is not valid PEM: {e}")))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder.build().map_err(|e| ConfigError::Tls(e.to_string()))
}

#[cfg(test)]
mod tests {

    use std::io::Write;
    use std::path::PathBuf;

    use super::*;

    fn err(config: SmtpConfig) -> String {
        SmtpMailer::new(config).expect_err("config must be refused").to_string()
    }

    #[test]
    fn sender_must_be_a_mailbox() {
        let msg = err(SmtpConfig { from: "ENS+ noreply".into(), ..SmtpConfig::default() });
        assert!(msg.contains("SMTP sender \"ENS+ noreply\""), "{msg}");
        for ok in ["noreply@example.com", "ENS+ <noreply@example.com>", "\"ENS+ Alerts\" <a@b.example>"] {
            SmtpMailer::new(SmtpConfig { from: ok.into(), ..SmtpConfig::default() }).expect(ok);
        }
    }

    #[test]
    fn host_port_and_timeout_are_checked() {
        assert!(err(SmtpConfig { host: " ".into(), ..SmtpConfig::default() }).contains("host"));
        assert!(err(SmtpConfig { host: "smtp example".into(), ..SmtpConfig::default() }).contains("host"));
        assert!(err(SmtpConfig { port: 0, ..SmtpConfig::default() }).contains("port"));
        let msg = err(SmtpConfig { timeout: Duration::ZERO, ..SmtpConfig::default() });
        assert!(msg.contains("timeout"), "{msg}");
    }

    #[test]
    fn ca_file_must_be_readable_pem() {
        let missing = PathBuf::from("/nonexistent/ens-ca.pem");
        let msg = err(SmtpConfig { ca_file: Some(missing), ..SmtpConfig::default() });
        assert!(msg.contains("/nonexistent/ens-ca.pem") && msg.contains("cannot be read"), "{msg}");

        let mut junk = tempfile::NamedTempFile::new().unwrap();
        junk.write_all(b"not a certificate\n").unwrap();
        let msg = err(SmtpConfig { ca_file: Some(junk.path().into()), ..SmtpConfig::default() });
        assert!(msg.contains("no PEM certificate"), "{msg}");

        let mut broken = tempfile::NamedTempFile::new().unwrap();
        broken.write_all(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n").unwrap();
        let msg = err(SmtpConfig { ca_file: Some(broken.path().into()), ..SmtpConfig::default() });
        assert!(msg.contains("CA file"), "{msg}");
    }

    #[test]
    fn credentials_are_not_sent_in_plaintext_over_a_network() {
        let config = SmtpConfig {
            host: "smtp.example.com".into(),
            tls: TlsMode::None,
            username: Some("mailer".into()),
            password: Some("s3cr3t-pa55".into()),
            ..SmtpConfig::default()
        };
        let msg = err(config.clone());
        assert!(msg.contains("plaintext") && !msg.contains("s3cr3t-pa55"), "{msg}");
        SmtpMailer::new(SmtpConfig { host: "127.0.0.1".into(), ..config.clone() }).expect("loopback");
        SmtpMailer::new(SmtpConfig { tls: TlsMode::StartTls, ..config }).expect("starttls");
    }

    #[test]
    fn a_password_echoed_by_a_server_is_scrubbed() {
        let mailer = SmtpMailer::new(SmtpConfig {
            username: Some("mailer".into()),
            password: Some("s3cr3t-pa55".into()),
            ..SmtpConfig::default()
        })
        .unwrap();
        assert_eq!(mailer.scrub("535 bad login mailer/s3cr3t-pa55".into()), "535 bad login mailer/[redacted]");
        let anonymous = SmtpMailer::new(SmtpConfig::default()).unwrap();
        assert_eq!(anonymous.scrub("250 ok".into()), "250 ok");
    }

    #[test]
    fn debug_shows_no_password() {
        let mailer = SmtpMailer::new(SmtpConfig {
            username: Some("mailer".into()),
            password: Some("s3cr3t-pa55".into()),
            ..SmtpConfig::default()
        })
        .unwrap();
        let debug = format!("{mailer:?}");
        assert!(!debug.contains("s3cr3t-pa55") && debug.contains("localhost:25"), "{debug}");
    }
}
