//! The pages in a real browser: headless Chromium through chromedriver, against the real
//! `ens-scim` binary. Each page visited is photographed at laptop and phone width under
//! `<target>/browser-screenshots/`, and any unexpected error on the browser console fails
//! the test.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "support/browser.rs"]
mod browser;
mod support;

use std::future::Future;
use std::time::Duration;

use browser::{Browser, free_port};
use ens_store_diesel::testing::TestDb;
use serde_json::{Value, json};
use support::{Server, login, run, send};

const LOGIN: &str = "admin@contoso.com";
const NEW_PASSWORD: &str = "correct horse battery staple";

/// No test may run longer than this.
async fn bounded(test: impl Future<Output = ()>) {
    tokio::time::timeout(Duration::from_secs(300), test).await.expect("the test took more than 300 s");
}

/// The real binary on `database_url`, with an enterprise and a principal made by the CLI,
/// on a port chosen beforehand so that its public base URL (the Tenant URL) is its own.
struct World {
    server: Server,
    one_time_password: String,
}

impl World {
    fn start(database_url: &str, extra: &[(&str, &str)]) -> World {
        let cli = [("ENS_SCIM__DATABASE__URL", database_url)];
        let (ok, _, err) = run(&["enterprise", "create", "--name", "Contoso"], &cli);
        assert!(ok, "{err}");
        let (ok, out, err) = run(&["principal", "create", "--enterprise", "Contoso", "--login", LOGIN], &cli);
        assert!(ok, "{err}");
        let one_time_password = support::printed_password(&out);

        let port = free_port();
        let bind = format!("127.0.0.1:{port}");
        let base = format!("http://{bind}");
        // Test e-mails go to a port where nothing listens: each address reports its failure.
        let smtp_port = free_port().to_string();
        let mut env = vec![
            ("ENS_SCIM__DATABASE__URL", database_url),
            ("ENS_SCIM__SERVER__BIND", &bind),
            ("ENS_SCIM__SERVER__PUBLIC_BASE_URL", &base),
            ("ENS_SCIM__SMTP__HOST", "127.0.0.1"),
            ("ENS_SCIM__SMTP__PORT", &smtp_port),
            ("ENS_SCIM__SMTP__TLS", "none"),
            ("ENS_SCIM__SMTP__TIMEOUT_SECS", "5"),
            // The second failed login in a row waits a second (throttling shown on the page).
            ("ENS_SCIM__AUTH__FREE_FAILED_LOGINS", "1"),
            // Cheap password hashing: the tests log in several times.
            ("ENS_SCIM__AUTH__ARGON2_MEMORY_KIB", "1024"),
            ("ENS_SCIM__AUTH__ARGON2_ITERATIONS", "1"),
        ];
        env.extend_from_slice(extra);
        let server = Server::start(&env);
        assert_eq!(server.base, base);
        World { server, one_time_password }
    }

    /// A bearer session for checking through the API what the pages did.
    fn api_session(&self) -> String {
        login(&self.server, LOGIN, NEW_PASSWORD, NEW_PASSWORD)
    }

    /// Through the API, as a principal would on Setup: a token, and import switched on.
    /// Returns the token.
    fn switched_on(&self, session: &str) -> String {
        let (status, token) = self.api("POST", "/api/v1/scim-import/token", session, None);
        assert_eq!(status, 201, "{token}");
        let (status, b) = self.api("PUT", "/api/v1/scim-import/enabled", session, Some(json!({"enabled": true})));
        assert_eq!(status, 200, "{b}");
        token["token"].as_str().unwrap().to_owned()
    }

    fn api(&self, method: &str, path: &str, session: &str, body: Option<Value>) -> (u16, Value) {
        send(method, &self.server.url(path), Some(session), body)
    }
}

