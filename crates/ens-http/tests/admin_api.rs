//! The admin API through HTTP: login, Setup › SCIM Import, persons, activity, CSRF and the
//! isolation of enterprises.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use ens_http::{AppState, HttpConfig};
use ens_ports::memory::RecordingMailer;
use ens_ports::{EnterpriseId, Ports};
use serde_json::{Value, json};

struct World {
    ports: Ports,
    mailer: Arc<RecordingMailer>,
    /// One service for every call, as in production (test e-mails are remembered there).
    state: AppState,
}

/// A principal's view: session token (bearer) or cookies + CSRF.
#[derive(Clone, Default)]
struct Client {
    bearer: Option<String>,
    cookie: Option<String>,
    csrf: Option<String>,
    /// Sent as `Accept-Language`, as the pages do.
    language: Option<&'static str>,
}

struct Answer {
    status: StatusCode,
    headers: actix_web::http::header::HeaderMap,
    body: Value,
}

impl World {
    fn new() -> Self {
        let (ports, mailer) = ens_ports::testing::ports_with_mailer();
        let config = HttpConfig { public_base_url: "https://ens.example.com".into(), ..HttpConfig::default() };
        let state = AppState::new(ports.clone(), config).expect("lanes");
        Self { ports, mailer, state }
    }

    /// What an operator does: an enterprise and a principal with a one-time password.
    fn operator_creates(&self, enterprise: &str, login: &str) -> (EnterpriseId, String) {
        let e = self.ports.create_enterprise(enterprise).unwrap();
        let creds = self.ports.create_principal(e.id, login).unwrap();
        (e.id, creds.password)
    }

    async fn call(&self, client: &Client, method: Method, uri: &str, body: Option<Value>) -> Answer {
        let app = test::init_service(ens_http::app(self.state.clone())).await;
        let mut req = TestRequest::default().method(method).uri(uri).peer_addr("10.1.2.3:4444".parse().unwrap());
        if let Some(t) = &client.bearer {
            req = req.insert_header(("Authorization", format!("Bearer {t}")));
        }
        if let Some(c) = &client.cookie {
            req = req.insert_header(("Cookie", c.clone()));
        }
        if let Some(c) = &client.csrf {
            req = req.insert_header(("X-CSRF-Token", c.clone()));
        }
        if let Some(l) = client.language {
            req = req.insert_header(("Accept-Language", l));
        }
        if let Some(b) = body {
            req = req.insert_header(("Content-Type", "application/json")).set_payload(b.to_string());
        }
        let res = test::call_service(&app, req.to_request()).await;
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = test::read_body(res).await;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if status.is_client_error() || status.is_server_error() {
            let ct = headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(ct == "application/problem+json" || ct == "application/scim+json", "{uri}: {status} {ct}");
        }
        Answer { status, headers, body }
    }

    /// Waits (bounded) for the test e-mail sent in the background; returns its result.
    async fn test_email_result(&self, client: &Client) -> Value {
        for _ in 0..200 {
            let a = self.call(client, Method::GET, "/api/v1/scim-import/test-email", None).await;
            assert_eq!(a.status, StatusCode::OK);
            if a.body["status"] == "done" {
                return a.body;
            }
            actix_web::rt::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        panic!("the test e-mail did not finish");
    }

    /// Logs in and, for a one-time password, sets a new one. Returns a bearer client.
    async fn login(&self, login: &str, password: &str) -> Client {
        let a = self
            .call(
                &Client::default(),
                Method::POST,
                "/api/v1/session",
                Some(json!({"login": login, "password": password})),
            )
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        let mut c = Client { bearer: a.body["token"].as_str().map(str::to_owned), ..Client::default() };
        if a.body["password_change_required"] == true {
            let a = self
                .call(
                    &c,
                    Method::PUT,
                    "/api/v1/session/password",
                    Some(json!({"current_password": password, "new_password": "a-long-new-password"})),
                )
                .await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.body);
            c.bearer = a.body["token"].as_str().map(str::to_owned);
        }
        c
    }

    async fn scim(&self, token: &str, method: Method, uri: &str, body: Option<Value>) -> Answer {
        let client = Client { bearer: Some(token.to_owned()), ..Client::default() };
        self.call(&client, method, uri, body).await
    }
}

fn cookies(headers: &actix_web::http::header::HeaderMap) -> (String, String) {
    let mut session = String::new();
    let mut csrf = String::new();
    for v in headers.get_all("set-cookie") {
        let v = v.to_str().unwrap();
        let pair = v.split(';').next().unwrap();
        if let Some(s) = pair.strip_prefix("ens_session=") {
            assert!(v.contains("HttpOnly") && v.contains("SameSite=Strict") && v.contains("Secure"), "{v}");
            session = s.to_owned();
        }
        if let Some(s) = pair.strip_prefix("ens_csrf=") {
            assert!(!v.contains("HttpOnly") && v.contains("SameSite=Strict"), "{v}");
            csrf = s.to_owned();
        }
    }
    (session, csrf)
}

