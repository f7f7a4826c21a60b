//! libpq and OpenSSL are compiled into the binary (pq-sys `bundled`, openssl-sys `vendored`):
//! it links neither from the system, and TLS to PostgreSQL still works — against a throwaway
//! PostgreSQL cluster of this test's own, on a free loopback port, that accepts TLS
//! connections only, with a self-signed certificate.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use support::{Server, run};

#[test]
fn the_binary_links_no_libpq_and_no_openssl_from_the_system() {
    let out = Command::new("ldd").arg(support::BIN).output().expect("ldd (libc-bin)");
    let linked = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{linked}");
    for lib in ["libpq", "libssl", "libcrypto"] {
        assert!(!linked.contains(lib), "ens-scim links {lib} dynamically:\n{linked}");
    }
}

/// PostgreSQL's server programs: `ENS_TEST_PG_BIN`, else the newest under
/// /usr/lib/postgresql (Debian's `postgresql` package).
fn pg_bin() -> PathBuf {
    if let Ok(dir) = std::env::var("ENS_TEST_PG_BIN") {
        return PathBuf::from(dir);
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path().join("bin"))).filter(|p| p.join("initdb").exists()).collect())
        .unwrap_or_default();
    versions.sort_by_key(|p| p.parent().and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok()).unwrap_or(0));
    versions.pop().unwrap_or_else(|| {
        panic!("PostgreSQL's initdb is needed (Debian: apt-get install postgresql; or set ENS_TEST_PG_BIN)")
    })
}

/// PostgreSQL refuses to run as root: then the cluster is the `postgres` user's.
fn as_owner(program: &Path) -> Command {
    let root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn check(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A cluster of its own: TLS only (`hostssl`, `hostnossl … reject`), trust otherwise;
/// stopped and deleted on drop.
struct Cluster {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    /// The server's self-signed certificate, which clients may trust as their root.
    cert: PathBuf,
    _dir: tempfile::TempDir,
}

impl Cluster {
    fn start() -> Cluster {
        let bin = pg_bin();
        let dir = tempfile::tempdir().unwrap();
        // The cluster's owner (postgres, when we are root) must reach and own it.
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
        let data = dir.path().join("data");
        check(as_owner(&bin.join("initdb")).arg("-D").arg(&data).args(["-U", "postgres", "--auth=trust", "--no-sync"]));

        let tls = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned(), "localhost".to_owned()]).unwrap();
        let cert = dir.path().join("server.crt");
        std::fs::write(&cert, tls.cert.pem()).unwrap();
        std::fs::set_permissions(&cert, std::fs::Permissions::from_mode(0o644)).unwrap();
        // The key lives in the data directory, readable by its owner only (PostgreSQL checks).
        let key = data.join("server.key");
        std::fs::write(&key, tls.signing_key.serialize_pem()).unwrap();
        std::fs::copy(&cert, data.join("server.crt")).unwrap();
        check(Command::new("chown").arg("--reference").arg(&data).arg(&key).arg(data.join("server.crt")));
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();

        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let conf = format!(
            "\nlisten_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{sockets}'\n\
             ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\nfsync = off\n",
            sockets = dir.path().display()
        );
        let mut postgresql_conf = std::fs::read_to_string(data.join("postgresql.conf")).unwrap();
        postgresql_conf.push_str(&conf);
        std::fs::write(data.join("postgresql.conf"), postgresql_conf).unwrap();
        std::fs::write(
            data.join("pg_hba.conf"),
            "local all all trust\nhostssl all all 127.0.0.1/32 trust\nhostnossl all all 127.0.0.1/32 reject\n",
        )
        .unwrap();
        let log = dir.path().join("postgres.log");
        check(as_owner(&bin.join("pg_ctl")).arg("-D").arg(&data).arg("-l").arg(&log).args(["-w", "-t", "30", "start"]));
        Cluster { bin, data, port, cert, _dir: dir }
    }

    fn url(&self, params: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres?{params}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // The directory goes with `_dir`, once the server no longer writes to it.
        let _ = as_owner(&self.bin.join("pg_ctl")).arg("-D").arg(&self.data).args(["-m", "immediate", "stop"]).output();
    }
}

fn migrate(url: &str) -> (bool, String) {
    let (ok, out, err) = run(&["migrate"], &[("ENS_SCIM__DATABASE__URL", url)]);
    (ok, format!("{out}{err}"))
}

#[test]
fn tls_to_postgres_works_with_the_compiled_in_libpq() {
    let cluster = Cluster::start();

    // The server takes TLS connections only: without TLS the binary is turned away...
    let (ok, out) = migrate(&cluster.url("sslmode=disable"));
    assert!(!ok, "a connection without TLS was accepted: {out}");
    assert!(out.contains("no encryption") || out.contains("pg_hba.conf"), "{out}");
    // ...with it, it is let in.
    let (ok, out) = migrate(&cluster.url("sslmode=require"));
    assert!(ok, "{out}");

    // The self-signed certificate verified by the compiled-in OpenSSL, name included.
    let cert = cluster.cert.display().to_string();
    let (ok, out) = migrate(&cluster.url(&format!("sslmode=verify-full&sslrootcert={cert}")));
    assert!(ok, "{out}");
    // A certificate signed by no root we trust is refused.
    let other = tempfile::NamedTempFile::new().unwrap();
    let stranger = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_owned()]).unwrap();
    std::fs::write(other.path(), stranger.cert.pem()).unwrap();
    let (ok, out) = migrate(&cluster.url(&format!("sslmode=verify-full&sslrootcert={}", other.path().display())));
    assert!(!ok, "a certificate no trusted root signed was accepted: {out}");
    assert!(out.contains("certificate verify failed"), "{out}");

    // The service itself, its pool over TLS.
    let url = cluster.url("sslmode=require");
    let server = Server::start(&[("ENS_SCIM__DATABASE__URL", url.as_str())]);
    let mut ready = 0;
    for _ in 0..100 {
        ready = support::get(&server.url("/readyz")).0;
        if ready == 200 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(ready, 200, "{}", server.logs());
}