/// Logs in with the one-time password and chooses the new one, from `start` (a page behind
/// the login); ends on that page.
async fn first_login(b: &mut Browser, w: &World, start: &str) {
    b.goto(&w.server.url(start)).await;
    b.visible("#login-view").await;
    b.fill("#login", LOGIN).await;
    b.fill("#password", &w.one_time_password).await;
    b.click("#login-submit").await;
    b.visible("#change-view").await;
    b.fill("#new-password", NEW_PASSWORD).await;
    b.fill("#repeat-password", NEW_PASSWORD).await;
    b.click("#change-submit").await;
    b.wait_page(start).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_principal_sets_up_scim_import_and_follows_persons_in_the_browser() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("pages.db").display()), &[]);
        let mut b = Browser::open("setup_and_persons").await;

        // Not logged in: any page leads to the login, which knows the way back.
        b.goto(&w.server.url("/persons")).await;
        b.visible("#login-view").await;
        assert_eq!(b.path().await, "/login?next=/persons");
        b.snapshot("login").await;

        // A wrong password: the API's words are shown.
        b.fill("#login", LOGIN).await;
        b.fill("#password", "not the password").await;
        b.expect_console_error("status of 401");
        b.click("#login-submit").await;
        let error = b.wait_text("#login-message", "Error:").await;
        assert!(!b.is_visible("#change-view").await, "{error}");

        // Once more at once: too many failed logins, the login waits (a second here).
        b.expect_console_error("status of 429");
        b.click("#login-submit").await;
        b.wait_text("#login-message", "Try again in").await;
        assert!(!b.find("#login-submit").await.is_enabled().await.unwrap(), "disabled while throttled");
        b.snapshot("login-throttled").await;
        b.wait_text("#login-message", "You can try again now").await;

        // The one-time password: a new one must be chosen before anything else.
        b.fill("#password", &w.one_time_password).await;
        b.click("#login-submit").await;
        b.visible("#change-view").await;
        assert!(!b.is_visible("#current-field").await, "the one-time password was just typed");
        assert!(b.is_visible("#logout").await);
        b.fill("#new-password", "too short").await;
        b.wait_text("#new-password-hint", "more").await;
        b.snapshot("choose-password").await;
        b.fill("#new-password", NEW_PASSWORD).await;
        b.fill("#repeat-password", NEW_PASSWORD).await;
        b.click("#change-submit").await;
        b.wait_page("/persons").await;
        b.wait_text("#persons-summary", "The Person list is empty.").await;
        assert_eq!(b.text("#principal-login").await, LOGIN);
        assert_eq!(b.text("#enterprise-name").await, "Contoso");
        b.snapshot("persons-empty").await;
        let session = w.api_session();

        // Setup › SCIM Import, through the navigation.
        b.click("a[data-nav=setup]").await;
        b.wait_page("/setup/scim-import").await;
        assert_eq!(b.attr("a[data-nav=setup]", "aria-current").await.as_deref(), Some("page"));
        let tenant_url = b.value("#tenant-url").await;
        assert_eq!(tenant_url, w.server.url("/portal/scim/"));
        assert!(b.text("#state-text").await.starts_with("Off"));
        assert_eq!(b.attr("#enabled-switch", "aria-checked").await.as_deref(), Some("false"));
        b.wait_text("#notify-warning", "nobody is told").await;
        b.wait_text("#token-text", "No secret token yet").await;
        b.wait_text("#mapping-hint", "Restart provisioning").await;
        b.wait_text("#last-request", "No request from Entra yet").await;
        b.click("#copy-tenant-url").await;
        b.visible("#connection-message").await;
        b.snapshot("setup-new").await;

        // Switching on without a token is refused with the API's reason.
        b.expect_console_error("status of 409");
        b.click("#enabled-switch").await;
        b.wait_text("#state-message", "Error: SCIM import cannot be switched on before a secret token").await;
        b.check_console().await;

        // Generate the token: shown once, with a copy button and a warning.
        b.click("#token-generate").await;
        b.visible("#new-token").await;
        let first_token = b.value("#new-token-value").await;
        assert!(first_token.len() >= 32, "{first_token}");
        b.wait_text("#new-token-warning", "cannot show it again").await;
        b.wait_text("#token-text", &first_token[first_token.len() - 4..]).await;
        assert_eq!(b.text("#token-generate").await, "Regenerate secret token");
        b.click("#copy-new-token").await;
        b.snapshot("setup-token").await;

        // Regenerating asks first; cancelling keeps the token.
        b.click("#token-generate").await;
        b.visible("#regenerate-dialog").await;
        b.snapshot("setup-regenerate-confirm").await;
        b.click("#regenerate-cancel").await;
        b.wait_until("!document.getElementById('regenerate-dialog').open", "the dialog to close").await;
        assert_eq!(b.value("#new-token-value").await, first_token);
        b.click("#token-generate").await;
        b.click("#regenerate-confirm").await;
        b.wait_until(
            &format!("document.getElementById('new-token-value').value !== {}", json!(first_token)),
            "a new token",
        )
        .await;
        let token = b.value("#new-token-value").await;
        // Two live tokens: the previous one keeps working until Entra uses the new one.
        b.visible("#previous-token").await;
        b.wait_text("#previous-token-text", &first_token[first_token.len() - 4..]).await;
        b.wait_text("#previous-token-text", "at the latest").await;
        b.wait_text("#new-token-warning", "keeps working until Entra uses this one").await;
        b.snapshot("setup-two-tokens").await;
        b.click("#revoke-previous").await;
        b.wait_text("#connection-message", "the previous secret token no longer works").await;
        assert!(!b.is_visible("#previous-token").await);

        // Notification addresses: checked while typing, added, tested.
        b.fill("#email-new", "ops@").await;
        b.wait_text("#email-new-hint", "Not a complete e-mail address").await;
        assert_eq!(b.attr("#email-new", "aria-invalid").await.as_deref(), Some("true"));
        b.fill("#email-new", "ops@contoso.com").await;
        b.wait_text("#email-new-hint", "Looks good").await;
        assert_eq!(b.attr("#email-new", "aria-invalid").await.as_deref(), Some("false"));
        b.click("#email-add").await;
        b.wait_text("#emails-list", "ops@contoso.com").await;
        b.wait_text("#emails-message", "Added ops@contoso.com").await;
        assert!(!b.is_visible("#notify-warning").await);
        b.fill("#email-new", "it@contoso.com").await;
        b.click("#email-add").await;
        b.wait_text("#emails-list", "it@contoso.com").await;
        b.click("#emails-list button[aria-label='Remove it@contoso.com']").await;
        b.wait_text("#emails-message", "Removed it@contoso.com").await;
        assert!(!b.text("#emails-list").await.contains("it@contoso.com"));
        b.click("#test-email").await;
        b.wait_text("#test-results", "Not delivered to ops@contoso.com").await;
        b.wait_text("#emails-message", "0 of 1 delivered").await;
        let (_, setup) = w.api("GET", "/api/v1/scim-import", &session, None);
        assert_eq!(setup["notify"], json!(["ops@contoso.com"]));

        // Switch on.
        b.click("#enabled-switch").await;
        b.wait_text("#state-text", "On since").await;
        assert_eq!(b.attr("#enabled-switch", "aria-checked").await.as_deref(), Some("true"));
        b.snapshot("setup-on").await;

        // Entra creates a person through the Tenant URL and token the page showed, and then
        // sends the same userName again (refused: it exists).
        let jane = json!({
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "userName": "jdoe@contoso.com",
            "externalId": "jdoe",
            "displayName": "Jane Doe",
            "name": {"givenName": "Jane", "familyName": "Doe"},
            "emails": [{"type": "work", "value": "jane.doe@contoso.com", "primary": true}],
            "phoneNumbers": [{"type": "mobile", "value": "+41 79 000 00 00"}],
            "active": true
        });
        let (status, created) = send("POST", &format!("{tenant_url}Users"), Some(&token), Some(jane.clone()));
        assert_eq!(status, 201, "{created}");
        let (status, again) = send("POST", &format!("{tenant_url}Users"), Some(&token), Some(jane));
        assert_eq!(status, 409, "{again}");
        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        // The page shows the time of the last SCIM request whenever the API knows it.
        let (_, setup) = w.api("GET", "/api/v1/scim-import", &session, None);
        match setup["last_request_at"].as_str() {
            Some(at) => {
                b.wait_text("#last-request", "Last request from Entra").await;
                assert_eq!(b.attr("#last-request time", "datetime").await.as_deref(), Some(at));
                // Entra's create above was applied: Setup says when.
                b.wait_text("#last-request", "Last change applied").await;
            }
            None => {
                b.wait_text("#last-request", "No request from Entra yet").await;
            }
        }

        // Persons: search, then the person's page.
        b.click("a[data-nav=persons]").await;
        b.wait_page("/persons").await;
        b.fill("#q", "nobody-by-that-name").await;
        b.click("#search-submit").await;
        b.wait_text("#persons-summary", "No person matches").await;
        b.fill("#q", "jdoe").await;
        b.click("#search-submit").await;
        b.wait_text("#persons-summary", "1 person matches").await;
        assert_eq!(b.path().await, "/persons?q=jdoe");
        let row = b.text("#persons-body tr").await;
        for expected in ["jdoe@contoso.com", "Jane Doe", "jane.doe@contoso.com", "Entra (SCIM)", "Active"] {
            assert!(row.contains(expected), "{expected:?} not in {row:?}");
        }
        b.snapshot("persons-search").await;
        b.click("#persons-body a").await;
        let id = created["id"].as_str().unwrap();
        b.wait_page(&format!("/persons/{id}")).await;
        b.wait_text("#person-heading", "Jane Doe").await;
        b.wait_text("#person-source", "Entra (SCIM)").await;
        let phone = b.text("#fields-body tr[data-key=phone_mobile]").await;
        assert!(phone.contains("+41 79 000 00 00") && phone.contains("From Entra"), "{phone}");
        let user_name = b.text("#fields-body tr[data-key=user_name]").await;
        assert!(user_name.contains("jdoe@contoso.com") && user_name.contains("From Entra"), "{user_name}");
        b.snapshot("person").await;

        // Paging: 25 more persons make two pages of 25.
        for i in 0..25 {
            let user = json!({"userName": format!("user{i:02}@contoso.com"), "active": i % 5 != 0});
            let (status, body) = send("POST", &format!("{tenant_url}Users"), Some(&token), Some(user));
            assert_eq!(status, 201, "{body}");
        }
        b.click("a[data-nav=persons]").await;
        b.wait_page("/persons").await;
        b.wait_text("#persons-summary", "26 persons in the Person list").await;
        b.wait_text("#pager-text", "Page 1 of 2").await;
        assert_eq!(b.client.find_all(fantoccini::Locator::Css("#persons-body tr")).await.unwrap().len(), 25);
        b.click("#pager-next").await;
        b.wait_until(
            "location.search === '?page=2' && document.querySelector('main').getAttribute('aria-busy') === 'false'",
            "the second page",
        )
        .await;
        b.wait_text("#pager-text", "Page 2 of 2").await;
        assert_eq!(b.text("#persons-body").await.lines().filter(|l| l.contains("@contoso.com")).count(), 1);
        b.wait_text("#persons-body", "user24@contoso.com").await;
        b.snapshot("persons-page-2").await;

        // Deselect a field: saved, still unticked after a reload, and so in the API.
        b.goto(&w.server.url("/setup/scim-import")).await;
        b.wait_page("/setup/scim-import").await;
        assert!(b.find("#field-phone_mobile").await.is_selected().await.unwrap());
        let user_name_box = b.find("#field-user_name").await;
        assert!(user_name_box.is_selected().await.unwrap() && !user_name_box.is_enabled().await.unwrap());
        b.click("#field-phone_mobile").await;
        b.wait_text("#mapping-message", "Not saved yet").await;
        b.click("#mapping-save").await;
        b.wait_text("#mapping-message", "Saved").await;
        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        assert!(!b.find("#field-phone_mobile").await.is_selected().await.unwrap(), "unticked after a reload");
        let (_, setup) = w.api("GET", "/api/v1/scim-import", &session, None);
        let mobile = setup["mapping"].as_array().unwrap().iter().find(|f| f["key"] == "phone_mobile").unwrap();
        assert_eq!(mobile["selected"], false, "{mobile}");

        // Switch off (it asks first), and on again.
        b.click("#enabled-switch").await;
        b.click("#switch-off-confirm").await;
        b.wait_text("#state-text", "Off since").await;
        b.wait_text("#state-text", LOGIN).await;
        assert_eq!(w.api("GET", "/api/v1/scim-import", &session, None).1["state"]["status"], "off");
        b.snapshot("setup-off").await;
        b.click("#enabled-switch").await;
        b.wait_text("#state-text", "On since").await;
        assert_eq!(w.api("GET", "/api/v1/scim-import", &session, None).1["state"]["status"], "on");

        // The activity log: the refused request stands out by word and sign.
        b.click("a[data-nav=activity]").await;
        b.wait_page("/activity").await;
        b.wait_text("#activity-body", "Person created").await;
        let rejected = b.text("#activity-body tr.outcome-rejected").await;
        assert!(rejected.contains("Rejected") && rejected.contains("jdoe@contoso.com"), "{rejected}");
        b.wait_text("#activity-summary", "1 rejected").await;
        b.snapshot("activity").await;
        // What went wrong, alone: a plain GET form, kept in the address.
        b.find("#outcome").await.select_by_value("failed,rejected").await.unwrap();
        b.click("#outcome-submit").await;
        b.wait_text("#activity-summary", "Failures and refusals: 1 entry").await;
        b.wait_page("/activity").await;
        assert_eq!(b.path().await, "/activity?outcome=failed%2Crejected");
        assert_eq!(b.value("#outcome").await, "failed,rejected", "the form shows the filter in use");
        let rows = b.js("return document.querySelectorAll('#activity-body tr').length;", vec![]).await;
        assert_eq!(rows, 1, "only the refused request");
        assert!(b.text("#activity-body tr.outcome-rejected").await.contains("jdoe@contoso.com"));
        b.snapshot("activity-problems").await;

        // Log out: back to the login, and the pages are closed again.
        b.click("#logout").await;
        b.wait_until("location.pathname === '/login'", "the login page").await;
        b.visible("#login-view").await;
        b.goto(&w.server.url("/setup/scim-import")).await;
        b.visible("#login-view").await;
        assert_eq!(b.path().await, "/login?next=/setup/scim-import");
        b.close().await;
    })
    .await;
}

