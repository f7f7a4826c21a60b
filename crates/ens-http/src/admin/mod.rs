//! The admin REST API (`/api/v1`): what principals do on Setup › SCIM Import, the Person
//! list and the activity log. Everything is scoped to the enterprise of the logged-in
//! principal, taken from the session — never from the request.
//!
//! Sessions travel as an HttpOnly `SameSite=Strict` cookie (pages) or as a bearer token (REST
//! clients). Cookie-authenticated writes must repeat the CSRF token in `X-CSRF-Token`.

// utoipa's path macro expands `params(…)` into fully qualified paths.
#![allow(unused_qualifications)]
// Problems are returned on cold paths only; their size does not matter.
#![allow(clippy::result_large_err)]

pub mod problem;
pub mod wire;
mod words;

mod gate;
mod team;
mod test_mail;

use std::collections::HashMap;

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::{DefaultHeaders, from_fn};
use actix_web::{HttpRequest, HttpResponse, web};
use ens_ports::usecases::AdminError;
use ens_ports::usecases::health::ReachFilter;
use ens_ports::usecases::persons::{PersonFilter, PersonOrder, PersonSearch};
use ens_ports::usecases::principals::{NewSession, PrincipalContext};
use ens_ports::{ActivityFilter, ActivityKind, Outcome, PersonId, Ports, PrincipalId, Source, SyncState};
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

pub(crate) use self::gate::Principal;
use self::problem::{Problem, internal};
pub(crate) use self::test_mail::TestMails;
use self::wire::*;
use crate::i18n::{string, t, t_with};
use crate::lanes::{Lane, LaneError};
use crate::{AppState, HttpConfig};

pub const SESSION_COOKIE: &str = "ens_session";
pub const CSRF_COOKIE: &str = "ens_csrf";
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// Largest admin request body.
const MAX_BODY: usize = 64 * 1024;

/// Longest search text accepted: the search is a substring match, and a long pattern costs
/// the database (SQLite refuses very long `LIKE` patterns).
const MAX_SEARCH_CHARS: usize = 200;

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    // The gate has read the body already (within its limit, time and content type).
    let json = web::JsonConfig::default().limit(MAX_BODY).content_type_required(false).error_handler(|e, _| {
        Problem::bad_request(t_with("problem-body-invalid", &[("error", string(e.to_string()))])).into()
    });
    let query = web::QueryConfig::default().error_handler(|e, _| {
        Problem::bad_request(t_with("problem-query-invalid", &[("error", string(e.to_string()))])).into()
    });
    cfg.service(
        web::scope("/api/v1")
            // Innermost first: the gate authenticates and reads the body; every answer,
            // errors included, then gets `no-store`.
            .wrap(from_fn(gate::gate))
            // Outside the gate: its refusals are worded in the request's language too.
            .wrap(from_fn(crate::i18n::speak))
            .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
            .app_data(json)
            .app_data(query)
            .route("/openapi.json", web::get().to(openapi))
            .route("/session", web::post().to(login))
            .route("/session", web::get().to(current_session))
            .route("/session", web::delete().to(logout))
            .route("/session/password", web::put().to(change_password))
            .route("/scim-import", web::get().to(get_import))
            .route("/scim-import/token", web::post().to(generate_token))
            .route("/scim-import/token/previous", web::delete().to(revoke_previous_token))
            .route("/scim-import/emails", web::put().to(put_emails))
            .route("/scim-import/enabled", web::put().to(put_enabled))
            .route("/scim-import/mapping", web::put().to(put_mapping))
            .route("/scim-import/departure-limit", web::put().to(put_departure_limit))
            .route("/scim-import/hold/allow", web::post().to(allow_held))
            .route("/scim-import/purge", web::put().to(put_purge))
            .route("/scim-import/notice-language", web::put().to(put_notice_language))
            .route("/health", web::get().to(health))
            .route("/health/conflicts", web::get().to(conflicts))
            .route("/scim-import/test-email", web::post().to(test_mail::start))
            .route("/scim-import/test-email", web::get().to(test_mail::latest))
            .route("/scim-import/activity", web::get().to(activity))
            .route("/persons", web::get().to(list_persons))
            .route("/persons", web::post().to(create_person))
            .route("/persons/{id}", web::get().to(get_person))
            .route("/persons/{id}", web::patch().to(edit_person))
            .route("/persons/{id}", web::delete().to(delete_person))
            .route("/principals", web::get().to(team::list))
            .route("/principals", web::post().to(team::invite))
            .route("/principals/{id}/password", web::post().to(team::reset_password))
            .route("/principals/{id}", web::delete().to(team::remove))
            .default_service(web::to(|| async {
                Err::<HttpResponse, _>(Problem::new(
                    StatusCode::NOT_FOUND,
                    "not-found",
                    &t("problem-not-found"),
                    t("problem-no-endpoint"),
                ))
            })),
    );
}

