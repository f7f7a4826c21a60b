//! The SCIM 2.0 endpoint Entra provisions into: `/portal/scim/` (and `/portal/scim/v2/`).
//!
//! Every request authenticates with `Authorization: Bearer <token>`; the token alone says
//! which enterprise is meant. Authentication and the use case run in one trip to the
//! blocking pool, bounded by a timeout. Errors are SCIM errors ([`error::ScimError`]).

pub mod discovery;
pub mod error;
pub mod filter;
pub mod list;
pub mod model;
pub mod patch;
pub mod resolve;
pub mod user;

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpRequest, HttpResponse, web};
use ens_ports::usecases::provisioning::{IfMatch, PatchError, ProvisioningError};
use ens_ports::{ActivityKind, PersonId, Ports, RequestEnd, ScimImport, StoreError, SyncState};
use serde_json::Value;

use self::error::{SCIM_JSON, ScimError, ScimType};
use self::list::{ListRequest, list_response};
use crate::AppState;

/// Limits and answers of the SCIM endpoint.
#[derive(Debug, Clone)]
pub struct ScimConfig {
    /// Largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
    /// Most resources in one page (advertised as `filter.maxResults`).
    pub max_page_size: u64,
    /// `Retry-After` on 503 answers.
    pub retry_after_secs: u64,
    /// Longest a request may take before it is answered 503 (Entra gives up after ~60 s).
    pub request_timeout: Duration,
}

impl Default for ScimConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 1024 * 1024,
            max_page_size: 200,
            retry_after_secs: 600,
            request_timeout: Duration::from_secs(30),
        }
    }
}

pub(crate) fn routes(cfg: &mut web::ServiceConfig) {
    // v2 first: "/portal/scim" would otherwise take "/portal/scim/v2/…" as an unknown route.
    cfg.service(scope("/portal/scim/v2")).service(scope("/portal/scim"));
}

fn scope(base: &str) -> actix_web::Scope {
    let not_allowed = |allow: &'static str| {
        web::to(move |req: HttpRequest, state: web::Data<AppState>| async move {
            Err::<HttpResponse, _>(refuse(&req, &state, ScimError::method_not_allowed(allow)).await)
        })
    };
    web::scope(base)
        .service(
            web::resource("/Users")
                .route(web::get().to(list_users))
                .route(web::post().to(create_user))
                .default_service(not_allowed("GET, POST")),
        )
        .service(
            web::resource("/Users/.search").route(web::post().to(search_users)).default_service(not_allowed("POST")),
        )
        // RFC 7644 §3.4.3: a search at the root covers every resource type; ENS+ has Users only.
        .service(web::resource("/.search").route(web::post().to(search_users)).default_service(not_allowed("POST")))
        .service(
            web::resource("/Users/{id}")
                .route(web::get().to(get_user))
                .route(web::put().to(replace_user))
                .route(web::patch().to(patch_user))
                .route(web::delete().to(delete_user))
                .default_service(not_allowed("GET, PUT, PATCH, DELETE")),
        )
        .service(
            web::resource(["/Groups", "/Groups/.search"])
                .route(web::get().to(list_groups))
                .route(web::post().to(search_groups)),
        )
        .service(
            web::resource("/Groups/{id}").route(web::get().to(get_group)).default_service(web::to(groups_unsupported)),
        )
        .service(
            web::resource("/ServiceProviderConfig")
                .route(web::get().to(service_provider_config))
                .default_service(not_allowed("GET")),
        )
        .service(web::resource("/Schemas").route(web::get().to(schemas)).default_service(not_allowed("GET")))
        .service(web::resource("/Schemas/{id}").route(web::get().to(schema)).default_service(not_allowed("GET")))
        .service(
            web::resource("/ResourceTypes").route(web::get().to(resource_types)).default_service(not_allowed("GET")),
        )
        .service(
            web::resource("/ResourceTypes/{id}")
                .route(web::get().to(resource_type))
                .default_service(not_allowed("GET")),
        )
        .service(web::resource(["/Me", "/Me/{rest:.*}"]).to(
            |req: HttpRequest, state: web::Data<AppState>| async move {
                let e = ScimError::not_implemented(
                    "/Me is not supported: ENS+ accepts provisioning with a secret token only.",
                );
                Err::<HttpResponse, _>(refuse(&req, &state, e).await)
            },
        ))
        .service(web::resource("/Bulk").to(|req: HttpRequest, state: web::Data<AppState>| async move {
            let e = ScimError::not_implemented("Bulk operations are not supported by ENS+.");
            Err::<HttpResponse, _>(refuse(&req, &state, e).await)
        }))
        .default_service(web::to(|req: HttpRequest, state: web::Data<AppState>| async move {
            let e = ScimError::not_found(format!("There is no SCIM endpoint at {}.", req.path()));
            Err::<HttpResponse, _>(refuse(&req, &state, e).await)
        }))
}

