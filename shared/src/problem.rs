//! RFC 9457 problem details: the one error shape of the API.

use serde::{Deserialize, Serialize};

/// Why one input field was refused: a stable snake_case word on the wire, which clients
/// translate (`i18n::field`). Codes never change meaning; new ones may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldCode {
    Required,
    TooLong,
    /// Shorter than allowed (passwords: 10 characters).
    TooShort,
    InvalidEmail,
    ControlCharacters,
    InvalidPhone,
    InvalidLanguage,
    /// A repeated password that differs from the first.
    Mismatch,
    InvalidValue,
    /// A password that does not match the one on record.
    Incorrect,
    /// A terms version other than the one in force.
    NotCurrent,
    Taken,
    /// A new value equal to the current one (a login address changed to itself).
    Unchanged,
    InvalidWeekday,
    InvalidHour,
    InvalidTimeZone,
    /// Not an RFC 3339 date-time with an offset.
    InvalidDatetime,
    /// An end that is not after its start.
    BeforeStart,
    /// A product slug the catalog does not have.
    UnknownProduct,
    /// An instant that should lie in the future but does not.
    InPast,
    /// Not an absolute http(s) URL with a host and without credentials.
    InvalidUrl,
    /// A plain-http webhook URL where only https is accepted (production).
    HttpsRequired,
    /// A channel other than `webhook`, `slack` or `teams`.
    UnknownChannel,
    /// Neither kind of notice chosen: a destination must take maintenance, outages or both.
    NoKind,
    /// A code that does not match the one sent, or is no longer valid.
    WrongCode,
    /// Not a delivery status notification (RFC 3464) that can be read.
    NotADeliveryReport,
    /// A bounce report about no delivery of this service.
    UnknownDelivery,
    /// A `{{name}}` in a notice text that is not a placeholder the server fills.
    UnknownPlaceholder,
    /// A maintenance marked completed before its window started.
    NotStarted,
    /// Not a slug: 2 to 64 lowercase letters, digits and hyphens, not at either end.
    InvalidSlug,
    /// A field a published notice cannot change by correction (it changes through updates).
    NotEditable,
    /// An instant that cannot lie in the future (when a service was restored).
    InFuture,
    /// A choice the server does not offer (a reminder lead other than 24 h or 1 h).
    NotOffered,
    /// A code from a newer server that this client does not know.
    #[serde(other)]
    Unknown,
}

impl FieldCode {
    /// The word on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooLong => "too_long",
            Self::TooShort => "too_short",
            Self::InvalidEmail => "invalid_email",
            Self::ControlCharacters => "control_characters",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidLanguage => "invalid_language",
            Self::Mismatch => "mismatch",
            Self::InvalidValue => "invalid_value",
            Self::Incorrect => "incorrect",
            Self::NotCurrent => "not_current",
            Self::Taken => "taken",
            Self::Unchanged => "unchanged",
            Self::InvalidWeekday => "invalid_weekday",
            Self::InvalidHour => "invalid_hour",
            Self::InvalidTimeZone => "invalid_time_zone",
            Self::InvalidDatetime => "invalid_datetime",
            Self::BeforeStart => "before_start",
            Self::UnknownProduct => "unknown_product",
            Self::InPast => "in_past",
            Self::InvalidUrl => "invalid_url",
            Self::HttpsRequired => "https_required",
            Self::UnknownChannel => "unknown_channel",
            Self::NoKind => "no_kind",
            Self::WrongCode => "wrong_code",
            Self::NotADeliveryReport => "not_a_delivery_report",
            Self::UnknownDelivery => "unknown_delivery",
            Self::UnknownPlaceholder => "unknown_placeholder",
            Self::NotStarted => "not_started",
            Self::NotOffered => "not_offered",
            Self::InFuture => "in_future",
            Self::NotEditable => "not_editable",
            Self::InvalidSlug => "invalid_slug",
            Self::Unknown => "unknown",
        }
    }
}