/// The sync guard switches SCIM import off after a failure on our side; the page then shows
/// why, since when, and what to do. The failure is real: PostgreSQL refuses connections
/// while Entra sends a change.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failure_reason_is_shown_after_an_injected_failure() {
    bounded(async {
        let db = TestDb::postgres();
        // The outage is noticed within a second, and recorded a second after the database is
        // back.
        let w = World::start(
            &db.url_string(),
            &[("ENS_SCIM__DATABASE__CONNECT_TIMEOUT_SECS", "1"), ("ENS_SCIM__GUARD__OUTBOX_POLL_SECS", "1")],
        );
        let mut b = Browser::open("failure").await;
        first_login(&mut b, &w, "/setup/scim-import").await;
        // A crafted way back after the login never leads off the site.
        b.goto(&w.server.url("/login?next=%2F%09%2Fevil.example%2F")).await;
        b.wait_page("/setup/scim-import").await;
        let session = w.api_session();
        let token = w.switched_on(&session);

        let users = w.server.url("/portal/scim/Users");
        let (status, created) = send("POST", &users, Some(&token), Some(json!({"userName": "before@contoso.com"})));
        assert_eq!(status, 201, "{created}");

        db.set_postgres_reachable(false);
        let (status, answer) =
            send("POST", &users, Some(&token), Some(json!({"userName": "during-the-outage@contoso.com"})));
        db.set_postgres_reachable(true);
        assert_eq!(status, 503, "{answer}");

        // The sync guard records the switch-off once the database answers again.
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        let setup = loop {
            let (status, setup) = w.api("GET", "/api/v1/scim-import", &session, None);
            if status == 200 && setup["state"]["status"] == "failed" {
                break setup;
            }
            assert!(std::time::Instant::now() < deadline, "SCIM import was not switched off: {}", setup["state"]);
            tokio::time::sleep(Duration::from_millis(250)).await;
        };
        let reason = setup["state"]["failure"]["reason"].as_str().unwrap().to_owned();

        b.goto(&w.server.url("/setup/scim-import")).await;
        b.wait_page("/setup/scim-import").await;
        b.visible("#failure").await;
        assert_eq!(b.text("#failure-reason").await, reason);
        b.wait_text("#state-text", "switched off by ENS+ after a failure").await;
        b.wait_text("#what-to-do", "switch SCIM import on again").await;
        assert!(!b.text("#failure-time").await.is_empty());
        assert_eq!(b.attr("#enabled-switch", "aria-checked").await.as_deref(), Some("false"));
        b.snapshot("setup-failed").await;

        // From there to the failures in the activity log: the switch-off, with the same reason.
        b.click("#failure-log").await;
        b.wait_text("#activity-summary", "Failures: ").await;
        b.wait_page("/activity").await;
        let failed = b.text("#activity-body tr.outcome-failed").await;
        assert!(failed.contains("SCIM import switched off") && failed.contains(&reason), "{failed}");
        let others = b.js("return document.querySelectorAll('#activity-body tr:not(.outcome-failed)').length;", vec![]);
        assert_eq!(others.await, 0, "only what went wrong is shown");
        b.snapshot("activity-failures").await;

        // Switching on again clears the failure.
        b.goto(&w.server.url("/setup/scim-import")).await;
        b.wait_page("/setup/scim-import").await;
        b.click("#enabled-switch").await;
        b.wait_text("#state-text", "On since").await;
        assert!(!b.is_visible("#failure").await);
        b.close().await;
    })
    .await;
}

