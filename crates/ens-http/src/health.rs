//! `/healthz` (the process answers) and `/readyz` (the database answers too).

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use crate::AppState;

/// How long readiness waits for the database.
const READY_TIMEOUT: Duration = Duration::from_secs(3);

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(healthz).service(readyz);
}

#[get("/healthz")]
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

#[get("/readyz")]
async fn readyz(state: web::Data<AppState>) -> HttpResponse {
    let ports = state.ports.clone();
    let ping = actix_web::rt::time::timeout(READY_TIMEOUT, state.lanes.admin.run(move || ports.database_ready())).await;
    match ping {
        Ok(Ok(Ok(()))) => HttpResponse::Ok().json(json!({"status": "ready"})),
        Ok(Ok(Err(e))) => {
            tracing::warn!(error = %e, "not ready: database check failed");
            HttpResponse::ServiceUnavailable().json(json!({"status": "unavailable", "reason": "database unreachable"}))
        }
        Ok(Err(_)) | Err(_) => {
            tracing::warn!("not ready: database check did not finish");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "unavailable", "reason": "database check timed out"}))
        }
    }
}

#[cfg(test)]
mod tests {
    use actix_web::{App, test};

    use crate::{AppState, HttpConfig, configure};

    #[actix_web::test]
    async fn healthz_and_readyz_answer_200_with_a_working_store() {
        let state = AppState::new(ens_ports::testing::ports(), HttpConfig::default()).expect("lanes");
        let app = test::init_service(App::new().configure(configure(state))).await;
        for path in ["/healthz", "/readyz"] {
            let res = test::call_service(&app, test::TestRequest::get().uri(path).to_request()).await;
            assert_eq!(res.status(), 200, "{path}");
        }
    }
}