/// `Authorization: Bearer <token>` (scheme in any case).
fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Why SCIM import is off, in the words of the 503 answer.
fn disabled_detail(state: &SyncState) -> String {
    let why = match state {
        SyncState::DisabledByFailure { failure, since } => {
            format!("it was switched off automatically at {since} because {}", failure.kind.describe())
        }
        _ => "it is switched off".to_owned(),
    };
    format!(
        "SCIM import is disabled in ENS+: {why}. No change was stored. A principal must switch it on at Setup › SCIM Import; \
         Entra keeps the changes and retries them."
    )
}

fn from_provisioning(e: ProvisioningError, config: &ScimConfig) -> ScimError {
    match e {
        ProvisioningError::Unauthorized => ScimError::unauthorized(),
        ProvisioningError::Disabled(state) => {
            ScimError::unavailable(disabled_detail(&state), config.retry_after_secs).with_cause(RequestEnd::ImportOff)
        }
        ProvisioningError::NotFound => ScimError::not_found("No such User."),
        ProvisioningError::UserNameTaken(u) => ScimError::new(
            StatusCode::CONFLICT,
            Some(ScimType::Uniqueness),
            format!("Another User already has the userName {u:?}."),
        ),
        ProvisioningError::Invalid(e) => ScimError::bad_request(ScimType::InvalidValue, e.to_string()),
        ProvisioningError::PreconditionFailed => ScimError::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            "The User has changed since the version given in If-Match.",
        ),
        ProvisioningError::Contention => {
            ScimError::new(StatusCode::CONFLICT, None, "Other requests changed this User at the same time; retry.")
        }
        ProvisioningError::Store(e) => {
            tracing::error!(error = %e, "SCIM request failed in the store");
            match e {
                StoreError::Unavailable(_) => ScimError::unavailable(
                    "ENS+ could not reach its database; the change was not stored and can be retried.",
                    config.retry_after_secs,
                )
                .with_cause(RequestEnd::DatabaseUnavailable),
                _ => ScimError::internal(
                    "ENS+ could not store the change because of an internal error; it was not stored.",
                )
                .with_cause(RequestEnd::DatabaseError),
            }
        }
    }
}

/// What failed, for notices and the activity log: the request's method and route, never
/// its query string or body.
fn describe_request(req: &HttpRequest) -> String {
    let route = req.match_pattern().unwrap_or_else(|| req.path().to_owned());
    let route = route.split("/portal/scim").last().unwrap_or(&route).trim_start_matches("/v2").to_owned();
    format!("Entra's request {} {} could not be completed", req.method(), if route.is_empty() { "/" } else { &route })
}

