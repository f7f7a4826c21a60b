//! A freshly started `ens-scim` for the xtask commands: an operator creates an enterprise and
//! a principal, the principal sets a password, generates the secret token and switches SCIM
//! import on — as a customer would, through the CLI and the admin API.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

pub fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

/// Builds `ens-scim` (`release` or not) and returns its path.
pub fn build(root: &Path, release: bool) -> Result<PathBuf> {
    let mut args = vec!["build", "--quiet", "--bin", "ens-scim"];
    if release {
        args.push("--release");
    }
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(&args)
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("building ens-scim failed");
    }
    Ok(target_dir(root).join(if release { "release/ens-scim" } else { "debug/ens-scim" }))
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// One HTTP request → (status, JSON body or Null).
pub fn call(method: &str, url: &str, bearer: Option<&str>, body: Option<Value>) -> Result<(u16, Value)> {
    let mut b = ureq::http::Request::builder().method(method).uri(url);
    if let Some(t) = bearer {
        b = b.header("Authorization", format!("Bearer {t}"));
    }
    let req = b.header("Content-Type", "application/json").body(body.map(|v| v.to_string()).unwrap_or_default())?;
    let mut res = agent().run(req)?;
    let status = res.status().as_u16();
    let text = res.body_mut().read_to_string().unwrap_or_default();
    Ok((status, serde_json::from_str(&text).unwrap_or(Value::Null)))
}

pub fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

/// A running server, stopped on drop.
pub struct Service {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The enterprise's secret SCIM token.
    pub token: String,
    /// A principal's session token (admin API).
    pub session: String,
}

/// What a client needs to log in to a running server as the tooling principal.
#[derive(Debug, Clone)]
pub struct LoginClient {
    base: String,
}

impl LoginClient {
    /// One login with the tooling principal's password (one Argon2id verification); the
    /// status it was answered with.
    pub fn login(&self) -> Result<u16> {
        let body = json!({"login": TOOLING_LOGIN, "password": TOOLING_PASSWORD});
        Ok(call("POST", &format!("{}/api/v1/session", self.base), None, Some(body))?.0)
    }
}

const TOOLING_LOGIN: &str = "tooling@ens.example";
const TOOLING_PASSWORD: &str = "a tooling password";

impl Service {
    /// A client that logs in to this server, for another thread.
    pub fn clone_client(&self) -> LoginClient {
        LoginClient { base: self.base.clone() }
    }

    pub fn login(&self) -> Result<u16> {
        self.clone_client().login()
    }

    /// The server's resident memory now and at its highest (`VmRSS`, `VmHWM`), KiB.
    pub fn memory_kib(&self) -> Result<(u64, u64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let field = |name: &str| -> Result<u64> {
            let line = status.lines().find(|l| l.starts_with(name)).with_context(|| format!("no {name}"))?;
            Ok(line.split_whitespace().nth(1).context("no value")?.parse()?)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    /// CPU time the server has used so far (user and system, all its threads, dead ones too).
    pub fn cpu_seconds(&self) -> Result<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id()))?;
        // The fields after the command name (which may hold spaces) in parentheses:
        // utime and stime are the 14th and 15th of the line, in clock ticks.
        let after = stat.rsplit_once(") ").map(|(_, rest)| rest).context("unreadable /proc stat")?;
        let fields: Vec<&str> = after.split_whitespace().collect();
        let ticks = |i: usize| -> Result<f64> { Ok(fields.get(i).context("short /proc stat")?.parse::<f64>()?) };
        Ok((ticks(11)? + ticks(12)?) / clock_ticks_per_second())
    }
}

