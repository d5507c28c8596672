use crate::problem::FieldCode;

/// Where a webhook destination receives its events: an absolute `https` (or, outside
/// production, `http`) URL with a host and no credentials, at most 2,048 characters. Whether
/// plain `http` is acceptable is the server's call (`is_https`); whether the host may be
/// reached is checked on every delivery, after name resolution.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookUrl(url::Url);

impl WebhookUrl {
    pub const MAX: usize = 2048;

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if s.chars().count() > Self::MAX {
            return Err(FieldCode::TooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(FieldCode::ControlCharacters);
        }
        let url = url::Url::parse(s).map_err(|_| FieldCode::InvalidUrl)?;
        if !matches!(url.scheme(), "http" | "https")
            || url.host_str().is_none_or(str::is_empty)
            || !url.username().is_empty()
            || url.password().is_some()
        {
            return Err(FieldCode::InvalidUrl);
        }
        Ok(Self(url))
    }

    pub fn is_https(&self) -> bool {
        self.0.scheme() == "https"
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    pub fn url(&self) -> &url::Url {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_and_https_urls_with_a_host() {
        let u = WebhookUrl::parse(" https://hooks.example.com/services/T0/B0/x ")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(u.is_https());
        assert_eq!(u.as_str(), "https://hooks.example.com/services/T0/B0/x");
        assert!(
            !WebhookUrl::parse("http://127.0.0.1:8080/hook")
                .map(|u| u.is_https())
                .unwrap_or(true)
        );
    }

    #[test]
    fn refuses_what_is_not_a_web_url() {
        for (raw, code) in [
            ("", FieldCode::Required),
            ("not a url", FieldCode::InvalidUrl),
            ("ftp://example.com/x", FieldCode::InvalidUrl),
            ("https://user:pw@example.com/", FieldCode::InvalidUrl),
            ("mailto:a@example.com", FieldCode::InvalidUrl),
            ("https://example.com/\nx", FieldCode::ControlCharacters),
        ] {
            assert_eq!(WebhookUrl::parse(raw), Err(code), "{raw:?}");
        }
        let long = format!("https://example.com/{}", "a".repeat(2100));
        assert_eq!(WebhookUrl::parse(&long), Err(FieldCode::TooLong));
    }
}