/// Runs a use case on `lane`; a full lane answers 503 at once.
async fn blocking<T, F>(lane: &Lane, f: F) -> Result<T, Problem>
where
    T: Send + 'static,
    F: FnOnce() -> Result<T, Problem> + Send + 'static,
{
    // The lane's thread words what it makes (views, problems) in the request's language.
    match lane.run(crate::i18n::carried(f)).await {
        Ok(result) => result,
        Err(LaneError::Busy(_)) => Err(problem::busy()),
        Err(e @ LaneError::Panicked(_)) => {
            tracing::error!(error = %e, "admin request could not run");
            Err(internal())
        }
    }
}

/// The client's address, for throttling: the peer, or the proxy's forwarded address when
/// the service is configured to trust it.
fn client_address(req: &HttpRequest, state: &AppState) -> String {
    if state.config.trust_forwarded_for {
        req.connection_info().realip_remote_addr().unwrap_or("unknown").to_owned()
    } else {
        req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".to_owned())
    }
}

fn tenant_url(config: &HttpConfig) -> String {
    format!("{}/portal/scim/", config.public_base_url)
}

/// Where principals switch import on again; linked from notices.
pub fn setup_url(base: &str) -> String {
    format!("{base}/setup/scim-import")
}

fn cookie<'c>(state: &AppState, name: &'c str, value: String, http_only: bool) -> Cookie<'c> {
    Cookie::build(name, value)
        .path("/")
        .http_only(http_only)
        .same_site(SameSite::Strict)
        .secure(state.config.public_base_url.starts_with("https://"))
        .finish()
}

fn session_view(ports: &Ports, ctx: &PrincipalContext, s: Option<&NewSession>) -> Result<SessionView, Problem> {
    let enterprise = ports.session_enterprise(ctx)?;
    Ok(SessionView {
        token: s.map(|s| s.token.expose().to_owned()),
        csrf_token: s.map(|s| s.csrf_token.expose().to_owned()),
        expires_at: ports.session_expires_at(ctx).to_rfc3339(),
        password_change_required: ctx.must_change_password,
        principal: PrincipalView {
            id: ctx.principal.id.to_string(),
            login: ctx.principal.login.to_string(),
            enterprise_id: enterprise.id.to_string(),
            enterprise_name: enterprise.name,
        },
    })
}

fn with_session_cookies(state: &AppState, mut res: HttpResponse, s: &NewSession) -> HttpResponse {
    let _ = res.add_cookie(&cookie(state, SESSION_COOKIE, s.token.expose().to_owned(), true));
    let _ = res.add_cookie(&cookie(state, CSRF_COOKIE, s.csrf_token.expose().to_owned(), false));
    res
}

#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "ENS+ SCIM import — admin API",
        description = "What principals configure on Setup › SCIM Import, the Person list and the SCIM activity log. \
Log in with POST /api/v1/session; then send the session token as `Authorization: Bearer <token>` (REST clients) \
or rely on the HttpOnly `ens_session` cookie (pages: cookie-authenticated writes repeat the `ens_csrf` cookie's \
value in the `X-CSRF-Token` header). Errors are `application/problem+json`."
    ),
    paths(
        login,
        current_session,
        logout,
        change_password,
        get_import,
        generate_token,
        revoke_previous_token,
        put_emails,
        put_enabled,
        put_mapping,
        put_departure_limit,
        allow_held,
        put_purge,
        put_notice_language,
        health,
        conflicts,
        test_mail::start,
        test_mail::latest,
        activity,
        list_persons,
        create_person,
        get_person,
        edit_person,
        delete_person,
        team::list,
        team::invite,
        team::reset_password,
        team::remove
    ),
    components(schemas(Problem))
)]
pub struct ApiDoc;