/// A held mass deactivation on the Setup page: its numbers, the persons it names, the two
/// choices; "Allow these changes and switch on" lets Entra's retries through. The departure
/// limit is set on the same page, with its bounds checked next to the number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_held_mass_deactivation_and_its_two_choices() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("hold.db").display()), &[]);
        let mut b = Browser::open("hold").await;
        first_login(&mut b, &w, "/setup/scim-import").await;
        let session = w.api_session();
        let token = w.switched_on(&session);

        // The limit, as a principal sets it: out of bounds is marked at the number.
        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        b.visible("#departures-section").await;
        assert_eq!(b.value("#departure-floor").await, "20");
        b.wait_text("#departures-defaults", "more than 20 persons, or 10 %").await;
        b.find("#departure-floor").await.clear().await.unwrap();
        b.fill("#departure-floor", "0").await;
        b.click("#departures-save").await;
        b.wait_text("#departure-floor-hint", "Between 1 and").await;
        assert_eq!(b.attr("#departure-floor", "aria-invalid").await.as_deref(), Some("true"));
        b.find("#departure-floor").await.clear().await.unwrap();
        b.fill("#departure-floor", "5").await;
        b.click("#departures-save").await;
        b.wait_text("#departures-message", "Saved").await;
        assert_eq!(w.api("GET", "/api/v1/scim-import", &session, None).1["departure_limit"]["floor"], 5);

        let users = w.server.url("/portal/scim/Users");
        let ids: Vec<String> = (0..20)
            .map(|k| {
                let user = json!({"userName": format!("p{k}@contoso.com"), "displayName": format!("Person {k}")});
                let (status, v) = send("POST", &users, Some(&token), Some(user));
                assert_eq!(status, 201, "{v}");
                v["id"].as_str().unwrap().to_owned()
            })
            .collect();
        let off = json!({"Operations": [{"op": "replace", "path": "active", "value": false}]});
        let statuses: Vec<u16> = ids[..8]
            .iter()
            .map(|id| send("PATCH", &format!("{users}/{id}"), Some(&token), Some(off.clone())).0)
            .collect();
        assert_eq!(statuses, [200, 200, 200, 200, 200, 503, 503, 503]);

        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        b.visible("#hold").await;
        assert!(!b.is_visible("#failure").await, "the hold replaces the general failure box");
        b.wait_text("#state-text", "Off: ENS+ held a mass deactivation").await;
        b.wait_text("#hold-summary", "Entra tried to take 6 persons off the alert list within 60 minutes").await;
        b.wait_text("#hold-summary", "5 were applied").await;
        let examples = b.text("#hold-examples").await;
        assert_eq!(examples.lines().count(), 6, "{examples}");
        assert!(
            examples.lines().next().unwrap().contains("Person 5 (p5@contoso.com), deactivated — held"),
            "{examples}"
        );
        b.snapshot("setup-held").await;

        // Keep it off: nothing changes.
        b.click("#hold-keep").await;
        b.wait_text("#state-message", "stays off").await;
        assert_eq!(w.api("GET", "/api/v1/scim-import", &session, None).1["state"]["status"], "failed");

        // Allow and switch on: Entra's retries go through.
        b.click("#hold-allow").await;
        b.wait_text("#state-message", "SCIM import is on").await;
        b.wait_text("#state-text", "On since").await;
        assert!(!b.is_visible("#hold").await);
        b.visible("#departures-lifted").await;
        b.snapshot("setup-allowed").await;
        for id in &ids[5..8] {
            assert_eq!(send("PATCH", &format!("{users}/{id}"), Some(&token), Some(off.clone())).0, 200);
        }
        b.close().await;
    })
    .await;
}

/// Setup's Health section: counts that link to the filtered Persons list and activity log,
/// mapping drift, conflicts, and the purge rule; the Persons list's filters, columns and
/// sorting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_section_and_the_persons_filters() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("health.db").display()), &[]);
        let mut b = Browser::open("health").await;
        first_login(&mut b, &w, "/setup/scim-import").await;
        let session = w.api_session();
        let token = w.switched_on(&session);
        // Title is not imported, and Entra sends it.
        let selected: Vec<&str> =
            ["user_name", "external_id", "active", "display_name", "phone_mobile", "email_work", "department"].into();
        w.api("PUT", "/api/v1/scim-import/mapping", &session, Some(json!({"selected": selected})));
        let users = w.server.url("/portal/scim/Users");
        let people = [
            ("anna@contoso.com", "Anna", Some("+41 79 111 11 11"), "Ops"),
            ("bert@contoso.com", "Bert", None, "Night shift"),
            ("cleo@contoso.com", "Cleo", Some("+41 79 333 33 33"), "Ops"),
        ];
        for (user, name, mobile, department) in people {
            let mut u = json!({
                "userName": user, "displayName": name, "title": "Nurse",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"department": department}
            });
            if let Some(m) = mobile {
                u["phoneNumbers"] = json!([{"type": "mobile", "value": m}]);
            }
            let (status, v) = send("POST", &users, Some(&token), Some(u));
            assert_eq!(status, 201, "{v}");
        }
        let (status, _) = send("POST", &users, Some(&token), Some(json!({"userName": "ANNA@contoso.com"})));
        assert_eq!(status, 409);
        w.api(
            "POST",
            "/api/v1/persons",
            &session,
            Some(json!({"fields": {"user_name": "anna-hand", "email_work": "x@y.example"}})),
        );

        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        b.visible("#health-section").await;
        b.wait_text("#health-figures", "Cannot be alerted").await;
        let figures = b.text("#health-figures").await;
        assert!(figures.contains("Persons\n4"), "{figures}");
        b.wait_text("#health-drift-list", "Job title").await;
        b.wait_text("#health-drift-list", "Entra sends it").await;
        b.wait_text("#health-conflicts-list", "1 create from Entra refused").await;
        b.snapshot("setup-health").await;

        // "Cannot be alerted" → the Persons list, filtered.
        b.click("#health-figures a[href='/persons?reach=unreachable']").await;
        b.wait_page("/persons").await;
        b.wait_text("#persons-summary", "Only who cannot be alerted: 1 person").await;
        let rows = b.text("#persons-body").await;
        assert!(rows.contains("bert@contoso.com") && !rows.contains("anna"), "{rows}");
        assert!(rows.contains("Cannot be alerted"), "marked in the list: {rows}");
        assert_eq!(b.value("#reach").await, "unreachable", "the form shows the filter in use");
        b.snapshot("persons-unreachable").await;

        // The columns, and sorting by one; then the other filters.
        b.goto(&w.server.url("/persons")).await;
        b.wait_page("/persons").await;
        b.wait_text("#persons-body", "Night shift").await;
        b.click("th a[aria-label='Sort by department']").await;
        b.wait_until("location.search.includes('sort=department')", "sorted by department").await;
        b.wait_page("/persons").await;
        assert_eq!(b.attr("#persons-head th:nth-child(4)", "aria-sort").await.as_deref(), Some("ascending"));
        let first = b.text("#persons-body tr:first-child").await;
        assert!(first.contains("Night shift"), "N before O: {first}");
        b.click("th a[aria-label='Sort by department']").await;
        b.wait_until("location.search.includes('order=desc')", "reversed").await;
        b.wait_page("/persons").await;
        assert_eq!(b.attr("#persons-head th:nth-child(4)", "aria-sort").await.as_deref(), Some("descending"));
        b.find("#source").await.select_by_value("manual").await.unwrap();
        b.click("#search-submit").await;
        b.wait_text("#persons-summary", "Only from Manual: 1 person").await;
        b.fill("#q", "+41 79 333").await;
        b.find("#source").await.select_by_value("").await.unwrap();
        b.click("#search-submit").await;
        b.wait_text("#persons-summary", "1 person matches").await;
        assert!(b.text("#persons-body").await.contains("cleo@contoso.com"), "found by phone number");
        b.snapshot("persons-filtered").await;

        // The refused create, from the Health section to the activity log.
        b.goto(&w.server.url("/setup/scim-import")).await;
        b.wait_page("/setup/scim-import").await;
        b.click("#health-conflicts-list a[href='/activity?kind=user_name_conflict']").await;
        b.wait_page("/activity").await;
        b.wait_text("#activity-summary", "1 entry").await;
        assert!(b.text("#activity-body").await.contains("ANNA@contoso.com"), "the refused userName");
        let holder = b.attr("#activity-body a[href^='/persons/']", "href").await.unwrap();
        b.click("#activity-body a[href^='/persons/']").await;
        b.wait_page(&holder).await;
        b.wait_text("main", "anna@contoso.com").await;

        // The purge rule: refused below 30 days, saved otherwise.
        b.goto(&w.server.url("/setup/scim-import")).await;
        b.wait_page("/setup/scim-import").await;
        b.click("#purge-enabled").await;
        b.find("#purge-days").await.clear().await.unwrap();
        b.fill("#purge-days", "10").await;
        b.click("#purge-save").await;
        b.wait_text("#purge-days-hint", "At least 30 days").await;
        b.find("#purge-days").await.clear().await.unwrap();
        b.fill("#purge-days", "120").await;
        b.click("#purge-save").await;
        b.wait_text("#purge-message", "more than 120 days are deleted").await;
        assert_eq!(w.api("GET", "/api/v1/scim-import", &session, None).1["purge_inactive_after_days"], 120);
        b.close().await;
    })
    .await;
}

