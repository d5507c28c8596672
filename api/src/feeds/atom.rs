//! Atom 1.0 (RFC 4287).

use std::fmt::Write;

use chrono::{DateTime, SecondsFormat, Utc};
use shared::domain::Language;
use shared::dto::NoticeView;
use shared::i18n;

use super::{headline, pick};

/// What distinguishes one feed from another.
pub struct Feed<'a> {
    /// The feed's own URL: also its `id`, which must never change.
    pub self_url: &'a str,
    /// The page the feed mirrors.
    pub page_url: &'a str,
    pub title: &'a str,
    pub language: Language,
    /// Base of the notice pages' links.
    pub public_url: &'a str,
}

/// Escapes text for XML content and attributes, dropping the characters XML 1.0 cannot
/// carry at all (most C0 controls), which an escape would not make legal.
pub fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn element(out: &mut String, name: &str, text: &str) {
    let _ = write!(out, "<{name}>");
    escape(text, out);
    let _ = write!(out, "</{name}>");
}

/// When a notice last changed: its latest update, or its own last edit.
pub fn last_changed(n: &NoticeView) -> DateTime<Utc> {
    n.updates
        .iter()
        .map(|u| u.issued_at)
        .chain([n.updated_at])
        .max()
        .unwrap_or(n.updated_at)
}

/// The whole document. `notices` are newest first.
pub fn document(feed: &Feed<'_>, notices: &[NoticeView], now: DateTime<Utc>) -> String {
    let mut out = String::with_capacity(1024 + notices.len() * 2048);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        feed.language.code()
    );
    element(&mut out, "id", feed.self_url);
    element(&mut out, "title", feed.title);
    let updated = notices.iter().map(last_changed).max().unwrap_or(now);
    element(&mut out, "updated", &time(updated));
    out.push_str("<author><name>Shirase</name></author>");
    out.push_str("<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    escape(feed.self_url, &mut out);
    out.push_str("\"/><link rel=\"alternate\" type=\"text/html\" href=\"");
    escape(feed.page_url, &mut out);
    out.push_str("\"/>");
    for n in notices {
        entry(&mut out, feed, n);
    }
    out.push_str("</feed>\n");
    out
}

fn entry(out: &mut String, feed: &Feed<'_>, n: &NoticeView) {
    let en = feed.language == Language::En;
    out.push_str("<entry>");
    // Notice ids are UUIDs: a URN keeps the entry's id when the site moves.
    element(out, "id", &format!("urn:uuid:{}", n.id));
    element(out, "title", &headline(n, feed.language));
    element(out, "updated", &time(last_changed(n)));
    if let Some(p) = n.published_at {
        element(out, "published", &time(p));
    }
    out.push_str("<link rel=\"alternate\" type=\"text/html\" href=\"");
    escape(&format!("{}/notices/{}", feed.public_url, n.id), out);
    out.push_str("\"/>");
    for p in &n.products {
        out.push_str("<category term=\"");
        escape(&p.slug, out);
        out.push_str("\" label=\"");
        escape(if en { &p.name_en } else { &p.name_ja }, out);
        out.push_str("\"/>");
    }
    out.push_str("<category term=\"");
    out.push_str(n.kind.code());
    out.push_str("\"/>");
    // The state it gives its products, as the status page shows it.
    if let Some(state) = shared::dto::notice_state(n.kind, n.status, n.impact) {
        out.push_str("<category scheme=\"");
        escape(&format!("{}/status", feed.public_url), out);
        out.push_str("\" term=\"");
        out.push_str(state.code());
        out.push_str("\" label=\"");
        escape(i18n::product_state(state).text(feed.language), out);
        out.push_str("\"/>");
    }
    out.push_str("<content type=\"html\">");
    escape(&content_html(n, feed.language), out);
    out.push_str("</content></entry>");
}

/// The entry's body as HTML (escaped once more by the caller, as `type="html"` wants): the
/// current status and times, the updates newest first, then the original text.
fn content_html(n: &NoticeView, language: Language) -> String {
    let en = language == Language::En;
    let mut html = String::new();
    let status = i18n::status(n.status).text(language);
    let _ = write!(html, "<p><strong>{status}</strong> ");
    let mut when = time(n.starts_at);
    if let Some(end) = n.ends_at {
        when.push_str(" – ");
        when.push_str(&time(end));
    }
    shared::markup::escape(&when, &mut html);
    html.push_str("</p>");
    if let Some(at) = n.edited_at {
        let label = if en { "Edited" } else { "修正" };
        let _ = write!(html, "<p><em>{label}: ");
        shared::markup::escape(&time(at), &mut html);
        html.push_str("</em></p>");
    }
    for u in n.updates.iter().rev() {
        let label = match (en, u.postmortem) {
            (true, true) => "Postmortem".to_owned(),
            (false, true) => "事後報告".to_owned(),
            (true, false) => format!("Update {}", u.sequence),
            (false, false) => format!("更新 {}", u.sequence),
        };
        let _ = write!(html, "<h3>{label} (");
        shared::markup::escape(&time(u.issued_at), &mut html);
        html.push_str(")</h3>");
        html.push_str(&shared::markup::to_html(pick(
            &u.body_ja,
            u.body_en.as_deref(),
            language,
        )));
    }
    html.push_str(&shared::markup::to_html(pick(
        &n.body_ja,
        n.body_en.as_deref(),
        language,
    )));
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_and_drops_what_xml_cannot_hold() {
        let mut out = String::new();
        escape("a<b>&\"c'\u{0}\u{8}\n", &mut out);
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&apos;\n");
    }
}
