//! `cargo xtask conformance`: the public SCIM conformance suites against a freshly started
//! server (scim2-tester and scim-sanity, from PyPI, in a virtual environment under target/).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

/// Pinned: conformance counts must not change under our feet.
const PACKAGES: &[&str] = &["scim2-tester==0.5.2", "scim2-cli==0.6.0", "scim-sanity==0.7.4"];

pub struct Counts {
    pub tester_passed: u32,
    pub tester_failed: u32,
    pub tester_skipped: u32,
    pub sanity_passed: u32,
    pub sanity_failed: u32,
    pub sanity_skipped: u32,
}

fn target_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"))
}

fn venv(root: &Path) -> Result<PathBuf> {
    let dir = target_dir(root).join("conformance-venv");
    let python = dir.join("bin/python");
    let marker = dir.join(".installed");
    if marker.exists() && std::fs::read_to_string(&marker).unwrap_or_default() == PACKAGES.join(" ") {
        return Ok(python);
    }
    eprintln!("==> creating {} with {}", dir.display(), PACKAGES.join(", "));
    let ok = Command::new("python3").args(["-m", "venv"]).arg(&dir).status()?.success();
    if !ok {
        bail!("python3 -m venv failed (Debian: apt-get install python3-venv)");
    }
    let ok = Command::new(&python).args(["-m", "pip", "install", "-q"]).args(PACKAGES).status()?.success();
    if !ok {
        bail!("pip could not install {}", PACKAGES.join(" "));
    }
    std::fs::write(&marker, PACKAGES.join(" "))?;
    Ok(python)
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

fn call(method: &str, url: &str, bearer: Option<&str>, body: Option<Value>) -> Result<(u16, Value)> {
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

/// Starts `ens-scim` on a fresh SQLite database with one enterprise whose import is on;
/// returns the server, its SCIM base URL and the secret token.
fn start(binary: &Path, work: &Path) -> Result<(Server, String, String)> {
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let env = [
        ("ENS_SCIM__DATABASE__URL", format!("sqlite://{}", work.join("conformance.db").display())),
        ("ENS_SCIM__SERVER__BIND", format!("127.0.0.1:{port}")),
        ("ENS_SCIM__SERVER__PUBLIC_BASE_URL", base.clone()),
        ("ENS_SCIM__LOG__FILTER", "warn".into()),
    ];
    let run = |args: &[&str]| -> Result<String> {
        let out = Command::new(binary).args(args).envs(env.iter().map(|(k, v)| (*k, v.as_str()))).output()?;
        if !out.status.success() {
            bail!("ens-scim {} failed: {}", args.join(" "), String::from_utf8_lossy(&out.stderr));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    run(&["enterprise", "create", "--name", "Conformance"])?;
    let out = run(&["principal", "create", "--enterprise", "Conformance", "--login", "conformance@ens.example"])?;
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once, not stored): "))
        .context("no password printed")?
        .to_owned();
    let log = std::fs::File::create(work.join("server.log"))?;
    let child = Command::new(binary)
        .arg("serve")
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()?;
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while call("GET", &format!("{base}/healthz"), None, None).map(|(s, _)| s).unwrap_or(0) != 200 {
        if Instant::now() > deadline {
            bail!("the server did not start; see {}", work.join("server.log").display());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let api = |p: &str| format!("{base}/api/v1{p}");
    let (_, s) =
        call("POST", &api("/session"), None, Some(json!({"login": "conformance@ens.example", "password": password})))?;
    let first = s["token"].as_str().context("login failed")?.to_owned();
    let (_, s) = call(
        "PUT",
        &api("/session/password"),
        Some(&first),
        Some(json!({"current_password": password, "new_password": "conformance password"})),
    )?;
    let session = s["token"].as_str().context("password change failed")?.to_owned();
    let (_, t) = call("POST", &api("/scim-import/token"), Some(&session), None)?;
    let token = t["token"].as_str().context("token generation failed")?.to_owned();
    let (status, _) = call("PUT", &api("/scim-import/enabled"), Some(&session), Some(json!({"enabled": true})))?;
    if status != 200 {
        bail!("switching SCIM import on failed: {status}");
    }
    Ok((server, format!("{base}/portal/scim"), token))
}

/// Finds `N passed, N failed, N skipped` in a suite's output.
fn counts(output: &str) -> Option<(u32, u32, u32)> {
    // scim2-tester: "N passed, N failed, N skipped"; scim-sanity: "N passed[, N failed], N skipped, N total".
    let line =
        output.lines().rev().find(|l| l.contains(" passed") && (l.contains(" failed") || l.contains(" total")))?;
    let num = |word: &str| -> u32 {
        let words: Vec<&str> = line.split(|c: char| c == ',' || c.is_whitespace()).filter(|w| !w.is_empty()).collect();
        words.windows(2).find(|w| w[1] == word).and_then(|w| w[0].parse().ok()).unwrap_or(0)
    };
    Some((num("passed"), num("failed"), num("skipped")))
}

pub fn run(root: &Path) -> Result<Counts> {
    let python = venv(root)?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["build", "--quiet", "--bin", "ens-scim"])
        .current_dir(root)
        .status()?;
    if !status.success() {
        bail!("building ens-scim failed");
    }
    let binary = target_dir(root).join("debug/ens-scim");
    let work = tempdir()?;

    // Each suite gets a fresh server: their results depend on what is stored.
    let (server, url, token) = start(&binary, &work.join("tester"))?;
    let script = root.join("xtask/conformance/scim2_tester_run.py");
    let out = Command::new(&python).arg(&script).arg(&url).args(["--token", &token]).output()?;
    drop(server);
    let tester = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("--- scim2-tester ---\n{tester}{}", String::from_utf8_lossy(&out.stderr));
    let (tp, tf, ts) = counts(&tester).context("scim2-tester printed no counts")?;

    let (server, url, token) = start(&binary, &work.join("sanity"))?;
    let sanity_bin = python.with_file_name("scim-sanity");
    let out = Command::new(&sanity_bin).args(["probe", &url, "--token", &token, "--i-accept-side-effects"]).output()?;
    drop(server);
    let sanity = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("--- scim-sanity ---\n{sanity}");
    let (sp, sf, ss) = counts(&sanity).context("scim-sanity printed no counts")?;
    let _ = std::fs::remove_dir_all(&work);
    Ok(Counts {
        tester_passed: tp,
        tester_failed: tf,
        tester_skipped: ts,
        sanity_passed: sp,
        sanity_failed: sf,
        sanity_skipped: ss,
    })
}

fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!("ens-conformance-{}", std::process::id()));
    for sub in ["tester", "sanity"] {
        std::fs::create_dir_all(dir.join(sub))?;
    }
    Ok(dir)
}

#[cfg(test)]
mod tests {
    use super::counts;

    #[test]
    fn reads_both_suites_summaries() {
        assert_eq!(counts("by status: {}\n78 passed, 1 failed, 0 skipped\n"), Some((78, 1, 0)));
        assert_eq!(counts("==========\n  18 passed, 4 skipped, 22 total\n  Result: x"), Some((18, 0, 4)));
        assert_eq!(counts("  18 passed, 0 failed, 4 skipped, 22 total"), Some((18, 0, 4)));
        assert_eq!(counts("nothing"), None);
    }
}
