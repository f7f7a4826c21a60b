//! A real SMTP server for tests (this crate's and the application's): aiosmtpd (Debian:
//! `python3-aiosmtpd`), started on a free loopback port, storing what it receives in a
//! Maildir, killed on drop. Compiled only with the `test-support` feature.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::new_without_default,
    missing_debug_implementations
)]

use std::fs;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread;
use std::time::{Duration, Instant};

use ens_ports::{EmailAddress, EnterpriseId, IncidentId, Notice, NoticeId, NoticeKind, Timestamp};
use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use serde_json::Value;
use tempfile::TempDir;
use uuid::Uuid;

/// How long a server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// A python that can `import aiosmtpd`: `$ENS_TEST_PYTHON`, then `/usr/bin/python3`, then
/// `python3` on the PATH. Panics with installation advice if there is none.
pub fn python() -> &'static str {
    static PYTHON: OnceLock<Result<String, String>> = OnceLock::new();
    let found = PYTHON.get_or_init(|| {
        let mut candidates: Vec<String> = Vec::new();
        if let Ok(p) = std::env::var("ENS_TEST_PYTHON")
            && !p.trim().is_empty()
        {
            candidates.push(p);
        }
        candidates.extend(["/usr/bin/python3".to_owned(), "python3".to_owned()]);
        for candidate in &candidates {
            let ok = Command::new(candidate)
                .args(["-c", "import aiosmtpd"])
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if ok {
                return Ok(candidate.clone());
            }
        }
        Err(format!(
            "the SMTP tests need a real SMTP server, aiosmtpd, and none of these pythons can `import aiosmtpd`: \
             {candidates:?}. Install it with `apt-get install python3-aiosmtpd` (Debian/Ubuntu), or \
             `pip install aiosmtpd` into a virtualenv and set ENS_TEST_PYTHON=/path/to/venv/bin/python."
        ))
    });
    match found {
        Ok(p) => p,
        Err(msg) => panic!("{msg}"),
    }
}

