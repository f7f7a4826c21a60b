//! The adapter against a real SMTP server (aiosmtpd), over plain SMTP, STARTTLS and implicit
//! TLS, with and without AUTH, and the ways sending fails.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use ens_notify_smtp::testing::{Delivered, Pki, ServerTls, Smtpd, free_port, notice};
use ens_notify_smtp::{SmtpConfig, SmtpMailer, TlsMode, render};
use ens_ports::{MailError, Mailer, Notice, NoticeKind};

const FROM: &str = "ENS+ Alerts <noreply@ens.example.com>";
const PASSWORD: &str = "pa55-W0rd-never-shown";

fn config(host: &str, port: u16, tls: TlsMode, ca: Option<&Pki>) -> SmtpConfig {
    SmtpConfig {
        host: host.to_owned(),
        port,
        tls,
        from: FROM.to_owned(),
        timeout: Duration::from_secs(10),
        ca_file: ca.map(|p| p.ca.clone()),
        ..SmtpConfig::default()
    }
}

fn mailer(config: SmtpConfig) -> SmtpMailer {
    SmtpMailer::new(config).expect("valid config")
}

/// Everything a delivered notice must be: addressed, identified, both parts, the link.
fn assert_delivered(m: &Delivered, n: &Notice) {
    let rendered = render(n);
    let recipient = n.recipient.as_str();
    assert_eq!(m.header("To"), Some(recipient), "{m:#?}");
    assert_eq!(m.header("X-RcptTo"), Some(recipient), "envelope recipient: {m:#?}");
    assert_eq!(m.header("From"), Some(FROM), "{m:#?}");
    assert_eq!(m.header("Subject"), Some(rendered.subject.as_str()), "{m:#?}");
    assert_eq!(m.header("X-ENS-Notice-Id"), Some(n.id.to_string().as_str()), "{m:#?}");
    assert_eq!(m.header("X-ENS-Notice-Kind"), Some(n.kind.as_str()), "{m:#?}");
    assert_eq!(m.header("Message-ID"), Some(format!("<{}@ens.example.com>", n.id).as_str()), "{m:#?}");
    assert_eq!(m.header("Auto-Submitted"), Some("auto-generated"), "{m:#?}");
    assert!(m.header("Date").is_some(), "{m:#?}");
    assert_eq!(m.content_type, "multipart/alternative", "{m:#?}");
    let kinds: Vec<&str> = m.parts.iter().map(|(ct, _, _)| ct.as_str()).collect();
    assert_eq!(kinds, ["text/plain", "text/html"], "plain first, HTML preferred: {m:#?}");
    assert!(m.parts.iter().all(|(_, charset, _)| charset.eq_ignore_ascii_case("utf-8")), "{m:#?}");
    let (text, html) = (m.part("text/plain"), m.part("text/html"));
    assert_eq!(text.replace("\r\n", "\n"), rendered.text, "the text part arrives as rendered");
    assert_eq!(html.replace("\r\n", "\n"), rendered.html, "the HTML part arrives as rendered");
    assert!(text.contains(&n.setup_url), "{text}");
    assert!(text.contains("Setup › SCIM Import"), "non-ASCII survives: {text}");
    assert!(html.contains("href=\"https://ens.example.com/setup/scim-import?tab=1&amp;x=2\""), "{html}");
    assert!(html.contains("Contoso &lt;Europe&gt; &amp; Partners"), "{html}");
    assert!(text.contains(&n.id.to_string()), "{text}");
    assert!(!m.raw.contains(PASSWORD), "{}", m.raw);
}

fn only_message(server: &Smtpd) -> Delivered {
    let mut messages = server.messages();
    assert_eq!(messages.len(), 1, "{messages:#?}\nserver log:\n{}", server.log());
    messages.remove(0)
}

#[test]
fn plain_smtp_delivers_every_kind_as_text_and_html() {
    let server = Smtpd::cli(ServerTls::None);
    let mailer = mailer(config("127.0.0.1", server.port, TlsMode::None, None));
    let notices: Vec<Notice> = NoticeKind::ALL.iter().map(|&k| notice(k, "alerts@contoso.example")).collect();
    for n in &notices {
        mailer.send(n).unwrap_or_else(|e| panic!("{e}\nserver log:\n{}", server.log()));
    }
    let messages = server.messages();
    assert_eq!(messages.len(), notices.len(), "{messages:#?}");
    for n in &notices {
        let id = n.id.to_string();
        let m = messages.iter().find(|m| m.header("X-ENS-Notice-Id") == Some(id.as_str())).expect("delivered");
        assert_delivered(m, n);
    }
}

#[test]
fn starttls_with_a_private_ca_delivers() {
    let pki = Pki::new();
    let server = Smtpd::cli(ServerTls::StartTls(&pki));
    let n = notice(NoticeKind::ImportSwitchedOff, "alerts@contoso.example");
    mailer(config("localhost", server.port, TlsMode::StartTls, Some(&pki)))
        .send(&n)
        .unwrap_or_else(|e| panic!("{e}\nserver log:\n{}", server.log()));
    assert_delivered(&only_message(&server), &n);
}

#[test]
fn implicit_tls_with_a_private_ca_delivers() {
    let pki = Pki::new();
    let server = Smtpd::cli(ServerTls::Implicit(&pki));
    let n = notice(NoticeKind::ProvisioningSilent, "alerts@contoso.example");
    mailer(config("127.0.0.1", server.port, TlsMode::Tls, Some(&pki)))
        .send(&n)
        .unwrap_or_else(|e| panic!("{e}\nserver log:\n{}", server.log()));
    assert_delivered(&only_message(&server), &n);
}

