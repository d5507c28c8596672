//! Notice mails, rendered when sent rather than when queued: the outbox row names the
//! publication and the address's language and time zone, so a 100,000-address publication
//! writes 100,000 small rows and renders a handful of distinct mails.
//!
//! A rendered mail is shared by every address with the same language and time zone; only
//! the unsubscribe link differs, and is spliced into a copy per address.

use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Datelike, Utc};
use diesel::prelude::*;
use lettre::message::Body;
use minijinja::Value;
use shared::domain::{Language, ReminderLead, TimeZoneName, Weekday};
use shared::dto::{NoticeKind, NoticeProduct, NoticeStatus};
use shared::i18n;

use super::spliced::SplicedBody;
use super::templates::{EncodedMail, MailTemplate, RenderedMail, Templates};
use super::unsubscribe::{MailRef, UnsubscribeKey};
use crate::db::DbConnection;
use crate::feeds::ical;
use crate::memo::Memo;
use crate::models::notice::{Notice, Publication, utc};

/// Stands in for each address's own unsubscribe link until the mail is personalised. Only
/// letters, digits and hyphens, which no template format escapes (the HTML templates escape
/// `/`), so it survives rendering verbatim.
const UNSUBSCRIBE_PLACEHOLDER: &str = "shirase-unsubscribe-link-3f9c2e";

/// What one publication says, as its mails need it.
#[derive(Debug, Clone)]
pub struct NoticeContent {
    pub notice_id: String,
    pub kind: NoticeKind,
    pub title_ja: String,
    pub title_en: Option<String>,
    pub products: Vec<NoticeProduct>,
    pub sequence: i32,
    pub status: NoticeStatus,
    pub body_ja: String,
    pub body_en: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub issued_at: DateTime<Utc>,
    /// The notice's earlier publications, newest first: an update's mail tells the whole
    /// story to a reader who missed one.
    pub earlier: Vec<Earlier>,
    /// A resolved outage's postmortem rather than a status update.
    pub postmortem: bool,
    /// An outage's impact, if set.
    pub impact: Option<shared::dto::Impact>,
}

/// An earlier publication of the notice, as an update's mail repeats it.
#[derive(Debug, Clone)]
pub struct Earlier {
    pub status: NoticeStatus,
    pub body_ja: String,
    pub body_en: Option<String>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub issued_at: DateTime<Utc>,
}

impl NoticeContent {
    /// `None` if the publication is gone.
    pub fn load(conn: &mut DbConnection, publication_id: &str) -> QueryResult<Option<Self>> {
        let Some(publication) = Publication::find(conn, publication_id)? else {
            return Ok(None);
        };
        let Some(notice) = Notice::find(conn, &publication.notice_id)? else {
            return Ok(None);
        };
        let products = Notice::products(conn, std::slice::from_ref(&notice.id))?
            .into_iter()
            .map(|(_, p)| p)
            .collect();
        let kind = notice.kind();
        let status = |code: &str| NoticeStatus::parse(code, kind).unwrap_or(kind.initial_status());
        let earlier = Notice::publications(conn, &notice.id)?
            .into_iter()
            .filter(|p| p.sequence < publication.sequence)
            .rev()
            .map(|p| Earlier {
                status: status(&p.status),
                body_ja: p.body_ja,
                body_en: p.body_en,
                starts_at: utc(p.starts_at),
                ends_at: p.ends_at.map(utc),
                issued_at: utc(p.issued_at),
            })
            .collect();
        Ok(Some(Self {
            earlier,
            postmortem: publication.postmortem,
            impact: notice.impact(),
            status: status(&publication.status),
            notice_id: notice.id,
            kind,
            title_ja: notice.title_ja,
            title_en: notice.title_en,
            products,
            sequence: publication.sequence,
            body_ja: publication.body_ja,
            body_en: publication.body_en,
            starts_at: utc(publication.starts_at),
            ends_at: publication.ends_at.map(utc),
            issued_at: utc(publication.issued_at),
        }))
    }
}

/// A notice mail for one address.
#[derive(Debug, Clone)]
pub struct NoticeMail {
    pub mail: RenderedMail,
    /// The RFC 8058 one-click target, for `List-Unsubscribe`.
    pub one_click_url: String,
    /// For maintenance: the window as an iCalendar (`METHOD:PUBLISH`) attachment, with the
    /// same `UID` and `SEQUENCE` as the calendar feeds, so an update replaces the event.
    pub calendar: Option<Arc<str>>,
}