/// Authenticates, then runs `f` — both on the blocking pool, within the request timeout —
/// and tells the sync guard how it ended.
async fn authed<T, F>(req: &HttpRequest, state: &web::Data<AppState>, f: F) -> Result<T, ScimError>
where
    T: Send + 'static,
    F: FnOnce(&Ports, &ScimImport) -> Result<T, ScimError> + Send + 'static,
{
    let Some(token) = bearer(req.headers()) else {
        return Err(ScimError::unauthorized());
    };
    let ports = state.ports.clone();
    let config = state.config.scim.clone();
    let timeout = config.request_timeout;
    let detail = describe_request(req);
    // The enterprise, once known: a timeout is reported for it.
    let seen: Arc<Mutex<Option<ScimImport>>> = Arc::default();
    let work = {
        let seen = seen.clone();
        let ports = ports.clone();
        let detail = detail.clone();
        web::block(move || {
            let import = ports.scim_begin(&token).map_err(|e| from_provisioning(e, &config))?;
            if let Ok(mut s) = seen.lock() {
                *s = Some(import.clone());
            }
            let result = f(&ports, &import);
            let end = match &result {
                Ok(_) => RequestEnd::Succeeded,
                Err(e) => e.request_end(),
            };
            ports.guard_observe(&import, end, &detail);
            result
        })
    };
    let failure = match actix_web::rt::time::timeout(timeout, work).await {
        Ok(Ok(result)) => return result,
        Ok(Err(e)) => {
            tracing::error!(error = %e, "SCIM request could not run");
            (
                RequestEnd::Internal,
                ScimError::internal("ENS+ could not run the request because of an internal error; nothing was stored."),
            )
        }
        Err(_) => {
            tracing::error!(timeout_secs = timeout.as_secs(), "SCIM request timed out");
            (
                RequestEnd::Timeout,
                ScimError::unavailable(
                    "ENS+ took too long to answer; retry later.",
                    state.config.scim.retry_after_secs,
                ),
            )
        }
    };
    let known = seen.lock().ok().and_then(|s| s.clone());
    if let Some(import) = known {
        let (end, _) = &failure;
        let end = *end;
        let _ = web::block(move || ports.guard_observe(&import, end, &detail)).await;
    }
    Err(failure.1.with_cause(failure.0))
}

/// What an authenticated caller gets here: `error`, unless authentication fails first.
async fn refuse(req: &HttpRequest, state: &web::Data<AppState>, error: ScimError) -> ScimError {
    match authed(req, state, move |_, _| Err::<Infallible, _>(error)).await {
        Err(e) => e,
        Ok(never) => match never {},
    }
}

/// Writes a refused change (a client error, not 401) to the activity log, then passes the
/// error on.
fn rejected(
    ports: &Ports,
    import: &ScimImport,
    kind: ActivityKind,
    person: Option<PersonId>,
    user_name: Option<String>,
    error: ScimError,
) -> ScimError {
    if error.status.is_client_error() && error.status != StatusCode::UNAUTHORIZED {
        ports.scim_record_rejection(
            import,
            kind,
            person,
            user_name,
            &format!("{} {}", error.status.as_u16(), error.detail),
        );
    }
    error
}

fn scim_json(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status).content_type(SCIM_JSON).body(body.to_string())
}

fn users_url(state: &AppState) -> String {
    format!("{}/portal/scim/Users", state.config.public_base_url)
}

fn scim_base(state: &AppState) -> String {
    format!("{}/portal/scim", state.config.public_base_url)
}