/// Setup after the first day: the first token's words, a secondary "Regenerate" whose
/// confirmation starts on Cancel, a switch-off that asks first, the next steps in Entra once
/// import is on, the changes refused while it was off, and a failure that would recur named
/// with whom to contact — linked to the failed request, worded for an administrator.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_failed_what_waits_in_entra_and_what_to_do_next() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(
            &format!("sqlite://{}", dir.path().join("daily.db").display()),
            &[("ENS_SCIM__SERVER__SUPPORT_CONTACT", "support@ens.example")],
        );
        let mut b = Browser::open("daily").await;
        first_login(&mut b, &w, "/setup/scim-import").await;

        // The first token: nothing was replaced, so nothing says a previous one stopped.
        b.click("#token-generate").await;
        b.visible("#new-token").await;
        b.wait_text("#connection-message", "a new secret token was generated").await;
        let said = format!("{} {}", b.text("#connection-message").await, b.text("#new-token-warning").await);
        assert!(!said.to_lowercase().contains("previous"), "{said}");
        let token = b.value("#new-token-value").await;
        assert!(b.attr("#token-generate", "class").await.unwrap_or_default().contains("secondary"));
        b.click("#token-generate").await;
        b.visible("#regenerate-dialog").await;
        let focused = b.js("return document.activeElement.id;", vec![]).await;
        assert_eq!(focused, "regenerate-cancel", "the safe choice has the focus");
        b.click("#regenerate-cancel").await;
        b.wait_until("!document.getElementById('regenerate-dialog').open", "the dialog to close").await;

        // On: what to do next in Entra, with Microsoft's instructions.
        assert!(!b.is_visible("#entra-steps").await);
        b.click("#enabled-switch").await;
        b.wait_text("#state-text", "On since").await;
        b.wait_text("#entra-steps", "Test Connection").await;
        b.wait_text("#entra-steps", "Start provisioning").await;
        let link = b.attr("#entra-steps-link", "href").await.unwrap_or_default();
        assert!(link.starts_with("https://learn.microsoft.com/"), "{link}");
        b.snapshot("setup-next-steps").await;

        // Entra's changes, one refused with the value it sent, one deactivation.
        let users = w.server.url("/portal/scim/Users");
        let (status, jane) = send("POST", &users, Some(&token), Some(json!({"userName": "jdoe@contoso.com"})));
        assert_eq!(status, 201, "{jane}");
        let jane_id = jane["id"].as_str().unwrap().to_owned();
        let jane = format!("{users}/{jane_id}");
        assert_eq!(send("POST", &users, Some(&token), Some(json!({"userName": "jdoe@contoso.com"}))).0, 409);
        let gone = json!({"Operations": [{"op": "replace", "path": "title", "value": "X"}]});
        let nobody = format!("{users}/00000000-0000-4000-8000-000000000000");
        assert_eq!(send("PATCH", &nobody, Some(&token), Some(gone)).0, 404);
        let bad = json!({"Operations": [{"op": "replace", "path": "phoneNumbers[type eq \"mobile\"].value", "value": "call me"}]});
        assert_eq!(send("PATCH", &jane, Some(&token), Some(bad)).0, 400);
        let off = json!({"Operations": [{"op": "replace", "path": "active", "value": false}]});
        assert_eq!(send("PATCH", &jane, Some(&token), Some(off)).0, 200);

        // Switching off asks first, with the focus on keeping it on.
        b.click("#enabled-switch").await;
        b.visible("#switch-off-dialog").await;
        assert_eq!(b.js("return document.activeElement.id;", vec![]).await, "switch-off-cancel");
        b.snapshot("setup-switch-off-confirm").await;
        b.click("#switch-off-cancel").await;
        b.wait_until("!document.getElementById('switch-off-dialog').open", "the dialog to close").await;
        assert_eq!(b.attr("#enabled-switch", "aria-checked").await.as_deref(), Some("true"));
        b.click("#enabled-switch").await;
        b.click("#switch-off-confirm").await;
        b.wait_text("#state-text", "Off since").await;
        assert!(!b.is_visible("#entra-steps").await);

        // While off, Entra's changes are refused and counted.
        for k in 0..3 {
            let (status, _) = send("POST", &users, Some(&token), Some(json!({"userName": format!("new{k}@contoso.com")})));
            assert_eq!(status, 503);
        }
        assert_eq!(send("GET", &users, Some(&token), None).0, 503, "a lookup is not a change");
        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        b.wait_text("#refused-while-off", "3 changes from Entra were refused while import was off").await;
        b.wait_text("#refused-while-off", "Entra retries them after you switch on").await;
        b.snapshot("setup-refused-while-off").await;

        // A request over a limit of ours: it would fail again on Entra's retry.
        b.click("#enabled-switch").await;
        b.wait_text("#state-text", "On since").await;
        assert!(!b.is_visible("#refused-while-off").await, "on: Entra retries them");
        let big = json!({"userName": "big@contoso.com", "displayName": "x".repeat(2 * 1024 * 1024)});
        assert_eq!(send("POST", &users, Some(&token), Some(big)).0, 413);
        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        b.visible("#failure").await;
        b.wait_text("#failure-detail", "POST /Users").await;
        b.wait_text("#failure-recurs", "will fail again as soon as Entra retries it").await;
        b.wait_text("#failure-recurs", "support@ens.example").await;
        b.wait_text("#what-to-do", "support@ens.example").await;
        assert!(!b.is_visible("#refused-while-off").await, "the earlier switch-off's count was cleared");
        b.snapshot("setup-failure-recurs").await;

        // The failure box leads to the failed request, worded as what it attempted.
        b.click("#failure-log").await;
        b.wait_page("/activity").await;
        b.wait_text("#activity-body", "Creation failed").await;
        // And the log in an administrator's words.
        b.goto(&w.server.url("/activity")).await;
        b.wait_page("/activity").await;
        let rows = b.text("#activity-body").await;
        assert!(rows.contains("Update refused"), "{rows}");
        assert!(rows.contains("“call me”") && rows.contains("fix it in Entra"), "{rows}");
        assert!(rows.contains("deactivated"), "{rows}");
        assert!(!rows.contains("changed: Active"), "{rows}");
        // A refused create is not "Person created"; the 409 names the holder, linked; the 404
        // links nowhere.
        let refused: Vec<Value> = serde_json::from_value(
            b.js(
                "return [...document.querySelectorAll('#activity-body tr.outcome-rejected')].map((r) => \
                 [r.cells[2].innerText, (r.cells[4].querySelector('a') || {}).pathname || null]);",
                vec![],
            )
            .await,
        )
        .unwrap();
        assert!(refused.iter().all(|r| r[0] != "Person created"), "{refused:?}");
        assert!(refused.contains(&json!(["User name already taken", format!("/persons/{jane_id}")])), "{refused:?}");
        assert!(refused.contains(&json!(["Update refused", null])), "the 404 links nowhere: {refused:?}");
        b.snapshot("activity-words").await;
        b.close().await;
    })
    .await;
}

