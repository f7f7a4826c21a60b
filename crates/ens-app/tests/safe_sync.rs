//! Safe synchronization on the real binary: regenerating the token does not cut Entra off.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::Duration;

use ens_store_diesel::testing::TestDb;
use serde_json::Value;
use support::{Server, provisioned, send};

fn users(server: &Server, token: &str) -> u16 {
    send("GET", &server.url("/portal/scim/Users"), Some(token), None).0
}

fn regenerate(server: &Server, session: &str) -> String {
    let (status, t) = send("POST", &server.url("/api/v1/scim-import/token"), Some(session), None);
    assert_eq!(status, 201, "{t}");
    t["token"].as_str().unwrap().to_owned()
}

fn activity_details(server: &Server, session: &str) -> Vec<String> {
    let (_, log) = send("GET", &server.url("/api/v1/scim-import/activity"), Some(session), None);
    log["items"].as_array().unwrap().iter().map(|a| a["detail"].as_str().unwrap_or_default().to_owned()).collect()
}

/// Waits (bounded) for the authentication cache's second to pass.
fn after_the_cache() {
    std::thread::sleep(Duration::from_millis(1100));
}

#[test]
fn regenerating_the_token_overlaps_until_entra_uses_the_new_one_is_revoked_or_the_overlap_ends() {
    let db = TestDb::sqlite();
    let url = db.url_string();
    let env = [
        ("ENS_SCIM__DATABASE__URL", url.as_str()),
        ("ENS_SCIM__SCIM__TOKEN_OVERLAP_SECS", "4"),
        ("ENS_SCIM__GUARD__OUTBOX_POLL_SECS", "1"),
        ("ENS_SCIM__AUTH__ARGON2_MEMORY_KIB", "1024"),
        ("ENS_SCIM__AUTH__ARGON2_ITERATIONS", "1"),
    ];
    let server = Server::start(&env);
    let (session, first) = provisioned(&server, &env, "Contoso", "admin@contoso.example", &[]);
    assert_eq!(users(&server, &first), 200);

    // Regenerate: both work; the first use of the new one retires the old one.
    let second = regenerate(&server, &session);
    assert_eq!(users(&server, &first), 200, "the previous token still works");
    let (_, setup) = send("GET", &server.url("/api/v1/scim-import"), Some(&session), None);
    assert_eq!(setup["previous_token"]["last4"].as_str(), Some(&first[first.len() - 4..]), "{setup}");
    assert!(setup["previous_token"]["last_used_at"].is_string(), "its last use is shown: {setup}");
    assert_eq!(users(&server, &second), 200);
    after_the_cache();
    assert_eq!(users(&server, &first), 401, "Entra used the new token: the old one is retired");
    assert!(activity_details(&server, &session).iter().any(|d| d.contains("Entra used the new one")));

    // Regenerate and revoke the previous one at once.
    let third = regenerate(&server, &session);
    assert_eq!(users(&server, &second), 200);
    let (status, v) = send("DELETE", &server.url("/api/v1/scim-import/token/previous"), Some(&session), None);
    assert_eq!(status, 200, "{v}");
    after_the_cache();
    assert_eq!(users(&server, &second), 401, "revoked");
    assert_eq!(users(&server, &third), 200);
    assert!(activity_details(&server, &session).iter().any(|d| d.contains("revoked by admin@contoso.example")));

    // Regenerate and let the (4 s) overlap end without Entra using the new token.
    let fourth = regenerate(&server, &session);
    assert_eq!(users(&server, &third), 200);
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(users(&server, &third), 401, "the overlap ended");
    assert_eq!(users(&server, &fourth), 200);
    let retired = (0..30).any(|_| {
        std::thread::sleep(Duration::from_millis(200));
        activity_details(&server, &session).iter().any(|d| d.contains("overlap with the new one ended"))
    });
    assert!(retired, "the worker records the end of the overlap: {:?}", activity_details(&server, &session));
    let (_, setup): (u16, Value) = send("GET", &server.url("/api/v1/scim-import"), Some(&session), None);
    assert!(setup.get("previous_token").is_none(), "{setup}");
}

const ADDRESSES: [&str; 2] = ["ops@contoso.example", "it@contoso.example"];

/// Recipients of the held-deactivation notices delivered so far, sorted.
fn hold_mails(smtp: &ens_notify_smtp::testing::Smtpd) -> Vec<String> {
    let mut to: Vec<String> = smtp
        .messages()
        .iter()
        .filter(|m| m.header("Subject").is_some_and(|s| s.contains("held a mass deactivation")))
        .map(|m| m.header("To").unwrap_or_default().to_owned())
        .collect();
    to.sort();
    to
}

fn deactivate(server: &Server, token: &str, id: &str) -> (u16, Value) {
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "Replace", "path": "active", "value": false}]
    });
    send("PATCH", &server.url(&format!("/portal/scim/Users/{id}")), Some(token), Some(body))
}

fn inactive_count(server: &Server, token: &str) -> u64 {
    let (status, v) = send("GET", &server.url("/portal/scim/Users?filter=active+eq+false&count=1"), Some(token), None);
    assert_eq!(status, 200, "{v}");
    v["totalResults"].as_u64().unwrap()
}

