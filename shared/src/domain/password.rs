use std::fmt;

use super::codes;

/// A password acceptable for a new account: 10 to 128 characters, no control characters.
/// Length is what makes passwords strong; composition rules only make them predictable.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, &'static str> {
        if raw.is_empty() {
            return Err(codes::REQUIRED);
        }
        if raw.chars().any(char::is_control) {
            return Err(codes::CONTROL_CHARACTERS);
        }
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(codes::TOO_SHORT);
        }
        if n > Self::MAX_CHARS {
            return Err(codes::TOO_LONG);
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
        assert_eq!(Password::parse("").err(), Some(codes::REQUIRED));
        assert_eq!(Password::parse("short").err(), Some(codes::TOO_SHORT));
        assert!(Password::parse("correct horse").is_ok());
        assert_eq!(
            Password::parse(&"x".repeat(129)).err(),
            Some(codes::TOO_LONG)
        );
        assert_eq!(
            Password::parse("tab\tinside!!").err(),
            Some(codes::CONTROL_CHARACTERS)
        );
        assert_eq!(
            format!("{:?}", Password::parse("correct horse")),
            "Ok(Password(***))"
        );
    }
}
