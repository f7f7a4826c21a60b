//! Test e-mails, sent in the background: a mail server that takes its time (or never
//! answers) holds one of the mail lane's threads, never the principal's request nor anybody
//! else's. The page asks for the result until it is there. Per enterprise, one test at a
//! time and a few per window, so that one enterprise cannot keep the mail lane busy.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use ens_ports::EnterpriseId;

use super::problem::Problem;
use super::wire::{DeliveryView, TestEmailView};
use super::{Principal, blocking, setup_url};
use crate::AppState;
use crate::i18n::{string, t, t_with};

/// Tests an enterprise may start per [`WINDOW`].
const PER_WINDOW: usize = 5;
const WINDOW: Duration = Duration::from_secs(10 * 60);

/// The latest test of each enterprise (this instance's: the result is for the principal who
/// is waiting for it, and is not kept once the process ends).
#[derive(Debug, Default)]
pub(crate) struct TestMails {
    by_enterprise: Mutex<HashMap<EnterpriseId, Tests>>,
}

#[derive(Debug, Default)]
struct Tests {
    /// When recent tests started, oldest first.
    started: VecDeque<Instant>,
    latest: Option<TestEmailView>,
}

impl TestMails {
    /// Starts a test unless one is running or too many ran lately.
    fn begin(&self, enterprise: EnterpriseId, view: TestEmailView) -> Result<(), Problem> {
        let mut all = self.by_enterprise.lock().map_err(|_| super::internal())?;
        let tests = all.entry(enterprise).or_default();
        if tests.latest.as_ref().is_some_and(|l| l.status == "sending") {
            return Err(Problem::new(
                StatusCode::CONFLICT,
                "test-email-running",
                &t("problem-test-email-sending"),
                t("problem-test-email-sending-detail"),
            ));
        }
        let now = Instant::now();
        while tests.started.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
            tests.started.pop_front();
        }
        if tests.started.len() >= PER_WINDOW {
            let wait = tests.started.front().map_or(WINDOW, |t| WINDOW.saturating_sub(now.duration_since(*t)));
            let mut p = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "test-email-limit",
                &t("problem-test-email-too-many"),
                t_with(
                    "problem-test-email-too-many-detail",
                    &[
                        ("max", string(PER_WINDOW.to_string())),
                        ("minutes", string((WINDOW.as_secs() / 60).to_string())),
                        ("wait", string(super::words::duration(&wait))),
                    ],
                ),
            );
            p.retry_after = Some(wait.as_secs().max(1));
            return Err(p);
        }
        tests.started.push_back(now);
        tests.latest = Some(view);
        Ok(())
    }

    fn finish(&self, enterprise: EnterpriseId, view: TestEmailView) {
        if let Ok(mut all) = self.by_enterprise.lock() {
            all.entry(enterprise).or_default().latest = Some(view);
        }
    }

    fn latest(&self, enterprise: EnterpriseId) -> Option<TestEmailView> {
        self.by_enterprise.lock().ok()?.get(&enterprise)?.latest.clone()
    }
}

/// Send a test e-mail to every notification address, in the background; the answer says it
/// started, `GET` gives the result.
#[utoipa::path(post, path = "/api/v1/scim-import/test-email", tag = "scim-import",
    responses((status = 202, description = "Sending; GET the same path for the result", body = TestEmailView),
              (status = 409, description = "No address configured, or a test is being sent", body = Problem),
              (status = 429, description = "Too many tests lately", body = Problem)))]
pub(crate) async fn start(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let check = ctx.clone();
    // Refusals (no address, password change pending) are answered now, not in the background.
    let addresses = blocking(&state.lanes.admin, move || {
        let (_, import) = ports.import_setup(&check)?;
        if import.notify.is_empty() {
            return Err(ens_ports::usecases::AdminError::NoAddresses.into());
        }
        Ok(import.notify)
    })
    .await?;
    let enterprise = ctx.enterprise();
    let sending = TestEmailView {
        status: "sending".into(),
        started_at: Some(state.ports.now().to_rfc3339()),
        deliveries: addresses
            .iter()
            .map(|a| DeliveryView { address: a.to_string(), delivered: false, error: None })
            .collect(),
    };
    state.test_mails.begin(enterprise, sending.clone())?;
    let (ports, mails, url) = (state.ports.clone(), state.test_mails.clone(), setup_url(&state.config.public_base_url));
    let started_at = sending.started_at.clone();
    let sent = state.lanes.mail.spawn(move || {
        let view = match ports.send_test_notice(&ctx, &url) {
            Ok(deliveries) => TestEmailView {
                status: "done".into(),
                started_at,
                deliveries: deliveries.into_iter().map(DeliveryView::from).collect(),
            },
            Err(e) => {
                tracing::warn!(enterprise = %enterprise, error = %e, "test e-mail could not be sent");
                TestEmailView {
                    status: "done".into(),
                    started_at,
                    deliveries: addresses
                        .iter()
                        .map(|a| DeliveryView { address: a.to_string(), delivered: false, error: Some(e.to_string()) })
                        .collect(),
                }
            }
        };
        mails.finish(enterprise, view);
    });
    if sent.is_err() {
        state
            .test_mails
            .finish(enterprise, TestEmailView { status: "none".into(), started_at: None, deliveries: vec![] });
        return Err(super::problem::busy());
    }
    Ok(HttpResponse::Accepted().json(sending))
}

/// The latest test e-mail of this enterprise (sent through this instance): `sending` while it
/// is under way, `done` with each address's result, `none` if there was none.
#[utoipa::path(get, path = "/api/v1/scim-import/test-email", tag = "scim-import",
    responses((status = 200, body = TestEmailView), (status = 401, body = Problem)))]
pub(crate) async fn latest(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    ctx.require_ready().map_err(Problem::from)?;
    let view = state.test_mails.latest(ctx.enterprise()).unwrap_or(TestEmailView {
        status: "none".into(),
        started_at: None,
        deliveries: Vec::new(),
    });
    Ok(HttpResponse::Ok().json(view))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sending() -> TestEmailView {
        TestEmailView { status: "sending".into(), started_at: None, deliveries: vec![] }
    }

    #[test]
    fn one_test_at_a_time_and_a_few_per_window() {
        let mails = TestMails::default();
        let e = EnterpriseId::from_uuid(uuid::Uuid::from_u128(1));
        let other = EnterpriseId::from_uuid(uuid::Uuid::from_u128(2));
        mails.begin(e, sending()).expect("first");
        assert_eq!(mails.begin(e, sending()).map_err(|p| p.status), Err(409), "one at a time");
        assert!(mails.begin(other, sending()).is_ok(), "other enterprises are not affected");
        for _ in 1..PER_WINDOW {
            mails.finish(e, TestEmailView { status: "done".into(), ..sending() });
            mails.begin(e, sending()).expect("within the limit");
        }
        mails.finish(e, TestEmailView { status: "done".into(), ..sending() });
        let refused = mails.begin(e, sending()).expect_err("over the limit");
        assert_eq!(refused.status, 429);
        assert!(refused.retry_after.is_some_and(|s| s > 0));
        assert_eq!(mails.latest(e).map(|v| v.status), Some("done".into()));
    }
}