async fn openapi() -> HttpResponse {
    match ApiDoc::openapi().to_json() {
        Ok(json) => HttpResponse::Ok().content_type("application/json").body(json),
        Err(e) => {
            tracing::error!(error = %e, "OpenAPI document could not be rendered");
            actix_web::ResponseError::error_response(&internal())
        }
    }
}

/// Log in.
#[utoipa::path(post, path = "/api/v1/session", tag = "session", request_body = LoginRequest,
    responses((status = 201, description = "Logged in; also sets the ens_session and ens_csrf cookies", body = SessionView),
              (status = 401, body = Problem), (status = 429, description = "Too many failed logins", body = Problem)))]
async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, Problem> {
    let client = client_address(&req, &state);
    let ports = state.ports.clone();
    let body = body.into_inner();
    let (session, view) = blocking(&state.lanes.passwords, move || {
        let s = ports.login(&body.login, &body.password, &client)?;
        let view = session_view(&ports, &s.context, Some(&s))?;
        Ok((s, view))
    })
    .await?;
    Ok(with_session_cookies(&state, HttpResponse::Created().json(view), &session))
}

/// The current session.
#[utoipa::path(get, path = "/api/v1/session", tag = "session",
    responses((status = 200, body = SessionView), (status = 401, body = Problem)))]
async fn current_session(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let view = blocking(&state.lanes.admin, move || session_view(&ports, &ctx, None)).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Log out.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session",
    responses((status = 204, description = "Logged out; cookies cleared"), (status = 401, body = Problem)))]
async fn logout(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    blocking(&state.lanes.admin, move || Ok(ports.logout(&ctx)?)).await?;
    let mut res = HttpResponse::NoContent().finish();
    for name in [SESSION_COOKIE, CSRF_COOKIE] {
        let mut c = cookie(&state, name, String::new(), name == SESSION_COOKIE);
        c.make_removal();
        let _ = res.add_cookie(&c);
    }
    Ok(res)
}

/// Change the password (required after a generated one-time password). Ends every session
/// of the principal and returns a new one.
#[utoipa::path(put, path = "/api/v1/session/password", tag = "session", request_body = ChangePasswordRequest,
    responses((status = 200, body = SessionView), (status = 403, description = "Wrong current password", body = Problem),
              (status = 422, body = Problem)))]
async fn change_password(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<ChangePasswordRequest>,
) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let body = body.into_inner();
    let (session, view) = blocking(&state.lanes.passwords, move || {
        let s = ports.change_password(&ctx, &body.current_password, &body.new_password).map_err(|e| match e {
            AdminError::InvalidCredentials => Problem::new(
                StatusCode::FORBIDDEN,
                "invalid-credentials",
                &t("problem-wrong-password"),
                t("problem-wrong-password-detail"),
            ),
            e => e.into(),
        })?;
        let view = session_view(&ports, &s.context, Some(&s))?;
        Ok((s, view))
    })
    .await?;
    Ok(with_session_cookies(&state, HttpResponse::Ok().json(view), &session))
}

fn import_view(ports: &Ports, ctx: &PrincipalContext, config: &HttpConfig) -> Result<ImportView, Problem> {
    let (enterprise, import) = ports.import_setup(ctx)?;
    let by = match &import.state {
        SyncState::Enabled { by: Some(p), .. } | SyncState::DisabledByPrincipal { by: Some(p), .. } => {
            ports.principal_login(ctx, *p)?
        }
        _ => None,
    };
    let examples = ports.held_departures(ctx, &import)?;
    let mut view =
        ImportView::new(&enterprise, &import, tenant_url(config), by, &examples, &config.support_contact, ports.now());
    view.last_change_at = ports.last_scim_change(ctx)?.map(|t| t.to_rfc3339());
    view.refused_while_off = ports.refused_while_off(ctx, &import)?;
    Ok(view)
}

