//! Feeds of published notices: Atom (RFC 4287) for readers, iCalendar (RFC 5545) of
//! maintenance windows for calendars. Both are written by hand: the formats are small, and
//! every value goes through one escaping function per format.

pub mod atom;
pub mod ical;

use shared::domain::Language;
use shared::dto::NoticeView;
use shared::i18n;

/// Notices a feed carries: readers poll, so old news only costs bytes.
pub const FEED_LIMIT: i64 = 50;

/// `【故障情報】ID Federation 認証の遅延` / `[Outage] ID Federation: Slow sign-in`, as in the
/// subjects of the mails.
pub fn headline(notice: &NoticeView, language: Language) -> String {
    let title = pick(&notice.title_ja, notice.title_en.as_deref(), language);
    match language {
        Language::Ja => {
            let kind = i18n::kind(notice.kind).text(language);
            let products: Vec<&str> = notice.products.iter().map(|p| p.name_ja.as_str()).collect();
            format!("【{kind}】{} {title}", products.join("、"))
        }
        Language::En => {
            let kind = i18n::kind(notice.kind).text(language);
            let products: Vec<&str> = notice.products.iter().map(|p| p.name_en.as_str()).collect();
            format!("[{kind}] {}: {title}", products.join(", "))
        }
    }
}

/// English where the operator wrote it, Japanese otherwise.
pub fn pick<'a>(ja: &'a str, en: Option<&'a str>, language: Language) -> &'a str {
    match en {
        Some(t) if language == Language::En && !t.trim().is_empty() => t,
        _ => ja,
    }
}

/// The feed's language from `?lang=`: Japanese unless English is asked for.
pub fn language(raw: Option<&str>) -> Language {
    raw.and_then(|l| Language::parse(l).ok())
        .unwrap_or_default()
}
