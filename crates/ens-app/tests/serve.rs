//! The service as an operator runs it: the binary, a fresh database, HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use ens_store_diesel::testing::TestDb;
use support::{Server, get, run};

#[test]
fn fresh_sqlite_serves_health_and_readiness_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    let url = format!("sqlite://{}", db.display());
    let mut server = Server::start(&[("ENS_SCIM__DATABASE__URL", &url)]);
    assert!(db.exists(), "the SQLite file is created");
    assert_eq!(get(&server.url("/healthz")), (200, r#"{"status":"ok"}"#.into()));
    assert_eq!(get(&server.url("/readyz")).0, 200);
    let status = server.terminate();
    assert!(status.success(), "graceful stop exits 0, got {status}");
    assert!(server.logs().contains("shutting down"), "{}", server.logs());
}

#[test]
fn readyz_answers_503_while_postgres_refuses_connections() {
    let db = TestDb::postgres();
    let url = db.url_string();
    let server = Server::start(&[("ENS_SCIM__DATABASE__URL", &url), ("ENS_SCIM__DATABASE__CONNECT_TIMEOUT_SECS", "1")]);
    assert_eq!(get(&server.url("/readyz")).0, 200);
    db.set_postgres_reachable(false);
    let (status, body) = get(&server.url("/readyz"));
    assert_eq!(status, 503, "{body}");
    assert!(body.contains("unavailable"), "{body}");
    assert_eq!(get(&server.url("/healthz")).0, 200, "the process itself is fine");
    db.set_postgres_reachable(true);
    // The database is probed in the background, every second, while it is known to be down.
    let ready = (0..50).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(100));
        get(&server.url("/readyz")).0 == 200
    });
    assert!(ready, "ready again once the database is back");
}

#[test]
fn json_logs_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("j.db").display());
    let server = Server::start(&[("ENS_SCIM__DATABASE__URL", &url), ("ENS_SCIM__LOG__FORMAT", "json")]);
    let logs = server.logs();
    let line = logs.lines().find(|l| l.contains("listening on")).unwrap();
    let v: serde_json::Value = serde_json::from_str(line).expect("a JSON object per line");
    assert_eq!(v["level"], "INFO");
}

#[test]
fn unknown_database_scheme_is_a_clear_startup_error() {
    let (ok, _, err) = run(&["serve"], &[("ENS_SCIM__DATABASE__URL", "mysql://root:hunter2@db/ens")]);
    assert!(!ok);
    assert!(err.contains("sqlite://") && err.contains("postgres://"), "{err}");
    assert!(!err.contains("hunter2"), "no password in errors: {err}");
}

/// A 2xx means committed: creates acknowledged with 201 (written in groups by concurrent
/// writers) are all there after SIGKILL and a restart.
#[test]
fn sigkill_right_after_acknowledged_creates_loses_none() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("kill.db").display());
    let env = [("ENS_SCIM__DATABASE__URL", url.as_str())];
    let (ok, _, err) = run(&["enterprise", "create", "--name", "Contoso"], &env);
    assert!(ok, "{err}");
    let (ok, out, err) = run(&["principal", "create", "--enterprise", "Contoso", "--login", "admin@contoso.com"], &env);
    assert!(ok, "{err}");
    let otp = support::printed_password(&out);
    let mut server = Server::start(&env);
    let session = support::login(&server, "admin@contoso.com", &otp, "a long new password");
    let (_, t) = support::send("POST", &server.url("/api/v1/scim-import/token"), Some(&session), None);
    let token = t["token"].as_str().unwrap().to_owned();
    support::send(
        "PUT",
        &server.url("/api/v1/scim-import/enabled"),
        Some(&session),
        Some(serde_json::json!({"enabled": true})),
    );

    let users = server.url("/portal/scim/Users");
    let acknowledged: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|t| {
                let (users, token) = (users.clone(), token.clone());
                s.spawn(move || {
                    (0..25)
                        .filter_map(|n| {
                            let body = serde_json::json!({"userName": format!("u{t}-{n}@contoso.com")});
                            let (status, b) = support::send("POST", &users, Some(&token), Some(body));
                            (status == 201).then(|| b["id"].as_str().unwrap().to_owned())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    server.kill();
    assert_eq!(acknowledged.len(), 200);

    let server = Server::start(&env);
    for id in &acknowledged {
        let (status, _) = support::send(
            "GET",
            &format!("{users_base}/{id}", users_base = server.url("/portal/scim/Users")),
            Some(&token),
            None,
        );
        assert_eq!(status, 200, "user {id} was acknowledged with 201 but is gone");
    }
}