/// 30 deactivations of 100 persons with a limit of 20: 20 are applied, the rest refused (the
/// one that crosses the limit is held, the others meet the switched-off import), nothing of
/// them applied; one e-mail per address with examples; "Allow and switch on" lets Entra's
/// retries through. With two instances the deactivations run in parallel, half on each.
fn a_mass_deactivation_is_held_until_a_principal_allows_it(db: &TestDb, instances: usize) {
    let smtp = ens_notify_smtp::testing::Smtpd::cli(ens_notify_smtp::testing::ServerTls::None);
    let url = db.url_string();
    let port = smtp.port.to_string();
    let env = support::mailing_env(&url, &port);
    let servers: Vec<Server> = (0..instances).map(|_| Server::start(&env)).collect();
    let a = &servers[0];
    let (session, token) = provisioned(a, &env, "Contoso", "admin@contoso.example", &ADDRESSES);
    let limit = serde_json::json!({"floor": 20, "percent": 10, "window_minutes": 60});
    let (status, v) = send("PUT", &a.url("/api/v1/scim-import/departure-limit"), Some(&session), Some(limit));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["departure_limit"]["default_floor"], 20, "{v}");
    let bad = serde_json::json!({"floor": 0, "percent": 10, "window_minutes": 60});
    let (status, v) = send("PUT", &a.url("/api/v1/scim-import/departure-limit"), Some(&session), Some(bad));
    assert_eq!(status, 422, "{v}");

    let ids: Vec<String> = (0..100)
        .map(|k| {
            let body = serde_json::json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
                "userName": format!("p{k}@contoso.example"),
                "displayName": format!("Person {k}"),
                "active": true
            });
            let (status, v) = send("POST", &a.url("/portal/scim/Users"), Some(&token), Some(body));
            assert_eq!(status, 201, "{v}");
            v["id"].as_str().unwrap().to_owned()
        })
        .collect();

    let statuses: Vec<u16> = if instances == 1 {
        ids[..30].iter().map(|id| deactivate(a, &token, id).0).collect()
    } else {
        std::thread::scope(|s| {
            let handles: Vec<_> = ids[..30]
                .iter()
                .enumerate()
                .map(|(k, id)| {
                    let (server, token) = (&servers[k % instances], token.as_str());
                    s.spawn(move || deactivate(server, token, id).0)
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        })
    };
    let refused: Vec<&String> = ids[..30].iter().zip(&statuses).filter(|(_, s)| **s != 200).map(|(id, _)| id).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 20, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 200 || *s == 503), "refused with 503 (Retry-After): {statuses:?}");
    if instances == 1 {
        assert_eq!(statuses[20], 503, "the 21st is held");
        assert!(statuses[21..].iter().all(|s| *s == 503), "then import is off: {statuses:?}");
    }
    for server in &servers {
        assert_eq!(send("GET", &server.url("/portal/scim/Users"), Some(&token), None).0, 503, "held: import is off");
    }
    for id in &refused {
        let (_, p) = send("GET", &a.url(&format!("/api/v1/persons/{id}")), Some(&session), None);
        assert_eq!(p["fields"]["active"], true, "a refused deactivation was not applied: {p}");
    }

    // One e-mail per address, naming the numbers and examples.
    for _ in 0..100 {
        if hold_mails(&smtp).len() >= 2 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs(3)); // every instance polls the outbox each second
    let mut expected: Vec<String> = ADDRESSES.iter().map(|s| (*s).to_owned()).collect();
    expected.sort();
    assert_eq!(hold_mails(&smtp), expected, "exactly one e-mail per address");
    let message =
        smtp.messages().into_iter().find(|m| m.header("Subject").is_some_and(|s| s.contains("held"))).unwrap();
    let text = message.part("text/plain").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("21 persons"), "{text}");
    assert!(text.contains("Allow these changes and switch on"), "{text}");
    assert_eq!(text.matches("- Person ").count(), 20, "20 examples: {text}");

    let (_, setup) = send("GET", &a.url("/api/v1/scim-import"), Some(&session), None);
    assert_eq!(setup["state"]["status"], "failed", "{setup}");
    let hold = &setup["state"]["failure"]["hold"];
    assert_eq!(setup["state"]["failure"]["kind"], "mass_deactivation_held");
    assert_eq!((hold["attempted"].as_u64(), hold["applied"].as_u64()), (Some(21), Some(20)), "{setup}");
    assert_eq!(hold["examples"].as_array().unwrap().len(), 20);
    assert_eq!(hold["examples"][0]["held"], true);

    let (status, on) = send("POST", &a.url("/api/v1/scim-import/hold/allow"), Some(&session), None);
    assert_eq!(status, 200, "{on}");
    assert_eq!(on["state"]["status"], "on");
    assert!(on["departure_limit"]["lifted_until"].is_string(), "{on}");
    // Entra retries what it could not deliver, on whichever instance.
    for (k, id) in refused.iter().enumerate() {
        let (status, v) = deactivate(&servers[k % instances], &token, id);
        assert_eq!(status, 200, "retried after the allowance: {v}");
    }
    assert_eq!(inactive_count(a, &token), 30, "every deactivation applied once");
    let (_, log) = send("GET", &a.url("/api/v1/scim-import/activity?per_page=200"), Some(&session), None);
    let items = log["items"].as_array().unwrap();
    assert_eq!(items.iter().filter(|i| i["kind"] == "import_switched_off").count(), 1, "one incident");
    let allowed = items
        .iter()
        .find(|i| i["detail"].as_str().is_some_and(|d| d.contains("allowing the held changes")))
        .expect("the allowance is in the activity log");
    assert_eq!(allowed["actor"], "admin@contoso.example");
    assert_eq!(hold_mails(&smtp).len(), 2, "no second e-mail");
}

#[test]
fn a_mass_deactivation_is_held_until_a_principal_allows_it_sqlite() {
    a_mass_deactivation_is_held_until_a_principal_allows_it(&TestDb::sqlite(), 1);
}

#[test]
fn a_mass_deactivation_is_held_until_a_principal_allows_it_on_two_postgres_instances() {
    a_mass_deactivation_is_held_until_a_principal_allows_it(&TestDb::postgres(), 2);
}