#[test]
fn auth_over_starttls_logs_in_and_delivers() {
    let pki = Pki::new();
    let server = Smtpd::scripted(&pki, Some(("ens-mailer", PASSWORD)));
    let n = notice(NoticeKind::Test, "alerts@contoso.example");
    let config = SmtpConfig {
        username: Some("ens-mailer".into()),
        password: Some(PASSWORD.into()),
        ..config("localhost", server.port, TlsMode::StartTls, Some(&pki))
    };
    mailer(config).send(&n).unwrap_or_else(|e| panic!("{e}\nserver log:\n{}", server.log()));
    assert_delivered(&only_message(&server), &n);
    assert!(server.log().contains("AUTH") && server.log().contains(" ok"), "{}", server.log());
}

#[test]
fn wrong_password_is_refused_and_never_shown() {
    let pki = Pki::new();
    let server = Smtpd::scripted(&pki, Some(("ens-mailer", "the-right-one")));
    let config = SmtpConfig {
        username: Some("ens-mailer".into()),
        password: Some(PASSWORD.into()),
        ..config("localhost", server.port, TlsMode::StartTls, Some(&pki))
    };
    let err = mailer(config).send(&notice(NoticeKind::Test, "alerts@contoso.example")).unwrap_err();
    eprintln!("{err}");
    let shown = format!("{err} {err:?}");
    // 535 is a 5xx reply, but the fix is our configuration: retried, so notices wait for it.
    assert!(matches!(err, MailError::Transient(_)), "{shown}");
    assert!(shown.contains("535"), "{shown}");
    assert!(!shown.contains(PASSWORD), "{shown}");
    assert!(server.messages().is_empty());
}

#[test]
fn missing_credentials_are_refused_by_a_server_that_requires_them() {
    let pki = Pki::new();
    let server = Smtpd::scripted(&pki, Some(("ens-mailer", PASSWORD)));
    let err = mailer(config("localhost", server.port, TlsMode::StartTls, Some(&pki)))
        .send(&notice(NoticeKind::Test, "alerts@contoso.example"))
        .unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Transient(_)), "{err}");
    assert!(err.to_string().contains("530"), "{err}");
}

#[test]
fn unknown_mailbox_is_permanent() {
    let pki = Pki::new();
    let server = Smtpd::scripted(&pki, None);
    let err = mailer(config("localhost", server.port, TlsMode::StartTls, Some(&pki)))
        .send(&notice(NoticeKind::ImportSwitchedOff, "unknown@contoso.example"))
        .unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Permanent(_)), "{err}");
    let msg = err.to_string();
    assert!(msg.contains("550") && msg.contains("No such mailbox here"), "{msg}");
    assert!(msg.contains(&format!("localhost:{}", server.port)), "names the server: {msg}");
    assert!(server.messages().is_empty());
}

#[test]
fn busy_mailbox_is_transient() {
    let pki = Pki::new();
    let server = Smtpd::scripted(&pki, None);
    let err = mailer(config("localhost", server.port, TlsMode::StartTls, Some(&pki)))
        .send(&notice(NoticeKind::ImportSwitchedOff, "busy@contoso.example"))
        .unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Transient(_)), "{err}");
    assert!(err.to_string().contains("451"), "{err}");
}

#[test]
fn connection_refused_is_transient() {
    let port = free_port(); // nothing listens there
    let started = Instant::now();
    let err = mailer(config("127.0.0.1", port, TlsMode::None, None))
        .send(&notice(NoticeKind::Test, "alerts@contoso.example"))
        .unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Transient(_)), "{err}");
    assert!(err.to_string().contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "refusal is immediate");
}

#[test]
fn untrusted_certificate_is_transient() {
    let pki = Pki::new();
    let server = Smtpd::cli(ServerTls::StartTls(&pki));
    // No ca_file: the test CA is not trusted.
    let err = mailer(config("localhost", server.port, TlsMode::StartTls, None))
        .send(&notice(NoticeKind::Test, "alerts@contoso.example"))
        .unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Transient(_)), "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
    assert!(server.messages().is_empty());
}

#[test]
fn certificate_for_another_name_is_refused() {
    let pki = Pki::for_names(&["mail.example.test"]);
    let server = Smtpd::cli(ServerTls::Implicit(&pki));
    // Signed by the trusted CA, but for another name than the one connected to.
    let err = mailer(config("localhost", server.port, TlsMode::Tls, Some(&pki)))
        .send(&notice(NoticeKind::Test, "alerts@contoso.example"))
        .unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Transient(_)), "{err}");
    assert!(err.to_string().contains("certificate"), "{err}");
    assert!(server.messages().is_empty());
}

#[test]
fn starttls_is_required_not_opportunistic() {
    let server = Smtpd::cli(ServerTls::None); // offers no STARTTLS
    let err = mailer(config("127.0.0.1", server.port, TlsMode::StartTls, None))
        .send(&notice(NoticeKind::Test, "alerts@contoso.example"))
        .unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Transient(_)), "{err}");
    assert!(err.to_string().contains("STARTTLS"), "{err}");
    assert!(server.messages().is_empty(), "nothing is sent in plaintext");
}

#[test]
fn silent_server_times_out_as_transient() {
    // Accepts connections and never says a word.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            thread::spawn(move || {
                let mut buf = [0u8; 1024];
                while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
            });
        }
    });
    let started = Instant::now();
    let config = SmtpConfig { timeout: Duration::from_secs(1), ..config("127.0.0.1", port, TlsMode::None, None) };
    let err = mailer(config).send(&notice(NoticeKind::Test, "alerts@contoso.example")).unwrap_err();
    eprintln!("{err}");
    assert!(matches!(err, MailError::Transient(_)), "{err}");
    assert!(err.to_string().contains("did not answer within 1s"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(5), "bounded by the timeout: {:?}", started.elapsed());
}
