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
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderMap};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::DefaultHeaders;
use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use ens_ports::usecases::guard::FailedRequest;
use ens_ports::usecases::provisioning::{IfMatch, PatchError, ProvisioningError};
use ens_ports::{
    ActivityKind, Deadline, FailureKind, Language, PersonId, Ports, RequestEnd, Said, ScimImport, SecretToken,
    StoreError, SyncState, TokenHash,
};
use serde_json::Value;

use self::error::{About, SCIM_JSON, ScimError, ScimType};
use self::list::{ListRequest, list_response};
use crate::AppState;
use crate::i18n;
use crate::lanes::LaneError;

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

fn scope(base: &str) -> impl actix_web::dev::HttpServiceFactory + use<> {
    let not_allowed = |allow: &'static str| {
        web::to(move |call: Call, state: web::Data<AppState>| async move {
            Err::<HttpResponse, _>(call.refuse(&state, ScimError::method_not_allowed(allow)).await)
        })
    };
    web::scope(base)
        // Answers carry personal data: no cache on the way may keep them.
        .wrap(DefaultHeaders::new().add((header::CACHE_CONTROL, "no-store")))
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
        .service(web::resource(["/Me", "/Me/{rest:.*}"]).to(|call: Call, state: web::Data<AppState>| async move {
            let e =
                ScimError::not_implemented("/Me is not supported: ENS+ accepts provisioning with a secret token only.");
            Err::<HttpResponse, _>(call.refuse(&state, e).await)
        }))
        .service(web::resource("/Bulk").to(|call: Call, state: web::Data<AppState>| async move {
            let e = ScimError::not_implemented("Bulk operations are not supported by ENS+.");
            Err::<HttpResponse, _>(call.refuse(&state, e).await)
        }))
        .default_service(web::to(|call: Call, req: HttpRequest, state: web::Data<AppState>| async move {
            let e = ScimError::not_found(format!("There is no SCIM endpoint at {}.", req.path()));
            Err::<HttpResponse, _>(call.refuse(&state, e).await)
        }))
}