/// Reads a JSON body of at most `max_body_bytes` (413 beyond).
async fn json_body(req: &HttpRequest, payload: web::Payload, state: &AppState) -> Result<Value, ScimError> {
    let limit = state.config.scim.max_body_bytes;
    let too_large = || {
        ScimError::new(StatusCode::PAYLOAD_TOO_LARGE, None, format!("The request body is larger than {limit} bytes."))
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let bytes = payload.to_bytes_limited(limit).await.map_err(|_| too_large())?.map_err(|e| {
        ScimError::bad_request(ScimType::InvalidSyntax, format!("The request body could not be read: {e}"))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ScimError::bad_request(ScimType::InvalidSyntax, format!("The request body is not valid JSON: {e}"))
    })
}

/// The JSON body; when it cannot be read, the caller is still authenticated first (a wrong
/// token gets 401) and the sync guard sees the refusal (413 is a limit of ours).
async fn body_or_refuse(
    req: &HttpRequest,
    payload: web::Payload,
    state: &web::Data<AppState>,
) -> Result<Value, ScimError> {
    match json_body(req, payload, state).await {
        Ok(v) => Ok(v),
        Err(e) => Err(refuse(req, state, e).await),
    }
}

fn person_id(raw: &str) -> Result<PersonId, ScimError> {
    raw.parse().map_err(|_| ScimError::not_found(format!("No User with id {raw:?}.")))
}

/// `If-Match: W/"3"`, `"3"`, `*`, or a list.
fn if_match(headers: &HeaderMap) -> Option<IfMatch> {
    let raw = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    if raw == "*" {
        return Some(IfMatch::Any);
    }
    let versions = raw
        .split(',')
        .filter_map(|t| t.trim().trim_start_matches("W/").trim_matches('"').parse::<u64>().ok())
        .collect();
    Some(IfMatch::Versions(versions))
}

fn with_etag(mut res: HttpResponse, version: u64) -> HttpResponse {
    if let Ok(v) = header::HeaderValue::from_str(&user::etag(version)) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

fn query_params(req: &HttpRequest) -> Result<HashMap<String, String>, ScimError> {
    web::Query::<HashMap<String, String>>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .map_err(|e| ScimError::bad_request(ScimType::InvalidSyntax, format!("The query string is invalid: {e}")))
}

async fn list(req: HttpRequest, state: web::Data<AppState>, request: ListRequest) -> Result<HttpResponse, ScimError> {
    let users = users_url(&state);
    let max_page = state.config.scim.max_page_size;
    let body = authed(&req, &state, move |ports, import| {
        let query = request.to_query(max_page)?;
        let page = ports.scim_query(import, &query).map_err(|e| from_provisioning(e, &ScimConfig::default()))?;
        let resources = page
            .persons
            .iter()
            .map(|p| {
                let mut v = user::render(p, &users);
                request.projection.apply(&mut v);
                v
            })
            .collect();
        Ok(list_response(resources, page.total, request.start_index()))
    })
    .await?;
    Ok(scim_json(StatusCode::OK, &body))
}

async fn list_users(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    let request = ListRequest::from_query(&query_params(&req)?)?;
    list(req, state, request).await
}

async fn search_users(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let body = body_or_refuse(&req, payload, &state).await?;
    let request = ListRequest::from_search(&body)?;
    list(req, state, request).await
}

async fn create_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let body = body_or_refuse(&req, payload, &state).await?;
    let users = users_url(&state);
    let config = state.config.scim.clone();
    let created = authed(&req, &state, move |ports, import| {
        let user_name = body.get("userName").and_then(Value::as_str).map(str::to_owned);
        user::parse_resource(&body)
            .and_then(|changes| ports.scim_create(import, changes).map_err(|e| from_provisioning(e, &config)))
            .map_err(|e| rejected(ports, import, ActivityKind::PersonCreated, None, user_name, e))
    })
    .await?;
    let person = created.person;
    let json = user::render(&person, &users);
    let mut res = scim_json(StatusCode::CREATED, &json);
    if let Ok(v) = header::HeaderValue::from_str(&format!("{users}/{}", person.id)) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    Ok(with_etag(res, person.version))
}

async fn get_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ScimError> {
    let request = ListRequest::from_query(&query_params(&req)?)?;
    let users = users_url(&state);
    let config = state.config.scim.clone();
    let id = id.into_inner();
    let person = authed(&req, &state, move |ports, import| {
        ports.scim_get(import, person_id(&id)?).map_err(|e| from_provisioning(e, &config))
    })
    .await?;
    let mut json = user::render(&person, &users);
    request.projection.apply(&mut json);
    Ok(with_etag(scim_json(StatusCode::OK, &json), person.version))
}

async fn replace_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let body = body_or_refuse(&req, payload, &state).await?;
    let users = users_url(&state);
    let config = state.config.scim.clone();
    let precondition = if_match(req.headers());
    let id = id.into_inner();
    let person = authed(&req, &state, move |ports, import| {
        let id = person_id(&id)?;
        user::parse_resource(&body)
            .and_then(|changes| {
                ports
                    .scim_replace(import, id, changes, precondition.as_ref())
                    .map_err(|e| from_provisioning(e, &config))
            })
            .map_err(|e| rejected(ports, import, ActivityKind::PersonReplaced, Some(id), None, e))
    })
    .await?;
    Ok(with_etag(scim_json(StatusCode::OK, &user::render(&person, &users)), person.version))
}

async fn patch_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let body = body_or_refuse(&req, payload, &state).await?;
    let users = users_url(&state);
    let config = state.config.scim.clone();
    let precondition = if_match(req.headers());
    let id = id.into_inner();
    let person = authed(&req, &state, move |ports, import| {
        let id = person_id(&id)?;
        patch::parse_body(&body)
            .and_then(|ops| {
                ports
                    .scim_patch(import, id, precondition.as_ref(), |current, mapping| {
                        patch::changes(&ops, current, mapping)
                    })
                    .map_err(|e| match e {
                        PatchError::Request(e) => e,
                        PatchError::Provisioning(e) => from_provisioning(e, &config),
                    })
            })
            .map_err(|e| rejected(ports, import, ActivityKind::PersonPatched, Some(id), None, e))
    })
    .await?;
    Ok(with_etag(scim_json(StatusCode::OK, &user::render(&person, &users)), person.version))
}

