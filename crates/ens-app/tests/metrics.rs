//! `GET /metrics` on the real binary: served on its own address only, counting what happens,
//! and with a number of series that does not depend on the number of enterprises (no label
//! names an enterprise, a user, a token or an address).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use serde_json::json;
use support::{Server, get, send};

fn env(dir: &std::path::Path) -> Vec<(String, String)> {
    vec![
        ("ENS_SCIM__DATABASE__URL".into(), format!("sqlite://{}", dir.join("ens.db").display())),
        ("ENS_SCIM__AUTH__ARGON2_MEMORY_KIB".into(), "1024".into()),
        ("ENS_SCIM__AUTH__ARGON2_ITERATIONS".into(), "1".into()),
        // A body over this is refused with 413, a limit of ours: it switches import off.
        ("ENS_SCIM__SCIM__MAX_BODY_BYTES".into(), "4096".into()),
    ]
}

fn refs(env: &[(String, String)]) -> Vec<(&str, &str)> {
    env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The series of a scrape: `name{labels}` without values.
fn series(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.rsplit_once(' ').map_or(l, |(key, _)| key).to_owned())
        .collect()
}

/// The value of one series, if it is there.
fn value(text: &str, key: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(key)?.strip_prefix(' ')?.trim().parse().ok())
}

fn scrape(url: &str) -> String {
    let (status, body) = get(url);
    assert_eq!(status, 200, "{body}");
    body
}

/// What Entra and a principal do with one enterprise, every kind of ending included. Returns
/// the strings no series may carry: userNames, ids.
fn traffic(server: &Server, token: &str, session: &str, n: usize) -> Vec<String> {
    let users = server.url("/portal/scim/Users");
    let user_name = format!("user{n}@contoso.example");
    let (status, created) =
        send("POST", &users, Some(token), Some(json!({"userName": user_name, "externalId": format!("ext-{n}")})));
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_owned();
    let one = format!("{users}/{id}");
    assert_eq!(send("GET", &one, Some(token), None).0, 200);
    let filter = format!("{users}?filter=userName%20eq%20%22{user_name}%22");
    assert_eq!(send("GET", &filter, Some(token), None).0, 200);
    let patch = json!({"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": format!("User {n}")}]});
    assert_eq!(send("PATCH", &one, Some(token), Some(patch)).0, 200);
    assert_eq!(send("DELETE", &one, Some(token), None).0, 204);
    assert_eq!(send("GET", &one, Some(token), None).0, 404);
    assert_eq!(send("GET", &users, Some("not-a-token"), None).0, 401);
    assert_eq!(send("GET", &server.url(&format!("/portal/scim/Nothing/{user_name}")), Some(token), None).0, 404);
    // Too large: a limit of ours, so import switches off; then Entra is refused while off.
    let big = json!({"userName": format!("big{n}@contoso.example"), "displayName": "x".repeat(8192)});
    assert_eq!(send("POST", &users, Some(token), Some(big)).0, 413);
    assert_eq!(send("GET", &users, Some(token), None).0, 503);
    // The principal's side: the setup, the Person list, a page.
    assert_eq!(send("GET", &server.url("/api/v1/scim-import"), Some(session), None).0, 200);
    assert_eq!(send("GET", &server.url("/api/v1/persons"), Some(session), None).0, 200);
    assert_eq!(get(&server.url("/login")).0, 200);
    assert_eq!(get(&server.url(&format!("/unknown/{id}"))).0, 404);
    vec![user_name, id]
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !f() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn metrics_are_served_apart_and_their_series_do_not_grow_with_enterprises() {
    let dir = tempfile::tempdir().unwrap();
    let env = env(dir.path());
    let server = Server::start(&refs(&env));
    let metrics = server.metrics_url();
    assert_ne!(metrics, server.url("/metrics"));
    assert_eq!(get(&server.url("/metrics")).0, 404, "not on the service's address");
    let base = metrics.trim_end_matches("/metrics");
    assert_eq!(get(&format!("{base}/portal/scim/Users")).0, 404, "the metrics listener serves nothing else");

    let mut secrets = Vec::new();
    let mut enterprise = |name: &str, n: usize| {
        let login = format!("admin{n}@contoso.example");
        let address = format!("ops{n}@contoso.example");
        let (session, token) = support::provisioned(&server, &refs(&env), name, &login, &[&address]);
        secrets.extend(traffic(&server, &token, &session, n));
        secrets.extend([login, address, token, session, name.to_owned()]);
    };
    enterprise("Contoso", 0);
    let failed = |text: &str| value(text, r#"ens_enterprises{import="failed"}"#);
    wait_for("the first switch-off in the gauges", || failed(&scrape(&metrics)) == Some(1.0));
    let first = scrape(&metrics);

    for n in 1..=3 {
        enterprise(&format!("Fabrikam {n}"), n);
    }
    wait_for("every switch-off in the gauges", || failed(&scrape(&metrics)) == Some(4.0));
    let later = scrape(&metrics);

    let (before, after) = (series(&first), series(&later));
    assert_eq!(
        after.difference(&before).collect::<Vec<_>>(),
        Vec::<&String>::new(),
        "four enterprises made new series"
    );
    assert_eq!(before.len(), after.len());

    // The counts are the traffic's.
    let v = |key: &str| value(&later, key).unwrap_or_else(|| panic!("{key} missing:\n{later}"));
    assert_eq!(v(r#"ens_scim_requests_total{outcome="limit"}"#), 4.0);
    assert_eq!(v(r#"ens_scim_requests_total{outcome="import_off"}"#), 4.0);
    assert_eq!(
        v(r#"ens_http_requests_total{surface="scim",method="DELETE",route="/portal/scim/Users/{id}",status="2xx"}"#),
        4.0
    );
    assert_eq!(v(r#"ens_http_requests_total{surface="scim",method="GET",route="unmatched",status="4xx"}"#), 4.0);
    assert_eq!(v(r#"ens_enterprises{import="on"}"#), 0.0);
    assert_eq!(v(r#"ens_enterprises{import="off"}"#), 1.0, "the first start's enterprise");
    assert!(v("ens_store_pool_max_connections") >= 1.0);
    assert_eq!(v("ens_ready"), 1.0);

    for secret in &secrets {
        assert!(!later.contains(secret.as_str()), "{secret:?} appears in the metrics");
    }
    let (ok, listed, _) = support::run(&["enterprise", "list"], &refs(&env));
    assert!(ok);
    for id in listed.lines().filter_map(|l| l.split('\t').next()) {
        assert!(!later.contains(id), "enterprise id {id} appears in the metrics");
    }
}

#[test]
fn metrics_can_be_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let bind = format!("127.0.0.1:{port}");
    let mut env = env(dir.path());
    env.push(("ENS_SCIM__METRICS__ENABLED".into(), "false".into()));
    env.push(("ENS_SCIM__METRICS__BIND".into(), bind.clone()));
    let mut server = Server::start(&refs(&env));
    assert_eq!(get(&server.url("/healthz")).0, 200);
    assert!(std::net::TcpStream::connect(&bind).is_err(), "nothing listens on {bind}");
    server.terminate();
    assert!(!server.logs().contains("serving metrics"), "{}", server.logs());
}