/// `sysconf(_SC_CLK_TCK)`, which is 100 on every Linux we run on; asked of `getconf` once.
fn clock_ticks_per_second() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100.0)
    })
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `binary` on `db_url` with one enterprise whose import is on. `before_serve` gets the
/// enterprise id once it exists and before the server starts (e.g. to seed persons).
pub fn start(
    binary: &Path,
    db_url: &str,
    work: &Path,
    extra_env: &[(&str, &str)],
    before_serve: impl FnOnce(&str) -> Result<()>,
) -> Result<Service> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mut env: Vec<(String, String)> = vec![
        ("ENS_SCIM__DATABASE__URL".into(), db_url.into()),
        ("ENS_SCIM__SERVER__BIND".into(), format!("127.0.0.1:{port}")),
        ("ENS_SCIM__SERVER__PUBLIC_BASE_URL".into(), base.clone()),
        // A free port: 9464, the default, may be taken by another instance or a test.
        ("ENS_SCIM__METRICS__BIND".into(), "127.0.0.1:0".into()),
        ("ENS_SCIM__LOG__FILTER".into(), "warn".into()),
    ];
    env.extend(extra_env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let run = |args: &[&str]| -> Result<String> {
        let out = Command::new(binary).args(args).envs(env.iter().map(|(k, v)| (k, v))).output()?;
        if !out.status.success() {
            bail!("ens-scim {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let created = run(&["enterprise", "create", "--name", "Tooling"])?;
    let enterprise = created.trim().rsplit(' ').next().context("no enterprise id printed")?.to_owned();
    let out = run(&["principal", "create", "--enterprise", "Tooling", "--login", TOOLING_LOGIN])?;
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once, not stored): "))
        .context("no password printed")?
        .to_owned();
    before_serve(&enterprise)?;

    let mut service = serve(binary, &env, &base, &work.join("server.log"))?;
    let api = |p: &str| format!("{base}/api/v1{p}");
    let (_, s) = call("POST", &api("/session"), None, Some(json!({"login": TOOLING_LOGIN, "password": password})))?;
    let first = s["token"].as_str().context("login failed")?.to_owned();
    let new_password = json!({"current_password": password, "new_password": TOOLING_PASSWORD});
    let (_, s) = call("PUT", &api("/session/password"), Some(&first), Some(new_password))?;
    let session = s["token"].as_str().context("password change failed")?.to_owned();
    let (_, t) = call("POST", &api("/scim-import/token"), Some(&session), None)?;
    service.token = t["token"].as_str().context("token generation failed")?.to_owned();
    service.session = session.clone();
    let (status, _) = call("PUT", &api("/scim-import/enabled"), Some(&session), Some(json!({"enabled": true})))?;
    if status != 200 {
        bail!("switching SCIM import on failed: {status}");
    }
    Ok(service)
}

/// Another server on the database `first` serves (its enterprise and token), with
/// `extra_env` on top of the usual settings; its log is `log`.
pub fn another(
    binary: &Path,
    db_url: &str,
    first: &Service,
    extra_env: &[(&str, &str)],
    log: &Path,
) -> Result<Service> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mut env: Vec<(String, String)> = vec![
        ("ENS_SCIM__DATABASE__URL".into(), db_url.into()),
        ("ENS_SCIM__SERVER__BIND".into(), format!("127.0.0.1:{port}")),
        ("ENS_SCIM__SERVER__PUBLIC_BASE_URL".into(), base.clone()),
        ("ENS_SCIM__METRICS__BIND".into(), "127.0.0.1:0".into()),
        ("ENS_SCIM__LOG__FILTER".into(), "warn".into()),
    ];
    env.extend(extra_env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())));
    let mut service = serve(binary, &env, &base, log)?;
    service.token = first.token.clone();
    Ok(service)
}

/// `binary serve` with `env`, once it answers `/healthz` at `base`.
fn serve(binary: &Path, env: &[(String, String)], base: &str, log: &Path) -> Result<Service> {
    let child = Command::new(binary)
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(log)?)
        .spawn()?;
    let service = Service { child, base: base.to_owned(), token: String::new(), session: String::new() };
    let deadline = Instant::now() + Duration::from_secs(60);
    while call("GET", &format!("{base}/healthz"), None, None).map(|(s, _)| s).unwrap_or(0) != 200 {
        if Instant::now() > deadline {
            bail!("the server did not start; see {}", log.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(service)
}
