//! The alert rules against the real thing: Debian's Prometheus scrapes the real binary on
//! loopback, evaluating `deploy/prometheus/alerts.yml`; a failure of ours switches SCIM import
//! off through the SCIM endpoint, and the alert is read back firing from Prometheus's HTTP API.
//!
//! Without a Prometheus binary (`ENS_TEST_PROMETHEUS`, default `/usr/bin/prometheus`) the test
//! is skipped with a message — unless `ENS_TEST_REQUIRE_ALL` is set, as `.ci/run` does, when
//! it fails instead.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Server, send};

/// A Prometheus on a free loopback port with a throwaway data directory, killed on drop.
struct Prometheus {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn rules() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/prometheus/alerts.yml").canonicalize().unwrap()
}

/// The Prometheus binary, or why there is none.
fn prometheus_binary() -> Option<String> {
    let binary = std::env::var("ENS_TEST_PROMETHEUS").unwrap_or_else(|_| "/usr/bin/prometheus".into());
    if Command::new(&binary).arg("--version").output().is_ok_and(|o| o.status.success()) {
        return Some(binary);
    }
    let required = std::env::var("ENS_TEST_REQUIRE_ALL").is_ok_and(|v| !v.is_empty() && v != "0");
    let advice = format!("{binary} cannot be run (Debian: apt-get install prometheus; or set ENS_TEST_PROMETHEUS)");
    assert!(!required, "{advice}; ENS_TEST_REQUIRE_ALL is set, so this test may not be skipped");
    eprintln!("SKIPPED: the Prometheus end-to-end test: {advice}");
    None
}

impl Prometheus {
    /// Scrapes `target` (host:port) every second and evaluates the shipped rules every second.
    fn start(binary: &str, target: &str) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n  - {rules}\n\
                 scrape_configs:\n  - job_name: ens-scim\n    static_configs:\n      - targets: ['{target}']\n",
                rules = rules().display()
            ),
        )
        .unwrap();
        let port = free_port();
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
            .arg(format!("--web.listen-address=127.0.0.1:{port}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let prometheus = Prometheus { child, base: format!("http://127.0.0.1:{port}"), _dir: dir };
        // Refused until it listens: probed without the helpers, which expect an answer.
        prometheus.wait("Prometheus to be ready", |p| {
            let ready = support::http().get(&p.url("/-/ready")).call().ok()?;
            (ready.status() == 200).then_some(())
        });
        prometheus
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn api(&self, path: &str) -> Value {
        let (status, body) = send("GET", &self.url(path), None, None);
        assert_eq!((status, body["status"].as_str()), (200, Some("success")), "{path}: {body}");
        body["data"].clone()
    }

    /// Polls `f` every 200 ms for at most 60 s.
    fn wait<T>(&self, what: &str, mut f: impl FnMut(&Prometheus) -> Option<T>) -> T {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(v) = f(self) {
                return v;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {what}");
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    fn firing(&self, alert: &str) -> Option<Value> {
        let alerts = self.api("/api/v1/alerts");
        alerts["alerts"]
            .as_array()?
            .iter()
            .find(|a| a["labels"]["alertname"] == alert && a["state"] == "firing")
            .cloned()
    }

    /// The value of an instant query with one result.
    fn value(&self, query: &str) -> Option<f64> {
        let data = self.api(&format!("/api/v1/query?query={}", encode(query)));
        data["result"].as_array()?.first()?["value"][1].as_str()?.parse().ok()
    }
}

fn encode(query: &str) -> String {
    query
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[test]
fn a_switch_off_through_scim_fires_the_alert_in_a_real_prometheus() {
    let Some(binary) = prometheus_binary() else { return };
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ens.db").display());
    let env = [
        ("ENS_SCIM__DATABASE__URL", db.as_str()),
        ("ENS_SCIM__AUTH__ARGON2_MEMORY_KIB", "1024"),
        ("ENS_SCIM__AUTH__ARGON2_ITERATIONS", "1"),
        ("ENS_SCIM__SCIM__MAX_BODY_BYTES", "4096"),
    ];
    let server = Server::start(&env);
    let (_, token) = support::provisioned(&server, &env, "Contoso", "admin@contoso.example", &["ops@contoso.example"]);
    let target = server.metrics_url().trim_start_matches("http://").trim_end_matches("/metrics").to_owned();
    let prometheus = Prometheus::start(&binary, &target);

    prometheus.wait("the target to be scraped", |p| (p.value(r#"up{job="ens-scim"}"#) == Some(1.0)).then_some(()));
    prometheus.wait("the census to be scraped", |p| p.value(r#"ens_enterprises{import="on"}"#).filter(|v| *v == 1.0));
    assert!(prometheus.firing("EnsScimImportSwitchedOff").is_none(), "nothing is off yet");

    // A body over scim.max_body_bytes: a limit of ours, which switches import off.
    let users = server.url("/portal/scim/Users");
    let big = json!({"userName": "jdoe@contoso.example", "displayName": "x".repeat(8192)});
    assert_eq!(send("POST", &users, Some(&token), Some(big)).0, 413);
    assert_eq!(send("GET", &users, Some(&token), None).0, 503, "switched off");

    let alert = prometheus.wait("EnsScimImportSwitchedOff to fire", |p| p.firing("EnsScimImportSwitchedOff"));
    assert_eq!(alert["labels"]["severity"], "page");
    assert_eq!(alert["labels"]["job"], "ens-scim");
    let summary = alert["annotations"]["summary"].as_str().unwrap();
    assert!(summary.contains("(1 enterprise(s))"), "{summary}");
    assert_eq!(prometheus.value(r#"ens_scim_requests_total{outcome="limit"}"#), Some(1.0));
    assert!(prometheus.value(r#"ens_scim_requests_total{outcome="import_off"}"#).is_some_and(|v| v >= 1.0));
    for quiet in ["EnsScimEntraSilent", "EnsScimOutboxBacklog", "EnsScimNotReady", "EnsScimDown"] {
        assert!(prometheus.firing(quiet).is_none(), "{quiet} fires too");
    }
}
