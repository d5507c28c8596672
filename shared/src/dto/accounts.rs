use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{BoundedText, EmailAddress, Language, OptionalText, Password, Phone};
use crate::problem::{FieldCode, FieldErrors};

pub type Name = BoundedText<50>;
pub type Company = BoundedText<100>;
pub type Department = OptionalText<100>;

/// Sign-up form (step ④): `POST /api/v1/registrations`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RegistrationRequest {
    /// The login ID.
    pub email: String,
    pub password: String,
    pub family_name: String,
    pub given_name: String,
    pub company: String,
    pub department: Option<String>,
    pub phone: Option<String>,
    /// `ja` or `en`: the language of the site and of mails.
    pub language: String,
}

/// A sign-up that passed every check.
#[derive(Debug, Clone)]
pub struct NewRegistration {
    pub email: EmailAddress,
    pub password: Password,
    pub profile: Profile,
}

/// The descriptive part of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub family_name: String,
    pub given_name: String,
    pub company: String,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
}

impl RegistrationRequest {
    pub fn parse(&self) -> Result<NewRegistration, FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = errors.take("email", EmailAddress::parse(&self.email));
        let password = errors.take("password", Password::parse(&self.password));
        let family_name = errors.take("family_name", Name::parse(&self.family_name));
        let given_name = errors.take("given_name", Name::parse(&self.given_name));
        let company = errors.take("company", Company::parse(&self.company));
        let department = errors.take("department", Department::parse(self.department.as_deref()));
        let phone = errors.take("phone", Phone::parse_optional(self.phone.as_deref()));
        let language = errors.take("language", Language::parse(&self.language));
        match (
            email,
            password,
            family_name,
            given_name,
            company,
            department,
            phone,
            language,
        ) {
            (Some(email), Some(password), Some(f), Some(g), Some(c), Some(d), Some(p), Some(l))
                if errors.is_empty() =>
            {
                Ok(NewRegistration {
                    email,
                    password,
                    profile: Profile {
                        family_name: f.into_inner(),
                        given_name: g.into_inner(),
                        company: c.into_inner(),
                        department: d.into_inner(),
                        phone: p.map(Phone::into_inner),
                        language: l,
                    },
                })
            }
            _ => Err(errors),
        }
    }
}

/// `GET /api/v1/registrations/{token}`: the link still works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationStatus {
    /// The address the link was sent to, masked (`t***@example.com`).
    pub email_masked: String,
    pub expires_at: DateTime<Utc>,
}

/// Step ⑥: the password chosen at sign-up, typed again.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ActivationRequest {
    pub password: String,
}

/// `202` to a sign-up: the same answer whether or not the address already has an account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RegistrationAccepted {
    /// Where the mail went, masked.
    pub email_masked: String,
    /// How long the activation link stays valid, in seconds.
    pub expires_in: i64,
}

/// `POST /api/v1/sessions`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Checks only presence and size: a login must not reveal the password rules, and a wrong
/// address is simply a failed login.
pub fn parse_credentials(email: &str, password: &str) -> Result<(String, String), FieldErrors> {
    let mut errors = FieldErrors::default();
    let email = email.trim();
    if email.is_empty() {
        errors.push("email", FieldCode::Required);
    } else if email.len() > EmailAddress::MAX_LEN {
        errors.push("email", FieldCode::TooLong);
    }
    if password.is_empty() {
        errors.push("password", FieldCode::Required);
    } else if password.chars().count() > Password::MAX_CHARS {
        errors.push("password", FieldCode::TooLong);
    }
    if errors.is_empty() {
        Ok((email.to_ascii_lowercase(), password.to_owned()))
    } else {
        Err(errors)
    }
}

/// `POST /api/v1/sessions/refresh`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// An issued session: a short-lived access token and the refresh token that renews it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionTokens {
    pub account: AccountView,
    /// JWT for `Authorization: Bearer`.
    pub access_token: String,
    /// Single use: each refresh returns a new one; reusing an old one ends the session.
    pub refresh_token: String,
    pub token_type: String,
    /// Seconds until `access_token` expires.
    pub expires_in: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Operator,
}

/// `GET /api/v1/me`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountView {
    pub id: String,
    pub email: String,
    pub family_name: String,
    pub given_name: String,
    pub company: String,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub language: Language,
    pub role: Role,
    /// The terms version this account accepted, if any.
    pub terms_accepted_version: Option<String>,
    /// False until the current terms are accepted; My Support is closed until then.
    pub terms_accepted: bool,
    pub created_at: DateTime<Utc>,
}

/// `PATCH /api/v1/me`: absent fields stay as they are; `department` and `phone` are cleared
/// with an empty string.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ProfilePatch {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub company: Option<String>,
    pub department: Option<String>,
    pub phone: Option<String>,
    pub language: Option<String>,
}

/// A profile change that passed every check; `Some(None)` clears an optional field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProfileChange {
    pub family_name: Option<String>,
    pub given_name: Option<String>,
    pub company: Option<String>,
    pub department: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub language: Option<Language>,
}