/// A principal's change to Setup › SCIM Import, answered with the setup as it is now.
async fn change_setup<T: 'static>(
    ctx: PrincipalContext,
    state: &AppState,
    change: impl FnOnce(&Ports, &PrincipalContext) -> Result<T, AdminError> + Send + 'static,
) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let config = state.config.clone();
    let view = blocking(&state.lanes.admin, move || {
        change(&ports, &ctx)?;
        import_view(&ports, &ctx, &config)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Setup › SCIM Import: state, Tenant URL, token, addresses, mapping, last SCIM request.
#[utoipa::path(get, path = "/api/v1/scim-import", tag = "scim-import",
    responses((status = 200, body = ImportView), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn get_import(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let config = state.config.clone();
    Ok(HttpResponse::Ok().json(blocking(&state.lanes.admin, move || import_view(&ports, &ctx, &config)).await?))
}

/// Generate a new secret token (shown once). The previous token keeps working until Entra
/// first uses the new one, the overlap ends (7 days by default), or it is revoked; a token
/// older than that stops working at once (two live at most).
#[utoipa::path(post, path = "/api/v1/scim-import/token", tag = "scim-import",
    responses((status = 201, body = NewTokenView), (status = 401, body = Problem)))]
async fn generate_token(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let tenant = tenant_url(&state.config);
    let view = blocking(&state.lanes.admin, move || {
        let (token, import) = ports.generate_scim_token(&ctx)?;
        let info = import.token.ok_or_else(internal)?;
        let warning = match &import.previous_token {
            Some(p) => t_with(
                "token-warning-previous",
                &[("last4", string(p.token.last4.as_str())), ("until", string(p.until.to_minute_utc()))],
            ),
            None => t("token-warning"),
        };
        Ok(NewTokenView {
            token: token.expose().to_owned(),
            created_at: info.created_at.to_rfc3339(),
            last4: info.last4,
            tenant_url: tenant,
            warning,
        })
    })
    .await?;
    Ok(HttpResponse::Created().insert_header((header::CACHE_CONTROL, "no-store")).json(view))
}

/// Revoke the previous token now: it stops working at once (Entra must use the new one).
#[utoipa::path(delete, path = "/api/v1/scim-import/token/previous", tag = "scim-import",
    responses((status = 200, body = ImportView), (status = 409, description = "There is no previous token", body = Problem)))]
async fn revoke_previous_token(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    change_setup(ctx, &state, |ports, ctx| ports.revoke_previous_token(ctx)).await
}

/// Replace the notification addresses (zero or more).
#[utoipa::path(put, path = "/api/v1/scim-import/emails", tag = "scim-import", request_body = EmailsRequest,
    responses((status = 200, body = ImportView), (status = 422, body = Problem)))]
async fn put_emails(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<EmailsRequest>,
) -> Result<HttpResponse, Problem> {
    let body = body.into_inner();
    change_setup(ctx, &state, move |ports, ctx| ports.set_notify_addresses(ctx, &body.addresses)).await
}

/// Switch SCIM import on (needs a token) or off.
#[utoipa::path(put, path = "/api/v1/scim-import/enabled", tag = "scim-import", request_body = EnabledRequest,
    responses((status = 200, body = ImportView), (status = 409, description = "No token yet", body = Problem)))]
async fn put_enabled(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<EnabledRequest>,
) -> Result<HttpResponse, Problem> {
    let enabled = body.enabled;
    let ports = state.ports.clone();
    let config = state.config.clone();
    let view = blocking(&state.lanes.admin, move || {
        let (_, was_off_for) = ports.switch_import(&ctx, enabled)?;
        let mut view = import_view(&ports, &ctx, &config)?;
        view.entra_hint = was_off_for.and_then(restart_hint);
        Ok(view)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Set how many persons may leave the alert list (deactivated or deleted while active) within
/// a window before SCIM import is held: more than max(floor, percent % of the active SCIM
/// persons) within `window_minutes`.
#[utoipa::path(put, path = "/api/v1/scim-import/departure-limit", tag = "scim-import", request_body = DepartureLimitRequest,
    responses((status = 200, body = ImportView), (status = 422, description = "A number outside its bounds", body = Problem)))]
async fn put_departure_limit(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<DepartureLimitRequest>,
) -> Result<HttpResponse, Problem> {
    let b = body.into_inner();
    change_setup(ctx, &state, move |ports, ctx| ports.set_departure_rule(ctx, b.floor, b.percent, b.window_minutes))
        .await
}

/// "Allow these changes and switch on": after a held mass deactivation, lifts the departure
/// limit for one window (so that Entra's retries of the held changes go through) and switches
/// SCIM import on. Recorded in the activity log with the principal.
#[utoipa::path(post, path = "/api/v1/scim-import/hold/allow", tag = "scim-import",
    responses((status = 200, body = ImportView),
              (status = 409, description = "Import is not held by the departure limit", body = Problem)))]