/// A port on 127.0.0.1 that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A temporary directory with a private CA and a server certificate for `localhost` and
/// `127.0.0.1`, as PEM files.
#[derive(Debug)]
pub struct Pki {
    pub dir: TempDir,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl Pki {
    pub fn new() -> Self {
        Self::for_names(&["localhost", "127.0.0.1"])
    }

    /// A server certificate for other names (IP addresses become IP address entries).
    pub fn for_names(names: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.distinguished_name.push(DnType::CommonName, "ENS+ test CA");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();

        let mut params = CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        let key = KeyPair::generate().unwrap();
        let cert = params.signed_by(&key, &*ca).unwrap();

        let paths = (dir.path().join("ca.pem"), dir.path().join("cert.pem"), dir.path().join("key.pem"));
        fs::write(&paths.0, ca.pem()).unwrap();
        fs::write(&paths.1, cert.pem()).unwrap();
        fs::write(&paths.2, key.serialize_pem()).unwrap();
        Self { dir, ca: paths.0, cert: paths.1, key: paths.2 }
    }
}

/// Encryption the test server offers.
#[derive(Clone, Copy, Debug)]
pub enum ServerTls<'a> {
    None,
    StartTls(&'a Pki),
    Implicit(&'a Pki),
}

/// One aiosmtpd process; killed (and reaped) on drop.
#[derive(Debug)]
pub struct Smtpd {
    child: Child,
    pub port: u16,
    dir: TempDir,
}

impl Smtpd {
    /// The packaged command line: `python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c
    /// aiosmtpd.handlers.Mailbox MAILDIR`, with `--tlscert/--tlskey` (STARTTLS, required) or
    /// `--smtpscert/--smtpskey` (implicit TLS).
    pub fn cli(tls: ServerTls<'_>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let mut cmd = Command::new(python());
        cmd.args(["-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")]);
        match tls {
            ServerTls::None => {}
            ServerTls::StartTls(pki) => {
                cmd.arg("--tlscert").arg(&pki.cert).arg("--tlskey").arg(&pki.key);
            }
            ServerTls::Implicit(pki) => {
                cmd.arg("--smtpscert").arg(&pki.cert).arg("--smtpskey").arg(&pki.key);
            }
        }
        cmd.args(["-c", "aiosmtpd.handlers.Mailbox"]).arg(dir.path().join("maildir"));
        Self::start(cmd, dir, port)
    }

    /// A small script around aiosmtpd's `SMTP` class, for what the command line cannot do:
    /// STARTTLS with `AUTH` (PLAIN/LOGIN, required, only after STARTTLS), and recipients that
    /// are refused (`unknown@…`: 550, `busy@…`: 451).
    pub fn scripted(pki: &Pki, credentials: Option<(&str, &str)>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let script = dir.path().join("smtpd.py");
        fs::write(&script, SERVER_SCRIPT).unwrap();
        let mut cmd = Command::new(python());
        cmd.arg(&script).arg("127.0.0.1").arg(port.to_string()).arg(dir.path().join("maildir"));
        cmd.env("ENS_TEST_TLS_CERT", &pki.cert).env("ENS_TEST_TLS_KEY", &pki.key);
        if let Some((user, password)) = credentials {
            cmd.env("ENS_TEST_SMTP_USER", user).env("ENS_TEST_SMTP_PASSWORD", password);
        }
        Self::start(cmd, dir, port)
    }

    fn start(mut cmd: Command, dir: TempDir, port: u16) -> Self {
        let log = fs::File::create(dir.path().join("server.log")).unwrap();
        cmd.env("PYTHONUNBUFFERED", "1").stdin(Stdio::null()).stdout(log.try_clone().unwrap()).stderr(log);
        let child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let mut server = Self { child, port, dir };
        server.wait_until_listening();
        server
    }

    fn wait_until_listening(&mut self) {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("aiosmtpd exited ({status}) before listening:\n{}", self.log());
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(250)).is_ok() {
                return;
            }
            if Instant::now() > deadline {
                panic!("aiosmtpd did not listen on {addr} within {START_TIMEOUT:?}:\n{}", self.log());
            }
            thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn log(&self) -> String {
        fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub fn maildir(&self) -> PathBuf {
        self.dir.path().join("maildir")
    }

    /// The messages delivered so far, decoded by python's `email` package (a second,
    /// independent reading of what lettre wrote).
    pub fn messages(&self) -> Vec<Delivered> {
        read_maildir(&self.maildir(), self.dir.path())
    }
}

impl Drop for Smtpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One received message.
#[derive(Debug)]
pub struct Delivered {
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    /// (content type, charset, decoded content) of each leaf part, in order.
    pub parts: Vec<(String, String, String)>,
    /// The message as stored, undecoded.
    pub raw: String,
}

impl Delivered {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn part(&self, content_type: &str) -> &str {
        self.parts
            .iter()
            .find(|(ct, _, _)| ct == content_type)
            .map(|(_, _, body)| body.as_str())
            .unwrap_or_else(|| panic!("no {content_type} part in {:?}", self.parts))
    }
}

fn read_maildir(maildir: &Path, scratch: &Path) -> Vec<Delivered> {
    let script = scratch.join("read_maildir.py");
    fs::write(&script, READ_SCRIPT).unwrap();
    let out = Command::new(python()).arg(&script).arg(maildir).stdin(Stdio::null()).output().unwrap();
    assert!(out.status.success(), "read_maildir.py failed: {}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let s = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    json.as_array()
        .unwrap()
        .iter()
        .map(|m| Delivered {
            headers: m["headers"].as_array().unwrap().iter().map(|h| (s(&h[0]), s(&h[1]))).collect(),
            content_type: s(&m["content_type"]),
            parts: m["parts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| (s(&p["content_type"]), s(&p["charset"]), s(&p["content"])))
                .collect(),
            raw: s(&m["raw"]),
        })
        .collect()
}

/// A notice as the sync guard would make it.
pub fn notice(kind: NoticeKind, recipient: &str) -> Notice {
    Notice {
        id: NoticeId(Uuid::new_v4()),
        kind,
        enterprise_id: EnterpriseId::from_uuid(Uuid::new_v4()),
        enterprise_name: "Contoso <Europe> & Partners".into(),
        incident: Some(IncidentId::from_uuid(Uuid::new_v4())),
        recipient: EmailAddress::parse(recipient).unwrap(),
        occurred_at: Timestamp::from_micros(1_764_367_851_123_456),
        reason: ens_ports::Said::verbatim("Entra sent a value ENS+ cannot store for \"phone\"."),
        setup_url: "https://ens.example.com/setup/scim-import?tab=1&x=2".into(),
        examples: Vec::new(),
        language: ens_ports::Language::English,
    }
}

const SERVER_SCRIPT: &str = r#"
import asyncio, os, ssl, sys
from aiosmtpd.handlers import Mailbox
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

host, port, maildir = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cert, key = os.environ["ENS_TEST_TLS_CERT"], os.environ["ENS_TEST_TLS_KEY"]
user = os.environ.get("ENS_TEST_SMTP_USER", "").encode()
password = os.environ.get("ENS_TEST_SMTP_PASSWORD", "").encode()

class Handler(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local == "unknown":
            return "550 5.1.1 No such mailbox here"
        if local == "busy":
            return "451 4.2.1 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

def authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == user and auth_data.password == password
    print("AUTH", mechanism, "ok" if ok else "refused", flush=True)
    return AuthResult(success=ok, handled=False)

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(cert, key)
handler = Handler(maildir)

def factory():
    kwargs = dict(tls_context=context, require_starttls=True, hostname="localhost")
    if user:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=True)
    return SMTP(handler, **kwargs)

async def main():
    server = await asyncio.get_running_loop().create_server(factory, host, port)
    print("listening", host, port, flush=True)
    async with server:
        await server.serve_forever()

asyncio.run(main())
"#;

const READ_SCRIPT: &str = r#"
import email, email.policy, json, os, sys
out = []
new = os.path.join(sys.argv[1], "new")
for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
    with open(os.path.join(new, name), "rb") as f:
        raw = f.read()
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    parts = [
        {"content_type": p.get_content_type(), "charset": p.get_content_charset() or "", "content": p.get_content()}
        for p in msg.walk() if not p.is_multipart()
    ]
    out.append({
        "headers": [[k, str(v)] for k, v in msg.items()],
        "content_type": msg.get_content_type(),
        "parts": parts,
        "raw": raw.decode("utf-8", "replace"),
    })
json.dump(out, sys.stdout)
"#;