impl ProfilePatch {
    pub fn parse(&self) -> Result<ProfileChange, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut change = ProfileChange::default();
        if let Some(v) = &self.family_name {
            change.family_name = errors
                .take("family_name", Name::parse(v))
                .map(Name::into_inner);
        }
        if let Some(v) = &self.given_name {
            change.given_name = errors
                .take("given_name", Name::parse(v))
                .map(Name::into_inner);
        }
        if let Some(v) = &self.company {
            change.company = errors
                .take("company", Company::parse(v))
                .map(Company::into_inner);
        }
        if let Some(v) = &self.department {
            change.department = errors
                .take("department", Department::parse(Some(v)))
                .map(Department::into_inner);
        }
        if let Some(v) = &self.phone {
            change.phone = errors
                .take("phone", Phone::parse_optional(Some(v)))
                .map(|p| p.map(Phone::into_inner));
        }
        if let Some(v) = &self.language {
            change.language = errors.take("language", Language::parse(v));
        }
        if errors.is_empty() {
            Ok(change)
        } else {
            Err(errors)
        }
    }
}

/// `GET /api/v1/terms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermsView {
    pub version: String,
    pub title_ja: String,
    pub title_en: String,
    pub body_ja: String,
    pub body_en: String,
    pub published_at: DateTime<Utc>,
}

/// `POST /api/v1/me/terms-acceptance`: the version the customer read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TermsAcceptance {
    pub version: String,
}

/// `PUT /api/v1/me/password`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl PasswordChange {
    pub fn parse(&self) -> Result<(String, Password), FieldErrors> {
        let mut errors = FieldErrors::default();
        if self.current_password.is_empty() {
            errors.push("current_password", FieldCode::Required);
        }
        let new = errors.take("new_password", Password::parse(&self.new_password));
        match new {
            Some(new) if errors.is_empty() => Ok((self.current_password.clone(), new)),
            _ => Err(errors),
        }
    }
}

/// `POST /api/v1/password-resets`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordResetRequest {
    pub email: String,
}

/// `POST /api/v1/password-resets/{token}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct PasswordResetConfirm {
    pub new_password: String,
}

/// `DELETE /api/v1/me`: deletion is confirmed with the password.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AccountDeletion {
    pub password: String,
}

/// Presence check for a password that is compared, not chosen.
pub fn require_password(field: &str, raw: &str) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    if raw.is_empty() {
        errors.push(field, FieldCode::Required);
    } else if raw.chars().count() > Password::MAX_CHARS {
        errors.push(field, FieldCode::TooLong);
    }
    if errors.is_empty() {
        Ok(raw.to_owned())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> RegistrationRequest {
        RegistrationRequest {
            email: "taro@example.com".into(),
            password: "correct horse battery".into(),
            family_name: "山田".into(),
            given_name: "太郎".into(),
            company: "Example KK".into(),
            department: None,
            phone: Some("".into()),
            language: "ja".into(),
        }
    }

    #[test]
    fn valid_registration_parses() {
        let r = valid().parse().map(|r| r.profile);
        assert!(matches!(r, Ok(Profile { phone: None, .. })), "{r:?}");
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let errors = RegistrationRequest::default()
            .parse()
            .err()
            .unwrap_or_default();
        for field in [
            "email",
            "password",
            "family_name",
            "given_name",
            "company",
            "language",
        ] {
            assert_eq!(errors.code_for(field), Some(FieldCode::Required), "{field}");
        }
        assert_eq!(errors.code_for("department"), None);
    }

    #[test]
    fn missing_fields_deserialise_to_required() {
        let req: RegistrationRequest =
            serde_json::from_str(r#"{"email":"x@example.com"}"#).unwrap_or_default();
        let errors = req.parse().err().unwrap_or_default();
        assert_eq!(errors.code_for("password"), Some(FieldCode::Required));
        assert_eq!(errors.code_for("email"), None);
    }

    #[test]
    fn profile_patch_clears_optionals() {
        let patch = ProfilePatch {
            phone: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(patch.parse().map(|c| c.phone), Ok(Some(None)));
        let patch = ProfilePatch {
            language: Some("fr".into()),
            ..Default::default()
        };
        assert_eq!(
            patch.parse().err().and_then(|e| e.code_for("language")),
            Some(FieldCode::InvalidLanguage)
        );
    }
}

/// `POST /api/v1/me/email-change`: the new login address, and the current password.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct EmailChangeRequest {
    pub new_email: String,
    pub password: String,
}

impl EmailChangeRequest {
    /// The new address and the password as typed (checked against the account by the
    /// server).
    pub fn parse(&self) -> Result<(EmailAddress, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let email = errors.take("new_email", EmailAddress::parse(&self.new_email));
        if self.password.is_empty() {
            errors.push("password", FieldCode::Required);
        }
        match email {
            Some(email) if errors.is_empty() => Ok((email, self.password.clone())),
            _ => Err(errors),
        }
    }
}

/// `GET /api/v1/email-changes/{token}`: the confirmation link still works.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EmailChangeStatus {
    /// The new login address, masked (`n***@example.com`).
    pub email_masked: String,
    pub expires_at: DateTime<Utc>,
}
