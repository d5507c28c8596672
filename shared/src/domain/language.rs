use serde::{Deserialize, Serialize};

use crate::problem::FieldCode;

/// The languages of the site and of its mails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Ja,
    En,
}

impl Language {
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        match raw.trim() {
            "" => Err(FieldCode::Required),
            "ja" => Ok(Self::Ja),
            "en" => Ok(Self::En),
            _ => Err(FieldCode::InvalidLanguage),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }
}
