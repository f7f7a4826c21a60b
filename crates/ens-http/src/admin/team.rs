//! The enterprise's principals: list, invite, reset a password, remove (Principals page).
//! Invitations and resets hash a password, so they run on the password lane.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use ens_ports::PrincipalId;
use ens_ports::outbound::PrincipalRecord;
use ens_ports::usecases::operators::IssuedCredentials;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::problem::Problem;
use super::{Principal, blocking, path_id};
use crate::AppState;

/// One principal of the enterprise.
#[derive(Debug, Serialize, ToSchema)]
pub struct ColleagueView {
    pub id: String,
    pub login: String,
    pub created_at: String,
    /// Absent: never logged in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_login_at: Option<String>,
    /// A one-time password is still to be changed at the next login.
    pub must_change_password: bool,
    /// The caller: cannot remove itself.
    pub you: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ColleaguesView {
    pub items: Vec<ColleagueView>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    /// The new principal's e-mail address, which they log in with.
    pub login: String,
}

/// A one-time password, shown this once: the principal must change it at first login.
#[derive(Debug, Serialize, ToSchema)]
pub struct OneTimePasswordView {
    pub id: String,
    pub login: String,
    pub password: String,
    pub warning: String,
}

impl OneTimePasswordView {
    fn new(creds: &IssuedCredentials) -> Self {
        Self {
            id: creds.principal.id.to_string(),
            login: creds.principal.login.to_string(),
            password: creds.password.clone(),
            warning: crate::i18n::t("one-time-password-warning"),
        }
    }
}

fn colleague(r: &PrincipalRecord, me: PrincipalId) -> ColleagueView {
    ColleagueView {
        id: r.principal.id.to_string(),
        login: r.principal.login.to_string(),
        created_at: r.principal.created_at.to_rfc3339(),
        last_login_at: r.last_login_at.map(|t| t.to_rfc3339()),
        must_change_password: r.must_change_password,
        you: r.principal.id == me,
    }
}

fn once(view: OneTimePasswordView, status: actix_web::http::StatusCode) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(view)
}

/// The enterprise's principals, by login.
#[utoipa::path(get, path = "/api/v1/principals", tag = "principals",
    responses((status = 200, body = ColleaguesView), (status = 401, body = Problem)))]
pub(super) async fn list(Principal(ctx): Principal, state: web::Data<AppState>) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let me = ctx.principal.id;
    let items = blocking(&state.lanes.admin, move || Ok(ports.list_principals(&ctx)?)).await?;
    Ok(HttpResponse::Ok().json(ColleaguesView { items: items.iter().map(|r| colleague(r, me)).collect() }))
}

/// Invite another principal of the enterprise: a one-time password, shown once.
#[utoipa::path(post, path = "/api/v1/principals", tag = "principals", request_body = InviteRequest,
    responses((status = 201, body = OneTimePasswordView),
              (status = 409, description = "The login is taken", body = Problem),
              (status = 422, description = "The login is not an e-mail address", body = Problem)))]
pub(super) async fn invite(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    body: web::Json<InviteRequest>,
) -> Result<HttpResponse, Problem> {
    let ports = state.ports.clone();
    let login = body.into_inner().login;
    let creds = blocking(&state.lanes.passwords, move || Ok(ports.invite_principal(&ctx, &login)?)).await?;
    Ok(once(OneTimePasswordView::new(&creds), actix_web::http::StatusCode::CREATED))
}

/// Give another principal a new one-time password (shown once); their sessions end.
#[utoipa::path(post, path = "/api/v1/principals/{id}/password", tag = "principals", params(("id" = String, Path)),
    responses((status = 200, body = OneTimePasswordView), (status = 404, body = Problem)))]
pub(super) async fn reset_password(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id: PrincipalId = path_id(&id)?;
    let ports = state.ports.clone();
    let creds = blocking(&state.lanes.passwords, move || Ok(ports.reset_principal_password(&ctx, id)?)).await?;
    Ok(once(OneTimePasswordView::new(&creds), actix_web::http::StatusCode::OK))
}

/// Remove another principal (not oneself, not the enterprise's last).
#[utoipa::path(delete, path = "/api/v1/principals/{id}", tag = "principals", params(("id" = String, Path)),
    responses((status = 204, description = "Removed"), (status = 404, body = Problem),
              (status = 409, description = "Oneself, or the last principal", body = Problem)))]
pub(super) async fn remove(
    Principal(ctx): Principal,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, Problem> {
    let id: PrincipalId = path_id(&id)?;
    let ports = state.ports.clone();
    blocking(&state.lanes.admin, move || Ok(ports.remove_principal(&ctx, id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
