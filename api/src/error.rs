//! The one error type of the HTTP layer, rendered as RFC 9457 `application/problem+json`.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use shared::{FieldErrors, Problem, ProblemKind};

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(FieldErrors),
    #[error("{detail}")]
    Problem { kind: ProblemKind, detail: String },
    #[error("rate limited for {retry_after}s")]
    RateLimited { retry_after: u64 },
    /// Anything we did not expect: logged with its whole cause chain, answered opaquely.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

pub type ApiResult<T> = Result<T, ApiError>;

impl ApiError {
    pub fn new(kind: ProblemKind, detail: impl Into<String>) -> Self {
        Self::Problem {
            kind,
            detail: detail.into(),
        }
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(ProblemKind::NotFound, detail)
    }

    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(ProblemKind::Unauthorized, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(ProblemKind::Forbidden, detail)
    }

    pub fn link_expired() -> Self {
        Self::new(
            ProblemKind::LinkExpired,
            "This link has expired or was already used.",
        )
    }

    pub fn invalid_credentials() -> Self {
        Self::new(
            ProblemKind::InvalidCredentials,
            "The email address or password is not correct.",
        )
    }

    pub fn malformed(detail: impl Into<String>) -> Self {
        Self::new(ProblemKind::MalformedBody, detail)
    }

    fn kind(&self) -> ProblemKind {
        match self {
            Self::Validation(_) => ProblemKind::Validation,
            Self::Problem { kind, .. } => *kind,
            Self::RateLimited { .. } => ProblemKind::RateLimited,
            Self::Unexpected(_) => ProblemKind::Internal,
        }
    }

    pub fn problem(&self) -> Problem {
        let kind = self.kind();
        match self {
            Self::Validation(errors) => Problem {
                errors: errors.0.clone(),
                ..Problem::new(kind, "Correct the fields listed in `errors`.")
            },
            Self::Problem { detail, .. } => Problem::new(kind, detail.clone()),
            Self::RateLimited { retry_after } => Problem::new(
                kind,
                format!("Too many attempts. Try again in {retry_after} seconds."),
            ),
            Self::Unexpected(_) => Problem::new(kind, "The request could not be completed."),
        }
    }
}

impl From<FieldErrors> for ApiError {
    fn from(errors: FieldErrors) -> Self {
        Self::Validation(errors)
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        Self::Unexpected(anyhow::Error::new(e).context("database query"))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.kind().status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Unexpected(e) = self {
            tracing::error!(error = ?e, "request failed");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Self::RateLimited { retry_after } = self
            && let Ok(v) = HeaderValue::from_str(&retry_after.to_string())
        {
            response.insert_header((header::RETRY_AFTER, v));
        }
        let mut problem = self.problem();
        problem.instance = crate::telemetry::request_id().map(|id| {
            let id = percent_encoding::utf8_percent_encode(&id, URN_ESCAPED);
            format!("urn:shirase:request:{id}")
        });
        response.body(serde_json::to_string(&problem).unwrap_or_default())
    }
}

/// What a request id may not hold as it is in a URN: all but letters, digits and `-._~`.
const URN_ESCAPED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Unknown paths under `/api` answer with a problem, not with the SPA.
pub async fn api_not_found(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(format!(
        "No {} {} in this API.",
        req.method(),
        req.path()
    )))
}
