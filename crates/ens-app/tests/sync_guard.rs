//! The sync guard end to end: a failure of ours switches SCIM import off, every address gets
//! exactly one e-mail through a real SMTP server, SCIM answers 503, and after a principal
//! switches import on again the retried request is applied.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ens_http::{AppState, HttpConfig};
use ens_notify_smtp::testing::{ServerTls, Smtpd};
use ens_notify_smtp::{SmtpConfig, SmtpMailer, TlsMode};
use ens_ports::faults::{Fault, FaultyStore};
use ens_ports::system::{OsIds, SystemClock};
use ens_ports::{Policy, Ports};
use ens_store_diesel::testing::TestDb;
use serde_json::{Value, json};
use support::{Server, send};

const ADDRESSES: [&str; 2] = ["ops@contoso.example", "it@contoso.example"];

fn wait_for<T>(what: &str, limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Recipients of the switch-off notices delivered so far, sorted.
fn switch_off_mails(smtp: &Smtpd) -> Vec<String> {
    let mut to: Vec<String> = smtp
        .messages()
        .iter()
        .filter(|m| m.header("Subject").is_some_and(|s| s.contains("switched off")))
        .map(|m| m.header("To").unwrap_or_default().to_owned())
        .collect();
    to.sort();
    to
}

fn expected_recipients() -> Vec<String> {
    let mut v: Vec<String> = ADDRESSES.iter().map(|s| (*s).to_owned()).collect();
    v.sort();
    v
}

fn smtp_config(smtp: &Smtpd) -> SmtpConfig {
    SmtpConfig {
        host: "127.0.0.1".into(),
        port: smtp.port,
        tls: TlsMode::None,
        from: "ENS+ <noreply@ens.example>".into(),
        timeout: Duration::from_secs(5),
        ..SmtpConfig::default()
    }
}

/// The service in this process, over a store that fails on demand.
struct InProcess {
    base: String,
    ports: Ports,
    store: Arc<FaultyStore<ens_store_diesel::DieselStore>>,
    _server: std::thread::JoinHandle<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl InProcess {
    fn start(db: &TestDb, smtp: &Smtpd) -> Self {
        let store = Arc::new(FaultyStore::new(Arc::new(db.store())));
        let mailer = Arc::new(SmtpMailer::new(smtp_config(smtp)).unwrap());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mut policy = Policy::default();
        policy.guard.setup_url = format!("{base}/setup/scim-import");
        let passwords = ens_ports::testing::cheap_passwords();
        let ports = Ports::new(store.clone(), Arc::new(SystemClock), Arc::new(OsIds), mailer, passwords, policy);
        let config = HttpConfig { public_base_url: base.clone(), workers: 1, ..HttpConfig::default() };
        let state = AppState::new(ports.clone(), config).expect("lanes");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = std::thread::spawn(move || {
            let rt = tokio::runtime::Runtime::new().unwrap();
            rt.block_on(ens_http::serve(listener, state, async {
                let _ = stopped.await;
            }))
            .unwrap();
        });
        Self { base, ports, store, _server: server, stop: Some(stop) }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for InProcess {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

/// A principal sets SCIM import up: token, addresses, switch on. Returns (session, token).
fn set_up(url: impl Fn(&str) -> String, session: &str) -> String {
    let (status, t) = send("POST", &url("/api/v1/scim-import/token"), Some(session), None);
    assert_eq!(status, 201, "{t}");
    let (status, b) =
        send("PUT", &url("/api/v1/scim-import/emails"), Some(session), Some(json!({"addresses": ADDRESSES})));
    assert_eq!(status, 200, "{b}");
    let (status, b) = send("PUT", &url("/api/v1/scim-import/enabled"), Some(session), Some(json!({"enabled": true})));
    assert_eq!(status, 200, "{b}");
    t["token"].as_str().unwrap().to_owned()
}

fn create_user(url: &str, token: &str, user: &str) -> (u16, Value) {
    send("POST", url, Some(token), Some(json!({"userName": user, "externalId": user})))
}

fn decorator_over_the_real_store(db: TestDb) {
    let smtp = Smtpd::cli(ServerTls::None);
    let app = InProcess::start(&db, &smtp);
    let e = app.ports.create_enterprise("Contoso").unwrap();
    let creds = app.ports.create_principal(e.id, "admin@contoso.example").unwrap();
    let session = {
        let (status, b) = send(
            "POST",
            &app.url("/api/v1/session"),
            None,
            Some(json!({"login": "admin@contoso.example", "password": creds.password})),
        );
        assert_eq!(status, 201);
        let first = b["token"].as_str().unwrap().to_owned();
        let (status, b) = send(
            "PUT",
            &app.url("/api/v1/session/password"),
            Some(&first),
            Some(json!({"current_password": creds.password, "new_password": "a long new password"})),
        );
        assert_eq!(status, 200);
        b["token"].as_str().unwrap().to_owned()
    };
    let token = set_up(|p| app.url(p), &session);
    let users = app.url("/portal/scim/Users");
    assert_eq!(create_user(&users, &token, "first@contoso.example").0, 201);

    // The database refuses to store persons: the create fails, and import switches off.
    app.store.set_fault(Some(Fault::PersonWrites));
    let (status, b) = create_user(&users, &token, "jdoe@contoso.example");
    assert_eq!(status, 500, "{b}");
    app.store.set_fault(None);
    for _ in 0..3 {
        let (status, b) = send("GET", &users, Some(&token), None);
        assert_eq!(status, 503, "{b}");
        assert!(b["detail"].as_str().unwrap().contains("SCIM import is disabled in ENS+"), "{b}");
    }
    let (_, setup) = send("GET", &app.url("/api/v1/scim-import"), Some(&session), None);
    assert_eq!(setup["state"]["status"], "failed");
    let failure = &setup["state"]["failure"];
    assert_eq!(failure["kind"], "database_error");
    assert_eq!(failure["recurs_on_retry"], false);
    assert!(failure["detail"].as_str().unwrap().contains("POST /Users (jdoe@contoso.example)"), "{failure}");
    assert_eq!(failure["activity_link"], "/activity?outcome=failed");
    // The failing request itself is in the log: what it would have done, to whom, why not.
    let (_, log) =
        send("GET", &app.url("/api/v1/scim-import/activity?outcome=failed&kind=person_created"), Some(&session), None);
    let failed = &log["items"][0];
    assert_eq!(
        (failed["kind"].as_str(), failed["user_name"].as_str(), failed["outcome"].as_str()),
        (Some("person_created"), Some("jdoe@contoso.example"), Some("failed")),
        "{log}"
    );
    assert!(failed["detail"].as_str().unwrap().starts_with("Entra's request POST /Users"), "{failed}");
    // Lookups refused while off are not changes waiting in Entra; changes are counted.
    assert_eq!(setup["refused_while_off"], 0, "{setup}");
    for _ in 0..2 {
        assert_eq!(create_user(&users, &token, "waiting@contoso.example").0, 503);
    }
    let (_, setup) = send("GET", &app.url("/api/v1/scim-import"), Some(&session), None);
    assert_eq!(setup["refused_while_off"], 2, "{setup}");

    // The outbox delivers one notice per address, and only one.
    for _ in 0..3 {
        app.ports.deliver_notices().unwrap();
    }
    assert_eq!(switch_off_mails(&smtp), expected_recipients());
    let mail =
        smtp.messages().into_iter().find(|m| m.header("Subject").is_some_and(|s| s.contains("switched off"))).unwrap();
    assert!(mail.part("text/plain").contains(&format!("{}/setup/scim-import", app.base)), "the link to act");
    assert!(mail.part("text/plain").contains("Contoso"));
    assert!(!mail.raw.contains(&token), "no secret in the e-mail");

    // A principal switches import on again; Entra's retry of the failed create is applied.
    let (status, _) =
        send("PUT", &app.url("/api/v1/scim-import/enabled"), Some(&session), Some(json!({"enabled": true})));
    assert_eq!(status, 200);
    let (status, created) = create_user(&users, &token, "jdoe@contoso.example");
    assert_eq!(status, 201, "{created}");
    let (status, got) = send("GET", &format!("{users}/{}", created["id"].as_str().unwrap()), Some(&token), None);
    assert_eq!((status, got["userName"].as_str()), (200, Some("jdoe@contoso.example")));
    let (_, log) = send("GET", &app.url("/api/v1/scim-import/activity"), Some(&session), None);
    let kinds: Vec<&str> = log["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[..3], ["person_created", "import_switched_on", "import_switched_off"]);
    assert_eq!(switch_off_mails(&smtp).len(), 2, "still one per address");
    let (_, setup) = send("GET", &app.url("/api/v1/scim-import"), Some(&session), None);
    assert!(setup.get("refused_while_off").is_none(), "on: nothing is refused {setup}");

    // A request over a limit of ours fails again on every retry: Setup says so before the
    // principal switches on, and whom to contact.
    let big = json!({"userName": "big@contoso.example", "displayName": "x".repeat(2 * 1024 * 1024)});
    let (status, _) = send("POST", &users, Some(&token), Some(big));
    assert_eq!(status, 413);
    let (_, setup) = send("GET", &app.url("/api/v1/scim-import"), Some(&session), None);
    assert_eq!(setup["state"]["failure"]["kind"], "limit", "{setup}");
    assert_eq!(setup["state"]["failure"]["recurs_on_retry"], true);
    let what = setup["state"]["what_to_do"].as_str().unwrap();
    assert!(what.contains("fail again") && what.contains(setup["support_contact"].as_str().unwrap()), "{what}");
}

#[test]
fn a_failing_store_switches_off_mails_once_and_nothing_is_lost_sqlite() {
    decorator_over_the_real_store(TestDb::sqlite());
}

#[test]
fn a_failing_store_switches_off_mails_once_and_nothing_is_lost_postgres() {
    decorator_over_the_real_store(TestDb::postgres());
}

/// Operator and principal set up an enterprise on `server`; returns (session, token).
fn operator_and_principal(server: &Server, env: &[(&str, &str)]) -> (String, String) {
    support::provisioned(server, env, "Contoso", "admin@contoso.example", &ADDRESSES)
}

#[test]
fn postgres_refusing_connections_gives_503_one_mail_per_address_and_a_recorded_switch_off() {
    let db = TestDb::postgres();
    let smtp = Smtpd::cli(ServerTls::None);
    let url = db.url_string();
    let port = smtp.port.to_string();
    let env = [
        ("ENS_SCIM__DATABASE__URL", url.as_str()),
        ("ENS_SCIM__DATABASE__CONNECT_TIMEOUT_SECS", "1"),
        ("ENS_SCIM__SMTP__HOST", "127.0.0.1"),
        ("ENS_SCIM__SMTP__PORT", port.as_str()),
        ("ENS_SCIM__SMTP__TLS", "none"),
        ("ENS_SCIM__GUARD__OUTAGE_MAIL_AFTER_SECS", "1"),
        ("ENS_SCIM__GUARD__OUTBOX_POLL_SECS", "1"),
        ("ENS_SCIM__AUTH__ARGON2_MEMORY_KIB", "1024"),
        ("ENS_SCIM__AUTH__ARGON2_ITERATIONS", "1"),
    ];
    let server = Server::start(&env);
    let (session, token) = operator_and_principal(&server, &env);
    let users = server.url("/portal/scim/Users");
    assert_eq!(create_user(&users, &token, "first@contoso.example").0, 201);

    db.set_postgres_reachable(false);
    let (status, b) = create_user(&users, &token, "jdoe@contoso.example");
    assert_eq!(status, 503, "{b}");
    for _ in 0..3 {
        let (status, b) = send("GET", &users, Some(&token), None);
        assert_eq!(status, 503, "{b}");
        assert!(b["detail"].as_str().unwrap().contains("disabled"), "answered at once as switched off: {b}");
    }
    // The outage is the incident: the e-mail still goes out, directly.
    let mails = wait_for("the outage notices", Duration::from_secs(30), || {
        let m = switch_off_mails(&smtp);
        (m.len() >= 2).then_some(m)
    });
    assert_eq!(mails, expected_recipients());
    let body = smtp.messages()[0].part("text/plain").to_owned();
    assert!(body.contains("could not reach its database"), "{body}");

    // The database comes back: the switch-off is recorded, without a second e-mail.
    db.set_postgres_reachable(true);
    let setup = wait_for("the switch-off to be recorded", Duration::from_secs(30), || {
        let (status, s) = send("GET", &server.url("/api/v1/scim-import"), Some(&session), None);
        (status == 200 && s["state"]["status"] == "failed").then_some(s)
    });
    assert_eq!(setup["state"]["failure"]["kind"], "database_unavailable");
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(switch_off_mails(&smtp), expected_recipients(), "exactly one e-mail per address");
    assert_eq!(send("GET", &users, Some(&token), None).0, 503);

    let (status, _) =
        send("PUT", &server.url("/api/v1/scim-import/enabled"), Some(&session), Some(json!({"enabled": true})));
    assert_eq!(status, 200);
    let (status, b) = create_user(&users, &token, "jdoe@contoso.example");
    assert_eq!(status, 201, "the retried request is applied: {b}");
}

#[test]
fn two_instances_on_postgres_one_incident_one_mail_per_address() {
    let db = TestDb::postgres();
    let smtp = Smtpd::cli(ServerTls::None);
    let url = db.url_string();
    let port = smtp.port.to_string();
    let env = support::mailing_env(&url, &port);
    let a = Server::start(&env);
    let b = Server::start(&env);
    let (session, token) = operator_and_principal(&a, &env);
    assert_eq!(create_user(&b.url("/portal/scim/Users"), &token, "first@contoso.example").0, 201);

    // The database refuses new persons, slowly (a trigger): requests sent to both instances
    // at once are both in flight when the first failure switches import off, so both
    // instances see a failure and both try to switch it off.
    db.execute_as_admin(
        "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN PERFORM pg_sleep(1); RAISE EXCEPTION 'disk full (test)'; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER refuse BEFORE INSERT ON persons FOR EACH ROW EXECUTE FUNCTION refuse();",
    );
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = [&a, &b]
            .into_iter()
            .enumerate()
            .map(|(n, server)| {
                let (url, token) = (server.url("/portal/scim/Users"), token.clone());
                scope.spawn(move || create_user(&url, &token, &format!("u{n}@contoso.example")).0)
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(statuses, [500, 500], "both instances saw the failure");
    for server in [&a, &b] {
        assert_eq!(create_user(&server.url("/portal/scim/Users"), &token, "later@contoso.example").0, 503);
    }

    let mails = wait_for("the notices", Duration::from_secs(30), || {
        let m = switch_off_mails(&smtp);
        (m.len() >= 2).then_some(m)
    });
    std::thread::sleep(Duration::from_secs(3)); // both instances poll the outbox every second
    assert_eq!(switch_off_mails(&smtp), mails);
    assert_eq!(mails, expected_recipients(), "exactly one e-mail per address");
    let (_, log) = send("GET", &b.url("/api/v1/scim-import/activity"), Some(&session), None);
    let offs = log["items"].as_array().unwrap().iter().filter(|i| i["kind"] == "import_switched_off").count();
    assert_eq!(offs, 1, "one switch-off");
}
