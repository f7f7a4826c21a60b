//! Black-box helpers: run the real `ens-scim` binary and talk to it over HTTP.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_ens-scim");

/// Cheap hashes where the test is not about them.
pub const CHEAP_ARGON: [(&str, &str); 2] =
    [("ENS_SCIM__AUTH__ARGON2_MEMORY_KIB", "1024"), ("ENS_SCIM__AUTH__ARGON2_ITERATIONS", "1")];

/// The binary on `db_url`, e-mailing through a local SMTP sink on `smtp_port` (no TLS) and
/// delivering the outbox every second, with cheap hashes.
pub fn mailing_env<'a>(db_url: &'a str, smtp_port: &'a str) -> Vec<(&'static str, &'a str)> {
    let mut env = vec![
        ("ENS_SCIM__DATABASE__URL", db_url),
        ("ENS_SCIM__SMTP__HOST", "127.0.0.1"),
        ("ENS_SCIM__SMTP__PORT", smtp_port),
        ("ENS_SCIM__SMTP__TLS", "none"),
        ("ENS_SCIM__GUARD__OUTBOX_POLL_SECS", "1"),
    ];
    env.extend(CHEAP_ARGON);
    env
}

/// Runs `ens-scim ARGS` to completion with `env`; returns (success, stdout, stderr).
pub fn run(args: &[&str], env: &[(&str, &str)]) -> (bool, String, String) {
    let out =
        Command::new(BIN).args(args).envs(env.iter().copied()).env_remove("RUST_LOG").output().expect("run ens-scim");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// The password `principal create` or `principal reset-password` printed once.
pub fn printed_password(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("password (shown once, not stored): "))
        .unwrap_or_else(|| panic!("no password printed: {out}"))
        .to_owned()
}

/// A running `ens-scim serve`, stopped (SIGKILL) on drop unless stopped before.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub logs: Arc<Mutex<Vec<String>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Starts the server on a free loopback port with `env` (ENS_SCIM__… settings).
    pub fn start(env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(BIN)
            .arg("serve")
            .env("ENS_SCIM__SERVER__BIND", "127.0.0.1:0")
            // Its own free port too: tests run side by side, and 9464 is the default.
            .env("ENS_SCIM__METRICS__BIND", "127.0.0.1:0")
            .env("ENS_SCIM__SERVER__WORKERS", "2")
            .env_remove("RUST_LOG")
            .envs(env.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn ens-scim serve");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut readers = Vec::new();
        for stream in [Box::new(stdout) as Box<dyn std::io::Read + Send>, Box::new(stderr)] {
            let logs = logs.clone();
            let tx = tx.clone();
            readers.push(std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let addr = line
                        .split("listening on http://")
                        .nth(1)
                        .map(|rest| rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect::<String>());
                    // Stored before the address is announced, so a test that starts right after
                    // `start` returns already sees the line that announced it.
                    logs.lock().unwrap().push(line);
                    if let Some(addr) = addr {
                        let _ = tx.send(addr);
                    }
                }
            }));
        }
        let addr = match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(a) => a,
            Err(_) => {
                let _ = child.kill();
                panic!("server did not start; logs:\n{}", logs.lock().unwrap().join("\n"));
            }
        };
        Server { child, base: format!("http://{addr}"), logs, readers }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `http://127.0.0.1:PORT/metrics`, as the server announced it.
    pub fn metrics_url(&self) -> String {
        let logs = self.wait_for_output("serving metrics on http://");
        let rest = logs.split("serving metrics on http://").nth(1).unwrap_or_default();
        let addr: String = rest.chars().take_while(|c| !c.is_whitespace() && *c != '"').collect();
        format!("http://{addr}")
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    /// Waits (at most 10 s) until the output contains `needle`; returns the output.
    pub fn wait_for_output(&self, needle: &str) -> String {
        for _ in 0..200 {
            let logs = self.logs();
            if logs.contains(needle) {
                return logs;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{needle:?} did not appear in the output:\n{}", self.logs());
    }

    /// Sends SIGTERM and waits (bounded) for the exit status and the end of the output.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().expect("kill -TERM");
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The pipes are closed now: once the readers are done, `logs()` holds the
                // whole output, so a test may assert that something was never printed.
                for reader in self.readers.drain(..) {
                    reader.join().unwrap();
                }
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("server did not stop within 10 s of SIGTERM");
    }

    /// SIGKILL: no shutdown code runs.
    pub fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that returns 4xx/5xx answers instead of errors, with a bounded wait.
pub fn http() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// GET → (status, body).
pub fn get(url: &str) -> (u16, String) {
    let mut res = http().get(url).call().expect("request");
    (res.status().as_u16(), res.body_mut().read_to_string().unwrap_or_default())
}

/// A request with an optional bearer token and JSON body → (status, JSON body or Null).
pub fn send(
    method: &str,
    url: &str,
    bearer: Option<&str>,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    let agent = http();
    let mut builder = ureq::http::Request::builder().method(method).uri(url);
    if let Some(t) = bearer {
        builder = builder.header("Authorization", format!("Bearer {t}"));
    }
    let request = match body {
        Some(b) => builder.header("Content-Type", "application/json").body(b.to_string()).unwrap(),
        None => builder.body(String::new()).unwrap(),
    };
    let mut res = agent.run(request).expect("request");
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
}

/// Logs in through the API; changes a one-time password to `new_password`. Returns the
/// session token.
pub fn login(server: &Server, login: &str, password: &str, new_password: &str) -> String {
    let (status, body) = send(
        "POST",
        &server.url("/api/v1/session"),
        None,
        Some(serde_json::json!({"login": login, "password": password})),
    );
    assert_eq!(status, 201, "{body}");
    let token = body["token"].as_str().unwrap().to_owned();
    if body["password_change_required"] == true {
        let (status, body) = send(
            "PUT",
            &server.url("/api/v1/session/password"),
            Some(&token),
            Some(serde_json::json!({"current_password": password, "new_password": new_password})),
        );
        assert_eq!(status, 200, "{body}");
        return body["token"].as_str().unwrap().to_owned();
    }
    token
}

/// What an operator and a principal do before Entra can provision: an enterprise (CLI), its
/// principal's first login, a token, notification `addresses`, import switched on. Returns
/// (session, token).
pub fn provisioned(
    server: &Server,
    env: &[(&str, &str)],
    enterprise: &str,
    login_name: &str,
    addresses: &[&str],
) -> (String, String) {
    let (ok, _, err) = run(&["enterprise", "create", "--name", enterprise], env);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["principal", "create", "--enterprise", enterprise, "--login", login_name], env);
    assert!(ok, "{err}");
    let session = login(server, login_name, &printed_password(&out), "violet stapler orbit 42");
    let (status, t) = send("POST", &server.url("/api/v1/scim-import/token"), Some(&session), None);
    assert_eq!(status, 201, "{t}");
    let body = serde_json::json!({"addresses": addresses});
    let (status, b) = send("PUT", &server.url("/api/v1/scim-import/emails"), Some(&session), Some(body));
    assert_eq!(status, 200, "{b}");
    let on = serde_json::json!({"enabled": true});
    let (status, b) = send("PUT", &server.url("/api/v1/scim-import/enabled"), Some(&session), Some(on));
    assert_eq!(status, 200, "{b}");
    (session, t["token"].as_str().unwrap().to_owned())
}

/// The process's resident memory now and at its peak (VmRSS, VmHWM), in KiB.
pub fn memory_kib(pid: u32) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or_else(|| panic!("{name} missing"))
    };
    (field("VmRSS:"), field("VmHWM:"))
}
