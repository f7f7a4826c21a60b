//! `cargo xtask bench [--quick]`: load on loopback (wrk) against a release build, on SQLite
//! and PostgreSQL, with 10k and 1M persons in the enterprise. Prints a Markdown table of
//! requests/s and p50/p99 latency for: filter lookup by userName, GET by id, create, PATCH.
//! Each run is bounded in time; everything listens on 127.0.0.1 and stops by itself.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::service;

const CONNECTIONS: u32 = 16;

#[derive(Debug, Clone, Copy)]
enum Backend {
    Sqlite,
    Postgres,
}

struct Run {
    backend: Backend,
    persons: u64,
    scenario: &'static str,
    rps: f64,
    p50: String,
    p99: String,
    errors: u64,
}

fn sh(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("{cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The SQL that adds `n` persons `user{i}@bench.example` (ids derived from i) to `enterprise`.
fn seed_sql(backend: Backend, enterprise: &str, n: u64) -> String {
    let now = 1_767_225_600_000_000i64;
    match backend {
        Backend::Sqlite => format!(
            "PRAGMA journal_mode = WAL;
             WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {last})
             INSERT INTO persons (id, enterprise_id, source, user_name, user_name_lower, external_id, active,
                 display_name, email_work, phone_mobile, version, created_at, updated_at, scim_updated_at)
             SELECT printf('%08x-0000-4000-8000-%012x', n, n), '{enterprise}', 'scim',
                 'user' || n || '@bench.example', 'user' || n || '@bench.example', 'ext' || n, 1,
                 'User ' || n, 'user' || n || '@bench.example', '+41 79 000 00 00', 1, {now}, {now}, {now}
             FROM seq;
             ANALYZE;",
            last = n - 1
        ),
        Backend::Postgres => format!(
            "INSERT INTO persons (id, enterprise_id, source, user_name, user_name_lower, external_id, active,
                 display_name, email_work, phone_mobile, version, created_at, updated_at, scim_updated_at)
             SELECT lpad(to_hex(n), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'), '{enterprise}', 'scim',
                 'user' || n || '@bench.example', 'user' || n || '@bench.example', 'ext' || n, true,
                 'User ' || n, 'user' || n || '@bench.example', '+41 79 000 00 00', 1, {now}, {now}, {now}
             FROM generate_series(0, {last}) AS n;
             ANALYZE;",
            last = n - 1
        ),
    }
}

/// wrk scripts: each picks random existing persons (ids follow from the seed's numbering).
fn script(scenario: &str, persons: u64, token: &str) -> String {
    let common = format!(
        r#"wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/scim+json"
local counter = 0
local thread_id = 0
function setup(thread) thread:set("tid", math.random(1, 1000000000)) end
function init(args) math.randomseed(os.time() + (tid or 0)); thread_id = tid or 0 end
local function id_of(i) return string.format("%08x-0000-4000-8000-%012x", i, i) end
"#
    );
    let body = match scenario {
        "lookup" => format!(
            r#"function request()
  local i = math.random(0, {last})
  return wrk.format("GET", "/portal/scim/Users?filter=userName%20eq%20%22user" .. i .. "%40bench.example%22")
end"#,
            last = persons - 1
        ),
        "get" => format!(
            r#"function request()
  return wrk.format("GET", "/portal/scim/Users/" .. id_of(math.random(0, {last})))
end"#,
            last = persons - 1
        ),
        "create" => r#"function request()
  counter = counter + 1
  local user = "new-" .. thread_id .. "-" .. counter .. "@bench.example"
  return wrk.format("POST", "/portal/scim/Users", nil,
    '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. user .. '","externalId":"' .. user ..
    '","active":true,"displayName":"New","emails":[{"type":"work","value":"' .. user .. '"}]}')
end"#
            .to_owned(),
        "patch" => format!(
            r#"function request()
  counter = counter + 1
  return wrk.format("PATCH", "/portal/scim/Users/" .. id_of(math.random(0, {last})), nil,
    '{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"Replace","path":"displayName","value":"Name ' .. counter .. '"}}]}}')
end"#,
            last = persons - 1
        ),
        _ => String::new(),
    };
    format!("{common}{body}\n")
}

fn parse_wrk(out: &str) -> (f64, String, String, u64) {
    let mut rps = 0.0;
    let (mut p50, mut p99) = (String::from("?"), String::from("?"));
    let mut errors = 0;
    for line in out.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = v.trim().parse().unwrap_or(0.0);
        } else if let Some(v) = line.strip_prefix("50%") {
            p50 = v.trim().to_owned();
        } else if let Some(v) = line.strip_prefix("99%") {
            p99 = v.trim().to_owned();
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            errors += v.trim().parse::<u64>().unwrap_or(0);
        } else if line.starts_with("Socket errors:") {
            errors += line.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<u64>().ok()).sum::<u64>();
        }
    }
    (rps, p50, p99, errors)
}