async fn allow_held(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let config = state.config.clone();
    let view = blocking(&state.lanes.admin, move || {
        let (_, was_off_for) = ports.allow_held_departures(&ctx)?;
        let mut view = import_view(&ports, &ctx, &config)?;
        view.entra_hint = was_off_for.and_then(restart_hint);
        Ok(view)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Switch the purge of long-inactive persons on (`days`: 30 at least) or off (`null`):
/// housekeeping then deletes, every hour, the persons from Entra inactive for longer, records
/// each deletion in the activity log and e-mails the notification addresses a summary.
#[utoipa::path(put, path = "/api/v1/scim-import/purge", tag = "scim-import", request_body = PurgeRequest,
    responses((status = 200, body = ImportView), (status = 422, description = "Fewer than 30 days", body = Problem)))]
async fn put_purge(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<PurgeRequest>,
) -> Result<HttpResponse, Problem> {
    let days = body.days;
    change_setup(ctx, &state, move |ports, ctx| ports.set_purge_rule(ctx, days)).await
}

/// Choose the language of the notices the notification addresses receive (`en` or `de`);
/// each principal's pages follow their own choice.
#[utoipa::path(put, path = "/api/v1/scim-import/notice-language", tag = "scim-import", request_body = NoticeLanguageRequest,
    responses((status = 200, body = ImportView), (status = 422, description = "A language ENS+ does not speak", body = Problem)))]
async fn put_notice_language(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<NoticeLanguageRequest>,
) -> Result<HttpResponse, Problem> {
    let Some(language) = ens_ports::Language::from_tag(&body.language).filter(|l| l.tag() == body.language) else {
        let mut p = Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid-language",
            &t("problem-invalid-language"),
            t_with("problem-invalid-language-detail", &[("value", string(format!("{:?}", body.language)))]),
        );
        p.fields = Some(vec!["language".to_owned()]);
        return Err(p);
    };
    change_setup(ctx, &state, move |ports, ctx| ports.set_notice_language(ctx, language)).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct HealthParams {
    /// "Long inactive": more than this many days (default 90).
    inactive_days: Option<u32>,
}

/// The Person list's health: counts at a glance, who cannot be alerted, mapping drift,
/// conflicts, long-inactive persons. Each count has a Persons (or activity) filter.
#[utoipa::path(get, path = "/api/v1/health", tag = "health", params(HealthParams),
    responses((status = 200, body = HealthView), (status = 401, body = Problem)))]
async fn health(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    q: web::Query<HealthParams>,
) -> Result<HttpResponse, Problem> {
    let days = q.inactive_days;
    let ports = state.ports.clone();
    let view = blocking(&state.lanes.admin, move || Ok(HealthView::from(&ports.health(&ctx, days)?))).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ConflictsParams {
    /// Entries of each kind at most (default 50, at most 200).
    limit: Option<u64>,
}

/// Conflicts: Entra's creates refused in the last 30 days because another person holds the
/// userName (with that person), and manual persons that share a work e-mail with a person
/// from Entra.
#[utoipa::path(get, path = "/api/v1/health/conflicts", tag = "health", params(ConflictsParams),
    responses((status = 200, body = ConflictsView), (status = 401, body = Problem)))]
async fn conflicts(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    q: web::Query<ConflictsParams>,
) -> Result<HttpResponse, Problem> {
    let limit = q.limit.unwrap_or(50).clamp(1, 200);
    let ports = state.ports.clone();
    let view = blocking(&state.lanes.admin, move || Ok(ConflictsView::from(&ports.conflicts(&ctx, limit)?))).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Choose the imported fields.
#[utoipa::path(put, path = "/api/v1/scim-import/mapping", tag = "scim-import", request_body = MappingRequest,
    responses((status = 200, body = ImportView), (status = 422, description = "Required field left out, or unknown key", body = Problem)))]
