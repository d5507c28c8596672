use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{BoundedText, MultilineText};
use crate::problem::{FieldCode, FieldErrors};

/// `POST /api/v1/terms` (operators): a new version of the terms of use. Once it is in force,
/// every customer is asked to accept it before using My Support again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TermsDraft {
    /// Letters, digits, `.`, `-` and `_`; at most 32 characters (e.g. `2027-04-01`).
    pub version: String,
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: String,
    pub body_en: String,
    /// When the version comes into force; now if absent.
    pub published_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTerms {
    pub version: String,
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: String,
    pub body_en: String,
    pub published_at: Option<DateTime<Utc>>,
}

fn version(raw: &str) -> Result<String, FieldCode> {
    let v = BoundedText::<32>::parse(raw)?.into_inner();
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
    {
        Ok(v)
    } else {
        Err(FieldCode::InvalidValue)
    }
}

impl TermsDraft {
    pub fn parse(&self) -> Result<NewTerms, FieldErrors> {
        let mut e = FieldErrors::default();
        let version = e.take("version", version(&self.version));
        let title_ja = e.take("title_ja", BoundedText::<200>::parse(&self.title_ja));
        let title_en = e.take("title_en", BoundedText::<200>::parse(&self.title_en));
        let body_ja = e.take("body_ja", MultilineText::<20000>::parse(&self.body_ja));
        let body_en = e.take("body_en", MultilineText::<20000>::parse(&self.body_en));
        match (version, title_ja, title_en, body_ja, body_en) {
            (Some(version), Some(tj), Some(te), Some(bj), Some(be)) if e.is_empty() => {
                Ok(NewTerms {
                    version,
                    title_ja: tj.into_inner(),
                    title_en: te.into_inner(),
                    body_ja: bj.into_inner(),
                    body_en: be.into_inner(),
                    published_at: self.published_at,
                })
            }
            _ => Err(e),
        }
    }
}
