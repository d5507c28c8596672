//! Placeholders in notice texts, such as `{{product}}` and `{{starts_at}}`: written in
//! templates (and drafts), filled in when a draft is saved, with the draft's products and
//! times in the language of the field.

use crate::problem::FieldCode;

/// The product names, joined (「ID Federation、Directory Service」).
pub const PRODUCT: &str = "product";
/// The start (maintenance) or the beginning (outage), in JST.
pub const STARTS_AT: &str = "starts_at";
/// The planned end of a maintenance, in JST.
pub const ENDS_AT: &str = "ends_at";

pub const ALL: [&str; 3] = [PRODUCT, STARTS_AT, ENDS_AT];

/// Each `{{ name }}` of `text`: its byte range and its name, trimmed.
fn each(text: &str) -> impl Iterator<Item = (std::ops::Range<usize>, &str)> {
    let mut from = 0;
    std::iter::from_fn(move || {
        let start = from + text[from..].find("{{")?;
        let end = start + 2 + text[start + 2..].find("}}")? + 2;
        from = end;
        Some((start..end, text[start + 2..end - 2].trim()))
    })
}

/// `unknown_placeholder` if `text` names a placeholder that is not one of [`ALL`].
pub fn check(text: &str) -> Result<(), FieldCode> {
    match each(text).any(|(_, name)| !ALL.contains(&name)) {
        true => Err(FieldCode::UnknownPlaceholder),
        false => Ok(()),
    }
}

/// `text` with each placeholder replaced by its value; a placeholder without a value (no
/// end on an outage) becomes empty.
pub fn fill(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (range, name) in each(text) {
        if !ALL.contains(&name) {
            continue;
        }
        out.push_str(&text[last..range.start]);
        out.push_str(&value(name).unwrap_or_default());
        last = range.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_checked_and_filled() {
        let text = "{{product}} の定期メンテナンス（{{ starts_at }}〜{{ends_at}}）";
        assert_eq!(check(text), Ok(()));
        assert_eq!(
            check("{{ customer }} 様"),
            Err(FieldCode::UnknownPlaceholder)
        );
        assert_eq!(check("no braces, { single } ones, or }} stray"), Ok(()));
        let filled = fill(text, |name| match name {
            PRODUCT => Some("ID Federation".into()),
            STARTS_AT => Some("12/10 10:00".into()),
            _ => None,
        });
        assert_eq!(filled, "ID Federation の定期メンテナンス（12/10 10:00〜）");
        assert_eq!(
            fill("{{ unknown }} {{product}}", |_| Some("x".into())),
            "{{ unknown }} x"
        );
    }
}
