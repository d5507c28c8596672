use std::fmt;

use crate::problem::FieldCode;

/// A password acceptable for a new account: 10 to 128 characters, no control characters.
/// Length is what makes passwords strong; composition rules only make them predictable.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, FieldCode> {
        if raw.is_empty() {
            return Err(FieldCode::Required);
        }
        if raw.chars().any(char::is_control) {
            return Err(FieldCode::ControlCharacters);
        }
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(FieldCode::TooShort);
        }
        if n > Self::MAX_CHARS {
            return Err(FieldCode::TooLong);
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_rules() {
        assert_eq!(Password::parse("").err(), Some(FieldCode::Required));
        assert_eq!(Password::parse("short").err(), Some(FieldCode::TooShort));
        assert!(Password::parse("correct horse").is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(129)).err(),
            Some(FieldCode::TooLong)
        );
        assert_eq!(
            Password::parse("tab\tinside!!").err(),
            Some(FieldCode::ControlCharacters)
        );
        assert_eq!(
            format!("{:?}", Password::parse("correct horse")),
            "Ok(Password(***))"
        );
    }
}
