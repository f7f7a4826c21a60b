//! SCIM errors (RFC 7644 §3.12): `status` as a string, `scimType` where the RFC defines one,
//! always `application/scim+json`.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use ens_ports::{RequestEnd, Said};
use serde_json::json;

pub const ERROR_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:Error";
pub const SCIM_JSON: &str = "application/scim+json";

/// The `scimType` values of RFC 7644 §3.12.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScimType {
    InvalidFilter,
    TooMany,
    Uniqueness,
    Mutability,
    InvalidSyntax,
    InvalidPath,
    NoTarget,
    InvalidValue,
    InvalidVers,
    Sensitive,
}

impl ScimType {
    pub fn as_str(self) -> &'static str {
        match self {
            ScimType::InvalidFilter => "invalidFilter",
            ScimType::TooMany => "tooMany",
            ScimType::Uniqueness => "uniqueness",
            ScimType::Mutability => "mutability",
            ScimType::InvalidSyntax => "invalidSyntax",
            ScimType::InvalidPath => "invalidPath",
            ScimType::NoTarget => "noTarget",
            ScimType::InvalidValue => "invalidValue",
            ScimType::InvalidVers => "invalidVers",
            ScimType::Sensitive => "sensitive",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ScimError {
    pub status: StatusCode,
    pub scim_type: Option<ScimType>,
    pub detail: String,
    pub retry_after_secs: Option<u64>,
    pub allow: Option<&'static str>,
    /// Why, for the sync guard, when the status alone does not say (503 is both "import is
    /// off" and "database down").
    pub cause: Option<RequestEnd>,
    /// What the failed request was about, when the handler knew it (for the activity log).
    pub about: Option<About>,
    /// Why, for principals (the activity log, notices), when `detail` (Entra's words) is not
    /// the only way to say it.
    /// (Boxed: every handler returns this error, and most never carry one.)
    pub said: Option<Box<Said>>,
}

/// What a request was about: what it would have done, and to whom.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct About {
    pub kind: ens_ports::ActivityKind,
    pub person: Option<ens_ports::PersonId>,
    pub user_name: Option<String>,
}

impl ScimError {
    pub fn new(status: StatusCode, scim_type: Option<ScimType>, detail: impl Into<String>) -> Self {
        Self {
            status,
            scim_type,
            detail: detail.into(),
            retry_after_secs: None,
            allow: None,
            cause: None,
            about: None,
            said: None,
        }
    }

    pub fn with_said(mut self, said: Said) -> Self {
        self.said = Some(Box::new(said));
        self
    }

    /// Why, for principals: what the handler said, else what the sync guard makes of a
    /// failure of ours, else Entra's answer quoted.
    pub fn said(&self) -> Said {
        if let Some(said) = &self.said {
            return said.as_ref().clone();
        }
        match self.request_end().fault() {
            Some(kind) => kind.said(),
            None => Said::new("request-refused")
                .with("status", u32::from(self.status.as_u16()))
                .with("answer", self.detail.as_str()),
        }
    }

    pub fn with_cause(mut self, cause: RequestEnd) -> Self {
        self.cause = Some(cause);
        self
    }

    /// How the request ended, as the sync guard classifies it.
    pub fn request_end(&self) -> RequestEnd {
        self.cause.unwrap_or_else(|| RequestEnd::from_status(self.status.as_u16()))
    }

    pub fn bad_request(scim_type: ScimType, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Some(scim_type), detail)
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, None, detail)
    }

    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            None,
            "Missing or invalid bearer token. Use the secret token generated on Setup › SCIM Import in ENS+.",
        )
    }

    pub fn method_not_allowed(allow: &'static str) -> Self {
        let mut e = Self::new(StatusCode::METHOD_NOT_ALLOWED, None, format!("This endpoint only allows {allow}."));
        e.allow = Some(allow);
        e
    }

    pub fn not_implemented(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_IMPLEMENTED, None, detail)
    }

    pub fn unavailable(detail: impl Into<String>, retry_after_secs: u64) -> Self {
        let mut e = Self::new(StatusCode::SERVICE_UNAVAILABLE, None, detail);
        e.retry_after_secs = Some(retry_after_secs);
        e
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, None, detail)
    }

    pub fn body(&self) -> serde_json::Value {
        let mut body = json!({
            "schemas": [ERROR_SCHEMA],
            "status": self.status.as_u16().to_string(),
            "detail": self.detail,
        });
        if let Some(t) = self.scim_type {
            body["scimType"] = json!(t.as_str());
        }
        body
    }
}

impl fmt::Display for ScimError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.detail)
    }
}

impl ResponseError for ScimError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut res = HttpResponse::build(self.status);
        res.content_type(SCIM_JSON);
        if matches!(self.status, StatusCode::UNAUTHORIZED | StatusCode::PAYLOAD_TOO_LARGE | StatusCode::REQUEST_TIMEOUT)
        {
            // The body was not (all) read: end the connection instead of keeping its buffers
            // for a caller that has not authenticated or will not finish sending.
            res.force_close();
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"ENS+ SCIM\"")));
        }
        if let Some(secs) = self.retry_after_secs {
            res.insert_header((header::RETRY_AFTER, secs.to_string()));
        }
        if let Some(allow) = self.allow {
            res.insert_header((header::ALLOW, allow));
        }
        res.body(self.body().to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn body_has_status_as_a_string_and_scim_type_when_defined() {
        let e = ScimError::bad_request(ScimType::InvalidFilter, "bad");
        assert_eq!(
            e.body(),
            json!({"schemas": [ERROR_SCHEMA], "status": "400", "scimType": "invalidFilter", "detail": "bad"})
        );
        assert_eq!(ScimError::not_found("gone").body().get("scimType"), None);
        let r = ScimError::unavailable("off", 600).error_response();
        assert_eq!(r.headers().get(header::RETRY_AFTER).map(|v| v.as_bytes()), Some(&b"600"[..]));
        assert_eq!(r.headers().get(header::CONTENT_TYPE).map(|v| v.as_bytes()), Some(SCIM_JSON.as_bytes()));
    }
}
