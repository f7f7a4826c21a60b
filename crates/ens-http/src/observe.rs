//! Every request, observed from the outside: the metrics operators graph and alert on
//! (`docs/decisions/metrics.md`).
//!
//! Metrics go through the `metrics` facade: nothing is recorded until the binary installs a
//! recorder, and this crate never knows which. Labels are bounded by the code, never by the
//! traffic: the route is the *template* a request matched (`/portal/scim/Users/{id}`), never
//! its path, and nothing that names an enterprise, a user, a token or an address is a label.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web;
use ens_ports::RequestEnd;

use crate::scim::error::ScimError;

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
    }
}

/// The route template a request matched; `unmatched` when none did (so that a scan of random
/// paths adds no series).
fn route_of(req: &actix_web::HttpRequest) -> String {
    req.match_pattern().unwrap_or_else(|| "unmatched".to_owned())
}

/// The middleware: a request's metrics, once it is answered.
pub(crate) async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    let surface = Surface::of(req.path());
    let method = method_label(req.method());
    let result = next.call(req).await;
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
    let elapsed = started.elapsed().as_secs_f64();
    metrics::histogram!(
        "ens_http_request_duration_seconds",
        "surface" => surface.as_str(), "method" => method, "route" => route.clone()
    )
    .record(elapsed);
    metrics::counter!(
        "ens_http_requests_total",
        "surface" => surface.as_str(), "method" => method, "route" => route, "status" => class
    )
    .increment(1);
    if surface == Surface::Scim {
        metrics::counter!("ens_scim_requests_total", "outcome" => outcome_label(end)).increment(1);
    }
    result
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
        let state = crate::AppState::new(ens_ports::testing::ports(), crate::HttpConfig::default()).expect("lanes");
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
