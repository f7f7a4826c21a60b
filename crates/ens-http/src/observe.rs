//! Every request, observed from the outside: one span for traces, and the metrics operators
//! graph and alert on (`docs/decisions/metrics.md`).
//!
//! Metrics go through the `metrics` facade: nothing is recorded until the binary installs a
//! recorder, and this crate never knows which. Labels are bounded by the code, never by the
//! traffic: the route is the *template* a request matched (`/portal/scim/Users/{id}`), never
//! its path, and nothing that names an enterprise, a user, a token or an address is a label.

use std::cell::RefCell;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web;
use ens_ports::RequestEnd;
use tracing::Instrument;
use tracing::field::Empty;

use crate::AppState;
use crate::scim::error::ScimError;

/// Joins a request's span to the trace its caller started (W3C Trace Context). The binary
/// provides it when it exports traces; this crate only knows the headers exist.
pub trait TraceContext: Send + Sync + std::fmt::Debug {
    /// Makes `span` a child of the remote span `traceparent` names (`tracestate` as sent).
    fn adopt(&self, span: &tracing::Span, traceparent: &str, tracestate: Option<&str>);
}

/// Which part of the service a request is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Surface {
    /// Entra's SCIM endpoint.
    Scim,
    /// The admin REST API.
    Admin,
    /// The principals' pages and their assets.
    Pages,
    /// `/healthz` and `/readyz`: load balancers and orchestrators.
    Health,
}

impl Surface {
    pub(crate) fn of(path: &str) -> Surface {
        let path = path.trim_start_matches('/');
        let under =
            |prefix: &str| path.strip_prefix(prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
        if under("portal/scim") {
            Surface::Scim
        } else if under("api") {
            Surface::Admin
        } else if path == "healthz" || path == "readyz" {
            Surface::Health
        } else {
            Surface::Pages
        }
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Surface::Scim => "scim",
            Surface::Admin => "admin",
            Surface::Pages => "pages",
            Surface::Health => "health",
        }
    }
}

/// The method as a label: the ones the service answers, anything else `other` (a client may
/// send any token as a method).
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// What Entra asked for, from the method and the route template (`/portal/scim[/v2]/…`).
pub(crate) fn scim_operation(method: &Method, route: &str) -> &'static str {
    let route = route.strip_prefix("/portal/scim").unwrap_or(route);
    let route = route.strip_prefix("/v2").unwrap_or(route);
    match (method, route) {
        (&Method::GET, "/Users") => "list",
        (&Method::POST, "/Users") => "create",
        (&Method::POST, "/Users/.search" | "/.search") => "search",
        (&Method::GET, "/Users/{id}") => "get",
        (&Method::PUT, "/Users/{id}") => "replace",
        (&Method::PATCH, "/Users/{id}") => "patch",
        (&Method::DELETE, "/Users/{id}") => "delete",
        (_, r) if r.starts_with("/Groups") => "groups",
        (_, r)
            if r.starts_with("/ServiceProviderConfig")
                || r.starts_with("/Schemas")
                || r.starts_with("/ResourceTypes") =>
        {
            "discovery"
        }
        _ => "other",
    }
}

/// The sync guard's classification as a label.
pub(crate) fn outcome_label(end: RequestEnd) -> &'static str {
    match end {
        RequestEnd::Succeeded => "succeeded",
        RequestEnd::Refused { .. } => "refused",
        RequestEnd::ImportOff => "import_off",
        RequestEnd::DatabaseUnavailable => "database_unavailable",
        RequestEnd::DatabaseError => "database_error",
        RequestEnd::Timeout => "timeout",
        RequestEnd::Limit => "limit",
        RequestEnd::Internal => "internal",
        RequestEnd::Held => "held",
    }
}

/// The route template a request matched; `unmatched` when none did (so that a scan of random
/// paths adds no series).
fn route_of(req: &actix_web::HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| "unmatched".to_owned())
}

