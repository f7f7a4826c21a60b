//! Traces end to end: the real binary exports over OTLP/HTTP (protobuf) to a receiver that
//! decodes what arrives with OpenTelemetry's own protocol definitions (`opentelemetry-proto`),
//! and the spans link up: the caller's `traceparent` → the request → the use case → the
//! store's transaction.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use opentelemetry_proto::tonic::collector::trace::v1::{ExportTraceServiceRequest, ExportTraceServiceResponse};
use opentelemetry_proto::tonic::common::v1::any_value::Value as AnyValue;
use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;
use prost::Message;
use serde_json::json;
use support::Server;

/// An OTLP/HTTP receiver on a free loopback port: `POST /v1/traces` with a protobuf body.
/// Stops (and unblocks its accept loop) when dropped.
struct Receiver {
    port: u16,
    requests: Arc<Mutex<Vec<ExportTraceServiceRequest>>>,
    stop: Arc<AtomicBool>,
}

impl Receiver {
    fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (got, stopping) = (requests.clone(), stop.clone());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(conn) = conn else { continue };
                let got = got.clone();
                std::thread::spawn(move || serve(conn, &got));
            }
        });
        Receiver { port, requests, stop }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/v1/traces", self.port)
    }

    fn spans(&self) -> Vec<Span> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .flat_map(|r| &r.resource_spans)
            .flat_map(|r| &r.scope_spans)
            .flat_map(|s| s.spans.clone())
            .collect()
    }

    fn service_names(&self) -> Vec<String> {
        let requests = self.requests.lock().unwrap();
        requests
            .iter()
            .flat_map(|r| &r.resource_spans)
            .filter_map(|r| r.resource.as_ref())
            .filter_map(|r| r.attributes.iter().find(|a| a.key == "service.name"))
            .filter_map(|a| text(a.value.as_ref()?.value.as_ref()?))
            .collect()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn text(v: &AnyValue) -> Option<String> {
    match v {
        AnyValue::StringValue(s) => Some(s.clone()),
        AnyValue::IntValue(i) => Some(i.to_string()),
        AnyValue::BoolValue(b) => Some(b.to_string()),
        _ => None,
    }
}

/// HTTP/1.1 requests on one connection (the exporter keeps it alive), each answered 200 with
/// an empty `ExportTraceServiceResponse`.
fn serve(conn: TcpStream, got: &Mutex<Vec<ExportTraceServiceRequest>>) {
    conn.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut writer = conn.try_clone().unwrap();
    let mut reader = BufReader::new(conn);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
            return;
        }
        let mut length = 0usize;
        let mut content_type = String::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "content-type" => content_type = value.trim().to_owned(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        assert!(request_line.starts_with("POST /v1/traces "), "{request_line}");
        assert_eq!(content_type, "application/x-protobuf");
        got.lock().unwrap().push(ExportTraceServiceRequest::decode(body.as_slice()).expect("an OTLP export"));
        let answer = ExportTraceServiceResponse::default().encode_to_vec();
        let head = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: {}\r\n\r\n",
            answer.len()
        );
        if writer.write_all(head.as_bytes()).and_then(|()| writer.write_all(&answer)).is_err() {
            return;
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn attribute(span: &Span, key: &str) -> Option<String> {
    span.attributes.iter().find(|a| a.key == key).and_then(|a| text(a.value.as_ref()?.value.as_ref()?))
}

fn the<'a>(spans: &'a [Span], what: &str, f: impl Fn(&Span) -> bool) -> &'a Span {
    let found: Vec<&Span> = spans.iter().filter(|s| f(s)).collect();
    assert_eq!(found.len(), 1, "{what}: {:#?}", spans.iter().map(|s| &s.name).collect::<Vec<_>>());
    found[0]
}

