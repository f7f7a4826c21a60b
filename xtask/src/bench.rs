//! `cargo xtask bench [--quick] [--backend sqlite|postgres] [--persons N] [--scenario S]`: load
//! on loopback (wrk) against a release build, on SQLite and PostgreSQL, with 10k and 1M
//! persons in the enterprise (the options narrow that down, to try a change on one case). Prints Markdown tables of
//! requests/s and p50/p99 latency for: filter lookup by userName, GET by id, create, PATCH
//! (the median of [`REPEATS`] runs, because the machines are shared and noisy), the ratios
//! 1M/10k, and each database's raw durable commit rate, which bounds creates.
//! `--metrics-cost` instead measures what metrics cost: one scenario (lookup unless
//! `--scenario` says otherwise) against two servers on the same database, one with metrics on
//! and scraped every second, one with them off, in alternating runs.
//! `--initial-cycle [--persons N]` does what Entra does for a new enterprise of N users
//! (100,000 unless told): a lookup by userName, a create, then a manager PATCH for each, on
//! 16 connections; it reports the wall time and the Persons page's latency meanwhile.
//! `--memory` measures the server's memory (VmRSS, VmHWM) after its start, after 20 logins
//! (Argon2id at the shipped cost), after a run of every SCIM scenario, and during 50
//! concurrent logins, with the p99 of SCIM lookups made meanwhile against one without them.
//! `--tenants [N]` measures many enterprises: N (1,000 unless told) of 100 persons each, with
//! lookups spread over all their tokens, against lookups with one token, in alternating runs
//! on the same server, and the server's memory after.
//! Each run is bounded in time; everything listens on 127.0.0.1 and stops by itself.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::service;

const CONNECTIONS: u32 = 16;
/// Runs per scenario; the report gives their medians.
const REPEATS: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    Postgres,
}

/// One wrk run.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    rps: f64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
    /// Requests answered in the run.
    requests: u64,
}

