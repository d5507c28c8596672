//! iCalendar (RFC 5545) of maintenance windows. One `VEVENT` per notice: its `UID` never
//! changes, and each update raises `SEQUENCE`, so calendars replace the event rather than
//! add a second one, and a cancellation arrives as `STATUS:CANCELLED`.

use chrono::{DateTime, Utc};
use shared::domain::Language;
use shared::dto::{NoticeStatus, NoticeView};

use super::{headline, pick};

/// One maintenance window, as both the feeds and the mails describe it.
pub struct Event {
    /// `<notice id>@<host>`.
    pub uid: String,
    /// The publication's sequence: 0 first, then one more for each update.
    pub sequence: i32,
    /// When this version was issued (`DTSTAMP` and `LAST-MODIFIED`).
    pub stamp: DateTime<Utc>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub cancelled: bool,
    pub summary: String,
    pub description: String,
    pub url: String,
    pub categories: Vec<String>,
}

impl Event {
    /// The notice as it stands now (its latest update).
    pub fn from_notice(n: &NoticeView, language: Language, public_url: &str) -> Self {
        let latest = n.updates.last();
        let url = format!("{public_url}/notices/{}", n.id);
        let mut description = String::new();
        if let Some(u) = latest {
            description.push_str(pick(&u.body_ja, u.body_en.as_deref(), language));
            description.push_str("\n\n");
        }
        description.push_str(pick(&n.body_ja, n.body_en.as_deref(), language));
        description.push_str("\n\n");
        description.push_str(&url);
        Self {
            uid: uid(&n.id, public_url),
            sequence: latest.map_or(0, |u| u.sequence),
            stamp: latest
                .map(|u| u.issued_at)
                .or(n.published_at)
                .unwrap_or(n.updated_at),
            starts_at: n.starts_at,
            ends_at: n.ends_at,
            cancelled: n.status == NoticeStatus::Cancelled,
            summary: headline(n, language),
            description,
            url,
            categories: n
                .products
                .iter()
                .map(|p| match language {
                    Language::Ja => p.name_ja.clone(),
                    Language::En => p.name_en.clone(),
                })
                .collect(),
        }
    }
}

/// Unique across sites: the notice's UUID at the site's host.
pub fn uid(notice_id: &str, public_url: &str) -> String {
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "shirase".into());
    format!("{notice_id}@{host}")
}

/// A `VCALENDAR` with `METHOD:PUBLISH` holding `events`.
pub fn calendar(name: &str, events: &[Event]) -> String {
    let mut out = String::with_capacity(512 + events.len() * 1024);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Shirase//Notices//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", text(name)));
    if events.is_empty() {
        // RFC 5545 wants at least one component; times here are UTC, so a UTC zone is the
        // one that says nothing.
        for l in [
            "BEGIN:VTIMEZONE",
            "TZID:UTC",
            "BEGIN:STANDARD",
            "DTSTART:19700101T000000",
            "TZOFFSETFROM:+0000",
            "TZOFFSETTO:+0000",
            "END:STANDARD",
            "END:VTIMEZONE",
        ] {
            line(&mut out, l);
        }
    }
    for e in events {
        event(&mut out, e);
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, e: &Event) {
    line(out, "BEGIN:VEVENT");
    line(out, &format!("UID:{}", text(&e.uid)));
    line(out, &format!("SEQUENCE:{}", e.sequence));
    line(out, &format!("DTSTAMP:{}", stamp(e.stamp)));
    line(out, &format!("LAST-MODIFIED:{}", stamp(e.stamp)));
    line(out, &format!("DTSTART:{}", stamp(e.starts_at)));
    if let Some(end) = e.ends_at.filter(|end| *end > e.starts_at) {
        line(out, &format!("DTEND:{}", stamp(end)));
    }
    let status = if e.cancelled {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    line(out, &format!("STATUS:{status}"));
    line(out, &format!("SUMMARY:{}", text(&e.summary)));
    line(out, &format!("DESCRIPTION:{}", text(&e.description)));
    if !e.categories.is_empty() {
        let list: Vec<String> = e.categories.iter().map(|c| text(c)).collect();
        line(out, &format!("CATEGORIES:{}", list.join(",")));
    }
    line(out, &format!("URL:{}", e.url));
    line(out, "TRANSP:OPAQUE");
    line(out, "END:VEVENT");
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and line breaks escaped,
/// other controls dropped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (§3.1), never inside a UTF-8 sequence.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            // The space that starts a continuation line counts towards its 75 octets.
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_long_lines_on_character_boundaries() {
        let mut out = String::new();
        line(&mut out, &format!("SUMMARY:{}", "工事".repeat(40)));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "工事".repeat(40)));
    }

    #[test]
    fn escapes_text_values() {
        assert_eq!(text("a;b,c\\d\r\ne\nf\u{7}"), "a\\;b\\,c\\\\d\\ne\\nf");
    }

    #[test]
    fn uids_name_the_site() {
        assert_eq!(
            uid("n1", "https://support.example.com/"),
            "n1@support.example.com"
        );
    }
}
