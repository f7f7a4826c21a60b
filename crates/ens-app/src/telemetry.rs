//! Logs and traces.
//!
//! Logs: human-readable by default, JSON on request; `RUST_LOG` or `log.filter` selects.
//! Traces (only when `traces.otlp_endpoint` is set): the adapters' spans — one per request,
//! the use case and the store's transactions inside it — exported as OpenTelemetry over
//! OTLP/HTTP by `tracing-opentelemetry`. Those spans are at debug level, so that without an
//! exporter nothing creates them; the exporter's layer has a filter of its own that admits them
//! whatever the log filter says.

use std::collections::HashMap;
use std::future::Future;
use std::io::IsTerminal;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use ens_http::observe::TraceContext;
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{TraceContextExt, TracerProvider};
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::{Protocol, WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer, Registry};

use crate::config::{Log, LogFormat, Traces};

/// What was installed; [`Telemetry::shutdown`] sends the spans still buffered.
pub struct Telemetry {
    provider: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Continues callers' traces (`traceparent`), when traces are exported.
    pub fn trace_context(&self) -> Option<Arc<dyn TraceContext>> {
        self.provider
            .as_ref()
            .map(|_| Arc::new(W3cTraceContext(TraceContextPropagator::new())) as Arc<dyn TraceContext>)
    }

    pub fn shutdown(self) {
        if let Some(provider) = self.provider
            && let Err(e) = provider.shutdown()
        {
            tracing::warn!(error = %e, "traces could not all be sent before stopping");
        }
    }
}

/// Crates whose debug-level spans make the traces; everything else contributes its log
/// events at info and above (as span events).
const TRACED_CRATES: [&str; 3] = ["ens_http", "ens_ports", "ens_store_diesel"];

pub fn init(log: &Log, traces: &Traces) -> anyhow::Result<Telemetry> {
    let filter = match std::env::var("RUST_LOG") {
        Ok(f) if !f.is_empty() => EnvFilter::try_new(f)?,
        _ => EnvFilter::try_new(&log.filter)?,
    };
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(std::io::stderr().is_terminal());
    let logs: Box<dyn Layer<Registry> + Send + Sync> = match log.format {
        LogFormat::Human => fmt.with_filter(filter).boxed(),
        LogFormat::Json => fmt.json().flatten_event(true).with_current_span(false).with_filter(filter).boxed(),
    };
    let provider = if traces.otlp_endpoint.trim().is_empty() { None } else { Some(tracer_provider(traces)?) };
    let spans = provider.as_ref().map(|p| {
        let targets = TRACED_CRATES
            .iter()
            .fold(Targets::new().with_default(LevelFilter::INFO), |t, krate| t.with_target(*krate, LevelFilter::DEBUG));
        tracing_opentelemetry::layer().with_tracer(p.tracer("ens-scim")).with_filter(targets)
    });
    tracing_subscriber::registry()
        .with(logs)
        .with(spans)
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot install the logger: {e}"))?;
    Ok(Telemetry { provider })
}

fn tracer_provider(traces: &Traces) -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_http_client(UreqClient::new())
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(traces.otlp_endpoint.trim())
        .with_timeout(EXPORT_TIMEOUT)
        .build()
        .with_context(|| format!("invalid traces.otlp_endpoint {:?}", traces.otlp_endpoint))?;
    let resource = Resource::builder()
        .with_service_name(traces.service_name.clone())
        .with_attribute(opentelemetry::KeyValue::new("service.version", env!("CARGO_PKG_VERSION")))
        .build();
    // Batched on a thread of the SDK's own; the sampler comes from OTEL_TRACES_SAMPLER.
    Ok(SdkTracerProvider::builder().with_batch_exporter(exporter).with_resource(resource).build())
}

/// How long one export may take before it is given up (the spans are dropped, not retried).
const EXPORT_TIMEOUT: Duration = Duration::from_secs(10);

/// `traceparent` / `tracestate` (W3C Trace Context) to the request span's parent.
#[derive(Debug)]
struct W3cTraceContext(TraceContextPropagator);

impl TraceContext for W3cTraceContext {
    fn adopt(&self, span: &tracing::Span, traceparent: &str, tracestate: Option<&str>) {
        let mut carrier = HashMap::with_capacity(2);
        carrier.insert("traceparent".to_owned(), traceparent.to_owned());
        if let Some(state) = tracestate {
            carrier.insert("tracestate".to_owned(), state.to_owned());
        }
        let parent = self.0.extract(&carrier);
        // A malformed header starts a trace of our own rather than joining nothing.
        if parent.span().span_context().is_valid()
            && let Err(e) = span.set_parent(parent)
        {
            tracing::debug!(error = %e, "the caller's trace could not be continued");
        }
    }
}

/// The exporter's HTTP client: ureq, blocking, which is what the SDK's export thread wants
/// (it runs each export to completion on that thread). TLS by rustls with the platform's
/// roots, as for SMTP.
#[derive(Debug)]
struct UreqClient(ureq::Agent);

impl UreqClient {
    fn new() -> Self {
        let tls = ureq::tls::TlsConfig::builder().root_certs(ureq::tls::RootCerts::PlatformVerifier).build();
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(EXPORT_TIMEOUT))
            .tls_config(tls)
            .build()
            .into();
        Self(agent)
    }

    fn send(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let (parts, body) = request.into_parts();
        let mut response = self.0.run(Request::from_parts(parts, body.to_vec()))?;
        let body = response.body_mut().read_to_vec()?;
        let (parts, _) = response.into_parts();
        Ok(Response::from_parts(parts, Bytes::from(body)))
    }
}

// The trait is declared with `async_trait`; this is the signature it expands to, written out
// rather than adding the macro crate for one implementation.
impl HttpClient for UreqClient {
    fn send_bytes<'life0, 'async_trait>(
        &'life0 self,
        request: Request<Bytes>,
    ) -> Pin<Box<dyn Future<Output = Result<Response<Bytes>, HttpError>> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        Box::pin(async move { self.send(request) })
    }
}