/// A notice mail for one address, its bodies in their transfer encoding.
pub struct EncodedNoticeMail {
    pub mail: EncodedMail,
    pub one_click_url: String,
    pub calendar: Option<Arc<str>>,
}

/// What every address with the same language and time zone shares.
struct Rendered {
    mail: RenderedMail,
    /// `mail`'s bodies, encoded up to the unsubscribe link where that saves work.
    text: Option<SplicedBody>,
    html: Option<SplicedBody>,
    calendar: Option<Arc<str>>,
}

/// One address's unsubscribe links.
struct Links {
    /// The page that asks before it unsubscribes, as written in the text body and in HTML.
    page: String,
    page_html: String,
    /// The RFC 8058 one-click POST target.
    one_click: String,
}

/// Publication id, language code, time zone name, and the reminder it is, if one.
type RenderKey = (String, &'static str, &'static str, Option<ReminderLead>);

pub struct NoticeMailer {
    templates: Arc<Templates>,
    key: UnsubscribeKey,
    public_url: String,
    contents: Memo<String, NoticeContent>,
    rendered: Memo<RenderKey, Rendered>,
}

/// Publications are immutable once written, so cached renderings never go stale; the caches
/// are only bounded.
const CACHE_LIMIT: usize = 512;

impl NoticeMailer {
    pub fn new(templates: Arc<Templates>, key: UnsubscribeKey, public_url: &str) -> Self {
        Self {
            templates,
            key,
            public_url: public_url.trim_end_matches('/').to_owned(),
            contents: Memo::new(CACHE_LIMIT),
            rendered: Memo::new(CACHE_LIMIT),
        }
    }

    /// Publications of `ids` not loaded yet.
    pub fn missing(&self, ids: impl IntoIterator<Item = String>) -> Vec<String> {
        let mut missing: Vec<String> = ids
            .into_iter()
            .filter(|id| !self.contents.contains(id))
            .collect();
        missing.sort();
        missing.dedup();
        missing
    }

    pub fn remember(&self, publication_id: String, content: NoticeContent) {
        self.contents.insert(publication_id, Arc::new(content));
    }

    /// A loaded publication's content.
    pub fn content(&self, publication_id: &str) -> Option<Arc<NoticeContent>> {
        self.contents.get(publication_id)
    }

    /// The contents of loaded publications, in the order given; an error if one is gone.
    pub fn contents(&self, publication_ids: &[String]) -> anyhow::Result<Vec<Arc<NoticeContent>>> {
        anyhow::ensure!(
            !publication_ids.is_empty(),
            "nothing was held for this digest"
        );
        publication_ids
            .iter()
            .map(|id| self.contents.get(id).context("a held publication is gone"))
            .collect()
    }

    /// One mail listing the notices held for an address until its window opened, each with
    /// the time it was issued.
    pub fn compose_digest(
        &self,
        publication_ids: &[String],
        language: Language,
        zone: TimeZoneName,
    ) -> anyhow::Result<RenderedMail> {
        let contents = self.contents(publication_ids)?;
        let time = |t: DateTime<Utc>| format_local(t, zone, language);
        let items: Vec<Value> = contents
            .iter()
            .map(|c| {
                let title: String = i18n::pick(language, &c.title_ja, c.title_en.as_deref())
                    .chars()
                    .filter(|ch| !ch.is_control())
                    .collect();
                let body = i18n::pick(language, &c.body_ja, c.body_en.as_deref());
                minijinja::context! {
                    kind => c.kind.code(),
                    kind_label => i18n::kind(c.kind).text(language),
                    is_update => c.sequence > 0,
                    title,
                    products => i18n::product_names(language, &c.products),
                    status => i18n::status(c.status).text(language),
                    starts_at => time(c.starts_at),
                    ends_at => c.ends_at.map(time),
                    issued_at => time(c.issued_at),
                    body => shared::markup::to_text(body),
                    body_html => Value::from_safe_string(shared::markup::to_html(body)),
                    notice_url => format!("{}/notices/{}", self.public_url, c.notice_id),
                }
            })
            .collect();
        let ctx = minijinja::context! {
            count => items.len(),
            items,
            time_zone => zone.name(),
            settings_url => format!("{}/mysupport", self.public_url),
        };
        self.templates.render(MailTemplate::Digest, language, ctx)
    }