#[actix_web::test]
async fn the_whole_flow_from_operator_to_scim() {
    let w = World::new();
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");

    // A one-time password must be changed before anything else.
    let a = w
        .call(
            &Client::default(),
            Method::POST,
            "/api/v1/session",
            Some(json!({"login": "admin@contoso.com", "password": password})),
        )
        .await;
    assert_eq!((a.status, a.body["password_change_required"].as_bool()), (StatusCode::CREATED, Some(true)));
    let first = Client { bearer: a.body["token"].as_str().map(str::to_owned), ..Client::default() };
    let blocked = w.call(&first, Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(
        (blocked.status, blocked.body["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("urn:ens-scim:problem:password-change-required"))
    );
    let c = w.login("admin@contoso.com", &password).await;

    let setup = w.call(&c, Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(setup.status, StatusCode::OK);
    assert_eq!(setup.body["tenant_url"], "https://ens.example.com/portal/scim/");
    assert_eq!(setup.body["state"]["status"], "off");
    assert_eq!(setup.body["token"], json!({"exists": false}));
    assert!(setup.body["notify_warning"].is_string());
    assert_eq!(setup.body["mapping"].as_array().unwrap().len(), 27);
    assert_eq!(
        setup.body["mapping"][0],
        json!({"key": "user_name", "label": "User name (sign-in name)", "scim_path": "userName", "selected": true,
               "required": true, "group": "identity", "group_label": "Sign-in and state"})
    );

    // Switching on needs a token.
    let refused = w.call(&c, Method::PUT, "/api/v1/scim-import/enabled", Some(json!({"enabled": true}))).await;
    assert_eq!(
        (refused.status, refused.body["type"].as_str()),
        (StatusCode::CONFLICT, Some("urn:ens-scim:problem:token-required"))
    );
    let t1 = w.call(&c, Method::POST, "/api/v1/scim-import/token", None).await;
    assert_eq!(t1.status, StatusCode::CREATED);
    assert_eq!(t1.headers.get("cache-control").unwrap(), "no-store");
    let token1 = t1.body["token"].as_str().unwrap().to_owned();
    assert_eq!(t1.body["last4"].as_str().unwrap(), &token1[token1.len() - 4..]);
    let on = w.call(&c, Method::PUT, "/api/v1/scim-import/enabled", Some(json!({"enabled": true}))).await;
    assert_eq!(
        (on.status, on.body["state"]["status"].as_str(), on.body["state"]["by"].as_str()),
        (StatusCode::OK, Some("on"), Some("admin@contoso.com"))
    );
    let setup = w.call(&c, Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(setup.body["token"]["last4"], t1.body["last4"]);
    assert!(setup.body.to_string().find(&token1).is_none(), "the token is never shown again");

    // The token works for SCIM.
    let created = w.scim(&token1, Method::POST, "/portal/scim/Users", Some(json!({"userName": "jdoe@contoso.com", "phoneNumbers": [{"type": "mobile", "value": "+41 79 000 00 00"}]}))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.body["phoneNumbers"][0]["value"], "+41 79 000 00 00");

    // Regenerating: the old token keeps working until Entra uses the new one.
    let t2 = w.call(&c, Method::POST, "/api/v1/scim-import/token", None).await;
    let token2 = t2.body["token"].as_str().unwrap().to_owned();
    assert!(t2.body["warning"].as_str().unwrap().contains("keeps working"), "{}", t2.body);
    let setup = w.call(&c, Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(setup.body["previous_token"]["last4"], t1.body["last4"], "{}", setup.body);
    assert!(setup.body["previous_token"]["works_until"].is_string());
    assert_eq!(w.scim(&token1, Method::GET, "/portal/scim/Users", None).await.status, StatusCode::OK);
    assert_eq!(w.scim(&token2, Method::GET, "/portal/scim/Users", None).await.status, StatusCode::OK);
    assert_eq!(
        w.scim(&token1, Method::GET, "/portal/scim/Users", None).await.status,
        StatusCode::UNAUTHORIZED,
        "Entra used the new token: the old one is retired"
    );
    let setup = w.call(&c, Method::GET, "/api/v1/scim-import", None).await;
    assert!(setup.body.get("previous_token").is_none(), "{}", setup.body);
    let none = w.call(&c, Method::DELETE, "/api/v1/scim-import/token/previous", None).await;
    assert_eq!(none.status, StatusCode::CONFLICT);

    // Regenerating again, then revoking the previous token at once.
    let t3 = w.call(&c, Method::POST, "/api/v1/scim-import/token", None).await;
    let token3 = t3.body["token"].as_str().unwrap().to_owned();
    let revoked = w.call(&c, Method::DELETE, "/api/v1/scim-import/token/previous", None).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    assert!(revoked.body.get("previous_token").is_none());
    assert_eq!(w.scim(&token2, Method::GET, "/portal/scim/Users", None).await.status, StatusCode::UNAUTHORIZED);
    let log = w.call(&c, Method::GET, "/api/v1/scim-import/activity", None).await;
    let details: Vec<&str> =
        log.body["items"].as_array().unwrap().iter().map(|a| a["detail"].as_str().unwrap()).collect();
    assert!(details.iter().any(|d| d.contains("revoked by admin@contoso.com")), "{details:?}");
    assert!(details.iter().any(|d| d.contains("Entra used the new one")), "{details:?}");
    let token2 = token3;

    // Deselecting a field stops it from being stored by the next SCIM request.
    let mut selected: Vec<String> =
        setup.body["mapping"].as_array().unwrap().iter().map(|f| f["key"].as_str().unwrap().to_owned()).collect();
    selected.retain(|k| k != "phone_mobile");
    let m = w.call(&c, Method::PUT, "/api/v1/scim-import/mapping", Some(json!({"selected": selected}))).await;
    assert_eq!(m.status, StatusCode::OK);
    let second = w.scim(&token2, Method::POST, "/portal/scim/Users", Some(json!({"userName": "bob@contoso.com", "phoneNumbers": [{"type": "mobile", "value": "+41 79 111 11 11"}]}))).await;
    assert_eq!(second.status, StatusCode::CREATED);
    assert!(second.body.get("phoneNumbers").is_none(), "{}", second.body);
    let id = created.body["id"].as_str().unwrap();
    let patched = w
        .scim(&token2, Method::PATCH, &format!("/portal/scim/Users/{id}"), Some(json!({"Operations": [{"op": "replace", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "+41 79 222 22 22"}]})))
        .await;
    assert_eq!(patched.body["phoneNumbers"][0]["value"], "+41 79 000 00 00", "not overwritten either");

    // Required fields cannot be deselected.
    let bad =
        w.call(&c, Method::PUT, "/api/v1/scim-import/mapping", Some(json!({"selected": ["user_name", "title"]}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["fields"], json!(["external_id", "active"]));

    // The Person list shows where people come from.
    let list = w.call(&c, Method::GET, "/api/v1/persons?q=JDOE", None).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["source"], "scim");
    assert!(list.body["items"][0]["scim_updated_at"].is_string());

    // The activity log, newest first.
    let log = w.call(&c, Method::GET, "/api/v1/scim-import/activity?per_page=50", None).await;
    let kinds: Vec<&str> = log.body["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    // The PATCH of a field no longer imported changed nothing, so it wrote nothing.
    assert_eq!(
        kinds,
        [
            "person_created",
            "mapping_changed",
            "token_retired",
            "token_generated",
            "token_retired",
            "token_generated",
            "person_created",
            "import_switched_on",
            "token_generated"
        ]
    );
    assert_eq!(log.body["items"][2]["actor"], "admin@contoso.com", "revoked");
    assert_eq!(log.body["items"][4]["actor"], "SCIM (Entra)", "retired by Entra's use of the new token");
    assert_eq!(log.body["items"][0]["actor"], "SCIM (Entra)");

    // Refused changes are logged too, with the reason.
    let dup = w.scim(&token2, Method::POST, "/portal/scim/Users", Some(json!({"userName": "JDOE@contoso.com"}))).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);
    let bad = w
        .scim(
            &token2,
            Method::PATCH,
            &format!("/portal/scim/Users/{id}"),
            Some(json!({"Operations": [{"op": "replace", "path": "emails[type eq \"work\"].value", "value": "nope"}]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let log = w.call(&c, Method::GET, "/api/v1/scim-import/activity?per_page=2", None).await;
    let items = log.body["items"].as_array().unwrap();
    assert_eq!((items[0]["kind"].as_str(), items[0]["outcome"].as_str()), (Some("person_patched"), Some("rejected")));
    assert_eq!(items[0]["user_name"], "jdoe@contoso.com");
    // In a principal's words: the field by its label, what is wrong, the value Entra sent.
    assert_eq!(
        items[0]["detail"], "Work e-mail is not an e-mail address such as name@example.com: “nope”",
        "{}",
        items[0]
    );
    assert_eq!(
        (items[1]["kind"].as_str(), items[1]["outcome"].as_str()),
        (Some("user_name_conflict"), Some("rejected"))
    );
    assert_eq!(items[1]["detail"], "another person already has the user name “JDOE@contoso.com”", "{}", items[1]);
    assert_eq!(items[1]["person_id"].as_str(), Some(id), "the entry names who holds the userName");

    // Only what went wrong, among everything that was applied.
    let log = w.call(&c, Method::GET, "/api/v1/scim-import/activity?outcome=rejected,failed", None).await;
    assert_eq!(log.status, StatusCode::OK);
    assert_eq!(log.body["total"], 2, "{}", log.body);
    let outcomes: Vec<&str> =
        log.body["items"].as_array().unwrap().iter().map(|i| i["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["rejected", "rejected"]);
    let applied = w.call(&c, Method::GET, "/api/v1/scim-import/activity?outcome=applied", None).await;
    assert_eq!(applied.body["total"], 9, "{}", applied.body);
    for everything in ["/api/v1/scim-import/activity", "/api/v1/scim-import/activity?outcome="] {
        assert_eq!(w.call(&c, Method::GET, everything, None).await.body["total"], 11, "{everything}");
    }
    let unknown = w.call(&c, Method::GET, "/api/v1/scim-import/activity?outcome=failed,oops", None).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.headers.get("content-type").unwrap(), "application/problem+json");
    assert!(unknown.body["detail"].as_str().unwrap().contains("\"oops\""), "{}", unknown.body);
}

#[actix_web::test]
async fn login_failures_are_refused_then_throttled() {
    let w = World::new();
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");
    let wrong = w
        .call(
            &Client::default(),
            Method::POST,
            "/api/v1/session",
            Some(json!({"login": "admin@contoso.com", "password": "nope"})),
        )
        .await;
    assert_eq!(
        (wrong.status, wrong.body["type"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("urn:ens-scim:problem:invalid-credentials"))
    );
    for _ in 0..5 {
        w.call(
            &Client::default(),
            Method::POST,
            "/api/v1/session",
            Some(json!({"login": "admin@contoso.com", "password": "nope"})),
        )
        .await;
    }
    let throttled = w
        .call(
            &Client::default(),
            Method::POST,
            "/api/v1/session",
            Some(json!({"login": "admin@contoso.com", "password": password})),
        )
        .await;
    assert_eq!(throttled.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(throttled.headers.contains_key("retry-after"));
    let garbage = w.call(&Client::default(), Method::POST, "/api/v1/session", Some(json!({"login": 1}))).await;
    assert_eq!(
        (garbage.status, garbage.body["type"].as_str()),
        (StatusCode::BAD_REQUEST, Some("urn:ens-scim:problem:invalid-request"))
    );
    let none = w.call(&Client::default(), Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn cookie_sessions_need_the_csrf_token_for_writes() {
    let w = World::new();
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");
    let bearer = w.login("admin@contoso.com", &password).await;
    w.call(&bearer, Method::DELETE, "/api/v1/session", None).await;
    let a = w
        .call(
            &Client::default(),
            Method::POST,
            "/api/v1/session",
            Some(json!({"login": "admin@contoso.com", "password": "a-long-new-password"})),
        )
        .await;
    let (session, csrf) = cookies(&a.headers);
    assert_eq!(a.body["csrf_token"].as_str(), Some(csrf.as_str()));
    let browser = Client { cookie: Some(format!("ens_session={session}; ens_csrf={csrf}")), ..Client::default() };
    assert_eq!(
        w.call(&browser, Method::GET, "/api/v1/scim-import", None).await.status,
        StatusCode::OK,
        "reads need no CSRF token"
    );
    let forged = w.call(&browser, Method::POST, "/api/v1/scim-import/token", None).await;
    assert_eq!(
        (forged.status, forged.body["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("urn:ens-scim:problem:csrf"))
    );
    let wrong = Client { csrf: Some("not-it".into()), ..browser.clone() };
    assert_eq!(w.call(&wrong, Method::POST, "/api/v1/scim-import/token", None).await.status, StatusCode::FORBIDDEN);
    let page = Client { csrf: Some(csrf), ..browser.clone() };
    assert_eq!(w.call(&page, Method::POST, "/api/v1/scim-import/token", None).await.status, StatusCode::CREATED);
    let out = w.call(&page, Method::DELETE, "/api/v1/session", None).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(w.call(&page, Method::GET, "/api/v1/scim-import", None).await.status, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn notification_addresses_and_the_test_email() {
    let w = World::new();
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");
    let c = w.login("admin@contoso.com", &password).await;
    let none = w.call(&c, Method::POST, "/api/v1/scim-import/test-email", None).await;
    assert_eq!(
        (none.status, none.body["type"].as_str()),
        (StatusCode::CONFLICT, Some("urn:ens-scim:problem:no-addresses"))
    );
    let bad = w
        .call(
            &c,
            Method::PUT,
            "/api/v1/scim-import/emails",
            Some(json!({"addresses": ["ops@contoso.com", "not an address"]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.body["addresses"][0]["index"], 1);
    let ok = w
        .call(
            &c,
            Method::PUT,
            "/api/v1/scim-import/emails",
            Some(json!({"addresses": ["ops@contoso.com", "it@contoso.com"]})),
        )
        .await;
    assert_eq!(ok.body["notify"], json!(["ops@contoso.com", "it@contoso.com"]));
    assert!(ok.body.get("notify_warning").is_none());
    let sent = w.call(&c, Method::POST, "/api/v1/scim-import/test-email", None).await;
    assert_eq!((sent.status, sent.body["status"].as_str()), (StatusCode::ACCEPTED, Some("sending")));
    let sent = w.test_email_result(&c).await;
    assert_eq!(
        sent["deliveries"],
        json!([{"address": "ops@contoso.com", "delivered": true}, {"address": "it@contoso.com", "delivered": true}])
    );
    let mails = w.mailer.sent();
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[0].setup_url, "https://ens.example.com/setup/scim-import");
    w.mailer.set_failing(true);
    let started = w.call(&c, Method::POST, "/api/v1/scim-import/test-email", None).await;
    assert_eq!(started.status, StatusCode::ACCEPTED);
    let failed = w.test_email_result(&c).await;
    assert_eq!(failed["deliveries"][0]["delivered"], false);
    assert!(failed["deliveries"][0]["error"].as_str().unwrap().contains("refused"));
    // A few tests per window and enterprise.
    for _ in 0..3 {
        assert_eq!(w.call(&c, Method::POST, "/api/v1/scim-import/test-email", None).await.status, StatusCode::ACCEPTED);
        w.test_email_result(&c).await;
    }
    let limited = w.call(&c, Method::POST, "/api/v1/scim-import/test-email", None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key("retry-after"));
    let cleared = w.call(&c, Method::PUT, "/api/v1/scim-import/emails", Some(json!({"addresses": []}))).await;
    assert_eq!(cleared.body["notify"], json!([]));
}

#[actix_web::test]
async fn manual_persons_and_the_fields_entra_owns() {
    let w = World::new();
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");
    let c = w.login("admin@contoso.com", &password).await;
    let created = w
        .call(&c, Method::POST, "/api/v1/persons", Some(json!({"fields": {"user_name": "jane@contoso.com", "display_name": "Jane", "phone_mobile": "+41 79 000 00 00"}})))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(
        (created.body["source"].as_str(), created.body["imported"].as_array().map(Vec::len)),
        (Some("manual"), Some(0))
    );
    let id = created.body["id"].as_str().unwrap().to_owned();
    let invalid = w
        .call(
            &c,
            Method::POST,
            "/api/v1/persons",
            Some(json!({"fields": {"user_name": "x@contoso.com", "email_work": "nope"}})),
        )
        .await;
    assert_eq!(
        (invalid.status, invalid.body["fields"].clone()),
        (StatusCode::UNPROCESSABLE_ENTITY, json!(["email_work"]))
    );
    let unknown = w.call(&c, Method::POST, "/api/v1/persons", Some(json!({"fields": {"shoe_size": "42"}}))).await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    let dup =
        w.call(&c, Method::POST, "/api/v1/persons", Some(json!({"fields": {"user_name": "JANE@contoso.com"}}))).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    // Entra finds the manual person by userName and takes it over: no duplicate.
    let t = w.call(&c, Method::POST, "/api/v1/scim-import/token", None).await;
    let token = t.body["token"].as_str().unwrap().to_owned();
    w.call(&c, Method::PUT, "/api/v1/scim-import/enabled", Some(json!({"enabled": true}))).await;
    let found =
        w.scim(&token, Method::GET, "/portal/scim/Users?filter=userName+eq+%22Jane%40contoso.com%22", None).await;
    assert_eq!(found.body["totalResults"], 1);
    let scim_id = found.body["Resources"][0]["id"].as_str().unwrap();
    assert_eq!(scim_id, id);
    let p = w
        .scim(
            &token,
            Method::PATCH,
            &format!("/portal/scim/Users/{id}"),
            Some(json!({"Operations": [{"op": "replace", "path": "displayName", "value": "Jane Doe"}]})),
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    let detail = w.call(&c, Method::GET, &format!("/api/v1/persons/{id}"), None).await;
    assert_eq!(
        (detail.body["source"].as_str(), detail.body["fields"]["display_name"].as_str()),
        (Some("scim"), Some("Jane Doe"))
    );
    assert!(detail.body["imported"].as_array().unwrap().iter().any(|k| k == "display_name"));

    // Imported fields belong to Entra: 409 naming them; the others stay editable.
    let mut mapping: Vec<String> =
        detail.body["imported"].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_owned()).collect();
    mapping.retain(|k| k != "phone_mobile");
    w.call(&c, Method::PUT, "/api/v1/scim-import/mapping", Some(json!({"selected": mapping}))).await;
    let refused = w
        .call(
            &c,
            Method::PATCH,
            &format!("/api/v1/persons/{id}"),
            Some(json!({"fields": {"display_name": "J", "phone_mobile": "+41 79 999 99 99"}})),
        )
        .await;
    assert_eq!((refused.status, refused.body["fields"].clone()), (StatusCode::CONFLICT, json!(["display_name"])));
    let ok = w
        .call(
            &c,
            Method::PATCH,
            &format!("/api/v1/persons/{id}"),
            Some(json!({"fields": {"phone_mobile": "+41 79 999 99 99"}, "version": detail.body["version"]})),
        )
        .await;
    assert_eq!((ok.status, ok.body["fields"]["phone_mobile"].as_str()), (StatusCode::OK, Some("+41 79 999 99 99")));
    let stale = w
        .call(
            &c,
            Method::PATCH,
            &format!("/api/v1/persons/{id}"),
            Some(json!({"fields": {"phone_mobile": null}, "version": detail.body["version"]})),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let del = w.call(&c, Method::DELETE, &format!("/api/v1/persons/{id}"), None).await;
    assert_eq!(
        (del.status, del.body["type"].as_str()),
        (StatusCode::CONFLICT, Some("urn:ens-scim:problem:managed-by-scim"))
    );
    let manual =
        w.call(&c, Method::POST, "/api/v1/persons", Some(json!({"fields": {"user_name": "temp@contoso.com"}}))).await;
    let mid = manual.body["id"].as_str().unwrap();
    assert_eq!(
        w.call(&c, Method::DELETE, &format!("/api/v1/persons/{mid}"), None).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(w.call(&c, Method::GET, &format!("/api/v1/persons/{mid}"), None).await.status, StatusCode::NOT_FOUND);
    let sorted = w.call(&c, Method::GET, "/api/v1/persons?sort=last_changed&per_page=1", None).await;
    assert_eq!((sorted.body["total"].as_u64(), sorted.body["items"].as_array().map(Vec::len)), (Some(1), Some(1)));
    assert_eq!(w.call(&c, Method::GET, "/api/v1/persons?sort=shoe", None).await.status, StatusCode::BAD_REQUEST);
}

/// For every endpoint, a principal of enterprise A reaches nothing of enterprise B, and B's
/// SCIM token never reaches A's persons.
#[actix_web::test]
async fn enterprises_are_isolated_on_every_endpoint() {
    let w = World::new();
    let (_, pa) = w.operator_creates("Contoso", "admin@contoso.com");
    let (_, pb) = w.operator_creates("Fabrikam", "admin@fabrikam.com");
    let a = w.login("admin@contoso.com", &pa).await;
    let b = w.login("admin@fabrikam.com", &pb).await;
    let ta =
        w.call(&a, Method::POST, "/api/v1/scim-import/token", None).await.body["token"].as_str().unwrap().to_owned();
    let tb =
        w.call(&b, Method::POST, "/api/v1/scim-import/token", None).await.body["token"].as_str().unwrap().to_owned();
    for c in [&a, &b] {
        w.call(c, Method::PUT, "/api/v1/scim-import/enabled", Some(json!({"enabled": true}))).await;
    }
    let a_person = w
        .call(&a, Method::POST, "/api/v1/persons", Some(json!({"fields": {"user_name": "jane@contoso.com"}})))
        .await
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let a_scim =
        w.scim(&ta, Method::POST, "/portal/scim/Users", Some(json!({"userName": "jdoe@contoso.com"}))).await.body["id"]
            .as_str()
            .unwrap()
            .to_owned();
    w.call(&a, Method::PUT, "/api/v1/scim-import/emails", Some(json!({"addresses": ["ops@contoso.com"]}))).await;

    // B's views of its own enterprise show nothing of A.
    let setup_b = w.call(&b, Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(setup_b.body["enterprise"]["name"], "Fabrikam");
    assert_eq!(setup_b.body["notify"], json!([]));
    assert_eq!(w.call(&b, Method::GET, "/api/v1/persons", None).await.body["total"], 0);
    let log_b = w.call(&b, Method::GET, "/api/v1/scim-import/activity", None).await;
    assert!(log_b.body["items"].as_array().unwrap().iter().all(|i| i["user_name"].is_null()), "{}", log_b.body);
    // B addressing A's persons by id: 404, and nothing changes.
    for id in [&a_person, &a_scim] {
        assert_eq!(w.call(&b, Method::GET, &format!("/api/v1/persons/{id}"), None).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            w.call(&b, Method::PATCH, &format!("/api/v1/persons/{id}"), Some(json!({"fields": {"title": "x"}})))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.call(&b, Method::DELETE, &format!("/api/v1/persons/{id}"), None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.scim(&tb, Method::GET, &format!("/portal/scim/Users/{id}"), None).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.scim(
                &tb,
                Method::PATCH,
                &format!("/portal/scim/Users/{id}"),
                Some(json!({"Operations": [{"op": "replace", "path": "title", "value": "x"}]}))
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.scim(&tb, Method::PUT, &format!("/portal/scim/Users/{id}"), Some(json!({"userName": "x@fabrikam.com"})))
                .await
                .status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            w.scim(&tb, Method::DELETE, &format!("/portal/scim/Users/{id}"), None).await.status,
            StatusCode::NOT_FOUND
        );
        let still = w.call(&a, Method::GET, &format!("/api/v1/persons/{id}"), None).await;
        assert_eq!(still.status, StatusCode::OK);
        assert!(still.body["fields"].get("title").is_none());
    }
    // B's token finds none of A's persons and creates in B only.
    assert_eq!(
        w.scim(&tb, Method::GET, "/portal/scim/Users?filter=userName+eq+%22jdoe%40contoso.com%22", None).await.body["totalResults"],
        0
    );
    assert_eq!(w.scim(&tb, Method::GET, "/portal/scim/Users", None).await.body["totalResults"], 0);
    assert_eq!(
        w.scim(&tb, Method::POST, "/portal/scim/Users", Some(json!({"userName": "jdoe@contoso.com"}))).await.status,
        StatusCode::CREATED
    );
    assert_eq!(w.call(&a, Method::GET, "/api/v1/persons", None).await.body["total"], 2);
    // B's writes to its own setup leave A's alone.
    let limit = json!({"floor": 7, "percent": 50, "window_minutes": 30});
    assert_eq!(
        w.call(&b, Method::PUT, "/api/v1/scim-import/departure-limit", Some(limit)).await.status,
        StatusCode::OK
    );
    assert_eq!(w.call(&a, Method::GET, "/api/v1/scim-import", None).await.body["departure_limit"]["floor"], 20);
    let allow = w.call(&b, Method::POST, "/api/v1/scim-import/hold/allow", None).await;
    assert_eq!(
        (allow.status, allow.body["type"].as_str()),
        (StatusCode::CONFLICT, Some("urn:ens-scim:problem:no-hold")),
        "{}",
        allow.body
    );
    w.call(&b, Method::POST, "/api/v1/scim-import/token", None).await;
    w.call(&b, Method::PUT, "/api/v1/scim-import/enabled", Some(json!({"enabled": false}))).await;
    assert_eq!(w.scim(&ta, Method::GET, "/portal/scim/Users", None).await.status, StatusCode::OK);
    assert_eq!(w.call(&a, Method::GET, "/api/v1/scim-import", None).await.body["notify"], json!(["ops@contoso.com"]));
}

/// The notices' language is the enterprise's: chosen, recorded with who chose it, refused
/// for a language ENS+ does not speak (nothing changed). The API words its problems and
/// hints in the request's language; the notices follow the enterprise's choice, not it.
#[actix_web::test]
async fn languages_of_the_notices_and_of_the_answers() {
    let w = World::new();
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");
    let c = w.login("admin@contoso.com", &password).await;
    let view = w.call(&c, Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(view.body["notice_language"], "en");
    for bad in ["fr", "DE", "de-CH", ""] {
        let refused =
            w.call(&c, Method::PUT, "/api/v1/scim-import/notice-language", Some(json!({"language": bad}))).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", refused.body);
        assert_eq!(refused.body["type"], "urn:ens-scim:problem:invalid-language");
        assert_eq!(refused.body["fields"], json!(["language"]));
    }
    let german = Client { language: Some("de-CH,de;q=0.9,en;q=0.5"), ..c.clone() };
    let chosen =
        w.call(&german, Method::PUT, "/api/v1/scim-import/notice-language", Some(json!({"language": "de"}))).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert_eq!(chosen.body["notice_language"], "de");
    // Worded for a German-speaking principal: hints, field labels, the what-to-do.
    assert_eq!(
        chosen.body["notify_warning"],
        "Keine Benachrichtigungsadresse: Fällt die Synchronisierung aus, erfährt niemand davon per E-Mail."
    );
    assert!(chosen.body["what_to_do"].is_null());
    assert!(chosen.body["state"]["what_to_do"].as_str().unwrap().starts_with("Erzeugen Sie ein geheimes Token"));
    let labels: Vec<&str> =
        chosen.body["mapping"].as_array().unwrap().iter().map(|f| f["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"Mobiltelefon") && labels.contains(&"Abteilung"), "{labels:?}");
    let english = w.call(&c, Method::GET, "/api/v1/scim-import", None).await;
    assert!(english.body["state"]["what_to_do"].as_str().unwrap().starts_with("Generate a secret token"));
    let log = w.call(&c, Method::GET, "/api/v1/scim-import/activity", None).await;
    let entry = &log.body["items"][0];
    assert_eq!(
        (entry["kind"].as_str(), entry["actor"].as_str()),
        (Some("notice_language_changed"), Some("admin@contoso.com"))
    );
    assert_eq!(entry["actor_kind"], "principal");
    // The entry was recorded once; each reader gets it in their language.
    assert_eq!(entry["detail"], "notices are now written in German");
    let log = w.call(&german, Method::GET, "/api/v1/scim-import/activity", None).await;
    assert_eq!(log.body["items"][0]["detail"], "Benachrichtigungen werden jetzt auf Deutsch geschrieben");

    // Problems in German, the same problem in English.
    let refused = w.call(&german, Method::PUT, "/api/v1/scim-import/enabled", Some(json!({"enabled": true}))).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.body["title"], "Erzeugen Sie zuerst ein geheimes Token");
    assert_eq!(
        refused.body["detail"],
        "Der SCIM-Import kann erst eingeschaltet werden, wenn ein geheimes Token erzeugt wurde"
    );
    let refused = w.call(&c, Method::PUT, "/api/v1/scim-import/enabled", Some(json!({"enabled": true}))).await;
    assert_eq!(refused.body["title"], "Generate a secret token first");
    let person = json!({"fields": {"user_name": "visitor@contoso.com", "phone_mobile": "call me"}});
    let refused = w.call(&german, Method::POST, "/api/v1/persons", Some(person)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.body["fields"], json!(["phone_mobile"]));
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .starts_with("Mobiltelefon ist ungültig, erwartet wird eine Telefonnummer"),
        "{}",
        refused.body
    );
    let anonymous = Client { language: Some("de"), ..Client::default() };
    let nobody = w.call(&anonymous, Method::GET, "/api/v1/scim-import", None).await;
    assert_eq!(nobody.body["title"], "Nicht angemeldet");

    // The notices follow the enterprise's choice.
    w.call(&c, Method::PUT, "/api/v1/scim-import/emails", Some(json!({"addresses": ["ops@contoso.com"]}))).await;
    w.call(&c, Method::POST, "/api/v1/scim-import/test-email", None).await;
    w.test_email_result(&c).await;
    assert_eq!(w.mailer.sent()[0].language, ens_ports::Language::German);
}

#[actix_web::test]
async fn openapi_document_lists_every_endpoint() {
    let w = World::new();
    let a = w.call(&Client::default(), Method::GET, "/api/v1/openapi.json", None).await;
    assert_eq!(a.status, StatusCode::OK);
    let paths: Vec<&String> = a.body["paths"].as_object().unwrap().keys().collect();
    for p in [
        "/api/v1/session",
        "/api/v1/session/password",
        "/api/v1/scim-import",
        "/api/v1/scim-import/token",
        "/api/v1/scim-import/emails",
        "/api/v1/scim-import/enabled",
        "/api/v1/scim-import/mapping",
        "/api/v1/scim-import/departure-limit",
        "/api/v1/scim-import/hold/allow",
        "/api/v1/scim-import/purge",
        "/api/v1/scim-import/notice-language",
        "/api/v1/health",
        "/api/v1/health/conflicts",
        "/api/v1/scim-import/test-email",
        "/api/v1/scim-import/activity",
        "/api/v1/persons",
        "/api/v1/persons/{id}",
    ] {
        assert!(paths.iter().any(|x| *x == p), "{p} missing from {paths:?}");
    }
    assert!(a.body["components"]["schemas"]["ImportView"].is_object());
    let anonymous = w.call(&Client::default(), Method::GET, "/api/v1/nope", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "nothing but login is answered without a session");
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");
    let c = w.login("admin@contoso.com", &password).await;
    let missing = w.call(&c, Method::GET, "/api/v1/nope", None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

/// What the gate settles before any handler runs: JSON bodies only (a cross-site form
/// cannot log in), bounded bodies (413), a session before any body is read, bounded search
/// text, and no answer cached anywhere.
#[actix_web::test]
async fn the_gate_refuses_what_no_handler_should_see() {
    let w = World::new();
    let (_, password) = w.operator_creates("Contoso", "admin@contoso.com");
    let login = json!({"login": "admin@contoso.com", "password": password}).to_string();
    for content_type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let req = TestRequest::post()
            .uri("/api/v1/session")
            .insert_header(("Content-Type", content_type))
            .set_payload(login.clone())
            .to_request();
        let app = test::init_service(ens_http::app(w.state.clone())).await;
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{content_type}");
    }
    let c = w.login("admin@contoso.com", &password).await;
    let huge = json!({"addresses": ["x".repeat(70 * 1024)]});
    let too_large = w.call(&c, Method::PUT, "/api/v1/scim-import/emails", Some(huge.clone())).await;
    assert_eq!(too_large.status, StatusCode::PAYLOAD_TOO_LARGE);
    let anonymous = w.call(&Client::default(), Method::PUT, "/api/v1/scim-import/emails", Some(huge)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED, "authenticated before the body is looked at");
    let long = format!("/api/v1/persons?q={}", "a".repeat(60_000));
    let search = w.call(&c, Method::GET, &long, None).await;
    assert_eq!(search.status, StatusCode::BAD_REQUEST);
    assert!(search.body["detail"].as_str().unwrap().contains("200 characters"), "{}", search.body);
    for (client, uri) in
        [(&c, "/api/v1/scim-import"), (&c, "/api/v1/persons"), (&Client::default(), "/api/v1/scim-import")]
    {
        let a = w.call(client, Method::GET, uri, None).await;
        assert_eq!(
            a.headers.get("cache-control").and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{uri} {}",
            a.status
        );
    }
}