/// Why SCIM import is off, in the words of the 503 answer.
fn disabled_detail(state: &SyncState) -> String {
    let why = match state {
        SyncState::DisabledByFailure { failure, since } => {
            format!(
                "it was switched off automatically at {since} because {}",
                i18n::say_in(Language::English, &failure.kind.said())
            )
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
        ProvisioningError::Disabled { state, .. } => {
            ScimError::unavailable(disabled_detail(&state), config.retry_after_secs).with_cause(RequestEnd::ImportOff)
        }
        ProvisioningError::NotFound => ScimError::not_found("No such User.").with_said(Said::new("no-such-person")),
        ProvisioningError::UserNameTaken { user_name: u, .. } => ScimError::new(
            StatusCode::CONFLICT,
            Some(ScimType::Uniqueness),
            format!("Another User already has the userName {u:?}."),
        )
        .with_said(Said::new("user-name-taken").with("user", u)),
        ProvisioningError::Invalid(e) => {
            ScimError::bad_request(ScimType::InvalidValue, e.to_string()).with_said(e.said())
        }
        ProvisioningError::PreconditionFailed => ScimError::new(
            StatusCode::PRECONDITION_FAILED,
            None,
            "The User has changed since the version given in If-Match.",
        )
        .with_said(Said::new("precondition-failed")),
        ProvisioningError::Held(hold) => ScimError::unavailable(
            format!(
                "ENS+ held this change: {}. Nothing of it was stored, and SCIM import is switched off until a \
                 principal decides at Setup › SCIM Import; Entra keeps the change and retries it.",
                i18n::say_in(Language::English, &hold.said())
            ),
            config.retry_after_secs,
        )
        .with_cause(RequestEnd::Held),
        ProvisioningError::Contention => {
            ScimError::new(StatusCode::CONFLICT, None, "Other requests changed this User at the same time; retry.")
                .with_said(Said::new("contention"))
        }
        ProvisioningError::Store(e) => {
            tracing::error!(error = %e, "SCIM request failed in the store");
            match e {
                StoreError::DeadlinePassed => too_slow(config),
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

/// What a request is, for the activity log and notices should it fail: its method and route
/// (never its query string or body), and what it would do.
fn describe_request(req: &HttpRequest) -> (String, ActivityKind) {
    let route = req.match_pattern().unwrap_or_else(|| req.path().to_owned());
    let route = route.split("/portal/scim").last().unwrap_or(&route).trim_start_matches("/v2").to_owned();
    let kind = match *req.method() {
        Method::POST => ActivityKind::PersonCreated,
        Method::PUT => ActivityKind::PersonReplaced,
        Method::PATCH => ActivityKind::PersonPatched,
        Method::DELETE => ActivityKind::PersonDeleted,
        _ => ActivityKind::RequestFailed,
    };
    (format!("{} {}", req.method(), if route.is_empty() { "/" } else { &route }), kind)
}

/// The failed request `error` ended, for the sync guard and the activity log.
fn failed_request(request: &(String, ActivityKind), error: Option<&ScimError>) -> FailedRequest {
    let about = error.and_then(|e| e.about.clone());
    FailedRequest {
        kind: about.as_ref().map_or(request.1, |a| a.kind),
        person: about.as_ref().and_then(|a| a.person),
        user_name: about.and_then(|a| a.user_name),
        request: request.0.clone(),
        reason: error.map_or_else(|| FailureKind::Internal.said(), ScimError::said),
    }
}

/// 503 for a request that ran out of time: whatever it would have changed was not, and
/// will not be, applied (the deadline rule in docs/ARCHITECTURE.md).
fn too_slow(config: &ScimConfig) -> ScimError {
    ScimError::unavailable("ENS+ took too long to answer; nothing was stored. Retry later.", config.retry_after_secs)
        .with_cause(RequestEnd::Timeout)
}

/// An authenticated SCIM request: who sent it and by when it must be done. Nothing of the
/// request beyond its `Authorization` header is read before it exists.
struct Call {
    import: ScimImport,
    /// The bearer token's hash (the token itself is not kept), to record which of the
    /// enterprise's tokens Entra used.
    token: TokenHash,
    deadline: Deadline,
    /// What it is, should it fail ([`describe_request`]).
    detail: (String, ActivityKind),
}

/// The SCIM caller as a handler's first argument: extracted before anything else of the
/// request (its body is read later, by the handler, through [`Call::with_body`]).
impl FromRequest for Call {
    type Error = ScimError;
    type Future = Pin<Box<dyn Future<Output = Result<Call, ScimError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| ScimError::internal("The SCIM endpoint is not set up."))?;
            Call::begin(&req, &state).await
        })
    }
}

impl Call {
    /// Authenticates from memory when it can, else on the SCIM lane; 401 before anything
    /// else of the request is looked at.
    async fn begin(req: &HttpRequest, state: &AppState) -> Result<Call, ScimError> {
        let config = &state.config.scim;
        let deadline = Deadline::after(config.request_timeout);
        let Some(token) = crate::bearer_token(req.headers()) else {
            return Err(ScimError::unauthorized());
        };
        // Hashed once: the cache, the record of its use and nothing else need it.
        let hash = SecretToken::new(token.clone()).hash();
        let import = match state.ports.scim_cached(&hash) {
            Some(answer) => answer.map_err(|e| from_provisioning(e, config))?,
            None => {
                let ports = state.ports.clone();
                // A change Entra sends while import is off is counted, so Setup can say how
                // many wait in Entra.
                let change = req.method() != Method::GET;
                let lookup = state.lanes.scim.run(move || {
                    let answer = ports.scim_begin(&token);
                    if let Err(ProvisioningError::Disabled { enterprise, .. }) = &answer
                        && change
                    {
                        ports.scim_refused_while_off(*enterprise);
                    }
                    answer
                });
                match actix_web::rt::time::timeout(deadline.remaining().unwrap_or_default(), lookup).await {
                    Ok(Ok(answer)) => answer.map_err(|e| from_provisioning(e, config))?,
                    Ok(Err(LaneError::Panicked(_))) => {
                        return Err(ScimError::internal(
                            "ENS+ could not authenticate the request because of an internal error.",
                        ));
                    }
                    // The enterprise is not known yet: nothing to report to the sync guard.
                    Ok(Err(LaneError::Busy(_))) | Err(_) => return Err(too_slow(config)),
                }
            }
        };
        Ok(Call { import, token: hash, deadline, detail: describe_request(req) })
    }

    /// Runs `f` on the SCIM lane within the deadline, and tells the sync guard how it ended.
    /// Work whose deadline has passed does not start; a write still running when it passes
    /// rolls back (the store claims the deadline before `COMMIT`) unless its commit was under
    /// way, in which case its outcome is awaited and answered.
    async fn run<T, F>(self, state: &AppState, f: F) -> Result<T, ScimError>
    where
        T: Send + 'static,
        F: FnOnce(&Ports, &ScimImport) -> Result<T, ScimError> + Send + 'static,
    {
        let Call { import, token, deadline, detail } = self;
        let config = state.config.scim.clone();
        let job = {
            let ports = state.ports.within(deadline.clone());
            let import = import.clone();
            let detail = detail.clone();
            let config = config.clone();
            state.lanes.scim.run(move || {
                if ports.deadline().check().is_err() {
                    return Err(too_slow(&config));
                }
                ports.scim_seen(&import, &token);
                let result = f(&ports, &import);
                let end = result.as_ref().map_or_else(ScimError::request_end, |_| RequestEnd::Succeeded);
                // A timeout is reported once, below, whichever side noticed it.
                if end != RequestEnd::Timeout {
                    ports.guard_observe_request(&import, end, || failed_request(&detail, result.as_ref().err()));
                }
                result
            })
        };
        let mut job = std::pin::pin!(job);
        let outcome = tokio::select! {
            outcome = &mut job => outcome,
            () = actix_web::rt::time::sleep(deadline.remaining().unwrap_or_default()) => {
                if deadline.abandon() {
                    Ok(Err(too_slow(&config)))
                } else {
                    // Its commit is under way: the answer is what the commit did.
                    job.await
                }
            }
        };
        let (result, reported) = match outcome {
            Ok(result) => {
                let timed_out = result.as_ref().is_err_and(|e| e.request_end() == RequestEnd::Timeout);
                (result, !timed_out)
            }
            Err(LaneError::Busy(_)) => (Err(too_slow(&config)), false),
            Err(e @ LaneError::Panicked(_)) => {
                tracing::error!(error = %e, "SCIM request could not run");
                let e = ScimError::internal(
                    "ENS+ could not run the request because of an internal error; nothing was stored.",
                )
                .with_cause(RequestEnd::Internal);
                (Err(e), false)
            }
        };
        if let Err(e) = &result
            && !reported
        {
            tracing::error!(status = e.status.as_u16(), detail = %e.detail, "SCIM request did not finish");
            report_later(state, import, e.request_end(), failed_request(&detail, Some(e)));
        }
        result
    }

    /// Reads the JSON body, now that the caller is known; when it cannot be read the sync
    /// guard still sees the refusal (413 is a limit of ours).
    async fn with_body(
        self,
        req: &HttpRequest,
        payload: web::Payload,
        state: &AppState,
    ) -> Result<(Call, Value), ScimError> {
        match json_body(req, payload, state).await {
            Ok(v) => Ok((self, v)),
            Err(e) => Err(self.refuse(state, e).await),
        }
    }

    /// Answers `error`, which the sync guard sees like any other ending.
    async fn refuse(self, state: &AppState, error: ScimError) -> ScimError {
        match self.run(state, move |_, _| Err::<Infallible, _>(error)).await {
            Err(e) => e,
            Ok(never) => match never {},
        }
    }
}

/// Tells the sync guard of an ending the work itself could not report (it timed out or never
/// ran), without making the answer wait for it.
fn report_later(state: &AppState, import: ScimImport, end: RequestEnd, failed: FailedRequest) {
    let ports = state.ports.clone();
    let report = move || ports.guard_observe_request(&import, end, || failed.clone());
    if let Err(LaneError::Busy(_)) = state.lanes.scim.spawn(report.clone()) {
        // The lane is what is overloaded; the report must still be made.
        std::thread::spawn(report);
    }
}

/// Writes a refused change (a client error, not 401) to the activity log, then passes the
/// error on. A failure of ours is not a refusal: the error learns what the request was about,
/// and the sync guard records it as failed.
fn rejected(
    ports: &Ports,
    import: &ScimImport,
    kind: ActivityKind,
    person: Option<PersonId>,
    user_name: Option<String>,
    mut error: ScimError,
) -> ScimError {
    if error.request_end().fault().is_some() {
        error.about = Some(About { kind, person, user_name });
    } else if error.status.is_client_error() && error.status != StatusCode::UNAUTHORIZED {
        // A 404 is about a person that does not exist: the entry must not link to it.
        let person = person.filter(|_| error.status != StatusCode::NOT_FOUND);
        ports.scim_record_rejection(import, kind, person, user_name, error.said());
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

/// Reads a JSON body of at most `max_body_bytes` (413 beyond) within `body_timeout` (408).
async fn json_body(req: &HttpRequest, payload: web::Payload, state: &AppState) -> Result<Value, ScimError> {
    let limit = state.config.scim.max_body_bytes;
    let too_large = || {
        ScimError::new(StatusCode::PAYLOAD_TOO_LARGE, None, format!("The request body is larger than {limit} bytes."))
            .with_said(Said::new("request-too-large").with("max", limit))
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let wait = state.config.body_timeout;
    let read = actix_web::rt::time::timeout(wait, payload.to_bytes_limited(limit)).await.map_err(|_| {
        ScimError::new(
            StatusCode::REQUEST_TIMEOUT,
            None,
            format!("The request body did not arrive within {} seconds.", wait.as_secs()),
        )
    })?;
    let bytes = read.map_err(|_| too_large())?.map_err(|e| {
        ScimError::bad_request(ScimType::InvalidSyntax, format!("The request body could not be read: {e}"))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| {
        ScimError::bad_request(ScimType::InvalidSyntax, format!("The request body is not valid JSON: {e}"))
    })
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

async fn list(call: Call, state: &AppState, request: ListRequest) -> Result<HttpResponse, ScimError> {
    let users = users_url(state);
    let config = state.config.scim.clone();
    let body = call
        .run(state, move |ports, import| {
            let query = request.to_query(config.max_page_size)?;
            let page = ports.scim_query(import, &query).map_err(|e| from_provisioning(e, &config))?;
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

async fn list_users(call: Call, req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    let request = ListRequest::from_query(&query_params(&req)?)?;
    list(call, &state, request).await
}

async fn search_users(
    call: Call,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let (call, body) = call.with_body(&req, payload, &state).await?;
    let request = ListRequest::from_search(&body)?;
    list(call, &state, request).await
}

async fn create_user(
    call: Call,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let (call, body) = call.with_body(&req, payload, &state).await?;
    let users = users_url(&state);
    let config = state.config.scim.clone();
    let created = call
        .run(&state, move |ports, import| {
            let user_name = body.get("userName").and_then(Value::as_str).map(str::to_owned);
            let changes = user::parse_resource(&body)
                .map_err(|e| rejected(ports, import, ActivityKind::PersonCreated, None, user_name.clone(), e))?;
            ports.scim_create(import, changes).map_err(|e| match e {
                // The activity entry names the person holding the userName.
                ProvisioningError::UserNameTaken { holder, .. } => {
                    let (kind, e) = (ActivityKind::UserNameConflict, from_provisioning(e, &config));
                    rejected(ports, import, kind, holder, user_name, e)
                }
                e => {
                    rejected(ports, import, ActivityKind::PersonCreated, None, user_name, from_provisioning(e, &config))
                }
            })
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
    call: Call,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ScimError> {
    let request = ListRequest::from_query(&query_params(&req)?)?;
    let users = users_url(&state);
    let config = state.config.scim.clone();
    let id = id.into_inner();
    let person = call
        .run(&state, move |ports, import| {
            ports.scim_get(import, person_id(&id)?).map_err(|e| from_provisioning(e, &config))
        })
        .await?;
    let mut json = user::render(&person, &users);
    request.projection.apply(&mut json);
    Ok(with_etag(scim_json(StatusCode::OK, &json), person.version))
}

/// PUT, PATCH and DELETE of one User: authenticated, the body read (if `payload`), then
/// `write` on the SCIM lane; a refusal is recorded in the activity log as `kind`.
async fn change_user<T, F>(
    call: Call,
    req: &HttpRequest,
    state: &AppState,
    id: String,
    payload: Option<web::Payload>,
    kind: ActivityKind,
    write: F,
) -> Result<T, ScimError>
where
    T: Send + 'static,
    F: FnOnce(&Ports, &ScimImport, PersonId, Value, Option<IfMatch>, &ScimConfig) -> Result<T, ScimError>
        + Send
        + 'static,
{
    let (call, body) = match payload {
        Some(payload) => call.with_body(req, payload, state).await?,
        None => (call, Value::Null),
    };
    let config = state.config.scim.clone();
    let precondition = if_match(req.headers());
    call.run(state, move |ports, import| {
        let id = person_id(&id)?;
        write(ports, import, id, body, precondition, &config)
            .map_err(|e| rejected(ports, import, kind, Some(id), None, e))
    })
    .await
}

async fn replace_user(
    call: Call,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let url_id = id.into_inner();
    let person = change_user(
        call,
        &req,
        &state,
        url_id.clone(),
        Some(payload),
        ActivityKind::PersonReplaced,
        move |ports, import, id, body, precondition, config| {
            user::check_body_id(&body, &url_id)?;
            let changes = user::parse_resource(&body)?;
            ports.scim_replace(import, id, changes, precondition.as_ref()).map_err(|e| from_provisioning(e, config))
        },
    )
    .await?;
    Ok(with_etag(scim_json(StatusCode::OK, &user::render(&person, &users_url(&state))), person.version))
}

async fn patch_user(
    call: Call,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    let person = change_user(
        call,
        &req,
        &state,
        id.into_inner(),
        Some(payload),
        ActivityKind::PersonPatched,
        |ports, import, id, body, precondition, config| {
            let ops = patch::parse_body(&body)?;
            ports
                .scim_patch(import, id, precondition.as_ref(), |current, mapping| {
                    patch::changes(&ops, current, mapping)
                })
                .map_err(|e| match e {
                    PatchError::Request(e) => e,
                    PatchError::Provisioning(e) => from_provisioning(e, config),
                })
        },
    )
    .await?;
    Ok(with_etag(scim_json(StatusCode::OK, &user::render(&person, &users_url(&state))), person.version))
}

async fn delete_user(
    call: Call,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ScimError> {
    change_user(
        call,
        &req,
        &state,
        id.into_inner(),
        None,
        ActivityKind::PersonDeleted,
        |ports, import, id, _, precondition, config| {
            ports.scim_delete(import, id, precondition.as_ref()).map_err(|e| from_provisioning(e, config))
        },
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn list_groups(call: Call, req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    let request = ListRequest::from_query(&query_params(&req)?)?;
    call.run(&state, |_, _| Ok(())).await?;
    // ENS+ has no groups: every probe finds nothing (a 404 here would quarantine Entra's job).
    Ok(scim_json(StatusCode::OK, &list_response(Vec::new(), 0, request.start_index())))
}

async fn search_groups(
    call: Call,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> Result<HttpResponse, ScimError> {
    if req.path().ends_with("/.search") {
        let (call, body) = call.with_body(&req, payload, &state).await?;
        let request = ListRequest::from_search(&body)?;
        call.run(&state, |_, _| Ok(())).await?;
        return Ok(scim_json(StatusCode::OK, &list_response(Vec::new(), 0, request.start_index())));
    }
    groups_unsupported(call, state).await
}

async fn get_group(call: Call, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    Err(call.refuse(&state, ScimError::not_found("ENS+ has no groups.")).await)
}

async fn groups_unsupported(call: Call, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    let e = ScimError::not_implemented(
        "Groups are not supported by ENS+: provision users only (turn off group provisioning in Entra).",
    );
    Err(call.refuse(&state, e).await)
}

async fn service_provider_config(call: Call, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    call.run(&state, |_, _| Ok(())).await?;
    Ok(scim_json(
        StatusCode::OK,
        &discovery::service_provider_config(&scim_base(&state), state.config.scim.max_page_size),
    ))
}

fn listed(resources: Vec<Value>) -> Value {
    let n = resources.len() as u64;
    list_response(resources, n, 1)
}

async fn schemas(call: Call, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    call.run(&state, |_, _| Ok(())).await?;
    Ok(scim_json(StatusCode::OK, &listed(discovery::schemas(&scim_base(&state)))))
}

async fn schema(call: Call, state: web::Data<AppState>, id: web::Path<String>) -> Result<HttpResponse, ScimError> {
    call.run(&state, |_, _| Ok(())).await?;
    discovery::schemas(&scim_base(&state))
        .into_iter()
        .find(|s| s["id"].as_str().is_some_and(|i| i.eq_ignore_ascii_case(&id)))
        .map(|s| scim_json(StatusCode::OK, &s))
        .ok_or_else(|| ScimError::not_found(format!("No schema {id:?}.")))
}

async fn resource_types(call: Call, state: web::Data<AppState>) -> Result<HttpResponse, ScimError> {
    call.run(&state, |_, _| Ok(())).await?;
    Ok(scim_json(StatusCode::OK, &listed(discovery::resource_types(&scim_base(&state)))))
}

async fn resource_type(
    call: Call,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ScimError> {
    call.run(&state, |_, _| Ok(())).await?;
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
