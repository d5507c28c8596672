use crate::problem::FieldCode;

/// Rejects C0/C1 controls (including newlines): they have no place in a name and would let
/// a value break out of a mail header or a log line.
fn check_controls(s: &str) -> Result<(), FieldCode> {
    if s.chars().any(char::is_control) {
        Err(FieldCode::ControlCharacters)
    } else {
        Ok(())
    }
}

/// A required single-line text of at most `MAX` characters, trimmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText<const MAX: usize>(String);

impl<const MAX: usize> BoundedText<MAX> {
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let s = raw.trim();
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        check_controls(s)?;
        if s.chars().count() > MAX {
            return Err(FieldCode::TooLong);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An optional single-line text: absent and blank both mean "none".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionalText<const MAX: usize>(Option<BoundedText<MAX>>);

impl<const MAX: usize> OptionalText<MAX> {
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldCode> {
        match raw.map(str::trim) {
            None | Some("") => Ok(Self(None)),
            Some(s) => BoundedText::parse(s).map(|t| Self(Some(t))),
        }
    }

    pub fn into_inner(self) -> Option<String> {
        self.0.map(BoundedText::into_inner)
    }
}

/// A required multi-line text (line breaks and tabs allowed, other controls not), at most
/// `MAX` characters after trimming.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultilineText<const MAX: usize>(String);

impl<const MAX: usize> MultilineText<MAX> {
    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        let s = raw.trim().replace("\r\n", "\n");
        if s.is_empty() {
            return Err(FieldCode::Required);
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
            return Err(FieldCode::ControlCharacters);
        }
        if s.chars().count() > MAX {
            return Err(FieldCode::TooLong);
        }
        Ok(Self(s))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A telephone number as people write it: digits with optional `+`, spaces, hyphens and
/// parentheses; 6 to 20 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, FieldCode> {
        let s = match raw.map(str::trim) {
            None | Some("") => return Ok(None),
            Some(s) => s,
        };
        check_controls(s)?;
        if s.chars().count() > 20 {
            return Err(FieldCode::TooLong);
        }
        let allowed = |c: char| c.is_ascii_digit() || matches!(c, '+' | '-' | ' ' | '(' | ')');
        let digits = s.chars().filter(char::is_ascii_digit).count();
        if !s.chars().all(allowed) || digits < 6 || s[1..].contains('+') {
            return Err(FieldCode::InvalidPhone);
        }
        Ok(Some(Self(s.to_owned())))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_text_trims_and_limits() {
        assert_eq!(
            BoundedText::<3>::parse("  ab ").map(|t| t.into_inner()),
            Ok("ab".into())
        );
        assert_eq!(BoundedText::<3>::parse("   "), Err(FieldCode::Required));
        assert_eq!(BoundedText::<3>::parse("abcd"), Err(FieldCode::TooLong));
        // Characters, not bytes: three kanji fit in three.
        assert!(BoundedText::<3>::parse("山田太").is_ok());
        assert_eq!(
            BoundedText::<9>::parse("a\u{7}b"),
            Err(FieldCode::ControlCharacters)
        );
        assert_eq!(
            BoundedText::<9>::parse("a\nb"),
            Err(FieldCode::ControlCharacters)
        );
    }

    #[test]
    fn phone_numbers() {
        assert!(Phone::parse_optional(Some("+81 3-1234-5678")).is_ok());
        assert_eq!(Phone::parse_optional(Some("")), Ok(None));
        assert_eq!(
            Phone::parse_optional(Some("call me")),
            Err(FieldCode::InvalidPhone)
        );
        assert_eq!(
            Phone::parse_optional(Some("12+345678")),
            Err(FieldCode::InvalidPhone)
        );
        assert_eq!(
            Phone::parse_optional(Some("123")),
            Err(FieldCode::InvalidPhone)
        );
    }
}