async fn delete_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ScimError> {
    let config = state.config.scim.clone();
    let precondition = if_match(req.headers());
    let id = id.into_inner();
    authed(&req, &state, move |ports, import| {
        let id = person_id(&id)?;
        ports
            .scim_delete(import, id, precondition.as_ref())
            .map_err(|e| from_provisioning(e, &config))
            .map_err(|e| rejected(ports, import, ActivityKind::PersonDeleted, Some(id), None, e))
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn list_groups(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    let request = ListRequest::from_query(&query_params(&req)?)?;
    authed(&req, &state, |_, _| Ok(())).await?;
    // ENS+ has no groups: every probe finds nothing (a 404 here would quarantine Entra's job).
    Ok(scim_json(StatusCode::OK, &list_response(Vec::new(), 0, request.start_index())))
}

async fn search_groups(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    if req.path().ends_with("/.search") {
        let body = body_or_refuse(&req, payload, &state).await?;
        let request = ListRequest::from_search(&body)?;
        authed(&req, &state, |_, _| Ok(())).await?;
        return Ok(scim_json(StatusCode::OK, &list_response(Vec::new(), 0, request.start_index())));
    }
    groups_unsupported(req, state).await
}

async fn get_group(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    Err(refuse(&req, &state, ScimError::not_found("ENS+ has no groups.")).await)
}

async fn groups_unsupported(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    let e = ScimError::not_implemented(
        "Groups are not supported by ENS+: provision users only (turn off group provisioning in Entra).",
    );
    Err(refuse(&req, &state, e).await)
}

async fn service_provider_config(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    authed(&req, &state, |_, _| Ok(())).await?;
    Ok(scim_json(
        StatusCode::OK,
        &discovery::service_provider_config(&scim_base(&state), state.config.scim.max_page_size),
    ))
}

fn listed(resources: Vec<Value>) -> Value {
    let n = resources.len() as u64;
    list_response(resources, n, 1)
}

async fn schemas(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    authed(&req, &state, |_, _| Ok(())).await?;
    Ok(scim_json(StatusCode::OK, &listed(discovery::schemas(&scim_base(&state)))))
}

async fn schema(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ScimError> {
    authed(&req, &state, |_, _| Ok(())).await?;
    discovery::schemas(&scim_base(&state))
        .into_iter()
        .find(|s| s["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(&id)))
        .map(|s| scim_json(StatusCode::OK, &s))
        .ok_or_else(|| ScimError::not_found(format!("No schema {id:?}.")))
}

async fn resource_types(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    authed(&req, &state, |_, _| Ok(())).await?;
    Ok(scim_json(StatusCode::OK, &listed(discovery::resource_types(&scim_base(&state)))))
}

async fn resource_type(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ScimError> {
    authed(&req, &state, |_, _| Ok(())).await?;
    discovery::resource_types(&scim_base(&state))
        .into_iter()
        .find(|s| s["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(&id)))
        .map(|s| scim_json(StatusCode::OK, &s))
        .ok_or_else(|| ScimError::not_found(format!("No resource type {id:?}.")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, header::HeaderValue::from_static("bearer abc"));
        assert_eq!(bearer(&h).as_deref(), Some("abc"));
        h.insert(header::AUTHORIZATION, header::HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer(&h), None);
        h.insert(header::AUTHORIZATION, header::HeaderValue::from_static("Bearer "));
        assert_eq!(bearer(&h), None);
    }

    #[test]
    fn if_match_forms() {
        let mut h = HeaderMap::new();
        assert_eq!(if_match(&h), None);
        h.insert(header::IF_MATCH, header::HeaderValue::from_static("*"));
        assert_eq!(if_match(&h), Some(IfMatch::Any));
        h.insert(header::IF_MATCH, header::HeaderValue::from_static("W/\"3\", \"4\""));
        assert_eq!(if_match(&h), Some(IfMatch::Versions(vec![3, 4])));
        h.insert(header::IF_MATCH, header::HeaderValue::from_static("\"garbage\""));
        assert_eq!(if_match(&h), Some(IfMatch::Versions(vec![])));
    }
}
