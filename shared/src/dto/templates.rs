//! Notice templates (雛形): the kind, titles and bodies of notices an operator writes again
//! and again, with placeholders the draft fills in.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::notices::{BODY_MAX, NoticeDraftRequest, NoticeKind, TITLE_MAX, placeholders_known};
use crate::domain::{BoundedText, MultilineText, OptionalText};
use crate::problem::FieldErrors;

/// What operators call a template (「定期メンテナンス（夜間）」).
pub type TemplateName = BoundedText<80>;

/// `POST /api/v1/notice-templates` and `PUT /api/v1/notice-templates/{id}`. Titles and
/// bodies may use `{{product}}`, `{{starts_at}}` and `{{ends_at}}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct NoticeTemplateRequest {
    pub name: String,
    /// `maintenance` or `outage`.
    pub kind: String,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
}

/// A template that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct NoticeTemplate {
    pub name: String,
    pub kind: NoticeKind,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
}

impl NoticeTemplateRequest {
    pub fn parse(&self) -> Result<NoticeTemplate, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = e.take("name", TemplateName::parse(&self.name));
        let kind = e.take("kind", NoticeKind::parse(&self.kind));
        let title_ja = e.take("title_ja", BoundedText::<TITLE_MAX>::parse(&self.title_ja));
        let title_en = e.take(
            "title_en",
            OptionalText::<TITLE_MAX>::parse(self.title_en.as_deref()),
        );
        let body_ja = e.take("body_ja", MultilineText::<BODY_MAX>::parse(&self.body_ja));
        let body_en = match self.body_en.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(b) => e.take("body_en", MultilineText::<BODY_MAX>::parse(b).map(Some)),
        };
        placeholders_known(
            &mut e,
            [
                ("title_ja", Some(self.title_ja.as_str())),
                ("title_en", self.title_en.as_deref()),
                ("body_ja", Some(self.body_ja.as_str())),
                ("body_en", self.body_en.as_deref()),
            ],
        );
        match (name, kind, title_ja, title_en, body_ja, body_en) {
            (
                Some(name),
                Some(kind),
                Some(title_ja),
                Some(title_en),
                Some(body_ja),
                Some(body_en),
            ) if e.is_empty() => Ok(NoticeTemplate {
                name: name.into_inner(),
                kind,
                title_ja: title_ja.into_inner(),
                title_en: title_en.into_inner(),
                body_ja: body_ja.into_inner(),
                body_en: body_en.map(MultilineText::into_inner),
            }),
            _ => Err(e),
        }
    }
}

/// A template as operators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NoticeTemplateView {
    pub id: String,
    pub name: String,
    pub kind: NoticeKind,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub body_ja: String,
    pub body_en: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/v1/notice-templates/{id}/drafts`: what the template leaves open. The draft
/// gets the template's kind and texts, its placeholders filled from these.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct TemplateDraftRequest {
    /// Product slugs, one or more.
    pub products: Vec<String>,
    /// RFC 3339.
    pub starts_at: String,
    /// Required for maintenance.
    pub ends_at: Option<String>,
}

impl NoticeTemplateView {
    /// The draft request this template makes with what `open` leaves open.
    pub fn draft(&self, open: &TemplateDraftRequest) -> NoticeDraftRequest {
        NoticeDraftRequest {
            kind: self.kind.code().to_owned(),
            products: open.products.clone(),
            title_ja: self.title_ja.clone(),
            title_en: self.title_en.clone(),
            body_ja: self.body_ja.clone(),
            body_en: self.body_en.clone(),
            starts_at: open.starts_at.clone(),
            ends_at: open.ends_at.clone(),
            status: None,
            announce_lifecycle: None,
            impact: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problem::FieldCode;

    #[test]
    fn unknown_placeholders_and_missing_fields_are_refused() {
        let e = NoticeTemplateRequest {
            name: String::new(),
            kind: "maintenance".into(),
            title_ja: "{{product}} の{{ 工事名 }}".into(),
            title_en: None,
            body_ja: "{{starts_at}}〜{{ends_at}}".into(),
            body_en: Some("{{ customer }}".into()),
        }
        .parse()
        .err()
        .unwrap_or_default();
        assert_eq!(e.code_for("name"), Some(FieldCode::Required));
        assert_eq!(e.code_for("title_ja"), Some(FieldCode::UnknownPlaceholder));
        assert_eq!(e.code_for("body_en"), Some(FieldCode::UnknownPlaceholder));
        assert_eq!(e.code_for("body_ja"), None);
    }
}
