//! The whole setup flow against the real binary: operator, principal, token, SCIM; and the
//! logs of it all hold no secret.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use support::{Server, login, run, send};

fn scim(
    server: &Server,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (u16, serde_json::Value) {
    send(method, &server.url(&format!("/portal/scim{path}")), Some(token), body)
}

#[test]
fn operator_to_principal_to_entra_and_no_secret_in_the_logs() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("flow.db").display());
    // Debug logs: the more is logged, the more could leak.
    let env = [("ENS_SCIM__DATABASE__URL", url.as_str()), ("ENS_SCIM__LOG__FILTER", "debug")];
    let mut logs = String::new();

    let (ok, out, err) = run(&["enterprise", "create", "--name", "Contoso"], &env);
    assert!(ok, "{err}");
    logs.push_str(&err);
    let (ok, out2, err) =
        run(&["principal", "create", "--enterprise", "Contoso", "--login", "admin@contoso.com"], &env);
    assert!(ok, "{err}");
    logs.push_str(&err);
    let otp = support::printed_password(&out2);
    assert!(out.contains("Contoso"));

    let mut server = Server::start(&env);
    let new_password = "a principal's own password";
    let session = login(&server, "admin@contoso.com", &otp, new_password);

    let (status, t1) = send("POST", &server.url("/api/v1/scim-import/token"), Some(&session), None);
    assert_eq!(status, 201);
    let token1 = t1["token"].as_str().unwrap().to_owned();
    let (status, _) =
        send("PUT", &server.url("/api/v1/scim-import/enabled"), Some(&session), Some(json!({"enabled": true})));
    assert_eq!(status, 200);

    // Entra's test connection, then a create.
    let (status, probe) =
        scim(&server, "GET", "/Users?filter=userName+eq+%220b9c2b52-1f0e-4a3b-9e0e-0c4a2f6f7d11%22", &token1, None);
    assert_eq!((status, probe["totalResults"].as_u64()), (200, Some(0)));
    let (status, created) = scim(
        &server,
        "POST",
        "/Users",
        &token1,
        Some(
            json!({"userName": "jdoe@contoso.com", "externalId": "jdoe", "phoneNumbers": [{"type": "mobile", "value": "+41 79 000 00 00"}]}),
        ),
    );
    assert_eq!(status, 201, "{created}");

    // Regenerate: the old token works until Entra uses the new one, then it is refused.
    let (_, t2) = send("POST", &server.url("/api/v1/scim-import/token"), Some(&session), None);
    let token2 = t2["token"].as_str().unwrap().to_owned();
    assert_eq!(scim(&server, "GET", "/Users", &token1, None).0, 200);
    assert_eq!(scim(&server, "GET", "/Users", &token2, None).0, 200);
    assert_eq!(scim(&server, "GET", "/Users", &token1, None).0, 401);

    // Deselect the mobile phone: the next SCIM request does not store it.
    let (_, setup) = send("GET", &server.url("/api/v1/scim-import"), Some(&session), None);
    let selected: Vec<&str> = setup["mapping"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .filter(|k| *k != "phone_mobile")
        .collect();
    let (status, _) =
        send("PUT", &server.url("/api/v1/scim-import/mapping"), Some(&session), Some(json!({"selected": selected})));
    assert_eq!(status, 200);
    let (status, bob) = scim(
        &server,
        "POST",
        "/Users",
        &token2,
        Some(json!({"userName": "bob@contoso.com", "phoneNumbers": [{"type": "mobile", "value": "+41 79 111 11 11"}]})),
    );
    assert_eq!(status, 201);
    let (_, bob) = scim(&server, "GET", &format!("/Users/{}", bob["id"].as_str().unwrap()), &token2, None);
    assert!(bob.get("phoneNumbers").is_none(), "{bob}");

    let (status, list) = send("GET", &server.url("/api/v1/persons"), Some(&session), None);
    assert_eq!((status, list["total"].as_u64()), (200, Some(2)));
    let (status, _) = send("DELETE", &server.url("/api/v1/session"), Some(&session), None);
    assert_eq!(status, 204);
    assert_eq!(send("GET", &server.url("/api/v1/scim-import"), Some(&session), None).0, 401);

    server.terminate();
    let output = server.logs();
    assert!(!output.contains("One-time password"), "no bootstrap when an enterprise exists");
    logs.push_str(&output);
    assert!(logs.contains("login"), "the flow was logged at all: {logs}");
    for (what, secret) in [
        ("one-time password", otp.as_str()),
        ("password", new_password),
        ("SCIM token", &token1),
        ("SCIM token", &token2),
        ("session", &session),
    ] {
        assert!(!logs.contains(secret), "the {what} appears in the logs");
    }
}

#[test]
fn first_start_creates_an_enterprise_and_prints_a_one_time_password_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("first.db").display());
    let env = [
        ("ENS_SCIM__DATABASE__URL", url.as_str()),
        ("ENS_SCIM__BOOTSTRAP__PRINCIPAL_LOGIN", "it@contoso.com"),
        ("ENS_SCIM__BOOTSTRAP__ENTERPRISE_NAME", "Contoso"),
    ];
    let mut server = Server::start(&env);
    let output = server.wait_for_output("One-time password");
    let password = output
        .lines()
        .find_map(|l| l.strip_prefix("One-time password (shown once, not stored): "))
        .unwrap_or_else(|| panic!("no password printed: {output}"))
        .to_owned();
    assert!(output.contains("it@contoso.com"));
    let session = login(&server, "it@contoso.com", &password, "a brand new password");
    let (_, setup) = send("GET", &server.url("/api/v1/scim-import"), Some(&session), None);
    assert_eq!(setup["enterprise"]["name"], "Contoso");
    server.terminate();

    let mut again = Server::start(&env);
    again.terminate();
    assert!(!again.logs().contains("One-time password"), "printed once only: {}", again.logs());
}