async fn put_mapping(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<MappingRequest>,
) -> Result<HttpResponse, Problem> {
    let body = body.into_inner();
    change_setup(ctx, &state, move |ports, ctx| ports.set_mapping(ctx, &body.selected)).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PageParams {
    /// 1-based page number.
    page: Option<u64>,
    /// Entries per page (at most 200).
    per_page: Option<u64>,
}

impl PageParams {
    fn bounds(&self) -> (u64, u64, u64) {
        let per_page = self.per_page.unwrap_or(50).clamp(1, 200);
        let page = self.page.unwrap_or(1).max(1);
        (page, per_page, (page - 1).saturating_mul(per_page))
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ActivityParams {
    page: Option<u64>,
    per_page: Option<u64>,
    /// Only entries with one of these outcomes, comma-separated: `applied`, `rejected`,
    /// `failed` (e.g. `failed,rejected` for what went wrong). Absent or empty: every entry.
    outcome: Option<String>,
    /// Only entries of these kinds, comma-separated (e.g. `user_name_conflict`).
    kind: Option<String>,
    /// Only entries about this person (id).
    person: Option<String>,
}

/// A comma-separated list, each item parsed; absent or empty: none.
fn list_param<T>(raw: Option<&str>, parse: impl Fn(&str) -> Option<T>, what: &str) -> Result<Vec<T>, Problem> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Vec::new()),
        Some(list) => list
            .split(',')
            .map(|item| {
                parse(item.trim()).ok_or_else(|| {
                    Problem::bad_request(t_with(
                        "problem-unknown-value",
                        &[("what", string(what)), ("value", string(format!("{:?}", item.trim())))],
                    ))
                })
            })
            .collect(),
    }
}

/// What SCIM did, and who switched import on or off: newest first, optionally only the
/// entries with the given outcomes.
#[utoipa::path(get, path = "/api/v1/scim-import/activity", tag = "scim-import", params(ActivityParams),
    responses((status = 200, body = ActivityPage), (status = 400, body = Problem), (status = 401, body = Problem)))]
async fn activity(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    q: web::Query<ActivityParams>,
) -> Result<HttpResponse, Problem> {
    let q = q.into_inner();
    let filter = ActivityFilter {
        outcomes: list_param(q.outcome.as_deref(), Outcome::parse, "outcome (use applied, rejected or failed)")?,
        kinds: list_param(q.kind.as_deref(), ActivityKind::parse, "kind")?,
        person: q.person.as_deref().map(path_id::<PersonId>).transpose()?,
        since: None,
    };
    let ports = state.ports.clone();
    let (page, per_page, offset) = PageParams { page: q.page, per_page: q.per_page }.bounds();
    let view = blocking(&state.lanes.admin, move || {
        let (items, total) = ports.activity_log(&ctx, &filter, offset, per_page)?;
        let mut logins: HashMap<PrincipalId, Option<String>> = HashMap::new();
        for a in &items {
            if let ens_ports::Actor::Principal(p) = a.actor
                && !logins.contains_key(&p)
            {
                logins.insert(p, ports.principal_login(&ctx, p)?);
            }
        }
        let items = items.iter().map(|a| ActivityView::new(a, |p| logins.get(&p).cloned().flatten())).collect();
        Ok(ActivityPage { items, total, page, per_page })
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct PersonParams {
    /// Searches userName, names and e-mail addresses.
    q: Option<String>,
    page: Option<u64>,
    per_page: Option<u64>,
    /// `user_name` (default), `display_name`, `family_name`, `mobile`, `department` or
    /// `last_changed`.
    sort: Option<String>,
    /// `asc` (default; `desc` for last_changed) or `desc`.
    order: Option<String>,
    /// `scim` (from Entra) or `manual`.
    source: Option<String>,
    /// `true` or `false`.
    active: Option<bool>,
    /// A Health report: `unreachable` (cannot be alerted) or `only_not_imported` (only
    /// channels no longer imported).
    reach: Option<String>,
    /// Inactive for more than this many days.
    inactive_days: Option<u32>,
}

/// The Person list, searched and paged.
#[utoipa::path(get, path = "/api/v1/persons", tag = "persons", params(PersonParams),
    responses((status = 200, body = PersonPageView), (status = 400, body = Problem)))]
async fn list_persons(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    q: web::Query<PersonParams>,
) -> Result<HttpResponse, Problem> {
    let q = q.into_inner();
    if q.q.as_deref().is_some_and(|text| text.chars().count() > MAX_SEARCH_CHARS) {
        return Err(Problem::bad_request(t_with(
            "problem-search-too-long",
            &[("max", string(MAX_SEARCH_CHARS.to_string()))],
        )));
    }
    let order = match q.sort.as_deref() {
        None | Some("user_name") => PersonOrder::UserName,
        Some("display_name") => PersonOrder::DisplayName,
        Some("family_name") => PersonOrder::FamilyName,
        Some("mobile") => PersonOrder::Mobile,
        Some("department") => PersonOrder::Department,
        Some("last_changed") => PersonOrder::LastChanged,
        Some(other) => {
            return Err(Problem::bad_request(t_with(
                "problem-cannot-sort",
                &[("value", string(format!("{other:?}")))],
            )));
        }
    };
    let descending = match q.order.as_deref() {
        None => order == PersonOrder::LastChanged,
        Some("asc") => false,
        Some("desc") => true,
        Some(other) => return Err(Problem::bad_request(format!("order must be asc or desc, not {other:?}."))),
    };
    let (page, per_page, offset) = PageParams { page: q.page, per_page: q.per_page }.bounds();
    let filter = PersonFilter {
        source: match q.source.as_deref() {
            None | Some("") => None,
            Some(s) => Some(
                Source::parse(s)
                    .ok_or_else(|| Problem::bad_request(format!("source must be scim or manual, not {s:?}.")))?,
            ),
        },
        active: q.active,
        reach: match q.reach.as_deref() {
            None | Some("") => None,
            Some("unreachable") => Some(ReachFilter::Unreachable),
            Some("only_not_imported") => Some(ReachFilter::OnlyNotImported),
            Some(other) => {
                return Err(Problem::bad_request(format!(
                    "reach must be unreachable or only_not_imported, not {other:?}."
                )));
            }
        },
        inactive_days: q.inactive_days,
    };
    let search = PersonSearch { text: q.q, filter, order, descending, offset, limit: per_page };
    let ports = state.ports.clone();
    let result = blocking(&state.lanes.admin, move || Ok(ports.list_persons(&ctx, &search)?)).await?;
    Ok(HttpResponse::Ok().json(PersonPageView {
        items: result.persons.iter().map(PersonSummary::from).collect(),
        total: result.total,
        page,
        per_page,
    }))
}

/// An id from the path; one that cannot be an id names nothing: 404.
fn path_id<T: std::str::FromStr>(raw: &str) -> Result<T, Problem> {
    raw.parse().map_err(|_| AdminError::NotFound.into())
}

fn detail(ports: &Ports, ctx: &PrincipalContext, p: &ens_ports::Person) -> Result<PersonDetail, Problem> {
    Ok(PersonDetail::new(p, &ports.scim_setup(ctx)?))
}

/// One person, with where each field comes from.
#[utoipa::path(get, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = String, Path)),
    responses((status = 200, body = PersonDetail), (status = 404, body = Problem)))]