/// A person's page for daily use: the manager by name, linked; the person's own SCIM
/// activity; when Entra last changed it; a compact list at phone width. Setup's field list
/// is grouped, with Save in reach.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_page_names_the_manager_and_stays_short_on_a_phone() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("person.db").display()), &[]);
        let mut b = Browser::open("person").await;
        first_login(&mut b, &w, "/setup/scim-import").await;
        let session = w.api_session();
        let token = w.switched_on(&session);

        // Setup's field list, grouped; Save visible without scrolling through the list.
        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        b.visible("#mapping-section").await;
        let groups = b.js("return [...document.querySelectorAll('#mapping-list h3')].map((e) => e.innerText);", vec![]);
        assert_eq!(groups.await, json!(["Sign-in and state", "Name", "Contact", "Address", "Organization"]));
        // A Save above the list and one below: either is in reach of any group.
        for (field, save) in [("user_name", "mapping-save-top"), ("manager", "mapping-save")] {
            b.js(&format!("document.getElementById('field-{field}').scrollIntoView({{block: 'center'}});"), vec![])
                .await;
            let script = format!(
                "const r = document.getElementById('{save}').getBoundingClientRect(); \
                 return r.top >= 0 && r.bottom <= window.innerHeight;"
            );
            let in_view = b.js(&script, vec![]).await;
            assert_eq!(in_view, json!(true), "{save} next to {field}");
        }

        let users = w.server.url("/portal/scim/Users");
        let boss = json!({"userName": "boss@contoso.com", "displayName": "Ada Boss"});
        let (status, boss) = send("POST", &users, Some(&token), Some(boss));
        assert_eq!(status, 201, "{boss}");
        let boss_id = boss["id"].as_str().unwrap().to_owned();
        let jane = json!({
            "userName": "jdoe@contoso.com",
            "displayName": "Jane Doe",
            "phoneNumbers": [{"type": "mobile", "value": "+41 79 000 00 00"}],
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {"manager": {"value": boss_id}}
        });
        let (status, jane) = send("POST", &users, Some(&token), Some(jane));
        assert_eq!(status, 201, "{jane}");
        let jane_id = jane["id"].as_str().unwrap().to_owned();

        b.goto(&w.server.url(&format!("/persons/{jane_id}"))).await;
        b.wait_text("#person-heading", "Jane Doe").await;
        b.wait_text("#fields-body tr[data-key=manager]", "Ada Boss").await;
        let link = b.attr("#fields-body tr[data-key=manager] a", "href").await.unwrap_or_default();
        assert!(link.ends_with(&format!("/persons/{boss_id}")), "{link}");
        assert_ne!(b.text("#person-scim-updated").await, "never", "Entra created it");
        let activity = b.attr("#person-activity", "href").await.unwrap_or_default();
        assert!(activity.ends_with(&format!("/activity?person={jane_id}")), "{activity}");

        // Fields without a value are folded away; a phone shows a short list.
        assert!(!b.is_visible("#fields-body tr[data-key=phone_fax]").await, "no fax: folded away");
        b.wait_text("#show-empty", "fields without a value").await;
        let height = b.phone_height().await;
        assert!(height < 1600, "the person page is {height} px tall at phone width");
        b.snapshot("person-compact").await;
        b.click("#show-empty").await;
        b.visible("#fields-body tr.empty").await;
        b.snapshot("person-all-fields").await;

        // Its activity, and the manager's page.
        b.click("#person-activity").await;
        b.wait_page("/activity").await;
        b.wait_text("#activity-summary", "about one person").await;
        b.wait_text("#activity-body", "Person created").await;
        b.goto(&link).await;
        b.wait_text("#person-heading", "Ada Boss").await;
        b.close().await;
    })
    .await;
}

/// Loading, errors and wrong turns: the address refused by the API is marked at its field; a
/// session that ends while the principal works says so and keeps what was typed; an unknown
/// address gets a page in the site's style; a page number past the end is clamped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_lost_sessions_and_wrong_addresses() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("errors.db").display()), &[]);
        let mut b = Browser::open("errors").await;
        first_login(&mut b, &w, "/setup/scim-import").await;
        assert!(!b.is_visible("#page-loading").await, "loaded: no loading word left");

        // An address the page cannot tell is wrong, the API can: said at the field.
        b.fill("#email-new", "ops..x@contoso.com").await;
        b.expect_console_error("status of 422");
        b.click("#email-add").await;
        b.wait_text("#email-new-hint", "Error: ops..x@contoso.com").await;
        assert_eq!(b.attr("#email-new", "aria-invalid").await.as_deref(), Some("true"));
        assert!(!b.is_visible("#emails-message").await, "not under the test e-mail button");
        b.snapshot("setup-address-refused").await;

        // The session ends (logged out elsewhere) while an address is being typed.
        let cookie = b.js("return document.cookie;", vec![]).await;
        let csrf = cookie.as_str().unwrap_or_default().split("; ").find_map(|c| c.strip_prefix("ens_csrf=")).unwrap();
        let logout = b.js(
            "return fetch('/api/v1/session', {method: 'DELETE', headers: {'X-CSRF-Token': arguments[0]}}).then((r) => r.status);",
            vec![json!(csrf)],
        );
        assert_eq!(logout.await, 204);
        b.find("#email-new").await.clear().await.unwrap();
        b.fill("#email-new", "it@contoso.com").await;
        b.expect_console_error("status of 401");
        b.click("#email-add").await;
        b.wait_text("#session-ended", "Your session ended: log in again").await;
        b.snapshot("session-ended").await;
        b.click("#session-ended-link").await;
        b.visible("#login-view").await;
        b.fill("#login", LOGIN).await;
        b.fill("#password", NEW_PASSWORD).await;
        b.click("#login-submit").await;
        b.wait_page("/setup/scim-import").await;
        b.wait_until("document.getElementById('email-new').value === 'it@contoso.com'", "the typed address back").await;

        // Unknown addresses: a page of the site, with the way back.
        let (status, body) = support::get(&w.server.url("/no/such/page"));
        assert_eq!(status, 404);
        assert!(body.contains("Page not found"), "{body}");
        b.expect_console_error("status of 404");
        b.goto(&w.server.url("/no/such/page")).await;
        b.wait_text("h1", "Page not found").await;
        b.snapshot("not-found").await;
        b.click("a[href='/persons']").await;
        b.wait_page("/persons").await;

        // A page past the end: the last one.
        b.goto(&w.server.url("/activity?page=99")).await;
        b.wait_until("location.search === '?page=1'", "the page number clamped").await;
        b.wait_until("document.getElementById('activity-summary').innerText !== ''", "the summary").await;
        b.close().await;
    })
    .await;
}

/// The Principals page: the enterprise's principals with their last login; inviting one (the
/// one-time password shown once, a taken login marked at the field); a new one-time password;
/// removing one after a confirmation that starts on Cancel; oneself cannot be removed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_principals_page() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("principals.db").display()), &[]);
        let mut b = Browser::open("principals").await;
        first_login(&mut b, &w, "/principals").await;
        assert_eq!(b.attr("a[data-nav=principals]", "aria-current").await.as_deref(), Some("page"));
        b.wait_text("#principals-body", LOGIN).await;
        b.wait_text(&format!("#principals-body tr[data-login='{LOGIN}']"), "You").await;
        assert!(!b.text("#principals-body").await.contains("never"), "the principal logged in just now");

        // Invite: the login is checked by the API and marked at the field.
        b.fill("#invite-login", LOGIN).await;
        b.expect_console_error("status of 409");
        b.click("#invite-submit").await;
        b.wait_text("#invite-login-hint", "already logs in").await;
        assert_eq!(b.attr("#invite-login", "aria-invalid").await.as_deref(), Some("true"));
        b.find("#invite-login").await.clear().await.unwrap();
        b.fill("#invite-login", "ops@contoso.com").await;
        b.click("#invite-submit").await;
        b.wait_text("#principals-message", "Invited ops@contoso.com").await;
        let password = b.value("#one-time-value").await;
        assert!(password.len() >= 16, "{password}");
        b.wait_text("#one-time-warning", "cannot show it again").await;
        b.wait_text("#principals-body tr[data-login='ops@contoso.com']", "One-time password").await;
        b.wait_text("#principals-body tr[data-login='ops@contoso.com']", "never").await;
        b.snapshot("principals-invited").await;
        let session = w.api_session();
        let (status, _) =
            w.api("POST", "/api/v1/session", &session, Some(json!({"login": "ops@contoso.com", "password": password})));
        assert_eq!(status, 201, "the one-time password works");

        // A new one-time password.
        b.click("#principals-body button[aria-label='New one-time password for ops@contoso.com']").await;
        b.wait_text("#principals-message", "has a new one-time password").await;
        assert_ne!(b.value("#one-time-value").await, password);

        // Remove, after a confirmation whose safe choice has the focus.
        b.click("#principals-body button[aria-label='Remove ops@contoso.com']").await;
        b.visible("#remove-dialog").await;
        assert_eq!(b.js("return document.activeElement.id;", vec![]).await, "remove-cancel");
        b.snapshot("principals-remove-confirm").await;
        b.click("#remove-confirm").await;
        b.wait_text("#principals-message", "Removed ops@contoso.com").await;
        assert!(!b.text("#principals-body").await.contains("ops@contoso.com"));
        assert!(!b.is_visible(&format!("#principals-body tr[data-login='{LOGIN}'] button")).await, "not oneself");

        // The log says who did each.
        b.goto(&w.server.url("/activity")).await;
        b.wait_page("/activity").await;
        let rows = b.text("#activity-body").await;
        for what in ["Principal invited", "One-time password given", "Principal removed"] {
            assert!(rows.contains(what), "{what}: {rows}");
        }
        assert!(rows.contains(LOGIN));
        b.close().await;
    })
    .await;
}