#[test]
fn spans_arrive_over_otlp_linked_from_the_callers_trace_to_the_store() {
    let receiver = Receiver::start();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ens.db").display());
    let endpoint = receiver.endpoint();
    let env = [
        ("ENS_SCIM__DATABASE__URL", db.as_str()),
        ("ENS_SCIM__AUTH__ARGON2_MEMORY_KIB", "1024"),
        ("ENS_SCIM__AUTH__ARGON2_ITERATIONS", "1"),
        ("ENS_SCIM__TRACES__OTLP_ENDPOINT", endpoint.as_str()),
        ("ENS_SCIM__TRACES__SERVICE_NAME", "ens-scim-under-test"),
        // Export every 200 ms instead of 5 s.
        ("OTEL_BSP_SCHEDULE_DELAY", "200"),
    ];
    let mut server = Server::start(&env);
    let (_, token) = support::provisioned(&server, &env, "Contoso", "admin@contoso.example", &["ops@contoso.example"]);

    // Entra's request, part of a trace someone upstream started.
    let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    let parent_id = "00f067aa0ba902b7";
    let agent = support::http();
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(server.url("/portal/scim/Users"))
        .header("Authorization", format!("Bearer {token}"))
        .header("Content-Type", "application/scim+json")
        .header("traceparent", format!("00-{trace_id}-{parent_id}-01"))
        .body(json!({"userName": "jdoe@contoso.example"}).to_string())
        .unwrap();
    assert_eq!(agent.run(request).unwrap().status().as_u16(), 201);
    // One without: a trace of its own.
    let (status, _) = support::send("GET", &server.url("/portal/scim/Users"), Some(&token), None);
    assert_eq!(status, 200);

    let deadline = Instant::now() + Duration::from_secs(20);
    while !receiver.spans().iter().any(|s| hex(&s.trace_id) == trace_id && s.name.starts_with("store.")) {
        assert!(Instant::now() < deadline, "no store span of the trace arrived: {:#?}", receiver.spans());
        std::thread::sleep(Duration::from_millis(100));
    }
    // Stopping flushes what is still batched.
    assert!(server.terminate().success());
    let spans = receiver.spans();
    assert!(receiver.service_names().iter().all(|n| n == "ens-scim-under-test"), "{:?}", receiver.service_names());
    let traced: Vec<Span> = spans.iter().filter(|s| hex(&s.trace_id) == trace_id).cloned().collect();

    let request = the(&traced, "the request span", |s| s.name == "POST /portal/scim/Users");
    assert_eq!(hex(&request.parent_span_id), parent_id, "continues the caller's trace");
    assert_eq!(request.kind, SpanKind::Server as i32);
    assert_eq!(attribute(request, "http.route").as_deref(), Some("/portal/scim/Users"));
    assert_eq!(attribute(request, "scim.operation").as_deref(), Some("create"));
    assert_eq!(attribute(request, "http.response.status_code").as_deref(), Some("201"));

    let use_case = the(&traced, "the use case span", |s| s.name == "usecase.scim_create");
    assert_eq!(use_case.parent_span_id, request.span_id, "the use case runs inside the request");
    let writes: Vec<&Span> = traced.iter().filter(|s| s.name == "store.write").collect();
    assert!(
        writes.iter().any(|w| w.parent_span_id == use_case.span_id),
        "the store's transaction runs inside the use case: {writes:#?}"
    );
    assert!(writes.iter().all(|w| attribute(w, "db.system.name").as_deref() == Some("sqlite")));
    // Every span of the trace hangs off the request, which hangs off the caller's span.
    for span in &traced {
        assert!(
            span.span_id == request.span_id || traced.iter().any(|p| p.span_id == span.parent_span_id),
            "{} has a parent outside the trace",
            span.name
        );
    }

    let list = the(&spans, "the second request", |s| s.name == "GET /portal/scim/Users");
    assert_ne!(hex(&list.trace_id), trace_id);
    assert!(list.parent_span_id.is_empty(), "no traceparent: a root span");
    assert_eq!(attribute(list, "scim.operation").as_deref(), Some("list"));
    let no_secrets = spans.iter().flat_map(|s| &s.attributes).filter_map(|a| text(a.value.as_ref()?.value.as_ref()?));
    for value in no_secrets {
        assert!(!value.contains(&token), "the token is in a span attribute");
    }
}

#[test]
fn without_an_endpoint_nothing_is_exported() {
    let receiver = Receiver::start();
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("ens.db").display());
    let endpoint = receiver.endpoint();
    // The SDK's own variable does not switch export on: traces.otlp_endpoint does.
    let env = [
        ("ENS_SCIM__DATABASE__URL", db.as_str()),
        ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint.as_str()),
        ("OTEL_BSP_SCHEDULE_DELAY", "100"),
    ];
    let mut server = Server::start(&env);
    for _ in 0..5 {
        assert_eq!(support::get(&server.url("/healthz")).0, 200);
    }
    assert!(server.terminate().success());
    assert!(receiver.spans().is_empty());
}
