//! `cargo xtask conformance`: the public SCIM conformance suites against a freshly started
//! server (scim2-tester and scim-sanity, from PyPI, in a virtual environment under target/).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::service;

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

fn venv(root: &Path) -> Result<PathBuf> {
    let dir = service::target_dir(root).join("conformance-venv");
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
    let binary = service::build(root, false)?;
    let work = tempdir()?;
    let fresh = |name: &str| {
        let dir = work.join(name);
        let db = format!("sqlite://{}", dir.join("conformance.db").display());
        service::start(&binary, &db, &dir, &[], |_| Ok(()))
    };

    // Each suite gets a fresh server: their results depend on what is stored.
    let server = fresh("tester")?;
    let url = format!("{}/portal/scim", server.base);
    let script = root.join("xtask/conformance/scim2_tester_run.py");
    let out = Command::new(&python).arg(&script).arg(&url).args(["--token", &server.token]).output()?;
    drop(server);
    let tester = String::from_utf8_lossy(&out.stdout).into_owned();
    eprintln!("--- scim2-tester ---\n{tester}{}", String::from_utf8_lossy(&out.stderr));
    let (tp, tf, ts) = counts(&tester).context("scim2-tester printed no counts")?;

    let server = fresh("sanity")?;
    let url = format!("{}/portal/scim", server.base);
    let sanity_bin = python.with_file_name("scim-sanity");
    let out = Command::new(&sanity_bin)
        .args(["probe", &url, "--token", &server.token, "--i-accept-side-effects"])
        .output()?;
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