async fn get_person(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id: PersonId = path_id(&id)?;
    let ports = state.ports.clone();
    let view = blocking(&state.lanes.admin, move || {
        let (p, import, manager) = ports.person_detail(&ctx, id)?;
        let mut view = PersonDetail::new(&p, &import);
        view.manager = manager.as_ref().map(PersonRef::from);
        Ok(view)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Create a manual person.
#[utoipa::path(post, path = "/api/v1/persons", tag = "persons", request_body = PersonWrite,
    responses((status = 201, body = PersonDetail), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_person(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<PersonWrite>,
) -> Result<HttpResponse, Problem> {
    let changes = body.changes()?;
    let ports = state.ports.clone();
    let view = blocking(&state.lanes.admin, move || {
        let p = ports.create_manual_person(&ctx, &changes)?;
        detail(&ports, &ctx, &p)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Change fields of a person (`null` clears). On a person from Entra, only fields that are
/// not imported.
#[utoipa::path(patch, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = String, Path)), request_body = PersonWrite,
    responses((status = 200, body = PersonDetail), (status = 409, description = "Imported fields, or changed meanwhile", body = Problem),
              (status = 422, body = Problem)))]
async fn edit_person(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Json<PersonWrite>,
) -> Result<HttpResponse, Problem> {
    let id: PersonId = path_id(&id)?;
    let changes = body.changes()?;
    let version = body.version;
    let ports = state.ports.clone();
    let view = blocking(&state.lanes.admin, move || {
        let p = ports.edit_person(&ctx, id, &changes, version)?;
        detail(&ports, &ctx, &p)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Delete a manual person.
#[utoipa::path(delete, path = "/api/v1/persons/{id}", tag = "persons", params(("id" = String, Path)),
    responses((status = 204, description = "Deleted"), (status = 409, description = "The person comes from Entra", body = Problem)))]
async fn delete_person(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id: PersonId = path_id(&id)?;
    let ports = state.ports.clone();
    blocking(&state.lanes.admin, move || Ok(ports.delete_manual_person(&ctx, id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
