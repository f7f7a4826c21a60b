//! Architecture rules turned into checks (`cargo xtask tidy`, and `#[test]`s run by
//! `cargo test --workspace`).
//!
//! The dependency table is the one in docs/ARCHITECTURE.md: dependencies point inward, and
//! each framework is named by exactly one adapter crate.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Workspace crates each crate may depend on (normal, build and dev dependencies).
pub const ALLOWED_WORKSPACE_DEPS: &[(&str, &[&str])] = &[
    ("ens-domain", &[]),
    ("ens-ports", &["ens-domain"]),
    ("ens-store-diesel", &["ens-domain", "ens-ports"]),
    ("ens-i18n", &["ens-domain"]),
    ("ens-http", &["ens-domain", "ens-ports", "ens-i18n"]),
    ("ens-notify-smtp", &["ens-domain", "ens-ports", "ens-i18n"]),
    ("ens-app", &["ens-domain", "ens-ports", "ens-store-diesel", "ens-http", "ens-notify-smtp"]),
    ("xtask", &[]),
];

/// Frameworks only one adapter may name: (crate name prefix, the crate allowed to use it).
pub const OWNED_FRAMEWORKS: &[(&str, &str)] = &[
    ("diesel", "ens-store-diesel"),
    ("r2d2", "ens-store-diesel"),
    ("libsqlite3-sys", "ens-store-diesel"),
    ("pq-sys", "ens-store-diesel"),
    ("openssl-sys", "ens-store-diesel"),
    ("actix", "ens-http"),
    ("lettre", "ens-notify-smtp"),
    // The exporter: which recorder the adapters' `metrics` calls reach is the binary's choice.
    ("metrics-exporter", "ens-app"),
    // Trace export, likewise: the adapters emit `tracing` spans and know nothing of OTLP.
    ("opentelemetry", "ens-app"),
    ("tracing-opentelemetry", "ens-app"),
];

/// What a crate must not depend on at all, and why (docs/decisions/metrics.md).
pub const FORBIDDEN_DEPS: &[(&str, &str, &str)] =
    &[("ens-ports", "metrics", "use cases return numbers (Ports::overview); adapters record them")];

/// The domain is pure: no IO, no wire formats (so no serde either).
pub const DOMAIN_EXTERNAL_DEPS: &[&str] =
    &["sha2", "thiserror", "time", "unicode-normalization", "unicode-properties", "uuid"];

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Every member's manifest: (package name, path of its directory, parsed Cargo.toml).
pub fn members(root: &Path) -> Result<Vec<(String, PathBuf, toml::Table)>> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(root.join("crates"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("Cargo.toml").exists())
        .collect();
    dirs.push(root.join("xtask"));
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let text = fs::read_to_string(dir.join("Cargo.toml"))?;
            let manifest: toml::Table = text.parse().with_context(|| format!("{}", dir.display()))?;
            let name = manifest
                .get("package")
                .and_then(|p| p.get("name"))
                .and_then(|n| n.as_str())
                .context("package.name")?
                .to_owned();
            Ok((name, dir, manifest))
        })
        .collect()
}

/// Dependency names of every kind, with the section each is in.
fn dependencies(manifest: &toml::Table) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for section in ["dependencies", "dev-dependencies", "build-dependencies"] {
        if let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) {
            out.extend(deps.keys().map(|k| (k.clone(), section)));
        }
    }
    out
}

