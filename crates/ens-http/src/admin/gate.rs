//! The admin API's gate: who is calling is settled, and the body is read, before any handler
//! runs — in that order, so that a caller without a session cannot make the service buffer a
//! body, and a slow body cannot hold a connection open for longer than `body_timeout`.

use std::future::{Ready, ready};

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{FromRequest, HttpMessage, HttpRequest, ResponseError, web};
use ens_ports::SecretToken;
use ens_ports::usecases::AdminError;
use ens_ports::usecases::principals::PrincipalContext;

use super::problem::{Problem, internal};
use super::{CSRF_HEADER, MAX_BODY, SESSION_COOKIE, blocking};
use crate::AppState;
use crate::i18n::{string, t, t_with};

/// The logged-in principal, as the gate found it. For a write authenticated by cookie, the
/// CSRF token was checked too.
#[derive(Debug, Clone)]
pub(crate) struct Principal(pub PrincipalContext);

impl FromRequest for Principal {
    type Error = Problem;
    type Future = Ready<Result<Self, Problem>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = req.extensions().get::<PrincipalContext>().cloned();
        ready(found.map(Principal).ok_or_else(|| AdminError::Unauthenticated.into()))
    }
}

/// The session token: from an `Authorization: Bearer` header (`false`) or the cookie
/// (`true`).
fn session_token(req: &HttpRequest) -> Option<(String, bool)> {
    if let Some(token) = crate::bearer_token(req.headers()) {
        return Some((token, false));
    }
    req.cookie(SESSION_COOKIE).map(|c| (c.value().to_owned(), true))
}

/// What may be called without a session: logging in, and the API's description.
fn is_public(req: &ServiceRequest) -> bool {
    let path = req.path().trim_end_matches('/');
    (path == "/api/v1/session" && req.method() == Method::POST) || path == "/api/v1/openapi.json"
}

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Authenticates (unless public), then reads the body (JSON only, at most `MAX_BODY`, within
/// `body_timeout`) and hands it on.
pub(crate) async fn gate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    match admit(&mut req).await {
        Ok(()) => next.call(req).await.map(ServiceResponse::map_into_left_body),
        // Answered here, as problem+json, so that the outer middleware (no-store) sees it.
        Err(problem) => Ok(req.into_response(problem.error_response()).map_into_right_body()),
    }
}

async fn admit(req: &mut ServiceRequest) -> Result<(), Problem> {
    let state = req.app_data::<web::Data<AppState>>().cloned().ok_or_else(internal)?;
    if !is_public(req) {
        let ctx = authenticate(req.request(), &state).await?;
        req.extensions_mut().insert(ctx);
    }
    if has_body(req) {
        let body = read_body(req, &state).await?;
        req.set_payload(Payload::from(body));
    }
    Ok(())
}

async fn authenticate(req: &HttpRequest, state: &AppState) -> Result<PrincipalContext, Problem> {
    let Some((token, by_cookie)) = session_token(req) else {
        return Err(AdminError::Unauthenticated.into());
    };
    let write = is_write(req.method());
    let csrf = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let ports = state.ports.clone();
    blocking(&state.lanes.admin, move || {
        let ctx = ports.authenticate_session(&token)?;
        if by_cookie && write {
            let ok = csrf.is_some_and(|c| SecretToken::new(c).hash() == ctx.session.csrf_hash);
            if !ok {
                return Err(Problem::csrf());
            }
        }
        Ok(ctx)
    })
    .await
}

fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().parse::<u64>().map_or(true, |n| n > 0))
}

/// JSON only: a form or plain-text body is what a cross-site form can send without asking
/// (login CSRF), and nothing here accepts one.
fn is_json(req: &ServiceRequest) -> bool {
    let Some(mime) = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = mime.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

async fn read_body(req: &mut ServiceRequest, state: &AppState) -> Result<web::Bytes, Problem> {
    if !is_json(req) {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            &t("problem-json-expected"),
            t("problem-json-expected-detail"),
        ));
    }
    let too_large = || {
        Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            &t("problem-body-too-large"),
            t_with("problem-body-too-large-detail", &[("max", string(MAX_BODY.to_string()))]),
        )
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(too_large());
    }
    let payload = req.extract::<web::Payload>().await.map_err(|_| internal())?;
    let wait = state.config.body_timeout;
    match actix_web::rt::time::timeout(wait, payload.to_bytes_limited(MAX_BODY)).await {
        Err(_) => Err(Problem::new(
            StatusCode::REQUEST_TIMEOUT,
            "body-timeout",
            &t("problem-body-too-slow"),
            t_with("problem-body-too-slow-detail", &[("seconds", string(wait.as_secs().to_string()))]),
        )),
        Ok(Err(_)) => Err(too_large()),
        Ok(Ok(Err(e))) => {
            Err(Problem::bad_request(t_with("problem-body-unreadable", &[("error", string(e.to_string()))])))
        }
        Ok(Ok(Ok(bytes))) => Ok(bytes),
    }
}