    /// The site's public base URL, without a trailing slash.
    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The mail of `publication_id` for one address.
    pub fn compose(
        &self,
        publication_id: &str,
        recipient_id: &str,
        language: Language,
        zone: TimeZoneName,
        reminder: Option<ReminderLead>,
    ) -> anyhow::Result<NoticeMail> {
        let shared = self.shared(publication_id, language, zone, reminder)?;
        let links = self.links(publication_id, recipient_id);
        Ok(NoticeMail {
            mail: RenderedMail {
                subject: shared.mail.subject.clone(),
                text: shared
                    .mail
                    .text
                    .replace(UNSUBSCRIBE_PLACEHOLDER, &links.page),
                html: shared
                    .mail
                    .html
                    .replace(UNSUBSCRIBE_PLACEHOLDER, &links.page_html),
            },
            one_click_url: links.one_click,
            calendar: shared.calendar.clone(),
        })
    }

    /// The same mail with its bodies already in their transfer encoding, for SMTP: the part
    /// every address shares is encoded once.
    pub fn compose_encoded(
        &self,
        publication_id: &str,
        recipient_id: &str,
        language: Language,
        zone: TimeZoneName,
        reminder: Option<ReminderLead>,
    ) -> anyhow::Result<EncodedNoticeMail> {
        let shared = self.shared(publication_id, language, zone, reminder)?;
        let links = self.links(publication_id, recipient_id);
        let body = |spliced: &Option<SplicedBody>, template: &str, link: &str| {
            spliced
                .as_ref()
                .and_then(|s| s.body(link))
                .unwrap_or_else(|| Body::new(template.replace(UNSUBSCRIBE_PLACEHOLDER, link)))
        };
        Ok(EncodedNoticeMail {
            mail: EncodedMail {
                subject: shared.mail.subject.clone(),
                text: body(&shared.text, &shared.mail.text, &links.page),
                html: body(&shared.html, &shared.mail.html, &links.page_html),
            },
            one_click_url: links.one_click,
            calendar: shared.calendar.clone(),
        })
    }

    /// What every address with this language and time zone gets, rendered on first use.
    fn shared(
        &self,
        publication_id: &str,
        language: Language,
        zone: TimeZoneName,
        reminder: Option<ReminderLead>,
    ) -> anyhow::Result<Arc<Rendered>> {
        let key = (
            publication_id.to_owned(),
            language.code(),
            zone.name(),
            reminder,
        );
        self.rendered.get_or_try_insert(key, || {
            let content = self
                .contents
                .get(publication_id)
                .context("publication not loaded")?;
            let mail = self.render(&content, language, zone, reminder)?;
            let calendar = (content.kind == NoticeKind::Maintenance)
                .then(|| self.calendar(&content, language, &mail.subject).into());
            Ok(Rendered {
                text: SplicedBody::new(&mail.text, UNSUBSCRIBE_PLACEHOLDER),
                html: SplicedBody::new(&mail.html, UNSUBSCRIBE_PLACEHOLDER),
                mail,
                calendar,
            })
        })
    }

    fn links(&self, publication_id: &str, recipient_id: &str) -> Links {
        let token = self.key.token(&MailRef {
            publication_id: publication_id.to_owned(),
            recipient_id: recipient_id.to_owned(),
        });
        // The page asks before it unsubscribes: link scanners that follow every URL in a
        // mail must not turn mail off. Mail clients use the one-click POST target instead.
        let page = format!("{}/unsubscribe/{token}", self.public_url);
        let mut page_html = String::with_capacity(page.len());
        shared::markup::escape(&page, &mut page_html);
        Links {
            page,
            page_html,
            one_click: format!("{}/api/v1/unsubscribe/{token}", self.public_url),
        }
    }

    fn calendar(&self, content: &NoticeContent, language: Language, subject: &str) -> String {
        let url = format!("{}/notices/{}", self.public_url, content.notice_id);
        let body = crate::feeds::pick(&content.body_ja, content.body_en.as_deref(), language);
        let event = ical::Event {
            uid: ical::uid(&content.notice_id, &self.public_url),
            sequence: content.sequence,
            stamp: content.issued_at,
            starts_at: content.starts_at,
            ends_at: content.ends_at,
            cancelled: content.status == NoticeStatus::Cancelled,
            summary: subject.to_owned(),
            description: format!("{body}\n\n{url}"),
            url,
            categories: content
                .products
                .iter()
                .map(|p| match language {
                    Language::Ja => p.name_ja.clone(),
                    Language::En => p.name_en.clone(),
                })
                .collect(),
        };
        ical::calendar(subject, &[event])
    }

