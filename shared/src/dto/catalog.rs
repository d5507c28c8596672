use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{BoundedText, MultilineText};
use crate::problem::{FieldCode, FieldErrors};

/// `GET /api/v1/catalog`: categories → groups → products, in display order. Retired entries
/// are left out; a subscriber still reaches a retired product through its own page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Catalog {
    pub categories: Vec<CategoryView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryView {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    /// Only in the operators' whole catalog: retired, with what is under it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
    pub groups: Vec<GroupView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupView {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    /// Only in the operators' whole catalog: retired, with what is under it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub retired: bool,
    pub products: Vec<ProductView>,
}

/// One product. `category` and `group` name where it sits in the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProductView {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    /// Retired products cannot be added to My Support; existing subscribers keep them.
    pub retired: bool,
    pub category: Option<CatalogRef>,
    pub group: Option<CatalogRef>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogRef {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
}

/// A catalog entry as operators manage it (any level), retired ones included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CatalogEntryView {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub position: i32,
    pub retired: bool,
}

/// A subscription in My Support (登録中のサポート情報).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubscriptionView {
    pub product: ProductView,
    /// 工事情報メール.
    pub maintenance_mail: bool,
    /// 故障情報メール.
    pub outage_mail: bool,
    pub created_at: DateTime<Utc>,
    /// 配信停止中: addresses that unsubscribed from one kind of mail for this product.
    #[serde(default)]
    pub opt_outs: Vec<OptOutView>,
}

/// One address that no longer gets one kind of mail for a product (one-click unsubscribe);
/// `DELETE /api/v1/me/recipients/{id}/opt-outs/{product}/{kind}` resumes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptOutView {
    pub recipient_id: String,
    pub email: String,
    pub kind: super::NoticeKind,
}

/// `PATCH /api/v1/me/subscriptions/{product}`: absent flags stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct SubscriptionPatch {
    pub maintenance_mail: Option<bool>,
    pub outage_mail: Option<bool>,
}

/// A new catalog entry (operators): category, group or product.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CatalogEntryDraft {
    /// Lower-case letters, digits and hyphens; 2–64 characters; unique among its kind.
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: Option<String>,
    pub description_en: Option<String>,
    /// Place in display order (lower first); last if absent.
    pub position: Option<i32>,
}

/// A change to a catalog entry (operators): rename, describe, reorder, retire or restore.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CatalogEntryPatch {
    pub name_ja: Option<String>,
    pub name_en: Option<String>,
    pub description_ja: Option<String>,
    pub description_en: Option<String>,
    pub position: Option<i32>,
    pub retired: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCatalogEntry {
    pub slug: String,
    pub name_ja: String,
    pub name_en: String,
    pub description_ja: String,
    pub description_en: String,
    pub position: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogEntryChange {
    pub name_ja: Option<String>,
    pub name_en: Option<String>,
    pub description_ja: Option<String>,
    pub description_en: Option<String>,
    pub position: Option<i32>,
    pub retired: Option<bool>,
}

pub fn parse_slug(raw: &str) -> Result<String, FieldCode> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(FieldCode::Required);
    }
    if s.len() > 64 {
        return Err(FieldCode::TooLong);
    }
    let ok = s.len() >= 2
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-');
    if ok {
        Ok(s.to_owned())
    } else {
        Err(FieldCode::InvalidSlug)
    }
}

fn description(raw: Option<&str>) -> Result<String, FieldCode> {
    match raw.map(str::trim) {
        None | Some("") => Ok(String::new()),
        Some(s) => MultilineText::<2000>::parse(s).map(MultilineText::into_inner),
    }
}

fn position(raw: Option<i32>) -> Result<Option<i32>, FieldCode> {
    match raw {
        Some(p) if !(0..=100_000).contains(&p) => Err(FieldCode::InvalidValue),
        other => Ok(other),
    }
}

type Name = BoundedText<100>;

impl CatalogEntryDraft {
    pub fn parse(&self) -> Result<NewCatalogEntry, FieldErrors> {
        let mut e = FieldErrors::default();
        let slug = e.take("slug", parse_slug(&self.slug));
        let name_ja = e.take("name_ja", Name::parse(&self.name_ja));
        let name_en = e.take("name_en", Name::parse(&self.name_en));
        let description_ja = e.take(
            "description_ja",
            description(self.description_ja.as_deref()),
        );
        let description_en = e.take(
            "description_en",
            description(self.description_en.as_deref()),
        );
        let position = e.take("position", position(self.position));
        match (
            slug,
            name_ja,
            name_en,
            description_ja,
            description_en,
            position,
        ) {
            (Some(slug), Some(nj), Some(ne), Some(dj), Some(de), Some(position))
                if e.is_empty() =>
            {
                Ok(NewCatalogEntry {
                    slug,
                    name_ja: nj.into_inner(),
                    name_en: ne.into_inner(),
                    description_ja: dj,
                    description_en: de,
                    position,
                })
            }
            _ => Err(e),
        }
    }
}

impl CatalogEntryPatch {
    pub fn parse(&self) -> Result<CatalogEntryChange, FieldErrors> {
        let mut e = FieldErrors::default();
        let mut change = CatalogEntryChange {
            retired: self.retired,
            ..Default::default()
        };
        if let Some(v) = &self.name_ja {
            change.name_ja = e.take("name_ja", Name::parse(v)).map(Name::into_inner);
        }
        if let Some(v) = &self.name_en {
            change.name_en = e.take("name_en", Name::parse(v)).map(Name::into_inner);
        }
        if let Some(v) = &self.description_ja {
            change.description_ja = e.take("description_ja", description(Some(v)));
        }
        if let Some(v) = &self.description_en {
            change.description_en = e.take("description_en", description(Some(v)));
        }
        change.position = e.take("position", position(self.position)).flatten();
        if e.is_empty() { Ok(change) } else { Err(e) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(parse_slug("id-federation"), Ok("id-federation".into()));
        assert_eq!(parse_slug("ID Federation"), Err(FieldCode::InvalidSlug));
        assert_eq!(parse_slug("-x"), Err(FieldCode::InvalidSlug));
        assert_eq!(parse_slug(""), Err(FieldCode::Required));
        assert_eq!(parse_slug(&"a".repeat(65)), Err(FieldCode::TooLong));
    }
}