/// Starts the service on `db_url` with `persons` seeded persons.
fn start(binary: &Path, db_url: &str, work: &Path, backend: Backend, persons: u64) -> Result<service::Service> {
    service::start(binary, db_url, work, &[("ENS_SCIM__DATABASE__POOL_SIZE", "16")], |enterprise| {
        let t = Instant::now();
        let sql = seed_sql(backend, enterprise, persons);
        match backend {
            Backend::Sqlite => sh(Command::new("sqlite3").arg(db_url.trim_start_matches("sqlite://")).arg(&sql))?,
            Backend::Postgres => sh(Command::new("psql").args(["-q", "-v", "ON_ERROR_STOP=1", db_url, "-c", &sql]))?,
        };
        eprintln!("    seeded {persons} persons in {:.1} s", t.elapsed().as_secs_f64());
        Ok(())
    })
}

pub fn run(root: &Path, quick: bool) -> Result<String> {
    if Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is needed: apt-get install wrk");
    }
    let binary = service::build(root, true)?;
    let duration = if quick { "5s" } else { "15s" };
    let sizes: &[u64] = if quick { &[10_000] } else { &[10_000, 1_000_000] };
    let admin =
        std::env::var("ENS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let server_url = admin.rsplit_once('/').map(|(s, _)| s.to_owned()).unwrap_or(admin.clone());
    let mut runs = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        for &persons in sizes {
            let work = std::env::temp_dir().join(format!("ens-bench-{}-{backend:?}-{persons}", std::process::id()));
            std::fs::create_dir_all(&work)?;
            let db_name = format!("ens_bench_{}_{persons}", std::process::id());
            let db_url = match backend {
                Backend::Sqlite => format!("sqlite://{}", work.join("bench.db").display()),
                Backend::Postgres => {
                    sh(Command::new("psql").args(["-q", &admin, "-c", &format!("CREATE DATABASE {db_name}")]))?;
                    format!("{server_url}/{db_name}")
                }
            };
            eprintln!("==> {backend:?}, {persons} persons");
            let result = (|| -> Result<()> {
                let setup = start(&binary, &db_url, &work, backend, persons)?;
                for scenario in ["lookup", "get", "create", "patch"] {
                    let script_path = work.join(format!("{scenario}.lua"));
                    std::fs::write(&script_path, script(scenario, persons, &setup.token))?;
                    let out = sh(Command::new("wrk")
                        .args([
                            "-t2",
                            &format!("-c{CONNECTIONS}"),
                            "-d",
                            duration,
                            "--timeout",
                            "10s",
                            "--latency",
                            "-s",
                        ])
                        .arg(&script_path)
                        .arg(&setup.base))?;
                    let (rps, p50, p99, errors) = parse_wrk(&out);
                    eprintln!("    {scenario:<7} {rps:>9.0} req/s  p50 {p50:>9}  p99 {p99:>9}  errors {errors}");
                    runs.push(Run { backend, persons, scenario, rps, p50, p99, errors });
                }
                Ok(())
            })();
            if let Backend::Postgres = backend {
                let _ = sh(Command::new("psql").args([
                    "-q",
                    &admin,
                    "-c",
                    &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
                ]));
            }
            let _ = std::fs::remove_dir_all(&work);
            result?;
        }
    }
    let mut table = String::from(
        "| backend | persons | scenario | requests/s | p50 | p99 | non-2xx |\n|---|---:|---|---:|---:|---:|---:|\n",
    );
    for r in &runs {
        let _ = writeln!(
            table,
            "| {:?} | {} | {} | {:.0} | {} | {} | {} |",
            r.backend, r.persons, r.scenario, r.rps, r.p50, r.p99, r.errors
        );
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wrk_output() {
        let out = "  Latency Distribution\n     50%  812.00us\n     75%    1.02ms\n     90%    1.40ms\n     99%    3.10ms\n\
                   160000 requests in 10.00s, 80.00MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:  15998.12\n";
        let (rps, p50, p99, errors) = parse_wrk(out);
        assert_eq!((rps, p50.as_str(), p99.as_str(), errors), (15998.12, "812.00us", "3.10ms", 3));
    }

    #[test]
    fn scripts_address_seeded_persons() {
        let s = script("get", 10_000, "tok");
        assert!(s.contains("math.random(0, 9999)") && s.contains("Bearer tok"));
        assert!(seed_sql(Backend::Sqlite, "e", 10).contains("n < 9"));
        assert!(seed_sql(Backend::Postgres, "e", 10).contains("generate_series(0, 9)"));
    }
}
