use serde::{Deserialize, Serialize};

use super::codes;

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
    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        match raw.trim() {
            "" => Err(codes::REQUIRED),
            "ja" => Ok(Self::Ja),
            "en" => Ok(Self::En),
            _ => Err(codes::INVALID_LANGUAGE),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Ja => "ja",
            Self::En => "en",
        }
    }
}
