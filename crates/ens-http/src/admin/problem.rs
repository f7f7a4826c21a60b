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
        Self::new(StatusCode::BAD_REQUEST, "invalid-request", "The request is not valid", detail)
    }

    pub fn csrf() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "csrf",
            "The request did not prove it came from the ENS+ page",
            "Reload the page and try again.",
        )
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
    let mut p = Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "ENS+ is busy",
        "Too many requests of this kind are waiting. Try again in a few seconds.",
    );
    p.retry_after = Some(2);
    p
}

fn throttled(wait: Duration) -> Problem {
    let mut p = Problem::new(
        StatusCode::TOO_MANY_REQUESTS,
        "throttled",
        "Too many failed logins",
        format!("Too many failed logins. Try again in {}.", ens_ports::usecases::seconds(&wait)),
    );
    p.retry_after = Some(wait.as_secs().max(1));
    p
}

impl From<AdminError> for Problem {
    fn from(e: AdminError) -> Self {
        use StatusCode as S;
        let detail = e.to_string();
        match e {
            AdminError::Unauthenticated => Problem::new(S::UNAUTHORIZED, "unauthenticated", "Not logged in", detail),
            AdminError::InvalidCredentials => {
                Problem::new(S::UNAUTHORIZED, "invalid-credentials", "Login failed", detail)
            }
            AdminError::Throttled(wait) => throttled(wait),
            AdminError::PasswordChangeRequired => {
                Problem::new(S::FORBIDDEN, "password-change-required", "Change your password first", detail)
            }
            AdminError::WeakPassword(_) => {
                Problem::new(S::UNPROCESSABLE_ENTITY, "weak-password", "Password refused", detail)
            }
            AdminError::NotFound => {
                Problem::new(S::NOT_FOUND, "not-found", "Not found", "There is nothing here, or it is not yours.")
            }
            AdminError::NoToken => Problem::new(S::CONFLICT, "token-required", "Generate a secret token first", detail),
            AdminError::NoPreviousToken => {
                Problem::new(S::CONFLICT, "no-previous-token", "There is no previous token", detail)
            }
            AdminError::NoAddresses => Problem::new(
                S::CONFLICT,
                "no-addresses",
                "No notification address",
                "Add at least one notification address first.",
            ),
            AdminError::InvalidAddresses(problems) => {
                let mut p = Problem::new(
                    S::UNPROCESSABLE_ENTITY,
                    "invalid-addresses",
                    "Some e-mail addresses are not valid",
                    problems.iter().map(|a| format!("{:?} {}", a.value, a.reason)).collect::<Vec<_>>().join("; "),
                );
                p.addresses = Some(Value::Array(
                    problems
                        .iter()
                        .map(|a| serde_json::json!({"index": a.index, "value": a.value, "reason": a.reason}))
                        .collect(),
                ));
                p
            }
            AdminError::InvalidDepartureRule(e) => {
                let mut p =
                    Problem::new(S::UNPROCESSABLE_ENTITY, "invalid-departure-limit", "Departure limit refused", detail);
                // The request's member that is out of bounds, for the page to mark.
                p.fields = Some(vec![
                    match e {
                        ens_ports::DepartureRuleError::Floor { .. } => "floor",
                        ens_ports::DepartureRuleError::Percent { .. } => "percent",
                        ens_ports::DepartureRuleError::Window { .. } => "window_minutes",
                    }
                    .to_owned(),
                ]);
                p
            }
            AdminError::InvalidPurgeRule { .. } => {
                let mut p = Problem::new(S::UNPROCESSABLE_ENTITY, "invalid-purge-rule", "Purge rule refused", detail);
                p.fields = Some(vec!["days".to_owned()]);
                p
            }
            AdminError::NoHold => Problem::new(S::CONFLICT, "no-hold", "Nothing is held", detail),
            AdminError::InvalidLogin(_) => {
                let mut p = Problem::new(S::UNPROCESSABLE_ENTITY, "invalid-login", "Login refused", detail);
                p.fields = Some(vec!["login".to_owned()]);
                p
            }
            AdminError::LoginTaken(_) => {
                let mut p = Problem::new(S::CONFLICT, "login-taken", "Login already in use", detail);
                p.fields = Some(vec!["login".to_owned()]);
                p
            }
            AdminError::RemoveSelf => Problem::new(S::CONFLICT, "remove-self", "You cannot remove yourself", detail),
            AdminError::LastPrincipal => {
                Problem::new(S::CONFLICT, "last-principal", "The last principal stays", detail)
            }
            AdminError::Mapping(m) => {
                let mut p =
                    Problem::new(S::UNPROCESSABLE_ENTITY, "mapping", "These fields cannot be chosen so", m.to_string());
                if let ens_ports::MappingError::RequiredDeselected(fields) = &m {
                    p.fields = Some(fields.iter().map(|f| f.key().to_owned()).collect());
                }
                p
            }
            AdminError::UserNameTaken(_) => {
                Problem::new(S::CONFLICT, "user-name-taken", "userName already in use", detail)
            }
            AdminError::ImportedFields(fields) => {
                let mut p = Problem::new(S::CONFLICT, "imported-fields", "These fields come from Entra", detail);
                p.fields = Some(fields.iter().map(|f| f.key().to_owned()).collect());
                p
            }
            AdminError::ManagedByScim => {
                Problem::new(S::CONFLICT, "managed-by-scim", "This person comes from Entra", detail)
            }
            AdminError::Invalid(f) => {
                let field = match &f {
                    ens_ports::FieldError::Invalid { field, .. }
                    | ens_ports::FieldError::Required(field)
                    | ens_ports::FieldError::NotBoolean(field)
                    | ens_ports::FieldError::NotText(field) => *field,
                };
                let mut p =
                    Problem::new(S::UNPROCESSABLE_ENTITY, "invalid-value", "A value is not valid", f.to_string());
                p.fields = Some(vec![field.key().to_owned()]);
                p
            }
            AdminError::Conflict => Problem::new(S::CONFLICT, "conflict", "Changed in the meantime", detail),
            AdminError::Store(StoreError::Unavailable(e)) => {
                tracing::error!(error = %e, "admin request: database unavailable");
                Problem::new(
                    S::SERVICE_UNAVAILABLE,
                    "unavailable",
                    "ENS+ cannot reach its database",
                    "ENS+ cannot reach its database right now. Nothing was changed; try again in a minute.",
                )
            }
            AdminError::Store(e) => {
                tracing::error!(error = %e, "admin request: store error");
                internal()
            }
            AdminError::Password(e) => {
                tracing::error!(error = %e, "admin request: password hashing failed");
                internal()
            }
        }
    }
}

pub fn internal() -> Problem {
    Problem::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Something went wrong in ENS+",
        "Something went wrong on our side. Nothing was changed; try again, and contact ENS+ support if it persists.",
    )
}