/// Editing on the pages, with the API's ownership rules: a manual person is entered, refused
/// at the field the API names, saved, edited and deleted; a person from Entra offers only the
/// fields Entra does not import, and cannot be deleted; unsaved changes hold the page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persons_are_entered_edited_and_deleted_on_the_pages() {
    bounded(async {
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("edit.db").display()), &[]);
        let mut b = Browser::open("edit").await;
        first_login(&mut b, &w, "/persons").await;
        let session = w.api_session();
        let token = w.switched_on(&session);

        // A manual person: refused at the field the API names, then saved.
        b.click("#new-person").await;
        b.wait_page("/persons/new").await;
        b.fill("#edit-user_name", "visitor@contoso.com").await;
        b.fill("#edit-display_name", "Vera Visitor").await;
        b.fill("#edit-phone_mobile", "call me").await;
        let unsaved =
            "const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;";
        assert_eq!(b.js(unsaved, vec![]).await, json!(true), "typed and not saved: the page asks before it goes");
        b.expect_console_error("status of 422");
        b.click("#person-save").await;
        b.wait_text("#edit-phone_mobile-hint", "telephone number").await;
        assert_eq!(b.attr("#edit-phone_mobile", "aria-invalid").await.as_deref(), Some("true"));
        assert!(!b.is_visible("#person-form-message").await, "said at the field, not below the form");
        b.snapshot("person-new-refused").await;
        b.fill("#edit-phone_mobile", "+41 79 111 11 11").await;
        b.click("#person-save").await;
        b.wait_text("#person-message", "Saved").await;
        b.wait_text("#person-heading", "Vera Visitor").await;
        let (status, list) = w.api("GET", "/api/v1/persons?q=visitor", &session, None);
        assert_eq!(status, 200, "{list}");
        let id = list["items"][0]["id"].as_str().unwrap().to_owned();
        assert_eq!(list["items"][0]["source"], "manual");
        assert_eq!(list["items"][0]["mobile"], "+41 79 111 11 11");
        assert_eq!(b.js(unsaved, vec![]).await, json!(false), "saved: nothing holds the page");

        // Edited: every field of a manual person.
        b.click("#person-edit").await;
        assert!(!b.is_visible("#person-message").await, "the last save's word is gone");
        b.fill("#edit-department", "Visitors").await;
        b.find("#edit-phone_mobile").await.clear().await.unwrap();
        b.click("#person-save").await;
        b.wait_text("#person-message", "Saved").await;
        b.wait_text("#fields-body tr[data-key=department]", "Visitors").await;
        let (_, person) = w.api("GET", &format!("/api/v1/persons/{id}"), &session, None);
        assert_eq!(person["fields"]["department"], "Visitors");
        assert!(person["fields"].get("phone_mobile").is_none(), "cleared: {person}");

        // A person from Entra: only what Entra does not import, and no delete.
        let local = "cost_center".to_owned();
        let (_, setup) = w.api("GET", "/api/v1/scim-import", &session, None);
        let keys: Vec<Value> = setup["mapping"].as_array().unwrap().iter().map(|f| f["key"].clone()).collect();
        let selected: Vec<&Value> = keys.iter().filter(|k| **k != json!(local)).collect();
        let (status, setup) =
            w.api("PUT", "/api/v1/scim-import/mapping", &session, Some(json!({ "selected": selected })));
        assert_eq!(status, 200, "{setup}");
        let mapping = setup["mapping"].as_array().unwrap();
        let users = w.server.url("/portal/scim/Users");
        let entra = json!({"userName": "jdoe@contoso.com", "displayName": "Jane Doe"});
        let (status, jane) = send("POST", &users, Some(&token), Some(entra));
        assert_eq!(status, 201, "{jane}");
        let jane_id = jane["id"].as_str().unwrap().to_owned();
        b.goto(&w.server.url(&format!("/persons/{jane_id}"))).await;
        b.wait_text("#person-heading", "Jane Doe").await;
        assert!(!b.is_visible("#person-delete").await, "a person from Entra is deleted in Entra");
        b.click("#person-edit").await;
        b.visible(&format!("#edit-{local}")).await;
        let offered = b.js("return [...document.querySelectorAll('#person-form-fields input')].map((i) => i.dataset.key);", vec![]);
        let offered = offered.await;
        for f in mapping.iter().filter(|f| f["selected"] == true) {
            assert!(!offered.as_array().unwrap().contains(&f["key"]), "{} is imported: {offered}", f["key"]);
        }
        b.fill(&format!("#edit-{local}"), "Local note").await;
        b.snapshot("person-edit-from-entra").await;
        b.click("#person-save").await;
        b.wait_text("#person-message", "Saved").await;
        let (_, jane) = w.api("GET", &format!("/api/v1/persons/{jane_id}"), &session, None);
        assert_eq!(jane["fields"][&local], "Local note");

        // Deleted, after a confirmation that starts on Cancel.
        b.goto(&w.server.url(&format!("/persons/{id}"))).await;
        b.wait_text("#person-heading", "Vera Visitor").await;
        b.click("#person-delete").await;
        b.visible("#delete-dialog").await;
        assert_eq!(b.js("return document.activeElement.id;", vec![]).await, "delete-cancel");
        b.click("#delete-confirm").await;
        b.wait_page("/persons").await;
        b.wait_text("#persons-message", "Deleted Vera Visitor").await;
        let (status, _) = w.api("GET", &format!("/api/v1/persons/{id}"), &session, None);
        assert_eq!(status, 404);
        b.close().await;
    })
    .await;
}

/// Asserts that the page shows none of English's UI strings; photographs it.
async fn in_german(b: &mut Browser, english: &[String], name: &str) {
    assert_eq!(b.js("return document.documentElement.lang;", vec![]).await, "de", "{name}");
    let found = b.untranslated(english).await;
    assert!(found.is_empty(), "{name}: English on the German page: {found:?}");
    b.snapshot(name).await;
}

