//! `cargo xtask <command>`: the project's automation, in Rust so it runs wherever cargo does.
//!
//! - `ci`: everything CI checks — formatting, clippy, the architecture rules, the whole test
//!   suite (both database backends).
//! - `tidy`: the architecture rules alone.
//! - `conformance`: scim2-tester and scim-sanity against a freshly started server.

mod conformance;
mod tidy;

use std::process::Command;

use anyhow::{Context, Result, bail};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("tidy") => run_tidy(),
        Some("conformance") => run_conformance(),
        _ => {
            eprintln!("usage: cargo xtask <ci|tidy|conformance>");
            bail!("unknown or missing command")
        }
    }
}

fn cargo(args: &[&str]) -> Result<()> {
    let root = tidy::workspace_root();
    eprintln!("\n==> cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(args)
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

fn ci() -> Result<()> {
    cargo(&["fmt", "--all", "--check"])?;
    run_tidy()?;
    cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"])?;
    cargo(&["test", "--workspace", "--no-fail-fast"])?;
    run_conformance()?;
    eprintln!("\nci: all checks passed");
    Ok(())
}
