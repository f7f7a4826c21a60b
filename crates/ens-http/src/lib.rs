#![doc = include_str!("../README.md")]

pub mod admin;
mod health;
pub mod i18n;
pub mod lanes;
pub mod observe;
pub mod pages;
pub mod scim;

use std::future::Future;
use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{NormalizePath, from_fn};
use actix_web::{App, HttpServer, web};
use ens_ports::Ports;

/// What the HTTP adapter needs to know.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// The address principals and Entra reach the service at, e.g. `https://ens.example.com`;
    /// the Tenant URL and links in e-mails are built from it.
    pub public_base_url: String,
    /// Worker threads (0: one per core).
    pub workers: usize,
    /// Threads of each lane that runs blocking work (`lanes`): SCIM, admin, password
    /// hashing and test e-mails never wait for each other's threads.
    pub lanes: lanes::LaneSizes,
    /// Longest time a client may take to send a request body (slower: 408).
    pub body_timeout: Duration,
    /// Open connections per worker at most; beyond, new ones wait in the kernel's listen
    /// backlog (set by the listener the caller binds) until one closes.
    pub max_connections: usize,
    /// How long in-flight requests may take to finish after SIGTERM.
    pub shutdown_timeout: Duration,
    pub scim: scim::ScimConfig,
    /// Take the client address from `Forwarded` / `X-Forwarded-For` (only behind a proxy that
    /// sets them), for login throttling.
    pub trust_forwarded_for: bool,
    /// Whom principals contact about a failure they cannot fix themselves (Setup names it).
    pub support_contact: String,
    /// Continues the caller's trace (`traceparent`) when traces are exported; `None`: every
    /// request starts a trace of its own, if anything records spans at all.
    pub trace_context: Option<Arc<dyn observe::TraceContext>>,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            public_base_url: "http://127.0.0.1:8080".into(),
            workers: 0,
            lanes: lanes::LaneSizes::default(),
            body_timeout: Duration::from_secs(10),
            max_connections: 1024,
            shutdown_timeout: Duration::from_secs(30),
            support_contact: String::new(),
            scim: scim::ScimConfig::default(),
            trust_forwarded_for: false,
            trace_context: None,
        }
    }
}

/// `Authorization: Bearer <token>` (scheme in any case): a SCIM token or an admin session
/// token, read the same way on both surfaces.
pub(crate) fn bearer_token(headers: &actix_web::http::header::HeaderMap) -> Option<String> {
    let value = headers.get(actix_web::http::header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Shared by every request.
#[derive(Debug, Clone)]
pub struct AppState {
    pub ports: Ports,
    pub config: Arc<HttpConfig>,
    pub lanes: Arc<lanes::Lanes>,
    /// Test e-mails sent in the background, per enterprise.
    pub(crate) test_mails: Arc<admin::TestMails>,
}

impl AppState {
    /// Starts the lanes' threads.
    pub fn new(ports: Ports, config: HttpConfig) -> std::io::Result<Self> {
        let lanes = Arc::new(lanes::Lanes::new(config.lanes)?);
        Ok(Self { ports, config: Arc::new(config), lanes, test_mails: Arc::default() })
    }
}

/// Registers every route; used by [`serve`] and by tests.
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg| {
        cfg.app_data(web::Data::new(state))
            .configure(health::routes)
            .configure(scim::routes)
            .configure(admin::routes)
            .configure(pages::routes);
    }
}

/// The application: every route, with paths normalised (`//` merged, a trailing `/` dropped:
/// Tenant URLs are pasted by hand), each request observed (a span, metrics) from the outside.
pub fn app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    // Observed inside the normalisation: the span and the metrics see the path as routed.
    App::new().wrap(from_fn(observe::observe)).wrap(NormalizePath::trim()).configure(configure(state))
}

/// Serves on `listener` until `shutdown` resolves, then lets in-flight requests finish (up
/// to `shutdown_timeout`).
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let config = state.config.clone();
    let mut server = HttpServer::new(move || app(state.clone()))
        .disable_signals()
        .shutdown_signal(shutdown)
        .shutdown_timeout(config.shutdown_timeout.as_secs());
    if config.workers > 0 {
        server = server.workers(config.workers);
    }
    // Bounded: a flood of idle or slow connections costs a bounded amount of memory, and the
    // rest wait in the kernel's backlog. (Use cases run on the lanes, never on actix's own
    // blocking pool.)
    server = server.max_connections(config.max_connections.max(1));
    server.listen(listener)?.run().await
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{AUTHORIZATION, HeaderMap, HeaderValue};

    use super::bearer_token;

    #[test]
    fn bearer_tokens() {
        let mut h = HeaderMap::new();
        assert_eq!(bearer_token(&h), None);
        h.insert(AUTHORIZATION, HeaderValue::from_static("bearer abc"));
        assert_eq!(bearer_token(&h).as_deref(), Some("abc"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Basic abc"));
        assert_eq!(bearer_token(&h), None);
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer "));
        assert_eq!(bearer_token(&h), None);
    }
}