    fn render(
        &self,
        content: &NoticeContent,
        language: Language,
        zone: TimeZoneName,
        reminder: Option<ReminderLead>,
    ) -> anyhow::Result<RenderedMail> {
        // Titles are validated free of control characters; this keeps even a stray one from
        // splitting the subject line.
        let title: String = i18n::pick(language, &content.title_ja, content.title_en.as_deref())
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        let body = i18n::pick(language, &content.body_ja, content.body_en.as_deref()).to_owned();
        // The subject names the products the title does not already name.
        let unnamed: Vec<_> = content
            .products
            .iter()
            .filter(|p| !title.contains(i18n::pick(language, &p.name_ja, Some(&p.name_en))))
            .cloned()
            .collect();
        let kind_label = i18n::kind(content.kind).text(language);
        let status = i18n::status(content.status).text(language);
        let time = |t: DateTime<Utc>| format_local(t, zone, language);
        // The window before this publication, when this one moved it.
        let moved = content.earlier.first().filter(|before| {
            (before.starts_at, before.ends_at) != (content.starts_at, content.ends_at)
        });
        let earlier: Vec<Value> = content
            .earlier
            .iter()
            .map(|e| {
                let body = i18n::pick(language, &e.body_ja, e.body_en.as_deref());
                minijinja::context! {
                    issued_at => time(e.issued_at),
                    status => i18n::status(e.status).text(language),
                    body => shared::markup::to_text(body),
                    body_html => Value::from_safe_string(shared::markup::to_html(body)),
                }
            })
            .collect();
        let ctx = minijinja::context! {
            earlier,
            previous_starts_at => moved.map(|m| time(m.starts_at)),
            previous_ends_at => moved.and_then(|m| m.ends_at.map(time)),
            kind => content.kind.code(),
            kind_label,
            is_update => content.sequence > 0,
            is_reminder => reminder.is_some(),
            is_postmortem => content.postmortem,
            title,
            products => i18n::product_names(language, &content.products),
            subject_products => i18n::product_names(language, &unnamed),
            status,
            starts_at => time(content.starts_at),
            ends_at => content.ends_at.map(time),
            time_zone => zone.name(),
            // The plain-text part reads as text: no Markdown markers, links as "text (URL)".
            body => shared::markup::to_text(&body),
            // Safe by construction: `markup` escapes all text and emits only allowed tags.
            body_html => Value::from_safe_string(shared::markup::to_html(&body)),
            notice_url => format!("{}/notices/{}", self.public_url, content.notice_id),
            settings_url => format!("{}/mysupport", self.public_url),
            unsubscribe_url => UNSUBSCRIBE_PLACEHOLDER,
        };
        self.templates.render(MailTemplate::Notice, language, ctx)
    }
}

