//! Principals managing principals through the admin API, on the real binary and both
//! backends: invite (a one-time password, changed at first login), reset, remove (not
//! oneself, not the last), each in the activity log with who did it — and never across
//! enterprises.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use ens_store_diesel::testing::TestDb;
use serde_json::{Value, json};
use support::{CHEAP_ARGON, Server, login, provisioned, send};

fn logins(server: &Server, session: &str) -> Vec<String> {
    let (status, list) = send("GET", &server.url("/api/v1/principals"), Some(session), None);
    assert_eq!(status, 200, "{list}");
    list["items"].as_array().unwrap().iter().map(|p| p["login"].as_str().unwrap().to_owned()).collect()
}

fn principals_manage_principals(db: TestDb) {
    let url = db.url_string();
    let mut env = vec![("ENS_SCIM__DATABASE__URL", url.as_str())];
    env.extend(CHEAP_ARGON);
    let server = Server::start(&env);
    let (admin, _) = provisioned(&server, &env, "Contoso", "admin@contoso.example", &[]);
    let (other, _) = provisioned(&server, &env, "Fabrikam", "admin@fabrikam.example", &[]);
    let api = |path: &str| server.url(path);

    // Invite: a one-time password, shown once, to be changed at first login.
    let (status, invited) =
        send("POST", &api("/api/v1/principals"), Some(&admin), Some(json!({"login": "ops@contoso.example"})));
    assert_eq!(status, 201, "{invited}");
    let ops_id = invited["id"].as_str().unwrap().to_owned();
    let (status, b) =
        send("POST", &api("/api/v1/principals"), Some(&admin), Some(json!({"login": "OPS@contoso.example"})));
    assert_eq!((status, b["fields"].clone()), (409, json!(["login"])), "{b}");
    let (status, b) = send("POST", &api("/api/v1/principals"), Some(&admin), Some(json!({"login": "ops"})));
    assert_eq!((status, b["fields"].clone()), (422, json!(["login"])), "{b}");
    let ops = login(&server, "ops@contoso.example", invited["password"].as_str().unwrap(), "a long password of ops");
    assert_eq!(logins(&server, &ops), ["admin@contoso.example", "ops@contoso.example"]);
    let (_, list) = send("GET", &api("/api/v1/principals"), Some(&admin), None);
    let me: Vec<bool> = list["items"].as_array().unwrap().iter().map(|p| p["you"] == true).collect();
    assert_eq!(me, [true, false]);
    assert!(list["items"][1]["last_login_at"].is_string(), "{list}");

    // Another enterprise sees only its own, and cannot touch these.
    assert_eq!(logins(&server, &other), ["admin@fabrikam.example"]);
    for (method, path) in
        [("POST", format!("/api/v1/principals/{ops_id}/password")), ("DELETE", format!("/api/v1/principals/{ops_id}"))]
    {
        let (status, b) = send(method, &api(&path), Some(&other), None);
        assert_eq!(status, 404, "{method} {path}: {b}");
    }
    assert_eq!(send("GET", &api("/api/v1/principals"), Some(&ops), None).0, 200, "ops still there and logged in");

    // Reset: ops's session ends; the new one-time password must be changed.
    let (status, reset) = send("POST", &api(&format!("/api/v1/principals/{ops_id}/password")), Some(&admin), None);
    assert_eq!(status, 200, "{reset}");
    assert_eq!(send("GET", &api("/api/v1/principals"), Some(&ops), None).0, 401, "their session ended");
    let ops = login(&server, "ops@contoso.example", reset["password"].as_str().unwrap(), "another long password");

    // Remove: not oneself; not the last; ops removes admin, then cannot remove itself.
    let (status, b) = send("DELETE", &api(&format!("/api/v1/principals/{ops_id}")), Some(&ops), None);
    assert_eq!((status, b["type"].as_str().map(|t| t.ends_with("remove-self"))), (409, Some(true)), "{b}");
    let admin_id = list["items"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(send("DELETE", &api(&format!("/api/v1/principals/{admin_id}")), Some(&ops), None).0, 204);
    assert_eq!(send("GET", &api("/api/v1/principals"), Some(&admin), None).0, 401, "removed: logged out");
    assert_eq!(logins(&server, &ops), ["ops@contoso.example"]);

    // Each change in the log, with who did it; none in the other enterprise's.
    let log = |session: &str| -> Vec<(String, String)> {
        let (_, log) = send("GET", &api("/api/v1/scim-import/activity?per_page=50"), Some(session), None);
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"].as_str().unwrap().starts_with("principal_"))
            .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["detail"].as_str().unwrap().to_owned()))
            .collect()
    };
    assert_eq!(
        log(&ops),
        [
            ("principal_removed".to_owned(), "removed admin@contoso.example".to_owned()),
            ("principal_password_reset".to_owned(), "gave ops@contoso.example a new one-time password".to_owned()),
            ("principal_invited".to_owned(), "invited ops@contoso.example".to_owned()),
        ]
    );
    let (_, entries) = send("GET", &api("/api/v1/scim-import/activity?per_page=50"), Some(&ops), None);
    let actors: Vec<&Value> = entries["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "principal_invited" || i["kind"] == "principal_removed")
        .map(|i| &i["actor"])
        .collect();
    assert_eq!(actors[0], "ops@contoso.example", "ops removed admin");
    assert!(log(&other).is_empty());
}

#[test]
fn principals_manage_principals_of_their_enterprise_sqlite() {
    principals_manage_principals(TestDb::sqlite());
}

#[test]
fn principals_manage_principals_of_their_enterprise_postgres() {
    principals_manage_principals(TestDb::postgres());
}