/// The middleware: a span around the whole request, and its metrics once it is answered.
pub(crate) async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let surface = Surface::of(req.path());
    let method = method_label(req.method());
    // Debug level: without a trace exporter nothing enables it, and a disabled span is a
    // check of a cached flag.
    let span = tracing::debug_span!(
        "request",
        otel.name = Empty,
        otel.kind = "server",
        otel.status_code = Empty,
        http.request.method = method,
        http.route = Empty,
        http.response.status_code = Empty,
        scim.operation = Empty,
        surface = surface.as_str(),
    );
    if !span.is_disabled() {
        // Named before it starts (an exporter takes the name then): from the route the path
        // would match, which routing confirms below.
        let route = route_of(req.request());
        span.record("otel.name", format!("{method} {route}"));
        span.record("http.route", route.as_str());
        if surface == Surface::Scim {
            span.record("scim.operation", scim_operation(req.method(), &route));
        }
        adopt_remote_parent(&req, &span);
    }
    let result = next.call(req).instrument(span.clone()).await;
    let (status, route, end) = match &result {
        Ok(res) => {
            let status = res.status();
            let end = res
                .response()
                .error()
                .and_then(|e| e.as_error::<ScimError>())
                .map_or_else(|| RequestEnd::from_status(status.as_u16()), ScimError::request_end);
            (status, route_of(res.request()), end)
        }
        // An error no handler turned into an answer (actix answers it with its status).
        Err(e) => {
            let status = e.as_response_error().status_code();
            (status, "unmatched".to_owned(), RequestEnd::from_status(status.as_u16()))
        }
    };
    let class = status_class(status);
    if !span.is_disabled() {
        span.record("http.response.status_code", status.as_u16());
        if status.is_server_error() {
            span.record("otel.status_code", "error");
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    record(surface, method, &route, class, elapsed, (surface == Surface::Scim).then_some(end));
    result
}

/// The series of one kind of request, as handles: looked up in the recorder once per worker
/// thread and kept, because building a metric's key (its labels, the route as an owned string)
/// and finding it in the recorder's registry on every request cost more than recording does.
/// A handle keeps the recorder it came from: the binary installs its recorder before it
/// serves, and the exporter never expires series (no idle timeout), so a kept handle stays
/// the series `/metrics` shows.
struct Series {
    surface: Surface,
    method: &'static str,
    class: &'static str,
    duration: metrics::Histogram,
    requests: metrics::Counter,
}

thread_local! {
    /// By route template: bounded by the routes, methods, surfaces and status classes, never
    /// by the traffic (`route_of`).
    static SERIES: RefCell<HashMap<String, Vec<Series>>> = RefCell::default();
    /// `ens_scim_requests_total` by outcome.
    static OUTCOMES: RefCell<Vec<(&'static str, metrics::Counter)>> = const { RefCell::new(Vec::new()) };
}

fn record(
    surface: Surface,
    method: &'static str,
    route: &str,
    class: &'static str,
    elapsed: f64,
    scim_end: Option<RequestEnd>,
) {
    SERIES.with_borrow_mut(|by_route| {
        if !by_route.contains_key(route) {
            by_route.insert(route.to_owned(), Vec::new());
        }
        let Some(kinds) = by_route.get_mut(route) else { return };
        let i = match kinds.iter().position(|s| s.surface == surface && s.method == method && s.class == class) {
            Some(i) => i,
            None => {
                kinds.push(Series {
                    surface,
                    method,
                    class,
                    duration: metrics::histogram!(
                        "ens_http_request_duration_seconds",
                        "surface" => surface.as_str(), "method" => method, "route" => route.to_owned()
                    ),
                    requests: metrics::counter!(
                        "ens_http_requests_total",
                        "surface" => surface.as_str(), "method" => method, "route" => route.to_owned(), "status" => class
                    ),
                });
                kinds.len() - 1
            }
        };
        kinds[i].duration.record(elapsed);
        kinds[i].requests.increment(1);
    });
    if let Some(end) = scim_end {
        let outcome = outcome_label(end);
        OUTCOMES.with_borrow_mut(|outcomes| match outcomes.iter().find(|(o, _)| *o == outcome) {
            Some((_, counter)) => counter.increment(1),
            None => {
                let counter = metrics::counter!("ens_scim_requests_total", "outcome" => outcome);
                counter.increment(1);
                outcomes.push((outcome, counter));
            }
        });
    }
}

fn adopt_remote_parent(req: &ServiceRequest, span: &tracing::Span) {
    let Some(context) = req.app_data::<web::Data<AppState>>().and_then(|s| s.config.trace_context.clone()) else {
        return;
    };
    let header = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    if let Some(parent) = header("traceparent") {
        context.adopt(span, parent, header("tracestate"));
    }
}

/// Names every series this module records, for the exporter's help text.
pub fn describe() {
    metrics::describe_histogram!(
        "ens_http_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time to answer an HTTP request, by surface (scim, admin, pages, health), method and route template."
    );
    metrics::describe_counter!(
        "ens_http_requests_total",
        "HTTP requests answered, by surface, method, route template and status class (2xx … 5xx)."
    );
    metrics::describe_counter!(
        "ens_scim_requests_total",
        "SCIM requests by how the sync guard classifies their ending: succeeded, refused (the client's mistake), \
         import_off (refused while import is switched off), or a failure of ours (database_unavailable, \
         database_error, timeout, limit, internal)."
    );
    // From the start, at zero: a rate over a counter that appears at one would miss that one.
    for end in [
        RequestEnd::Succeeded,
        RequestEnd::Refused { status: 400 },
        RequestEnd::ImportOff,
        RequestEnd::DatabaseUnavailable,
        RequestEnd::DatabaseError,
        RequestEnd::Timeout,
        RequestEnd::Limit,
        RequestEnd::Internal,
    ] {
        metrics::counter!("ens_scim_requests_total", "outcome" => outcome_label(end)).increment(0);
    }
}

/// Serves `GET /metrics` with what `render` returns (the Prometheus text format), on a listener
/// of its own: never on the address Entra and principals reach.
pub async fn serve_metrics(
    listener: std::net::TcpListener,
    render: Arc<dyn Fn() -> String + Send + Sync>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    actix_web::HttpServer::new(move || {
        let render = render.clone();
        actix_web::App::new().route(
            "/metrics",
            web::get().to(move || {
                let render = render.clone();
                async move {
                    actix_web::HttpResponse::Ok()
                        .insert_header((header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8"))
                        .insert_header((header::CACHE_CONTROL, "no-store"))
                        .body(render())
                }
            }),
        )
    })
    // Rendering is quick and scrapes are rare: one thread, apart from the service's workers.
    .workers(1)
    .disable_signals()
    .shutdown_signal(shutdown)
    .shutdown_timeout(1)
    .listen(listener)?
    .run()
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surfaces() {
        for (path, surface) in [
            ("/portal/scim/Users", Surface::Scim),
            ("/portal/scim", Surface::Scim),
            ("/portal/scimitar", Surface::Pages),
            ("/api/v1/session", Surface::Admin),
            ("/apiary", Surface::Pages),
            ("/healthz", Surface::Health),
            ("/readyz", Surface::Health),
            ("/setup/scim-import", Surface::Pages),
            ("/", Surface::Pages),
        ] {
            assert_eq!(Surface::of(path), surface, "{path}");
        }
    }

    #[test]
    fn scim_operations_from_route_templates() {
        for (method, route, op) in [
            (Method::GET, "/portal/scim/Users", "list"),
            (Method::GET, "/portal/scim/v2/Users", "list"),
            (Method::POST, "/portal/scim/Users", "create"),
            (Method::POST, "/portal/scim/Users/.search", "search"),
            (Method::POST, "/portal/scim/.search", "search"),
            (Method::GET, "/portal/scim/Users/{id}", "get"),
            (Method::PUT, "/portal/scim/v2/Users/{id}", "replace"),
            (Method::PATCH, "/portal/scim/Users/{id}", "patch"),
            (Method::DELETE, "/portal/scim/Users/{id}", "delete"),
            (Method::GET, "/portal/scim/Groups/{id}", "groups"),
            (Method::GET, "/portal/scim/Schemas/{id}", "discovery"),
            (Method::GET, "/portal/scim/ServiceProviderConfig", "discovery"),
            (Method::PUT, "/portal/scim/Users", "other"),
            (Method::GET, "unmatched", "other"),
        ] {
            assert_eq!(scim_operation(&method, route), op, "{method} {route}");
        }
    }

    #[test]
    fn labels_are_bounded() {
        assert_eq!(method_label(&Method::from_bytes(b"BREW").expect("a method token")), "other");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(outcome_label(RequestEnd::Refused { status: 409 }), "refused");
        assert_eq!(outcome_label(RequestEnd::ImportOff), "import_off");
    }

    /// The label is the template: random paths under a scope do not make new routes.
    #[actix_web::test]
    async fn routes_are_templates_whatever_the_path() {
        use actix_web::{App, test};
        let state = AppState::new(ens_ports::testing::ports(), crate::HttpConfig::default()).expect("lanes");
        let app = test::init_service(App::new().configure(crate::configure(state))).await;
        let cases = [
            ("/portal/scim/Users/0190a6b2-0000-7000-8000-000000000001", Some("/portal/scim/Users/{id}")),
            ("/portal/scim/v2/Users", Some("/portal/scim/v2/Users")),
            ("/api/v1/persons/1234", Some("/api/v1/persons/{id}")),
            ("/assets/app.js", Some("/assets/{name}")),
        ];
        for (path, template) in cases {
            let req = test::TestRequest::get().uri(path).to_request();
            let res = test::call_service(&app, req).await;
            assert_eq!(res.request().match_pattern().as_deref(), template, "{path}");
        }
        for path in ["/portal/scim/no/such/thing/alice@contoso.example", "/nothing-here/bob"] {
            let req = test::TestRequest::get().uri(path).to_request();
            let res = test::call_service(&app, req).await;
            let route = route_of(res.request());
            assert!(!route.contains("alice") && !route.contains("bob"), "{path} gave {route}");
        }
    }
}