/// All violations of the dependency rules, as sentences.
pub fn dependency_violations(root: &Path) -> Result<Vec<String>> {
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED_WORKSPACE_DEPS.iter().copied().collect();
    let members = members(root)?;
    let names: Vec<&str> = members.iter().map(|(n, _, _)| n.as_str()).collect();
    let mut problems = Vec::new();
    for (name, _, manifest) in &members {
        let Some(ok) = allowed.get(name.as_str()) else {
            problems.push(format!("{name} is not in the dependency table (xtask/src/tidy.rs, docs/ARCHITECTURE.md)"));
            continue;
        };
        for (dep, section) in dependencies(manifest) {
            if dep == *name {
                continue; // a crate's dev-dependency on itself enables its own test features
            }
            if names.contains(&dep.as_str()) && !ok.contains(&dep.as_str()) {
                problems.push(format!("{name} must not depend on {dep} ({section})"));
            }
            for (framework, owner) in OWNED_FRAMEWORKS {
                if dep.starts_with(framework) && name != owner {
                    problems.push(format!("{name} names {dep} ({section}); only {owner} may"));
                }
            }
            for (krate, prefix, why) in FORBIDDEN_DEPS {
                if name == krate && dep.starts_with(prefix) {
                    problems.push(format!("{name} must not depend on {dep} ({section}): {why}"));
                }
            }
            if name == "ens-domain" && section != "dev-dependencies" && !DOMAIN_EXTERNAL_DEPS.contains(&dep.as_str()) {
                problems.push(format!("ens-domain must stay pure; {dep} is not among {DOMAIN_EXTERNAL_DEPS:?}"));
            }
        }
    }
    Ok(problems)
}

/// Source files that name a framework their crate does not own (e.g. through a re-export).
pub fn source_violations(root: &Path) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    for (name, dir, _) in members(root)? {
        if name == "xtask" {
            continue;
        }
        for file in rust_files(&dir)? {
            let text = fs::read_to_string(&file)?;
            for (framework, owner) in OWNED_FRAMEWORKS {
                let path = format!("{}::", framework.replace('-', "_"));
                if name != *owner && names_path(&text, &path) {
                    let rel = file.strip_prefix(root).unwrap_or(&file);
                    problems.push(format!("{} uses {path}; only {owner} may", rel.display()));
                }
            }
        }
    }
    Ok(problems)
}

/// Whether `text` uses the path `path` (`diesel::`) itself, not as the tail of another name
/// (`ens_store_diesel::`).
fn names_path(text: &str, path: &str) -> bool {
    text.match_indices(path)
        .any(|(i, _)| !text[..i].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_'))
}

fn rust_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    Ok(out)
}

/// Every SQLite migration has a PostgreSQL twin of the same name, and the other way round.
pub fn migration_violations(root: &Path) -> Result<Vec<String>> {
    let list = |backend: &str| -> Result<Vec<String>> {
        let mut v: Vec<String> = fs::read_dir(root.join("migrations").join(backend))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        Ok(v)
    };
    let (sqlite, postgres) = (list("sqlite")?, list("postgres")?);
    let mut problems = Vec::new();
    for m in sqlite.iter().filter(|m| !postgres.contains(m)) {
        problems.push(format!("migration {m} exists for SQLite only"));
    }
    for m in postgres.iter().filter(|m| !sqlite.contains(m)) {
        problems.push(format!("migration {m} exists for PostgreSQL only"));
    }
    Ok(problems)
}

/// Test doubles and the look behind the use cases stay out of the binary: a `test-support`
/// feature is enabled in `[dev-dependencies]` only, and an adapter's own code (before its
/// `#[cfg(test)]` module) never calls what that feature gives. Together with `Ports`' private
/// fields, no handler, page or CLI command reaches a store but through a use case.
pub fn test_support_violations(root: &Path) -> Result<Vec<String>> {
    const BEHIND_USE_CASES: &[&str] =
        &[".setup_store()", ".person_store()", ".outbox_store()", "ens_ports::memory", "ens_ports::faults"];
    let mut problems = Vec::new();
    for (name, dir, manifest) in members(root)? {
        for section in ["dependencies", "build-dependencies"] {
            let Some(deps) = manifest.get(section).and_then(|d| d.as_table()) else { continue };
            for (dep, spec) in deps {
                let features = spec.get("features").and_then(|f| f.as_array()).cloned().unwrap_or_default();
                if features.iter().any(|f| f.as_str() == Some("test-support")) {
                    problems.push(format!("{name} enables {dep}'s test-support in [{section}]: only tests may"));
                }
            }
        }
        if name == "ens-ports" || name == "xtask" {
            continue;
        }
        for file in rust_files(&dir.join("src"))? {
            let text = fs::read_to_string(&file)?;
            let own = text.split("#[cfg(test)]").next().unwrap_or_default();
            for needle in BEHIND_USE_CASES {
                if own.contains(needle) {
                    let rel = file.strip_prefix(root).unwrap_or(&file);
                    problems.push(format!("{} uses {needle}: adapters reach stores through use cases", rel.display()));
                }
            }
        }
    }
    Ok(problems)
}

