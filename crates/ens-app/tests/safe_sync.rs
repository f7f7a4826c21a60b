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
