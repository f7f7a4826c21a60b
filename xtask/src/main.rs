//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `ci`: everything CI checks — formatting, the architecture rules, unused dependencies,
//!   the supply chain (cargo deny), clippy, the Prometheus rules (promtool), the whole test suite (both database backends),
//!   the conformance suites.
//! - `tidy`: the architecture rules alone.
//! - `supply-chain`: cargo deny (licences, bans, sources; advisories where reachable).
//! - `conformance`: scim2-tester and scim-sanity against a freshly started server.
//! - `bench [--quick] [--backend B] [--persons N] [--scenario S] [--metrics-cost | --memory |
//!   --initial-cycle]`: load (wrk) against a release build on both backends; `--metrics-cost`:
//!   metrics on against off; `--memory`: the server's memory after logins and load;
//!   `--initial-cycle`: Entra's first cycle for a new enterprise of N users.
//! - `fuzz [seconds]`: libFuzzer (cargo-fuzz) on the SCIM filter and PATCH-path grammar.

mod bench;
mod conformance;
mod service;
mod tidy;

use std::process::Command;

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("tidy") => run_tidy(),
        Some("supply-chain") => supply_chain(),
        Some("conformance") => run_conformance(),
        Some("fuzz") => fuzz(args.get(1).map(String::as_str).unwrap_or("60")),
        Some("bench") => {
            let table = bench::run(&tidy::workspace_root(), &bench::Options::parse(&args[1..])?)?;
            println!("{table}");
            Ok(())
        }
        _ => {
            eprintln!(
                "usage: cargo xtask <ci|tidy|supply-chain|conformance|bench [--quick] [--backend sqlite|postgres] \
                 [--persons N] [--scenario lookup|get|create|patch|health|unreachable] \
                 [--metrics-cost|--memory|--initial-cycle]|fuzz [seconds]>"
            );
            bail!("unknown or missing command")
        }
    }
}

fn cargo(args: &[&str]) -> Result<()> {
    let root = tidy::workspace_root();
    eprintln!("\n==> cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
        // `cargo run` sets it for xtask; cargo-machete 0.9 takes it to mean it was not run by
        // cargo and reads its "machete" argument as a directory.
        .env_remove("CARGO_PKG_NAME")
        .current_dir(&root)
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("cargo {} failed ({status})", args.join(" "));
    }
    Ok(())
}

fn run_tidy() -> Result<()> {
    let problems = tidy::all_violations(&tidy::workspace_root())?;
    if problems.is_empty() {
        eprintln!("tidy: dependency direction, framework ownership and migrations are in order");
        Ok(())
    } else {
        bail!("architecture rules broken:\n  {}", problems.join("\n  "))
    }
}

/// Coverage-guided fuzzing of the SCIM filter grammar for `seconds`. cargo-fuzz wants a
/// nightly compiler for its sanitizer flags; `RUSTC_BOOTSTRAP=1` lets the stable one accept
/// them (this machine has no other toolchain).
fn fuzz(seconds: &str) -> Result<()> {
    let root = tidy::workspace_root();
    if Command::new("cargo").args(["fuzz", "--version"]).output().map(|o| !o.status.success()).unwrap_or(true) {
        bail!("cargo-fuzz is needed: cargo install cargo-fuzz --locked");
    }
    let fuzz = root.join("fuzz");
    let corpus = fuzz.join("corpus/scim_filter");
    std::fs::create_dir_all(&corpus)?;
    let status = Command::new("cargo")
        .args(["fuzz", "run", "scim_filter"])
        .arg(&corpus)
        .arg(fuzz.join("seeds/scim_filter"))
        .args(["--", &format!("-max_total_time={seconds}")])
        .env("RUSTC_BOOTSTRAP", "1")
        .current_dir(&fuzz)
        .status()
        .context("running cargo fuzz")?;
    if !status.success() {
        bail!("the fuzzer found a failing input (see fuzz/artifacts/scim_filter)");
    }
    Ok(())
}

/// Runs both public suites; fails if either reports a failure.
fn run_conformance() -> Result<()> {
    let c = conformance::run(&tidy::workspace_root())?;
    eprintln!(
        "\nconformance: scim2-tester {} passed, {} failed, {} skipped; scim-sanity {} passed, {} failed, {} skipped",
        c.tester_passed, c.tester_failed, c.tester_skipped, c.sanity_passed, c.sanity_failed, c.sanity_skipped
    );
    if c.tester_failed > 0 || c.sanity_failed > 0 {
        bail!("the SCIM conformance suites report failures");
    }
    Ok(())
}

/// A cargo subcommand that is installed separately (`.ci/run` installs it).
fn cargo_tool(tool: &str, args: &[&str]) -> Result<()> {
    let installed = Command::new(format!("cargo-{tool}")).arg("--version").output().is_ok_and(|o| o.status.success());
    if !installed {
        bail!("cargo {tool} is needed: cargo install cargo-{tool} --locked (.ci/run does)");
    }
    let mut all = vec![tool];
    all.extend_from_slice(args);
    cargo(&all)
}

/// The Prometheus files in deploy/prometheus: the configuration and rules are valid, and the
/// rules' unit tests pass (promtool, from Debian's `prometheus` package).
fn prometheus_rules() -> Result<()> {
    let dir = tidy::workspace_root().join("deploy/prometheus");
    for args in [
        &["check", "config", "prometheus.yml"][..],
        &["check", "rules", "alerts.yml"],
        &["test", "rules", "alerts.test.yml"],
    ] {
        eprintln!("\n==> promtool {}", args.join(" "));
        let status = Command::new("promtool")
            .args(args)
            .current_dir(&dir)
            .status()
            .context("promtool is needed: apt-get install prometheus (.ci/run does)")?;
        if !status.success() {
            bail!("promtool {} failed", args.join(" "));
        }
    }
    Ok(())
}

/// The dependency graph against deny.toml: licences, banned crates, sources; and known
/// vulnerabilities when the RustSec advisory database can be fetched (it lives on GitHub,
/// which some build machines cannot reach: then this says so and goes on).
fn supply_chain() -> Result<()> {
    // Errors only: duplicate versions are warnings (deny.toml), for whoever runs it by hand.
    cargo_tool("deny", &["--log-level", "error", "check", "licenses", "bans", "sources"])?;
    let reachable = std::net::ToSocketAddrs::to_socket_addrs(&("github.com", 443)).ok().and_then(|mut a| a.next());
    let reachable = reachable
        .is_some_and(|addr| std::net::TcpStream::connect_timeout(&addr, std::time::Duration::from_secs(3)).is_ok());
    let fetched = reachable
        && Command::new("cargo").args(["deny", "fetch", "db"]).current_dir(tidy::workspace_root()).status()?.success();
    if fetched {
        cargo_tool("deny", &["check", "advisories"])
    } else {
        eprintln!(
            "\nsupply chain: advisories NOT checked: the RustSec advisory database (github.com) cannot be \
             fetched from here; run `cargo deny check advisories` where it can (README.md, Supply chain)"
        );
        Ok(())
    }
}

fn ci() -> Result<()> {
    cargo(&["fmt", "--all", "--check"])?;
    run_tidy()?;
    // Every declared dependency is used (an unused one still costs build time and audit work).
    cargo_tool("machete", &[])?;
    supply_chain()?;
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    prometheus_rules()?;
    cargo(&["test", "--workspace", "--no-fail-fast"])?;
    run_conformance()?;
    eprintln!("\nci: all checks passed");
    Ok(())
}