pub fn all_violations(root: &Path) -> Result<Vec<String>> {
    let mut v = dependency_violations(root)?;
    v.extend(source_violations(root)?);
    v.extend(migration_violations(root)?);
    v.extend(test_support_violations(root)?);
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_none(problems: Vec<String>) {
        assert!(problems.is_empty(), "architecture rules broken:\n  {}", problems.join("\n  "));
    }

    #[test]
    fn dependencies_point_inward() {
        assert_none(dependency_violations(&workspace_root()).expect("manifests readable"));
    }

    #[test]
    fn frameworks_are_named_only_by_their_adapter() {
        assert_none(source_violations(&workspace_root()).expect("sources readable"));
    }

    #[test]
    fn migrations_exist_for_both_backends() {
        assert_none(migration_violations(&workspace_root()).expect("migrations readable"));
    }

    #[test]
    fn adapters_reach_stores_only_through_use_cases() {
        assert_none(test_support_violations(&workspace_root()).expect("sources readable"));
    }

    #[test]
    fn a_look_behind_the_use_cases_is_reported() {
        let dir = std::env::temp_dir().join(format!("tidy-ts-{}", std::process::id()));
        let krate = dir.join("crates/ens-http");
        fs::create_dir_all(krate.join("src")).expect("mkdir");
        fs::create_dir_all(dir.join("xtask")).expect("mkdir");
        fs::write(
            krate.join("Cargo.toml"),
            "[package]\nname = \"ens-http\"\n[dependencies]\nens-ports = { path = \"x\", features = [\"test-support\"] }\n",
        )
        .expect("write");
        fs::write(krate.join("src/lib.rs"), "fn f(p: Ports) { p.setup_store().ping(); }\n#[cfg(test)]\nmod tests { fn g(p: Ports) { p.person_store(); } }\n").expect("write");
        fs::write(dir.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").expect("write");
        let problems = test_support_violations(&dir).expect("runs");
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("[dependencies]")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains(".setup_store()")), "{problems:?}");
    }

    #[test]
    fn every_member_is_in_the_table() {
        let members = members(&workspace_root()).expect("manifests readable");
        assert!(members.len() >= 7, "found {members:?}");
    }

    /// The checks themselves catch what they should.
    #[test]
    fn a_forbidden_dependency_is_reported() {
        let dir = std::env::temp_dir().join(format!("tidy-{}", std::process::id()));
        let krate = dir.join("crates/ens-domain");
        fs::create_dir_all(krate.join("src")).expect("mkdir");
        fs::create_dir_all(dir.join("xtask")).expect("mkdir");
        fs::write(krate.join("Cargo.toml"), "[package]\nname = \"ens-domain\"\n[dependencies]\nserde = \"1\"\ndiesel = \"2\"\nens-ports = { path = \"../ens-ports\" }\n").expect("write");
        let ports = dir.join("crates/ens-ports");
        fs::create_dir_all(ports.join("src")).expect("mkdir");
        fs::write(ports.join("Cargo.toml"), "[package]\nname = \"ens-ports\"\n[dependencies]\nmetrics = \"0.24\"\n")
            .expect("write");
        fs::write(krate.join("src/lib.rs"), "use lettre::Message;\n").expect("write");
        fs::write(dir.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").expect("write");
        let deps = dependency_violations(&dir).expect("runs");
        let src = source_violations(&dir).expect("runs");
        let _ = fs::remove_dir_all(&dir);
        assert!(deps.iter().any(|p| p.contains("serde")), "{deps:?}");
        assert!(deps.iter().any(|p| p.contains("names diesel")), "{deps:?}");
        assert!(deps.iter().any(|p| p.contains("ens-ports must not depend on metrics")), "{deps:?}");
        assert!(src.iter().any(|p| p.contains("lettre::")), "{src:?}");
    }

    #[test]
    fn paths_match_whole_names_only() {
        assert!(names_path("use diesel::prelude::*;", "diesel::"));
        assert!(names_path("x(diesel::sql_query(..))", "diesel::"));
        assert!(!names_path("use ens_store_diesel::testing::TestDb;", "diesel::"));
    }
}