impl std::fmt::Display for FieldCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A machine-readable reason why one input field was refused.
///
/// `field` is the JSON field name; `code` says why, in a word that clients translate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    /// Why: `required`, `too_long`, `too_short`, `invalid_email`, `control_characters`,
    /// `invalid_phone`, `invalid_language`, `mismatch`, `invalid_value`, `incorrect`,
    /// `not_current`, `taken`, `invalid_weekday`, `invalid_hour`, `invalid_time_zone`,
    /// `invalid_datetime`, `before_start`, `unknown_product`, `in_past`; more may be added,
    /// which is why the document calls it a string rather than a closed enum.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "invalid_email"))]
    pub code: FieldCode,
}

/// Collects field errors while a request is parsed, so every bad field is reported at once.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<FieldError>);

impl FieldErrors {
    pub fn push(&mut self, field: &str, code: FieldCode) {
        self.0.push(FieldError {
            field: field.to_owned(),
            code,
        });
    }

    /// Records the error of `result`, if any, and hands back its value.
    pub fn take<T>(&mut self, field: &str, result: Result<T, FieldCode>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(code) => {
                self.push(field, code);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The code reported for `field`, if any (what a form shows next to that field).
    pub fn code_for(&self, field: &str) -> Option<FieldCode> {
        self.0.iter().find(|e| e.field == field).map(|e| e.code)
    }
}

/// The kinds of problem the API reports; each has a stable `type` URI that clients match on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    Validation,
    MalformedBody,
    Unauthorized,
    InvalidCredentials,
    Forbidden,
    TermsNotAccepted,
    NotFound,
    LinkExpired,
    Conflict,
    RateLimited,
    Internal,
}

impl ProblemKind {
    pub const ALL: [ProblemKind; 11] = [
        Self::Validation,
        Self::MalformedBody,
        Self::Unauthorized,
        Self::InvalidCredentials,
        Self::Forbidden,
        Self::TermsNotAccepted,
        Self::NotFound,
        Self::LinkExpired,
        Self::Conflict,
        Self::RateLimited,
        Self::Internal,
    ];

    pub fn slug(self) -> &'static str {
        match self {
            Self::Validation => "validation",
            Self::MalformedBody => "malformed-body",
            Self::Unauthorized => "unauthorized",
            Self::InvalidCredentials => "invalid-credentials",
            Self::Forbidden => "forbidden",
            Self::TermsNotAccepted => "terms-not-accepted",
            Self::NotFound => "not-found",
            Self::LinkExpired => "link-expired",
            Self::Conflict => "conflict",
            Self::RateLimited => "rate-limited",
            Self::Internal => "internal",
        }
    }

    /// The `type` member: an absolute URI that does not depend on where the API is deployed.
    pub fn type_uri(self) -> String {
        format!("urn:shirase:problem:{}", self.slug())
    }

    pub fn from_type_uri(uri: &str) -> Option<Self> {
        let slug = uri.strip_prefix("urn:shirase:problem:")?;
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    pub fn status(self) -> u16 {
        match self {
            Self::Validation | Self::MalformedBody => 400,
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::Forbidden | Self::TermsNotAccepted => 403,
            Self::NotFound => 404,
            Self::Conflict => 409,
            Self::LinkExpired => 410,
            Self::RateLimited => 429,
            Self::Internal => 500,
        }
    }
}

/// An RFC 9457 problem document as sent with `application/problem+json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    #[serde(rename = "type")]
    pub type_: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// This occurrence: names the request (`urn:shirase:request:<id>`, the id also sent as
    /// `X-Request-Id`), so that a complaint quoting it can be found in the server's logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
}

// `Problem::new` lives in `i18n`, beside the catalogue that gives each kind its title.
impl Problem {
    pub fn kind(&self) -> Option<ProblemKind> {
        ProblemKind::from_type_uri(&self.type_)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_uris_round_trip() {
        for kind in ProblemKind::ALL {
            assert_eq!(ProblemKind::from_type_uri(&kind.type_uri()), Some(kind));
        }
        assert_eq!(ProblemKind::from_type_uri("about:blank"), None);
    }
}