/// The median of a scenario's samples on one backend and size.
struct Run {
    backend: Backend,
    persons: u64,
    scenario: &'static str,
    rps: f64,
    rps_min: f64,
    rps_max: f64,
    p50_us: f64,
    p99_us: f64,
    errors: u64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

impl Run {
    fn of(backend: Backend, persons: u64, scenario: &'static str, samples: &[Sample]) -> Self {
        let rps: Vec<f64> = samples.iter().map(|s| s.rps).collect();
        Self {
            backend,
            persons,
            scenario,
            rps_min: rps.iter().copied().fold(f64::INFINITY, f64::min),
            rps_max: rps.iter().copied().fold(0.0, f64::max),
            rps: median(rps),
            p50_us: median(samples.iter().map(|s| s.p50_us).collect()),
            p99_us: median(samples.iter().map(|s| s.p99_us).collect()),
            errors: samples.iter().map(|s| s.errors).sum(),
        }
    }
}

fn ms(us: f64) -> String {
    format!("{:.2} ms", us / 1000.0)
}

fn sh(cmd: &mut Command) -> Result<String> {
    let out = cmd.output().with_context(|| format!("{cmd:?}"))?;
    if !out.status.success() {
        bail!("{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The SQL that adds `n` persons `user{i}@bench.example` (ids derived from i) to `enterprise`,
/// as the service would have written them (channels, counters). Every 100th has no channel
/// (cannot be alerted); every 10th (from 1) has been inactive for 100 days.
fn seed_sql(backend: Backend, enterprise: &str, n: u64) -> String {
    let now = 1_767_225_600_000_000i64;
    let long_ago = now - 100 * 86_400 * 1_000_000;
    let (columns, values) = (
        "id, enterprise_id, source, user_name, user_name_lower, external_id, active, display_name, email_work,
         phone_mobile, version, created_at, updated_at, scim_updated_at, channels, inactive_since",
        format!(
            "'{enterprise}', 'scim', 'user' || n || '@bench.example', 'user' || n || '@bench.example', 'ext' || n,
             n % 10 <> 1, 'User ' || n,
             CASE WHEN n % 100 = 0 THEN NULL ELSE 'user' || n || '@bench.example' END,
             CASE WHEN n % 100 = 0 THEN NULL ELSE '+41 79 000 00 00' END, 1, {now}, {now}, {now},
             CASE WHEN n % 100 = 0 THEN 0 ELSE 5 END, CASE WHEN n % 10 = 1 THEN {long_ago} ELSE NULL END"
        ),
    );
    let counters = format!(
        "INSERT INTO person_counts (enterprise_id, stripe, source, active, channels, n)
         SELECT enterprise_id, 0, source, active, channels, COUNT(*) FROM persons WHERE enterprise_id = '{enterprise}'
         GROUP BY enterprise_id, source, active, channels;"
    );
    match backend {
        Backend::Sqlite => format!(
            "PRAGMA journal_mode = WAL;
             WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {last})
             INSERT INTO persons ({columns})
             SELECT printf('%08x-0000-4000-8000-%012x', n, n), {values} FROM seq;
             {counters}
             ANALYZE;",
            last = n - 1
        ),
        Backend::Postgres => format!(
            "INSERT INTO persons ({columns})
             SELECT lpad(to_hex(n), 8, '0') || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'), {values}
             FROM generate_series(0, {last}) AS n;
             {counters}
             ANALYZE;",
            last = n - 1
        ),
    }
}

/// wrk scripts: each picks random existing persons (ids follow from the seed's numbering).
/// Creates make new userNames from `run` (wrk's random numbers repeat from run to run), the
/// thread and a counter, so that no create meets an existing userName.
fn script(scenario: &str, persons: u64, token: &str, session: &str, run: usize) -> String {
    // The principals' scenarios authenticate with a session, Entra's with the SCIM token.
    let bearer = if ADMIN_SCENARIOS.contains(&scenario) { session } else { token };
    let common = format!(
        r#"wrk.headers["Authorization"] = "Bearer {bearer}"
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
        "create" => format!(
            r#"function request()
  counter = counter + 1
  local user = "new-{run}-" .. thread_id .. "-" .. counter .. "@bench.example"
  return wrk.format("POST", "/portal/scim/Users", nil,
    '{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"' .. user .. '","externalId":"' .. user ..
    '","active":true,"displayName":"New","emails":[{{"type":"work","value":"' .. user .. '"}}]}}')
end"#
        ),
        "patch" => format!(
            r#"function request()
  counter = counter + 1
  return wrk.format("PATCH", "/portal/scim/Users/" .. id_of(math.random(0, {last})), nil,
    '{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"Replace","path":"displayName","value":"Name ' .. counter .. '"}}]}}')
end"#,
            last = persons - 1
        ),
        // The bare request: what the same binary answers when it does no work (issue 15's yardstick).
        "healthz" => r#"function request() return wrk.format("GET", "/healthz") end"#.to_owned(),
        // Setup's Health section, as its page asks for it.
        "health" => r#"function request() return wrk.format("GET", "/api/v1/health") end"#.to_owned(),
        // The Persons list filtered to "cannot be alerted", first page.
        "unreachable" => {
            r#"function request() return wrk.format("GET", "/api/v1/persons?reach=unreachable&per_page=25") end"#
                .to_owned()
        }
        _ => String::new(),
    };
    format!("{common}{body}\n")
}

/// wrk prints durations as `812.00us`, `3.10ms` or `1.02s`.
fn micros(v: &str) -> f64 {
    let v = v.trim();
    let (number, factor) = if let Some(n) = v.strip_suffix("us") {
        (n, 1.0)
    } else if let Some(n) = v.strip_suffix("ms") {
        (n, 1e3)
    } else if let Some(n) = v.strip_suffix('s') {
        (n, 1e6)
    } else {
        (v, f64::NAN)
    };
    number.trim().parse::<f64>().map_or(f64::NAN, |n| n * factor)
}

fn parse_wrk(out: &str) -> Sample {
    let mut sample = Sample { rps: 0.0, p50_us: f64::NAN, p99_us: f64::NAN, errors: 0, requests: 0 };
    for line in out.lines().map(str::trim) {
        if let Some((n, _)) = line.split_once(" requests in ") {
            sample.requests = n.trim().parse().unwrap_or(0);
        } else if let Some(v) = line.strip_prefix("Requests/sec:") {
            sample.rps = v.trim().parse().unwrap_or(0.0);
        } else if let Some(v) = line.strip_prefix("50%") {
            sample.p50_us = micros(v);
        } else if let Some(v) = line.strip_prefix("99%") {
            sample.p99_us = micros(v);
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            sample.errors += v.trim().parse::<u64>().unwrap_or(0);
        } else if line.starts_with("Socket errors:") {
            sample.errors +=
                line.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<u64>().ok()).sum::<u64>();
        }
    }
    sample
}

/// The service as benchmarked: its defaults but for the pool.
const POOL: (&str, &str) = ("ENS_SCIM__DATABASE__POOL_SIZE", "16");

/// Starts the service on `db_url` with `persons` seeded persons (and `extra_env`).
fn start(
    binary: &Path,
    db_url: &str,
    work: &Path,
    backend: Backend,
    persons: u64,
    extra_env: &[(&str, &str)],
) -> Result<service::Service> {
    let mut env = vec![POOL];
    env.extend_from_slice(extra_env);
    service::start(binary, db_url, work, &env, |enterprise| {
        let t = Instant::now();
        load(backend, db_url, &seed_sql(backend, enterprise, persons), &work.join("seed.sql"))?;
        eprintln!("    seeded {persons} persons in {:.1} s", t.elapsed().as_secs_f64());
        Ok(())
    })
}

/// Runs a bulk load's `sql` (written to `path`: it may be larger than a command line takes)
/// on the database of `db_url`.
fn load(backend: Backend, db_url: &str, sql: &str, path: &Path) -> Result<()> {
    std::fs::write(path, sql)?;
    match backend {
        Backend::Sqlite => sh(Command::new("sh").arg("-c").arg(format!(
            "sqlite3 '{}' < '{}'",
            db_url.trim_start_matches("sqlite://"),
            path.display()
        )))?,
        Backend::Postgres => {
            sh(Command::new("psql").args(["-q", "-v", "ON_ERROR_STOP=1", db_url, "-f"]).arg(path))?;
            // As autovacuum leaves a table after a bulk load: the visibility map set, so
            // that counts are index-only (without it, each counted row fetches its heap
            // page: 63 ms against 5 ms for the 10k unreachable of 1M). VACUUM cannot run in
            // the load's transaction.
            sh(Command::new("psql").args(["-q", "-v", "ON_ERROR_STOP=1", db_url, "-c", "VACUUM ANALYZE persons"]))?
        }
    };
    Ok(())
}

/// Commits per second of one connection running durable transactions on SQLite with the
/// pragmas the store uses (WAL, `synchronous = FULL`): one row per transaction, or (`shaped`)
/// two rows as a SCIM create writes (the person and its activity entry).
fn sqlite_commit_rate(work: &Path, shaped: bool) -> Result<f64> {
    const TRANSACTIONS: u32 = 10_000;
    let db = work.join(format!("commit-rate-{shaped}.db"));
    let mut sql = String::from(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE a (id INTEGER PRIMARY KEY, v TEXT); CREATE TABLE b (id INTEGER PRIMARY KEY, v TEXT);\n",
    );
    for i in 0..TRANSACTIONS {
        if shaped {
            let _ = writeln!(
                sql,
                "BEGIN; INSERT INTO a (v) VALUES ('row {i}'); INSERT INTO b (v) VALUES ('row {i}'); COMMIT;"
            );
        } else {
            let _ = writeln!(sql, "INSERT INTO a (v) VALUES ('row {i}');");
        }
    }
    let script = work.join("commit-rate.sql");
    std::fs::write(&script, sql)?;
    let t = Instant::now();
    sh(Command::new("sh").arg("-c").arg(format!("sqlite3 '{}' < '{}'", db.display(), script.display())))?;
    Ok(f64::from(TRANSACTIONS) / t.elapsed().as_secs_f64())
}

/// pgbench's transactions per second with `clients` clients: one-row inserts, or (`shaped`)
/// transactions of two inserts as a SCIM create writes.
fn postgres_commit_rate(db_url: &str, work: &Path, clients: u32, shaped: bool, duration: &str) -> Result<f64> {
    sh(Command::new("psql").args([
        "-q",
        db_url,
        "-c",
        "CREATE TABLE IF NOT EXISTS commit_a (id bigserial PRIMARY KEY, v text);
         CREATE TABLE IF NOT EXISTS commit_b (id bigserial PRIMARY KEY, v text);",
    ]))?;
    let script = work.join("commit-rate.pgbench");
    std::fs::write(
        &script,
        if shaped {
            "BEGIN;\nINSERT INTO commit_a (v) VALUES ('row');\nINSERT INTO commit_b (v) VALUES ('row');\nCOMMIT;\n"
        } else {
            "INSERT INTO commit_a (v) VALUES ('row');\n"
        },
    )?;
    let out = sh(Command::new("pgbench")
        .args(["-n", "-c", &clients.to_string(), "-j", "2", "-T", duration.trim_end_matches('s'), "-f"])
        .arg(&script)
        .arg(db_url))?;
    out.lines()
        .find_map(|l| l.strip_prefix("tps = "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("pgbench printed no tps")
}

/// What the raw commit probes measure, in the report's words.
const SQLITE_ONE: &str = "SQLite, 1 connection, one-row transactions";
const SQLITE_SHAPED: &str = "SQLite, 1 connection, create-shaped transactions";
const PG_ONE_1: &str = "PostgreSQL, 1 client, one-row transactions";
const PG_ONE_16: &str = "PostgreSQL, 16 clients, one-row transactions";
const PG_SHAPED_16: &str = "PostgreSQL, 16 clients, create-shaped transactions";

const SCENARIOS: [&str; 6] = ["lookup", "get", "create", "patch", "health", "unreachable"];
/// Scenarios of principals' pages (admin API, session token).
const ADMIN_SCENARIOS: [&str; 2] = ["health", "unreachable"];

/// What to measure: everything by default.
#[derive(Clone)]
pub struct Options {
    quick: bool,
    backends: Vec<Backend>,
    sizes: Vec<u64>,
    scenarios: Vec<&'static str>,
    /// Metrics on against off, instead of the scenarios' table.
    metrics_cost: bool,
    /// Memory after logins and load, instead of the scenarios' table.
    memory: bool,
    /// Entra's first cycle for a new enterprise, instead of the scenarios' table.
    initial_cycle: bool,
    /// Many enterprises (this many), instead of the scenarios' table.
    tenants: Option<u64>,
}

impl Options {
    pub fn parse(args: &[String]) -> Result<Self> {
        let quick = args.iter().any(|a| a == "--quick");
        let mut o = Options {
            quick,
            backends: vec![Backend::Sqlite, Backend::Postgres],
            sizes: if quick { vec![10_000] } else { vec![10_000, 1_000_000] },
            scenarios: SCENARIOS.to_vec(),
            metrics_cost: false,
            memory: false,
            initial_cycle: false,
            tenants: None,
        };
        let mut persons_given = false;
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = || it.next().with_context(|| format!("{arg} needs a value"));
            match arg.as_str() {
                "--quick" => {}
                "--metrics-cost" => o.metrics_cost = true,
                "--memory" => o.memory = true,
                "--initial-cycle" => o.initial_cycle = true,
                "--tenants" => o.tenants = Some(TENANTS),
                "--tenant-count" => o.tenants = Some(value()?.parse().context("--tenant-count takes a number")?),
                "--backend" => {
                    o.backends = vec![match value()?.as_str() {
                        "sqlite" => Backend::Sqlite,
                        "postgres" => Backend::Postgres,
                        other => bail!("--backend sqlite|postgres, not {other:?}"),
                    }]
                }
                "--persons" => {
                    o.sizes = vec![value()?.parse().context("--persons takes a number")?];
                    persons_given = true;
                }
                "--scenario" => {
                    let s = value()?;
                    let known = SCENARIOS.iter().find(|k| *k == s);
                    o.scenarios = vec![*known.with_context(|| format!("--scenario is one of {SCENARIOS:?}"))?];
                }
                other => bail!("unknown bench option {other:?}"),
            }
        }
        if o.initial_cycle && !persons_given {
            o.sizes = vec![INITIAL_CYCLE_USERS];
        }
        if o.metrics_cost || o.memory {
            // One scenario at one size, unless told otherwise.
            if !persons_given {
                o.sizes = vec![10_000];
            }
            if o.everything() {
                o.scenarios = vec!["lookup"];
            }
        }
        Ok(o)
    }

    fn everything(&self) -> bool {
        self.scenarios.len() == SCENARIOS.len()
    }
}

pub fn run(root: &Path, options: &Options) -> Result<String> {
    let quick = options.quick;
    for (tool, package) in
        [("wrk", "wrk"), ("sqlite3", "sqlite3"), ("pgbench", "postgresql"), ("psql", "postgresql-client")]
    {
        if Command::new(tool).arg("--version").output().is_err() {
            bail!("{tool} is needed: apt-get install {package}");
        }
    }
    let binary = service::build(root, true)?;
    let duration = if quick { "5s" } else { "10s" };
    let repeats = if quick { 1 } else { REPEATS };
    let sizes = &options.sizes;
    let admin =
        std::env::var("ENS_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let server_url = admin.rsplit_once('/').map(|(s, _)| s.to_owned()).unwrap_or(admin.clone());
    let mut runs = Vec::new();
    let mut commit_rates = Vec::new();
    if options.metrics_cost {
        return metrics_cost(&binary, options, &admin, &server_url);
    }
    if options.memory {
        return memory(&binary, options, &admin, &server_url);
    }
    if options.initial_cycle {
        return initial_cycle(&binary, options, &admin, &server_url);
    }
    if let Some(tenants) = options.tenants {
        return many_tenants(&binary, options, tenants, &admin, &server_url);
    }
    each_database(options, &admin, &server_url, |backend, persons, work, db_url| {
        eprintln!("==> {backend:?}, {persons} persons");
        let setup = start(&binary, db_url, work, backend, persons, &[])?;
        // /healthz in every run: the ratios to it are what one run says about a request's
        // cost, whatever the machine's speed that day.
        for &scenario in options.scenarios.iter().chain(["healthz"].iter()) {
            let script_path = work.join(format!("{scenario}.lua"));
            let mut samples = Vec::new();
            for run in 0..repeats {
                std::fs::write(&script_path, script(scenario, persons, &setup.token, &setup.session, run))?;
                let s = wrk(&script_path, &setup.base, duration)?;
                eprintln!(
                    "    {scenario:<7} {:>9.0} req/s  p50 {:>9}  p99 {:>9}  errors {}",
                    s.rps,
                    ms(s.p50_us),
                    ms(s.p99_us),
                    s.errors
                );
                samples.push(s);
            }
            runs.push(Run::of(backend, persons, scenario, &samples));
        }
        drop(setup);
        // The raw commit rates are measured once per backend, with the service stopped
        // (not when one scenario is tried alone).
        if persons == sizes[0] && options.everything() {
            let probes: Vec<(&str, f64)> = match backend {
                Backend::Sqlite => vec![
                    (SQLITE_ONE, sqlite_commit_rate(work, false)?),
                    (SQLITE_SHAPED, sqlite_commit_rate(work, true)?),
                ],
                Backend::Postgres => vec![
                    (PG_ONE_1, postgres_commit_rate(db_url, work, 1, false, duration)?),
                    (PG_ONE_16, postgres_commit_rate(db_url, work, CONNECTIONS, false, duration)?),
                    (PG_SHAPED_16, postgres_commit_rate(db_url, work, CONNECTIONS, true, duration)?),
                ],
            };
            for (label, rate) in probes {
                eprintln!("    raw commits: {rate:>7.0}/s  {label}");
                commit_rates.push((label, rate));
            }
        }
        Ok(())
    })?;
    let report = report(&runs, &commit_rates, repeats, duration);
    if runs.iter().any(|r| r.errors > 0) {
        // A run that measured refusals measured the wrong thing.
        bail!("some requests were not answered 2xx; these numbers do not count:\n{report}");
    }
    Ok(report)
}

/// Runs `f` on a fresh database for each backend and size the options name (its work
/// directory and URL), and drops the database after, whatever `f` returned.
fn each_database(
    options: &Options,
    admin: &str,
    server_url: &str,
    mut f: impl FnMut(Backend, u64, &Path, &str) -> Result<()>,
) -> Result<()> {
    for &backend in &options.backends {
        for &persons in &options.sizes {
            let (work, db_name, db_url) = database(backend, persons, admin, server_url)?;
            let result = f(backend, persons, &work, &db_url);
            drop_database(backend, admin, &db_name, &work);
            result?;
        }
    }
    Ok(())
}

/// A fresh database for `backend`: (work directory, database name, URL).
fn database(
    backend: Backend,
    persons: u64,
    admin: &str,
    server_url: &str,
) -> Result<(std::path::PathBuf, String, String)> {
    let work = std::env::temp_dir().join(format!("ens-bench-{}-{backend:?}-{persons}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let db_name = format!("ens_bench_{}_{persons}", std::process::id());
    let db_url = match backend {
        Backend::Sqlite => format!("sqlite://{}", work.join("bench.db").display()),
        Backend::Postgres => {
            sh(Command::new("psql").args(["-q", admin, "-c", &format!("CREATE DATABASE {db_name}")]))?;
            format!("{server_url}/{db_name}")
        }
    };
    Ok((work, db_name, db_url))
}

fn drop_database(backend: Backend, admin: &str, db_name: &str, work: &Path) {
    if let Backend::Postgres = backend {
        let _ = sh(Command::new("psql").args([
            "-q",
            admin,
            "-c",
            &format!("DROP DATABASE IF EXISTS {db_name} WITH (FORCE)"),
        ]));
    }
    let _ = std::fs::remove_dir_all(work);
}

/// One wrk run of `script` against `base`.
fn wrk(script: &Path, base: &str, duration: &str) -> Result<Sample> {
    let out = sh(Command::new("wrk")
        .args(["-t2", &format!("-c{CONNECTIONS}"), "-d", duration, "--timeout", "10s", "--latency", "-s"])
        .arg(script)
        .arg(base))?;
    Ok(parse_wrk(&out))
}

/// Users in Entra's first cycle, unless `--persons` says otherwise.
const INITIAL_CYCLE_USERS: u64 = 100_000;

/// Entra's first cycle: per user a lookup (none found), a create, and a PATCH naming a
/// manager (the first user its connection created). One wrk thread per connection, so that
/// each connection's responses drive its own sequence; each stops after its share.
fn initial_cycle_script(users: u64, token: &str) -> String {
    let share = users.div_ceil(CONNECTIONS as u64);
    format!(
        r#"wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/scim+json"
local threads = 0
function setup(thread) thread:set("tid", threads); threads = threads + 1 end
local step, i, id, manager = "lookup", 0, nil, nil
local function user() return "cycle" .. tid .. "-" .. i .. "@entra.example" end
function request()
  if step == "lookup" then
    return wrk.format("GET", "/portal/scim/Users?filter=userName%20eq%20%22" .. user() .. "%22")
  elseif step == "create" then
    return wrk.format("POST", "/portal/scim/Users", nil,
      '{{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],' ..
      '"userName":"' .. user() .. '","externalId":"' .. user() .. '","active":true,"displayName":"Cycle ' .. i .. '",' ..
      '"emails":[{{"primary":true,"type":"work","value":"' .. user() .. '"}}],' ..
      '"phoneNumbers":[{{"type":"mobile","value":"+41 79 000 00 00"}}],' ..
      '"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{{"department":"Bench"}}}}')
  else
    return wrk.format("PATCH", "/portal/scim/Users/" .. id, nil,
      '{{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{{"op":"Add",' ..
      '"path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"' .. manager .. '"}}]}}')
  end
end
local function next_user()
  i = i + 1
  step = "lookup"
  if i >= {share} then wrk.thread:stop() end
end
function response(status, headers, body)
  if step == "lookup" then
    step = "create"
  elseif step == "create" then
    id = string.match(body, '"id"%s*:%s*"([^"]+)"')
    if manager == nil then manager = id; next_user() else step = "patch" end
  else
    next_user()
  end
end
"#
    )
}

fn initial_cycle(binary: &Path, options: &Options, admin: &str, server_url: &str) -> Result<String> {
    let mut out = format!(
        "Entra's first cycle for a new enterprise: per user a lookup, a create and a manager PATCH, \
         {CONNECTIONS} connections; the Persons page (first page, 25 per page) asked every 250 ms meanwhile.\n\n\
         | backend | users | wall time | requests | requests/s | p50 | p99 | non-2xx | Persons page p50 / p99 / max |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---|\n"
    );
    let mut errors = 0;
    each_database(options, admin, server_url, |backend, users, work, db_url| {
        eprintln!("==> initial cycle, {backend:?}, {users} users");
        let s = start(binary, db_url, work, backend, 1, &[])?;
        let script_path = work.join("initial-cycle.lua");
        std::fs::write(&script_path, initial_cycle_script(users, &s.token))?;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let page = {
            let (stop, url, session) =
                (stop.clone(), format!("{}/api/v1/persons?page=1&per_page=25", s.base), s.session.clone());
            std::thread::spawn(move || {
                let mut took = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let t = Instant::now();
                    if matches!(service::call("GET", &url, Some(&session), None), Ok((200, _))) {
                        took.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
                took
            })
        };
        // Each create and each manager PATCH is one entry in the activity log: the cycle
        // is over when all are there (wrk itself runs until its bound). Asked four times a
        // second: each asking counts the log.
        let log = format!("{}/api/v1/scim-import/activity?per_page=1", s.base);
        let entries = || -> Result<u64> {
            let (_, l) = service::call("GET", &log, Some(&s.session), None)?;
            l["total"].as_u64().context("no activity total")
        };
        let expected = entries()? + users + users.saturating_sub(CONNECTIONS as u64);
        let started = Instant::now();
        let wrk = Command::new("wrk")
            // A bound, far above what the cycle takes.
            .args([&format!("-t{CONNECTIONS}"), &format!("-c{CONNECTIONS}"), "-d", &format!("{}s", 60 + users / 100)])
            .args(["--timeout", "10s", "--latency", "-s"])
            .arg(&script_path)
            .arg(&s.base)
            .stdout(std::process::Stdio::piped())
            .spawn()?;
        while entries()? < expected && started.elapsed() < Duration::from_secs(60 + users / 100) {
            std::thread::sleep(Duration::from_millis(250));
        }
        let wall = started.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        // wrk prints its statistics when interrupted.
        sh(Command::new("kill").args(["-INT", &wrk.id().to_string()]))?;
        let raw = String::from_utf8_lossy(&wrk.wait_with_output()?.stdout).into_owned();
        let mut took = page.join().map_err(|_| anyhow::anyhow!("the Persons page poller panicked"))?;
        took.sort_by(f64::total_cmp);
        let at = |q: f64| took.get(((took.len() as f64 - 1.0) * q).round() as usize).copied().unwrap_or(f64::NAN);
        let sample = parse_wrk(&raw);
        errors += sample.errors;
        if std::env::var_os("ENS_BENCH_VERBOSE").is_some() {
            eprintln!("{raw}");
        }
        let (_, list) = service::call("GET", &format!("{}/api/v1/persons?per_page=1", s.base), Some(&s.session), None)?;
        eprintln!(
            "    {users} users in {:.1} s: {} requests, {:.0}/s, p99 {}, errors {}; the Person list holds {}",
            wall.as_secs_f64(),
            sample.requests,
            sample.rps,
            ms(sample.p99_us),
            sample.errors,
            list["total"]
        );
        let _ = writeln!(
            out,
            "| {backend:?} | {users} | {:.1} s | {} | {:.0} | {} | {} | {} | {:.0} / {:.0} / {:.0} ms ({} views) |",
            wall.as_secs_f64(),
            sample.requests,
            sample.rps,
            ms(sample.p50_us),
            ms(sample.p99_us),
            sample.errors,
            at(0.5),
            at(0.99),
            at(1.0),
            took.len()
        );
        Ok(())
    })?;
    if errors > 0 {
        bail!("some requests were not answered 2xx; these numbers do not count:\n{out}");
    }
    Ok(out)
}

/// Enterprises of the many-tenants bench, unless `--tenant-count` says otherwise, and the
/// persons of each.
const TENANTS: u64 = 1_000;
const TENANT_PERSONS: u64 = 100;

/// The token of the many-tenants bench's enterprise `t` (its hash is what the seed stores).
fn tenant_token(t: u64) -> String {
    format!("bench-tenant-{t:06}-0123456789abcdef0123456789abcdef")
}

/// SHA-256 in lowercase hex, as `ens_domain::TokenHash` stores a token.
fn token_hash(token: &str) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The SQL that adds `tenants` enterprises of [`TENANT_PERSONS`] persons each, their SCIM
/// setups copied from `template`'s (on, with the token of [`tenant_token`]). Person ids carry
/// the enterprise's number, `user{i}@bench.example` the person's.
fn tenants_sql(backend: Backend, template: &str, tenants: u64) -> String {
    let now = 1_767_225_600_000_000i64;
    let mut sql = String::new();
    if backend == Backend::Sqlite {
        sql.push_str("PRAGMA journal_mode = WAL; BEGIN;\n");
    } else {
        sql.push_str("BEGIN;\n");
    }
    let _ =
        writeln!(sql, "CREATE TEMP TABLE template AS SELECT * FROM scim_imports WHERE enterprise_id = '{template}';");
    for t in 1..=tenants {
        let e = format!("{t:08x}-0000-4000-8000-000000000000");
        let (token, hash) = (tenant_token(t), token_hash(&tenant_token(t)));
        let last4: String = token.chars().skip(token.len() - 4).collect();
        let persons = match backend {
            Backend::Sqlite => format!(
                "WITH RECURSIVE seq(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seq WHERE n < {last})
                 SELECT printf('%08x-0000-4000-8001-%012x', {t}, n), '{e}', 'scim', 'user' || n || '@bench.example',
                   'user' || n || '@bench.example', 1, 'User ' || n, 'user' || n || '@bench.example', '+41 79 000 00 00', 1, {now}, {now}, {now}, 5
                 FROM seq",
                last = TENANT_PERSONS - 1
            ),
            Backend::Postgres => format!(
                "SELECT lpad(to_hex({t}), 8, '0') || '-0000-4000-8001-' || lpad(to_hex(n), 12, '0'), '{e}', 'scim',
                   'user' || n || '@bench.example', 'user' || n || '@bench.example', true, 'User ' || n,
                   'user' || n || '@bench.example', '+41 79 000 00 00', 1, {now}, {now}, {now}, 5
                 FROM generate_series(0, {last}) AS n",
                last = TENANT_PERSONS - 1
            ),
        };
        let _ = writeln!(
            sql,
            "INSERT INTO enterprises (id, name, created_at) VALUES ('{e}', 'Tenant {t}', {now});
             UPDATE template SET enterprise_id = '{e}', token_hash = '{hash}', token_last4 = '{last4}';
             INSERT INTO scim_imports SELECT * FROM template;
             INSERT INTO persons (id, enterprise_id, source, user_name, user_name_lower, active, display_name,
               email_work, phone_mobile, version, created_at, updated_at, scim_updated_at, channels) {persons};
             INSERT INTO person_counts (enterprise_id, stripe, source, active, channels, n)
               VALUES ('{e}', 0, 'scim', {active}, 5, {TENANT_PERSONS});",
            active = if backend == Backend::Sqlite { "1" } else { "true" }
        );
    }
    sql.push_str("DROP TABLE template; COMMIT; ANALYZE;\n");
    sql
}

/// Lookups by userName of random persons of random enterprises among `tenants` (each request
/// with its enterprise's token), or of the first enterprise alone (`tenants` = 1).
fn tenants_script(tenants: u64) -> String {
    format!(
        r#"wrk.headers["Content-Type"] = "application/scim+json"
function setup(thread) thread:set("tid", math.random(1, 1000000000)) end
function init(args) math.randomseed(os.time() + (tid or 0)) end
function request()
  local t = math.random(1, {tenants})
  local token = string.format("bench-tenant-%06d-0123456789abcdef0123456789abcdef", t)
  local i = math.random(0, {last})
  return wrk.format("GET", "/portal/scim/Users?filter=userName%20eq%20%22user" .. i .. "%40bench.example%22",
    {{ ["Authorization"] = "Bearer " .. token }})
end
"#,
        last = TENANT_PERSONS - 1
    )
}

fn many_tenants(binary: &Path, options: &Options, tenants: u64, admin: &str, server_url: &str) -> Result<String> {
    let duration = if options.quick { "5s" } else { "10s" };
    let repeats = if options.quick { 1 } else { REPEATS };
    let mut out = format!(
        "Many enterprises: {tenants} of {TENANT_PERSONS} persons, lookups by userName with each request's \
         enterprise chosen at random (its own token), against lookups with one enterprise's token, in \
         alternating {duration} runs on the same server, {CONNECTIONS} connections.\n\n\
         | backend | one enterprise | {tenants} enterprises | ratio | p99 one / all | VmRSS / VmHWM after |\n\
         |---|---:|---:|---:|---|---|\n"
    );
    let mut errors = 0;
    let mut options = options.clone();
    options.sizes = vec![tenants];
    each_database(&options, admin, server_url, |backend, tenants, work, db_url| {
        eprintln!("==> {tenants} tenants, {backend:?}");
        let s = start(binary, db_url, work, backend, 1, &[])?;
        let (_, setup) = service::call("GET", &format!("{}/api/v1/scim-import", s.base), Some(&s.session), None)?;
        let template = setup["enterprise"]["id"].as_str().context("no enterprise id")?.to_owned();
        let t = Instant::now();
        load(backend, db_url, &tenants_sql(backend, &template, tenants), &work.join("tenants.sql"))?;
        eprintln!("    seeded {tenants} enterprises in {:.1} s", t.elapsed().as_secs_f64());
        let (one_path, all_path) = (work.join("one.lua"), work.join("all.lua"));
        std::fs::write(&one_path, tenants_script(1))?;
        std::fs::write(&all_path, tenants_script(tenants))?;
        let (mut one, mut all) = (Vec::new(), Vec::new());
        for _ in 0..repeats {
            for (label, path, into) in [("one", &one_path, &mut one), ("all", &all_path, &mut all)] {
                let sample = wrk(path, &s.base, duration)?;
                eprintln!(
                    "    {label:<4} {:>9.0} req/s  p50 {:>9}  p99 {:>9}  errors {}",
                    sample.rps,
                    ms(sample.p50_us),
                    ms(sample.p99_us),
                    sample.errors
                );
                errors += sample.errors;
                into.push(sample);
            }
        }
        let (rss, hwm) = s.memory_kib()?;
        let (one, all) = (Run::of(backend, 1, "one", &one), Run::of(backend, tenants, "all", &all));
        let _ = writeln!(
            out,
            "| {backend:?} | {:.0}/s | {:.0}/s | {:.2} | {} / {} | {:.1} / {:.1} MiB |",
            one.rps,
            all.rps,
            all.rps / one.rps,
            ms(one.p99_us),
            ms(all.p99_us),
            mib(rss),
            mib(hwm)
        );
        Ok(())
    })?;
    if errors > 0 {
        bail!("some requests were not answered 2xx; these numbers do not count:\n{out}");
    }
    Ok(out)
}

/// Logins in the memory bench's sequential step, and at once in its concurrent one.
const SEQUENTIAL_LOGINS: usize = 20;
const CONCURRENT_LOGINS: usize = 50;

fn memory(binary: &Path, options: &Options, admin: &str, server_url: &str) -> Result<String> {
    let mut out = format!(
        "Memory: Argon2id at the shipped cost (19 MiB, 2 iterations), {CONNECTIONS} connections, 5 s runs.\n\n\
         | backend | persons | after | VmRSS | VmHWM |\n|---|---:|---|---:|---:|\n"
    );
    let mut latency = String::new();
    each_database(options, admin, server_url, |backend, persons, work, db_url| {
        eprintln!("==> memory, {backend:?}, {persons} persons");
        let s = start(binary, db_url, work, backend, persons, &[])?;
        let mut row = |after: &str, s: &service::Service| -> Result<()> {
            let (rss, hwm) = s.memory_kib()?;
            eprintln!("    {after:<48} VmRSS {:>6.1} MiB  VmHWM {:>6.1} MiB", mib(rss), mib(hwm));
            let _ = writeln!(out, "| {backend:?} | {persons} | {after} | {:.1} MiB | {:.1} MiB |", mib(rss), mib(hwm));
            Ok(())
        };
        row("start, first login and password change", &s)?;
        for _ in 0..SEQUENTIAL_LOGINS {
            let status = s.login()?;
            if status != 201 {
                bail!("a login answered {status}");
            }
        }
        row(&format!("{SEQUENTIAL_LOGINS} more logins"), &s)?;
        let script_path = work.join("memory.lua");
        for scenario in ["lookup", "get", "create", "patch"] {
            std::fs::write(&script_path, script(scenario, persons, &s.token, &s.session, 0))?;
            wrk(&script_path, &s.base, "5s")?;
        }
        row("a run of lookup, get, create and patch", &s)?;
        std::fs::write(&script_path, script("lookup", persons, &s.token, &s.session, 1))?;
        let quiet = wrk(&script_path, &s.base, "5s")?;
        let logins = {
            let barrier = std::sync::Arc::new(std::sync::Barrier::new(CONCURRENT_LOGINS));
            (0..CONCURRENT_LOGINS)
                .map(|_| {
                    let (s, barrier) = (s.clone_client(), barrier.clone());
                    std::thread::spawn(move || {
                        barrier.wait();
                        let t = Instant::now();
                        s.login().map(|status| (status, t.elapsed()))
                    })
                })
                .collect::<Vec<_>>()
        };
        let busy = wrk(&script_path, &s.base, "5s")?;
        let mut slowest = Duration::ZERO;
        let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
        for l in logins {
            let (status, took) = l.join().map_err(|_| anyhow::anyhow!("a login thread panicked"))??;
            slowest = slowest.max(took);
            *statuses.entry(status).or_default() += 1;
        }
        row(&format!("{CONCURRENT_LOGINS} concurrent logins during lookups"), &s)?;
        let _ = writeln!(
            latency,
            "{backend:?} {persons}: lookups alone {:.0}/s, p99 {}; during {CONCURRENT_LOGINS} concurrent logins \
             {:.0}/s, p99 {} (logins answered {statuses:?}, the last after {:.1} s)  ",
            quiet.rps,
            ms(quiet.p99_us),
            busy.rps,
            ms(busy.p99_us),
            slowest.as_secs_f64()
        );
        Ok(())
    })?;
    out.push('\n');
    out.push_str(&latency);
    Ok(out)
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

/// The server's CPU time per request answered in one run, µs.
fn cpu_per_request(cpu_seconds: f64, s: &Sample) -> f64 {
    if s.requests == 0 { f64::NAN } else { cpu_seconds * 1e6 / s.requests as f64 }
}

/// Alternating runs per side in `--metrics-cost`.
const COST_REPEATS: usize = 5;

/// Scrapes `url` every second (a Prometheus at the shipped 15 s interval scrapes 15 times
/// less) until dropped.
struct Scraper {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<u32>>,
}

impl Scraper {
    fn start(url: String) -> Scraper {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopping = stop.clone();
        let thread = std::thread::spawn(move || {
            let mut scrapes = 0;
            while !stopping.load(Ordering::SeqCst) {
                if service::call("GET", &url, None, None).is_ok_and(|(status, _)| status == 200) {
                    scrapes += 1;
                }
                for _ in 0..10 {
                    if stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            }
            scrapes
        });
        Scraper { stop, thread: Some(thread) }
    }

    /// Stops; how many scrapes were answered.
    fn stop(mut self) -> u32 {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.thread.take().and_then(|t| t.join().ok()).unwrap_or(0)
    }
}

/// Metrics on against metrics off, same database, same binary, alternating runs.
fn metrics_cost(binary: &Path, options: &Options, admin: &str, server_url: &str) -> Result<String> {
    let scenario = options.scenarios[0];
    let duration = if options.quick { "5s" } else { "10s" };
    let repeats = if options.quick { 1 } else { COST_REPEATS };
    let mut out = format!(
        "Metrics cost: {scenario}, {repeats} alternating run(s) of {duration} per side, {CONNECTIONS} connections; \
         metrics on = the default, scraped every second during its runs; off = metrics.enabled = false.\n\n\
         | backend | persons | metrics | requests/s (median) | runs | p50 | p99 | server CPU µs/request (median) | scrapes | non-2xx |\n\
         |---|---:|---|---:|---|---:|---:|---:|---:|---:|\n"
    );
    let mut ratios = Vec::new();
    let mut errors = 0;
    each_database(options, admin, server_url, |backend, persons, work, db_url| {
        eprintln!("==> metrics cost, {backend:?}, {persons} persons, {scenario}");
        let metrics = format!("127.0.0.1:{}", service::free_port()?);
        let on = start(binary, db_url, work, backend, persons, &[("ENS_SCIM__METRICS__BIND", &metrics)])?;
        let off_env = [POOL, ("ENS_SCIM__METRICS__ENABLED", "false")];
        let off = service::another(binary, db_url, &on, &off_env, &work.join("off.log"))?;
        let script_path = work.join(format!("{scenario}.lua"));
        // Both warm (caches, connections) before anything counts.
        std::fs::write(&script_path, script(scenario, persons, &on.token, &on.session, 99))?;
        wrk(&script_path, &on.base, "2s")?;
        wrk(&script_path, &off.base, "2s")?;
        let (mut with, mut without, mut scrapes) = (Vec::new(), Vec::new(), 0);
        let (mut cpu_with, mut cpu_without) = (Vec::new(), Vec::new());
        for run in 0..repeats {
            std::fs::write(&script_path, script(scenario, persons, &on.token, &on.session, run))?;
            // Alternating which goes first, so that neither always follows the other.
            for metrics_on in if run % 2 == 0 { [true, false] } else { [false, true] } {
                let server = if metrics_on { &on } else { &off };
                let scraper = metrics_on.then(|| Scraper::start(format!("http://{metrics}/metrics")));
                let cpu_before = server.cpu_seconds()?;
                let s = wrk(&script_path, &server.base, duration)?;
                let cpu = cpu_per_request(server.cpu_seconds()? - cpu_before, &s);
                scrapes += scraper.map_or(0, Scraper::stop);
                eprintln!(
                    "    metrics {:<3} {:>9.0} req/s  p50 {:>9}  p99 {:>9}  {:>6.1} µs CPU/request  errors {}",
                    if metrics_on { "on" } else { "off" },
                    s.rps,
                    ms(s.p50_us),
                    ms(s.p99_us),
                    cpu,
                    s.errors
                );
                if metrics_on {
                    with.push(s);
                    cpu_with.push(cpu);
                } else {
                    without.push(s);
                    cpu_without.push(cpu);
                }
            }
        }
        for (label, samples, cpu, n) in [("on", &with, &cpu_with, scrapes), ("off", &without, &cpu_without, 0)] {
            let r = Run::of(backend, persons, scenario, samples);
            let all: Vec<String> = samples.iter().map(|s| format!("{:.0}", s.rps)).collect();
            errors += r.errors;
            let _ = writeln!(
                out,
                "| {backend:?} | {persons} | {label} | {:.0} | {} | {} | {} | {:.1} | {n} | {} |",
                r.rps,
                all.join(", "),
                ms(r.p50_us),
                ms(r.p99_us),
                median(cpu.clone()),
                r.errors
            );
        }
        let on_rps = median(with.iter().map(|s| s.rps).collect());
        let off_rps = median(without.iter().map(|s| s.rps).collect());
        // Each run's pair ran back to back: their ratio is blind to the machine
        // drifting between runs, which the ratio of the medians is not.
        let paired = median(with.iter().zip(&without).map(|(a, b)| a.rps / b.rps).collect());
        // CPU per request is what metrics add to each request; throughput also moves with
        // whatever else the shared machine runs.
        let cpu_paired = median(cpu_with.iter().zip(&cpu_without).map(|(a, b)| a / b).collect());
        ratios.push(format!(
            "{backend:?} {persons}: requests/s on ÷ off = {:.3} ({:+.1} %) of the medians; {:.3} ({:+.1} %) the \
             median of the runs' pairs. CPU per request on ÷ off, median of the pairs: {:.3} ({:+.1} %)",
            on_rps / off_rps,
            (on_rps / off_rps - 1.0) * 100.0,
            paired,
            (paired - 1.0) * 100.0,
            cpu_paired,
            (cpu_paired - 1.0) * 100.0
        ));
        Ok(())
    })?;
    out.push('\n');
    for r in ratios {
        let _ = writeln!(out, "{r}  ");
    }
    if errors > 0 {
        bail!("some requests were not answered 2xx; these numbers do not count:\n{out}");
    }
    Ok(out)
}

/// A Markdown table of `rows` under `head`, after a blank line; nothing without rows.
fn table(out: &mut String, head: &str, rows: &[String]) {
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{head}");
    for row in rows {
        let _ = writeln!(out, "{row}");
    }
}

fn report(runs: &[Run], commit_rates: &[(&str, f64)], repeats: usize, duration: &str) -> String {
    let mut out = format!(
        "Medians of {repeats} run(s) of {duration} each, {CONNECTIONS} connections.\n\n\
         | backend | persons | scenario | requests/s | (min–max) | p50 | p99 | non-2xx |\n\
         |---|---:|---|---:|---:|---:|---:|---:|\n"
    );
    for r in runs {
        let _ = writeln!(
            out,
            "| {:?} | {} | {} | {:.0} | {:.0}–{:.0} | {} | {} | {} |",
            r.backend,
            r.persons,
            r.scenario,
            r.rps,
            r.rps_min,
            r.rps_max,
            ms(r.p50_us),
            ms(r.p99_us),
            r.errors
        );
    }
    let bare: Vec<String> = runs
        .iter()
        .filter(|r| r.scenario != "healthz")
        .filter_map(|r| {
            let h =
                runs.iter().find(|h| h.scenario == "healthz" && h.persons == r.persons && h.backend == r.backend)?;
            Some(format!("| {:?} | {} | {} | {:.3} |", r.backend, r.persons, r.scenario, r.rps / h.rps))
        })
        .collect();
    table(&mut out, "| backend | persons | scenario | requests/s ÷ /healthz's, same run |\n|---|---:|---|---:|", &bare);
    let backends: Vec<String> = runs
        .iter()
        .filter(|pg| pg.backend == Backend::Postgres)
        .filter_map(|pg| {
            let lite = runs
                .iter()
                .find(|s| s.backend == Backend::Sqlite && s.persons == pg.persons && s.scenario == pg.scenario)?;
            Some(format!("| {} | {} | {:.2} |", pg.persons, pg.scenario, pg.rps / lite.rps))
        })
        .collect();
    table(&mut out, "| persons | scenario | requests/s PostgreSQL ÷ SQLite |\n|---:|---|---:|", &backends);
    let ratios: Vec<String> = runs
        .iter()
        .filter(|big| big.persons > 10_000)
        .filter_map(|big| {
            let small =
                runs.iter().find(|s| s.persons == 10_000 && s.scenario == big.scenario && s.backend == big.backend)?;
            Some(format!(
                "| {:?} | {} | {:.2} | {:.2} |",
                big.backend,
                big.scenario,
                big.rps / small.rps,
                big.p99_us / small.p99_us
            ))
        })
        .collect();
    table(&mut out, "| backend | scenario | requests/s 1M ÷ 10k | p99 1M ÷ 10k |\n|---|---|---:|---:|", &ratios);
    if !commit_rates.is_empty() {
        out.push_str("\n| raw durable commits (no HTTP, no service) | per second |\n|---|---:|\n");
        for (label, rate) in commit_rates {
            let _ = writeln!(out, "| {label} | {rate:.0} |");
        }
        let creates = |b: Backend| {
            median(runs.iter().filter(|r| r.scenario == "create" && r.backend == b).map(|r| r.rps).collect())
        };
        let rate = |label: &str| commit_rates.iter().find(|(l, _)| *l == label).map(|(_, r)| *r);
        out.push('\n');
        for (backend, labels) in
            [(Backend::Sqlite, [SQLITE_ONE, SQLITE_SHAPED]), (Backend::Postgres, [PG_ONE_16, PG_SHAPED_16])]
        {
            for label in labels {
                if let Some(raw) = rate(label) {
                    let _ =
                        writeln!(out, "{backend:?} creates ÷ raw commits ({label}): {:.2}  ", creates(backend) / raw);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenants_are_seeded_with_tokens_hashed_as_the_service_hashes_them() {
        assert_eq!(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        let sql = tenants_sql(Backend::Sqlite, "tpl", 2);
        assert!(sql.contains(&token_hash(&tenant_token(2))) && !sql.contains(&tenant_token(2)), "only hashes");
        assert_eq!(sql.matches("INSERT INTO scim_imports").count(), 2);
        assert!(tenants_script(1000).contains("math.random(1, 1000)"));
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let o = Options::parse(&args(&["--tenants", "--backend", "sqlite"])).expect("parses");
        assert_eq!(o.tenants, Some(TENANTS));
        let o = Options::parse(&args(&["--tenant-count", "10"])).expect("parses");
        assert_eq!(o.tenants, Some(10));
    }

    #[test]
    fn reads_wrk_output() {
        let out = "  Latency Distribution\n     50%  812.00us\n     75%    1.02ms\n     90%    1.40ms\n     99%    3.10ms\n\
                   160000 requests in 10.00s, 80.00MB read\n  Non-2xx or 3xx responses: 3\nRequests/sec:  15998.12\n";
        let s = parse_wrk(out);
        assert_eq!(s, Sample { rps: 15998.12, p50_us: 812.0, p99_us: 3100.0, errors: 3, requests: 160000 });
        assert_eq!(micros("1.50s"), 1_500_000.0);
        assert!(micros("fast").is_nan());
    }

    #[test]
    fn medians_and_spread() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
        let sample = |rps, p99_us| Sample { rps, p50_us: 100.0, p99_us, errors: 1, requests: 0 };
        let run = Run::of(Backend::Sqlite, 10, "get", &[sample(10.0, 9.0), sample(30.0, 1.0), sample(20.0, 5.0)]);
        assert_eq!((run.rps, run.rps_min, run.rps_max, run.p99_us, run.errors), (20.0, 10.0, 30.0, 5.0, 3));
    }

    #[test]
    fn the_metrics_cost_is_one_scenario_at_one_size_unless_told() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let o = Options::parse(&args(&["--metrics-cost"])).expect("parses");
        assert!(o.metrics_cost);
        assert_eq!((o.scenarios, o.sizes, o.backends.len()), (vec!["lookup"], vec![10_000], 2));
        let o =
            Options::parse(&args(&["--metrics-cost", "--scenario", "get", "--persons", "1000000"])).expect("parses");
        assert_eq!((o.scenarios, o.sizes), (vec!["get"], vec![1_000_000]));
        assert!(!Options::parse(&args(&["--scenario", "get"])).expect("parses").metrics_cost);
    }

    #[test]
    fn scripts_address_seeded_persons() {
        let s = script("get", 10_000, "tok", "session", 0);
        assert!(s.contains("math.random(0, 9999)") && s.contains("Bearer tok"));
        assert!(script("health", 10, "tok", "session", 0).contains("Bearer session"), "a principal's page");
        assert!(seed_sql(Backend::Sqlite, "e", 10).contains("n < 9"));
        assert!(
            seed_sql(Backend::Sqlite, "e", 10).contains("INSERT INTO person_counts"),
            "counters as writes keep them"
        );
        let (first, second) = (script("create", 10, "tok", "s", 0), script("create", 10, "tok", "s", 1));
        assert!(first.contains(r#""new-0-" .. thread_id"#) && second.contains(r#""new-1-" .. thread_id"#));
        assert!(first.contains(r#"'{"schemas":["#) && first.contains(r#"}]}')"#));
        assert!(seed_sql(Backend::Postgres, "e", 10).contains("generate_series(0, 9)"));
    }
}