/// `2026/11/24(火) 10:00 JST` or `Tue 2026-11-24 10:00 JST`.
pub fn format_local(t: DateTime<Utc>, zone: TimeZoneName, language: Language) -> String {
    let local = t.with_timezone(&zone.tz());
    match language {
        Language::Ja => {
            let day = Weekday::ALL[local.weekday().num_days_from_monday() as usize];
            let day = i18n::weekday(day).text(Language::Ja);
            format!(
                "{}({day}) {}",
                local.format("%Y/%m/%d"),
                local.format("%H:%M %Z")
            )
        }
        Language::En => local.format("%a %Y-%m-%d %H:%M %Z").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn content() -> NoticeContent {
        NoticeContent {
            notice_id: "n1".into(),
            kind: NoticeKind::Maintenance,
            title_ja: "定期メンテナンス <script>".into(),
            title_en: Some("Scheduled maintenance\r\nBcc: evil@example.com".into()),
            products: vec![NoticeProduct {
                slug: "id-federation".into(),
                name_ja: "ID Federation".into(),
                name_en: "ID Federation".into(),
            }],
            sequence: 0,
            status: NoticeStatus::Scheduled,
            body_ja: "作業します。\n\n- **影響**: なし\n<img src=x onerror=alert(1)>".into(),
            body_en: None,
            starts_at: Utc.with_ymd_and_hms(2026, 12, 1, 16, 0, 0).unwrap(),
            ends_at: Some(Utc.with_ymd_and_hms(2026, 12, 1, 18, 0, 0).unwrap()),
            issued_at: Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap(),
            earlier: Vec::new(),
            postmortem: false,
            impact: None,
        }
    }

    #[test]
    fn mails_are_localised_escaped_and_personal() -> anyhow::Result<()> {
        let mailer = NoticeMailer::new(
            Arc::new(Templates::load()?),
            UnsubscribeKey::derive("k"),
            "https://support.example.com/",
        );
        mailer.remember("p1".into(), content());
        let ja = mailer.compose("p1", "r1", Language::Ja, TimeZoneName::DEFAULT, None)?;
        assert_eq!(
            ja.mail.subject,
            "【工事情報】ID Federation 定期メンテナンス <script>"
        );
        assert!(
            ja.mail
                .text
                .contains("2026/12/02(水) 01:00 JST ～ 2026/12/02(水) 03:00 JST")
        );
        assert!(!ja.mail.html.contains("<script>") && !ja.mail.html.contains("<img"));
        assert!(ja.mail.html.contains("<strong>影響</strong>"));
        assert!(
            ja.mail
                .text
                .contains("https://support.example.com/unsubscribe/p1.r1.")
        );
        assert!(
            ja.mail
                .html
                .contains("<a href=\"https://support.example.com/unsubscribe/p1.r1."),
            "the HTML part links to the address's own unsubscribe page"
        );
        assert!(
            ja.one_click_url
                .starts_with("https://support.example.com/api/v1/unsubscribe/p1.r1.")
        );

        // A title that names the product already: the subject does not say it twice.
        let mut named = content();
        named.title_ja = "ID Federation の定期メンテナンス".into();
        named.title_en = Some("ID Federation maintenance".into());
        mailer.remember("p2".into(), named);
        let ja = mailer.compose("p2", "r1", Language::Ja, TimeZoneName::DEFAULT, None)?;
        assert_eq!(
            ja.mail.subject,
            "【工事情報】ID Federation の定期メンテナンス"
        );
        let en = mailer.compose("p2", "r1", Language::En, TimeZoneName::DEFAULT, None)?;
        assert_eq!(en.mail.subject, "[Maintenance] ID Federation maintenance");

        let paris = TimeZoneName::parse("Europe/Paris").map_err(anyhow::Error::msg)?;
        let en = mailer.compose("p1", "r2", Language::En, paris, None)?;
        // Control characters cannot reach a header: the subject stays one line.
        assert_eq!(
            en.mail.subject,
            "[Maintenance] ID Federation: Scheduled maintenanceBcc: evil@example.com"
        );
        assert!(
            en.mail
                .text
                .contains("Tue 2026-12-01 17:00 CET - Tue 2026-12-01 19:00 CET")
        );
        assert!(
            en.mail.text.contains("作業します。"),
            "English falls back to Japanese"
        );
        assert!(en.mail.text.contains("/unsubscribe/p1.r2."));
        assert!(en.mail.html.contains("/unsubscribe/p1.r2."));
        assert!(!en.mail.text.contains(UNSUBSCRIBE_PLACEHOLDER));
        assert!(!en.mail.html.contains(UNSUBSCRIBE_PLACEHOLDER));
        Ok(())
    }

    #[test]
    fn encoded_bodies_are_what_lettre_makes_of_the_whole_mail() -> anyhow::Result<()> {
        let mailer = NoticeMailer::new(
            Arc::new(Templates::load()?),
            UnsubscribeKey::derive("k"),
            "https://support.example.com/",
        );
        let mut long = content();
        long.body_ja = "認証基盤の定期メンテナンスを行います。".repeat(40);
        mailer.remember("p1".into(), long);
        let paris = TimeZoneName::parse("Europe/Paris").map_err(anyhow::Error::msg)?;
        for (recipient, language, zone) in [
            ("r1", Language::Ja, TimeZoneName::DEFAULT),
            ("r2", Language::En, paris),
            ("r3", Language::Ja, TimeZoneName::DEFAULT),
        ] {
            let whole = mailer.compose("p1", recipient, language, zone, None)?;
            let encoded = mailer.compose_encoded("p1", recipient, language, zone, None)?;
            assert_eq!(encoded.mail.subject, whole.mail.subject);
            assert_eq!(encoded.one_click_url, whole.one_click_url);
            for (body, text) in [
                (encoded.mail.text, whole.mail.text),
                (encoded.mail.html, whole.mail.html),
            ] {
                let lettre = Body::new(text);
                assert_eq!(body.encoding(), lettre.encoding());
                assert_eq!(body.into_vec(), lettre.into_vec(), "{recipient}");
            }
        }
        // The Japanese mail's bodies are shared up to the link, not rendered per address.
        let key = (
            "p1".to_owned(),
            Language::Ja.code(),
            TimeZoneName::DEFAULT.name(),
            None,
        );
        let rendered = mailer.rendered.get(&key).context("not cached")?;
        assert!(rendered.text.is_some() && rendered.html.is_some());
        Ok(())
    }
}
