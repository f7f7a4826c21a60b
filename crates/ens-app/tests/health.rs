//! The Person list's health on the real binary, through SCIM and the admin API: who cannot be
//! alerted, mapping drift, conflicts, and the purge of long-inactive persons (with the real
//! SMTP server).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::time::{Duration, Instant};

use ens_notify_smtp::testing::{ServerTls, Smtpd};
use ens_store_diesel::testing::TestDb;
use serde_json::{Value, json};
use support::{Server, provisioned, send};

fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn health(server: &Server, session: &str) -> Value {
    let (status, h) = send("GET", &server.url("/api/v1/health"), Some(session), None);
    assert_eq!(status, 200, "{h}");
    h
}

fn persons(server: &Server, session: &str, query: &str) -> Vec<String> {
    let (status, page) = send("GET", &server.url(&format!("/api/v1/persons?{query}")), Some(session), None);
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().unwrap().iter().map(|p| p["user_name"].as_str().unwrap().to_owned()).collect()
}

fn patch(server: &Server, token: &str, id: &str, ops: Value) -> (u16, Value) {
    send("PATCH", &server.url(&format!("/portal/scim/Users/{id}")), Some(token), Some(json!({"Operations": ops})))
}

#[test]
fn every_report_through_scim_and_the_admin_api() {
    let db = TestDb::sqlite();
    let smtp = Smtpd::cli(ServerTls::None);
    let url = db.url_string();
    let port = smtp.port.to_string();
    let mut env = support::mailing_env(&url, &port);
    env.push(("ENS_SCIM__ACTIVITY__HOUSEKEEPING_SECS", "1"));
    let server = Server::start(&env);
    let (session, token) = provisioned(&server, &env, "Contoso", "admin@contoso.example", &["ops@contoso.example"]);
    let keys = ["user_name", "external_id", "active", "display_name", "phone_mobile", "email_work"];
    let (status, v) =
        send("PUT", &server.url("/api/v1/scim-import/mapping"), Some(&session), Some(json!({"selected": keys})));
    assert_eq!(status, 200, "{v}");
    let users = server.url("/portal/scim/Users");
    let create = |user: &str, extra: Value| {
        let mut body = json!({"userName": user, "displayName": user.split('@').next().unwrap()});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let (status, v) = send("POST", &users, Some(&token), Some(body));
        assert_eq!(status, 201, "{v}");
        v["id"].as_str().unwrap().to_owned()
    };

    // A person losing its only phone cannot be alerted.
    let jane =
        create("jane@contoso.example", json!({"phoneNumbers": [{"type": "mobile", "value": "+41 79 000 00 00"}]}));
    assert_eq!(health(&server, &session)["unreachable"], 0);
    let (status, v) =
        patch(&server, &token, &jane, json!([{"op": "remove", "path": "phoneNumbers[type eq \"mobile\"].value"}]));
    assert_eq!(status, 200, "{v}");
    let h = health(&server, &session);
    assert_eq!(h["unreachable"], 1, "{h}");
    assert_eq!(persons(&server, &session, "reach=unreachable"), ["jane@contoso.example"]);

    // Entra sends the title, which is not imported: drift.
    let (status, v) = patch(&server, &token, &jane, json!([{"op": "replace", "path": "title", "value": "Nurse"}]));
    assert_eq!(status, 200, "{v}");
    let drift = health(&server, &session)["drift"].as_array().unwrap().clone();
    let title = drift.iter().find(|d| d["key"] == "title").unwrap_or_else(|| panic!("title drifts: {drift:?}"));
    assert_eq!(title["kind"], "not_imported");
    assert!(drift.iter().any(|d| d["key"] == "email_work" && d["kind"] == "not_sent_by_entra"), "{drift:?}");

    // A 409 shows the person holding the userName.
    let (status, _) = send("POST", &users, Some(&token), Some(json!({"userName": "JANE@contoso.example"})));
    assert_eq!(status, 409);
    assert_eq!(health(&server, &session)["refused_creates"], 1);
    let (_, c) = send("GET", &server.url("/api/v1/health/conflicts"), Some(&session), None);
    assert_eq!(c["refused_creates"][0]["holder"]["id"], jane.as_str(), "{c}");
    assert_eq!(c["refused_creates"][0]["user_name"], "JANE@contoso.example");

    // The purge rule deletes only SCIM persons inactive for more than N days, records each
    // deletion, and mails once.
    let old = create("old@contoso.example", json!({"active": false}));
    let recent = create("recent@contoso.example", json!({"active": false}));
    let (status, manual) = send(
        "POST",
        &server.url("/api/v1/persons"),
        Some(&session),
        Some(json!({"fields": {"user_name": "hand@contoso.example", "active": false}})),
    );
    assert_eq!(status, 201, "{manual}");
    // Inactive for 40 days: set where no API reaches, in the database.
    let forty_days_ago = (std::time::SystemTime::now() - Duration::from_secs(40 * 86_400))
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    db.execute(&format!(
        "UPDATE persons SET inactive_since = {forty_days_ago} WHERE user_name IN ('old@contoso.example', 'hand@contoso.example')"
    ));
    assert_eq!(health(&server, &session)["long_inactive"], 0, "90 days by default");
    let (_, h) = send("GET", &server.url("/api/v1/health?inactive_days=30"), Some(&session), None);
    assert_eq!(h["long_inactive"], 2);
    assert_eq!(persons(&server, &session, "inactive_days=30"), ["hand@contoso.example", "old@contoso.example"]);
    let (status, v) = send("PUT", &server.url("/api/v1/scim-import/purge"), Some(&session), Some(json!({"days": 29})));
    assert_eq!(status, 422, "{v}");
    let (status, v) = send("PUT", &server.url("/api/v1/scim-import/purge"), Some(&session), Some(json!({"days": 30})));
    assert_eq!(status, 200, "{v}");
    let mail = wait_for("the purge notice", || {
        smtp.messages().into_iter().find(|m| m.header("Subject").is_some_and(|s| s.contains("long-inactive")))
    });
    let text = mail.part("text/plain").split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("1 SCIM persons inactive for more than 30 days were deleted"), "{text}");
    assert!(text.contains("old (old@contoso.example)"), "{text}");
    assert_eq!(send("GET", &format!("{users}/{old}"), Some(&token), None).0, 404);
    assert_eq!(send("GET", &format!("{users}/{recent}"), Some(&token), None).0, 200, "inactive for less");
    let (status, _) =
        send("GET", &server.url(&format!("/api/v1/persons/{}", manual["id"].as_str().unwrap())), Some(&session), None);
    assert_eq!(status, 200, "a manual person is never purged");
    let (_, log) =
        send("GET", &server.url(&format!("/api/v1/scim-import/activity?person={old}")), Some(&session), None);
    let deleted = log["items"].as_array().unwrap().iter().find(|i| i["kind"] == "person_deleted").expect("recorded");
    assert_eq!(deleted["actor"], "ENS+");
    assert!(deleted["detail"].as_str().unwrap().contains("more than 30 days"), "{deleted}");
    std::thread::sleep(Duration::from_secs(3)); // more housekeeping runs: nothing left, no more mail
    let purges =
        smtp.messages().iter().filter(|m| m.header("Subject").is_some_and(|s| s.contains("long-inactive"))).count();
    assert_eq!(purges, 1, "one summary for the run that deleted something");

    // Entra activates the user again: 404, so it creates it anew.
    let (status, _) = patch(&server, &token, &old, json!([{"op": "replace", "path": "active", "value": true}]));
    assert_eq!(status, 404);
    create("old@contoso.example", json!({"active": true}));
}