/// Every page in German, chosen with the header's switch and remembered: none shows a string
/// of the English catalogue (the list is the catalogue's, not picked by eye). The flows run
/// as in English: login and password change, Setup (token, address, notices' language,
/// switch on), Persons, a person (edited, a refusal at its field), the activity log,
/// Principals (an invitation), an unknown address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_in_german() {
    bounded(async {
        let english = ens_http::i18n::untranslated_phrases(ens_ports::Language::German);
        assert!(english.len() > 300, "the list of English strings: {}", english.len());
        let dir = tempfile::tempdir().unwrap();
        let w = World::start(&format!("sqlite://{}", dir.path().join("german.db").display()), &[]);
        let mut b = Browser::open("german").await;

        // The switch on the login page; the choice outlives the page.
        b.goto(&w.server.url("/setup/scim-import")).await;
        b.visible("#login-view").await;
        assert_eq!(b.js("return document.documentElement.lang;", vec![]).await, "en", "the browser asks for English");
        b.js("const s = document.getElementById('language'); s.value = 'de'; s.dispatchEvent(new Event('change'));", vec![])
            .await;
        b.wait_until("document.documentElement.lang === 'de'", "the German login page").await;
        b.visible("#login-view").await;
        b.wait_text("#login-heading", "Anmelden").await;
        in_german(&mut b, &english, "login").await;
        b.fill("#login", LOGIN).await;
        b.fill("#password", "wrong password").await;
        b.expect_console_error("status of 401");
        b.click("#login-submit").await;
        b.wait_text("#login-message", "Anmeldename oder Passwort ist falsch").await;
        // The next attempt after a failed one waits a second (ENS_SCIM__AUTH__FREE_FAILED_LOGINS).
        tokio::time::sleep(Duration::from_millis(1200)).await;
        b.fill("#password", &w.one_time_password).await;
        b.click("#login-submit").await;
        b.visible("#change-view").await;
        b.wait_text("#page-status", "Wählen Sie").await;
        b.fill("#new-password", "short").await;
        b.wait_text("#new-password-hint", "noch 7").await;
        in_german(&mut b, &english, "password-change").await;
        b.fill("#new-password", NEW_PASSWORD).await;
        b.fill("#repeat-password", NEW_PASSWORD).await;
        b.click("#change-submit").await;
        b.wait_page("/setup/scim-import").await;

        // Setup: a first token, an address, the notices' language, switched on.
        b.wait_text("#what-to-do", "Erzeugen Sie ein geheimes Token").await;
        in_german(&mut b, &english, "setup-new").await;
        b.click("#token-generate").await;
        b.wait_text("#connection-message", "Erledigt").await;
        b.wait_text("#new-token-warning", "Kopieren Sie das Token jetzt").await;
        b.fill("#email-new", "ops@contoso").await;
        b.wait_text("#email-new-hint", "Noch keine vollständige E-Mail-Adresse").await;
        b.fill("#email-new", "ops@contoso.com").await;
        b.click("#email-add").await;
        b.wait_text("#emails-message", "ops@contoso.com hinzugefügt").await;
        b.js("const s = document.getElementById('notice-language'); s.value = 'de'; s.dispatchEvent(new Event('change'));", vec![])
            .await;
        b.wait_text("#emails-message", "auf Deutsch").await;
        let session = w.api_session();
        let (_, setup) = w.api("GET", "/api/v1/scim-import", &session, None);
        assert_eq!(setup["notice_language"], "de", "{setup}");
        b.click("#enabled-switch").await;
        b.wait_text("#state-message", "Der SCIM-Import ist eingeschaltet").await;
        b.wait_text("#switch-word", "Ein").await;
        in_german(&mut b, &english, "setup-on").await;
        b.click("#enabled-switch").await;
        b.visible("#switch-off-dialog").await;
        in_german(&mut b, &english, "setup-switch-off-dialog").await;
        b.click("#switch-off-cancel").await;

        // Persons from Entra, the list and one person.
        let token = w.switched_on(&session);
        let users = w.server.url("/portal/scim/Users");
        for (user, name) in [("jdoe@contoso.com", "Jane Doe"), ("ada@contoso.com", "Ada Boss")] {
            let (status, body) = send("POST", &users, Some(&token), Some(json!({"userName": user, "displayName": name})));
            assert_eq!(status, 201, "{body}");
        }
        b.goto(&w.server.url("/persons")).await;
        b.wait_page("/persons").await;
        b.wait_text("#persons-summary", "2 Personen in der Personenliste").await;
        in_german(&mut b, &english, "persons").await;
        b.click("#persons-body a").await;
        b.wait_until("location.pathname.startsWith('/persons/')", "a person").await;
        b.wait_text("#person-note", "Diese Person kommt aus Entra").await;
        in_german(&mut b, &english, "person").await;

        // While import is off, Entra's changes are refused and counted; a request over a
        // limit of ours switches import off and says it will fail again on Entra's retry.
        let switch = |on: bool| w.api("PUT", "/api/v1/scim-import/enabled", &session, Some(json!({"enabled": on})));
        assert_eq!(switch(false).0, 200);
        for k in 0..2 {
            let (status, _) = send("POST", &users, Some(&token), Some(json!({"userName": format!("neu{k}@contoso.com")})));
            assert_eq!(status, 503);
        }
        b.goto(&w.server.url("/setup/scim-import")).await;
        b.wait_page("/setup/scim-import").await;
        b.wait_text("#refused-while-off", "2 Änderungen von Entra wurden abgelehnt").await;
        in_german(&mut b, &english, "setup-refused-while-off").await;
        assert_eq!(switch(true).0, 200);
        let big = json!({"userName": "gross@contoso.com", "displayName": "x".repeat(2 * 1024 * 1024)});
        assert_eq!(send("POST", &users, Some(&token), Some(big)).0, 413);
        b.refresh().await;
        b.wait_page("/setup/scim-import").await;
        b.visible("#failure").await;
        b.wait_text("#failure-reason", "Kapazitätsgrenze").await;
        b.wait_text("#failure-recurs", "schlägt erneut fehl").await;
        in_german(&mut b, &english, "setup-failure").await;

        // A manual person, refused at its field in German.
        b.goto(&w.server.url("/persons/new")).await;
        b.wait_page("/persons/new").await;
        b.fill("#edit-user_name", "besuch@contoso.com").await;
        b.fill("#edit-phone_mobile", "bitte anrufen").await;
        b.expect_console_error("status of 422");
        b.click("#person-save").await;
        b.wait_text("#edit-phone_mobile-hint", "erwartet wird eine Telefonnummer").await;
        in_german(&mut b, &english, "person-new-refused").await;

        // The activity log, Principals, an unknown address.
        b.goto(&w.server.url("/activity")).await;
        b.wait_page("/activity").await;
        b.wait_text("#activity-body", "Person angelegt").await;
        b.wait_text("#activity-body", "Anlegen fehlgeschlagen").await;
        in_german(&mut b, &english, "activity").await;
        b.goto(&w.server.url("/principals")).await;
        b.wait_page("/principals").await;
        b.fill("#invite-login", "ops@contoso.com").await;
        b.click("#invite-submit").await;
        b.wait_text("#principals-message", "ops@contoso.com eingeladen").await;
        b.wait_text("#one-time-warning", "Achtung").await;
        in_german(&mut b, &english, "principals").await;
        b.expect_console_error("status of 404");
        b.goto(&w.server.url("/no/such/page")).await;
        b.wait_text("h1", "Seite nicht gefunden").await;
        assert_eq!(b.js("return document.documentElement.lang;", vec![]).await, "de");
        b.snapshot("not-found").await;

        // Back to English with the same switch.
        b.goto(&w.server.url("/persons")).await;
        b.wait_page("/persons").await;
        b.js("const s = document.getElementById('language'); s.value = 'en'; s.dispatchEvent(new Event('change'));", vec![])
            .await;
        b.wait_until("document.documentElement.lang === 'en'", "English again").await;
        b.wait_page("/persons").await;
        b.wait_text("#persons-summary", "2 persons in the Person list").await;
        let english_found = b.untranslated(&english).await;
        assert!(english_found.len() > 10, "the check finds English on an English page: {english_found:?}");
        b.close().await;
    })
    .await;
}
