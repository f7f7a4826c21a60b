//! Errors of the admin API as `application/problem+json` (RFC 9457), worded for principals.

use std::fmt;
use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, ResponseError};
use ens_ports::StoreError;
use ens_ports::usecases::AdminError;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::words;
use crate::i18n::{string, t, t_with};

pub const PROBLEM_JSON: &str = "application/problem+json";

/// A problem report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Identifies the kind of problem, e.g. `urn:ens-scim:problem:token-required`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Fields the problem is about (stable keys of the attribute catalogue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<String>>,
    /// For refused e-mail addresses: which, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub addresses: Option<Value>,
    /// Seconds to wait before trying again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("urn:ens-scim:problem:{slug}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            fields: None,
            addresses: None,
            retry_after: None,
        }
    }

    pub fn bad_request(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid-request", &t("problem-invalid-request"), detail)
    }

    pub fn csrf() -> Self {
        Self::new(StatusCode::FORBIDDEN, "csrf", &t("problem-csrf"), t("problem-csrf-detail"))
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        Problem::status_code(self)
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status_code());
        res.content_type(PROBLEM_JSON);
        if matches!(
            self.status_code(),
            StatusCode::UNAUTHORIZED
                | StatusCode::PAYLOAD_TOO_LARGE
                | StatusCode::REQUEST_TIMEOUT
                | StatusCode::UNSUPPORTED_MEDIA_TYPE
        ) {
            // The body was not (all) read: end the connection rather than keep its buffers.
            res.force_close();
        }
        if let Some(secs) = self.retry_after {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        res.body(serde_json::to_string(self).unwrap_or_default())
    }
}

/// A lane of ours is full: the principal should retry shortly.
pub fn busy() -> Problem {
    let mut p = Problem::new(StatusCode::SERVICE_UNAVAILABLE, "busy", &t("problem-busy"), t("problem-busy-detail"));
    p.retry_after = Some(2);
    p
}

fn throttled(wait: Duration) -> Problem {
    let mut p = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "throttled",
        &t("problem-throttled"),
        t_with("problem-throttled-detail", &[("wait", string(words::duration(&wait)))]),
    );
    p.retry_after = Some(wait.as_secs().max(1));
    p
}

impl From<AdminError> for Problem {
    fn from(e: AdminError) -> Self {
        use StatusCode as S;
        let (status, slug) = match &e {
            AdminError::Throttled(wait) => return throttled(*wait),
            AdminError::Unauthenticated => (S::UNAUTHORIZED, "unauthenticated"),
            AdminError::InvalidCredentials => (S::UNAUTHORIZED, "invalid-credentials"),
            AdminError::PasswordChangeRequired => (S::FORBIDDEN, "password-change-required"),
            AdminError::WeakPassword(_) => (S::UNPROCESSABLE_ENTITY, "weak-password"),
            AdminError::NotFound => (S::NOT_FOUND, "not-found"),
            AdminError::NoToken => (S::CONFLICT, "token-required"),
            AdminError::NoPreviousToken => (S::CONFLICT, "no-previous-token"),
            AdminError::NoAddresses => (S::CONFLICT, "no-addresses"),
            AdminError::InvalidAddresses(_) => (S::UNPROCESSABLE_ENTITY, "invalid-addresses"),
            AdminError::InvalidDepartureRule(_) => (S::UNPROCESSABLE_ENTITY, "invalid-departure-limit"),
            AdminError::InvalidPurgeRule { .. } => (S::UNPROCESSABLE_ENTITY, "invalid-purge-rule"),
            AdminError::NoHold => (S::CONFLICT, "no-hold"),
            AdminError::InvalidLogin(_) => (S::UNPROCESSABLE_ENTITY, "invalid-login"),
            AdminError::LoginTaken(_) => (S::CONFLICT, "login-taken"),
            AdminError::RemoveSelf => (S::CONFLICT, "remove-self"),
            AdminError::LastPrincipal => (S::CONFLICT, "last-principal"),
            AdminError::Mapping(_) => (S::UNPROCESSABLE_ENTITY, "mapping"),
            AdminError::UserNameTaken(_) => (S::CONFLICT, "user-name-taken"),
            AdminError::ImportedFields(_) => (S::CONFLICT, "imported-fields"),
            AdminError::ManagedByScim => (S::CONFLICT, "managed-by-scim"),
            AdminError::Invalid(_) => (S::UNPROCESSABLE_ENTITY, "invalid-value"),
            AdminError::Conflict => (S::CONFLICT, "conflict"),
            AdminError::Store(StoreError::Unavailable(e)) => {
                tracing::error!(error = %e, "admin request: database unavailable");
                (S::SERVICE_UNAVAILABLE, "unavailable")
            }
            AdminError::Store(e) => {
                tracing::error!(error = %e, "admin request: store error");
                return internal();
            }
            AdminError::Password(e) => {
                tracing::error!(error = %e, "admin request: password hashing failed");
                return internal();
            }
        };
        let mut p = Problem::new(status, slug, &t(&format!("problem-{slug}")), words::admin_error(&e));
        // The request's members the problem is about, for the page to mark.
        p.fields = match &e {
            AdminError::InvalidDepartureRule(r) => Some(vec![
                match r {
                    ens_ports::DepartureRuleError::Floor { .. } => "floor",
                    ens_ports::DepartureRuleError::Percent { .. } => "percent",
                    ens_ports::DepartureRuleError::Window { .. } => "window_minutes",
                }
                .to_owned(),
            ]),
            AdminError::InvalidPurgeRule { .. } => Some(vec!["days".to_owned()]),
            AdminError::InvalidLogin(_) | AdminError::LoginTaken(_) => Some(vec!["login".to_owned()]),
            AdminError::Mapping(ens_ports::MappingError::RequiredDeselected(fields))
            | AdminError::ImportedFields(fields) => Some(fields.iter().map(|f| f.key().to_owned()).collect()),
            AdminError::Invalid(f) => Some(vec![f.field().key().to_owned()]),
            _ => None,
        };
        if let AdminError::InvalidAddresses(problems) = &e {
            p.addresses = Some(Value::Array(
                problems
                    .iter()
                    .map(|a| serde_json::json!({"index": a.index, "value": a.value, "reason": words::address(&a.reason)}))
                    .collect(),
            ));
        }
        p
    }
}

pub fn internal() -> Problem {
    Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", &t("problem-internal"), t("problem-internal-detail"))
}
