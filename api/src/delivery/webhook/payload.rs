//! What a webhook delivery says: the event as Standard Webhooks JSON for generic webhooks,
//! as Block Kit for Slack and as an Adaptive Card for Microsoft Teams, in the destination's
//! language and time zone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::domain::{Language, ReminderLead, TimeZoneName};
use shared::dto::{HookChannel, WebhookEvent, WebhookEventData, WebhookEventType, WebhookNotice};
use shared::i18n::{self, Msg};

use crate::mail::notice_mail::{NoticeContent, format_local};
use crate::memo::Memo;

/// An event other than a notice, as the ledger keeps it until it is sent; the parts that
/// depend on the delivery (its id, the instant) are added then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub event_type: WebhookEventType,
    pub destination_id: String,
    pub code: Option<String>,
}

/// A publication as events carry it.
fn notice(content: &NoticeContent, public_url: &str) -> WebhookNotice {
    WebhookNotice {
        id: content.notice_id.clone(),
        kind: content.kind,
        status: content.status,
        products: content.products.clone(),
        title_ja: content.title_ja.clone(),
        title_en: content.title_en.clone(),
        body_ja: content.body_ja.clone(),
        body_en: content.body_en.clone(),
        starts_at: content.starts_at,
        ends_at: content.ends_at,
        issued_at: content.issued_at,
        state: shared::dto::notice_state(content.kind, content.status, content.impact),
        url: format!("{public_url}/notices/{}", content.notice_id),
    }
}

/// The event of a notice publication for one destination, or of a reminder of it.
pub fn notice_event(
    content: &NoticeContent,
    publication_id: &str,
    destination_id: &str,
    idempotency_key: &str,
    public_url: &str,
    reminder: Option<ReminderLead>,
) -> WebhookEvent {
    WebhookEvent {
        event_type: match reminder {
            Some(_) => WebhookEventType::NoticeReminder,
            None if content.sequence > 0 => WebhookEventType::NoticeUpdated,
            None => WebhookEventType::NoticePublished,
        },
        timestamp: content.issued_at,
        data: WebhookEventData {
            idempotency_key: idempotency_key.to_owned(),
            destination_id: destination_id.to_owned(),
            publication_id: Some(publication_id.to_owned()),
            sequence: Some(content.sequence),
            code: None,
            notice: Some(notice(content, public_url)),
            reminder,
            notices: Vec::new(),
        },
    }
}

/// The event of a digest: the held publications, oldest first, sent at `at`.
pub fn digest_event(
    contents: &[std::sync::Arc<NoticeContent>],
    destination_id: &str,
    idempotency_key: &str,
    public_url: &str,
    at: DateTime<Utc>,
) -> WebhookEvent {
    WebhookEvent {
        event_type: WebhookEventType::NoticeDigest,
        timestamp: at,
        data: WebhookEventData {
            idempotency_key: idempotency_key.to_owned(),
            destination_id: destination_id.to_owned(),
            publication_id: None,
            sequence: None,
            code: None,
            notice: None,
            reminder: None,
            notices: contents.iter().map(|c| notice(c, public_url)).collect(),
        },
    }
}

/// A stored event, completed for its delivery.
pub fn stored_event(stored: StoredEvent, idempotency_key: &str, at: DateTime<Utc>) -> WebhookEvent {
    WebhookEvent {
        event_type: stored.event_type,
        timestamp: at,
        data: WebhookEventData {
            idempotency_key: idempotency_key.to_owned(),
            destination_id: stored.destination_id,
            publication_id: None,
            sequence: None,
            notice: None,
            reminder: None,
            notices: Vec::new(),
            code: stored.code,
        },
    }
}

/// The request body for `channel`.
pub fn body(
    channel: HookChannel,
    event: &WebhookEvent,
    language: Language,
    zone: TimeZoneName,
) -> serde_json::Result<String> {
    match channel {
        HookChannel::Webhook => serde_json::to_string(event),
        HookChannel::Slack => serde_json::to_string(&slack(&Card::of(event, language, zone))),
        HookChannel::Teams => serde_json::to_string(&teams(&Card::of(event, language, zone))),
    }
}

/// The event as people read it, whatever the surface.
struct Card {
    title: String,
    facts: Vec<(&'static str, String)>,
    text: String,
    link: Option<(String, String)>,
}

impl Card {
    fn of(event: &WebhookEvent, language: Language, zone: TimeZoneName) -> Self {
        let t = |m: Msg| m.text(language);
        match (&event.data.notice, event.event_type) {
            (Some(n), _) => {
                let title = i18n::pick(language, &n.title_ja, n.title_en.as_deref());
                let body = i18n::pick(language, &n.body_ja, n.body_en.as_deref()).to_owned();
                let mut facts = vec![
                    (
                        t(Msg::HookProducts),
                        i18n::product_names(language, &n.products),
                    ),
                    (t(Msg::HookStatus), t(i18n::status(n.status)).to_owned()),
                ];
                if let Some(state) = n.state {
                    facts.push((t(Msg::StatusNav), t(i18n::product_state(state)).to_owned()));
                }
                facts.push((
                    t(Msg::HookStarts),
                    format_local(n.starts_at, zone, language),
                ));
                if let Some(end) = n.ends_at {
                    facts.push((t(Msg::HookEnds), format_local(end, zone, language)));
                }
                let label = match event.data.reminder {
                    Some(_) => format!("{}・{}", t(i18n::kind(n.kind)), t(Msg::HookReminder)),
                    None => t(i18n::kind(n.kind)).to_owned(),
                };
                Self {
                    title: format!("【{label}】{title}"),
                    facts,
                    text: body,
                    link: Some((t(Msg::HookOpen).to_owned(), n.url.clone())),
                }
            }
            (None, WebhookEventType::NoticeDigest) => Self {
                title: format!(
                    "{}（{}）",
                    t(Msg::HookDigestTitle),
                    event.data.notices.len()
                ),
                facts: event
                    .data
                    .notices
                    .iter()
                    .map(|n| {
                        (
                            t(Msg::HookIssued),
                            format!(
                                "{} 【{}】{}\n{}",
                                format_local(n.issued_at, zone, language),
                                t(i18n::kind(n.kind)),
                                i18n::pick(language, &n.title_ja, n.title_en.as_deref()),
                                n.url
                            ),
                        )
                    })
                    .collect(),
                text: String::new(),
                link: None,
            },
            (None, WebhookEventType::DestinationVerified) => Self {
                title: t(Msg::HookVerifiedTitle).to_owned(),
                facts: Vec::new(),
                text: t(Msg::HookVerifiedBody).to_owned(),
                link: None,
            },
            (None, _) => match &event.data.code {
                Some(code) => Self {
                    title: t(Msg::HookTestTitle).to_owned(),
                    facts: vec![(t(Msg::HookCode), code.clone())],
                    text: t(Msg::HookTestBody).to_owned(),
                    link: None,
                },
                None => Self {
                    title: t(Msg::HookTestTitle).to_owned(),
                    facts: Vec::new(),
                    text: t(Msg::HookTestAgain).to_owned(),
                    link: None,
                },
            },
        }
    }
}

/// Slack's mrkdwn treats `&`, `<` and `>` as markup: escaped, nothing a notice says can
/// become a link or a mention.
fn mrkdwn_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// At most `max` characters (Block Kit limits each text).
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// A Slack incoming-webhook message: `text` for notifications, `blocks` for the message.
fn slack(card: &Card) -> Value {
    let mut blocks = vec![json!({
        "type": "header",
        "text": {"type": "plain_text", "text": clip(&card.title, 150), "emoji": false}
    })];
    if !card.facts.is_empty() {
        let fields: Vec<Value> = card
            .facts
            .iter()
            .map(|(label, value)| {
                json!({"type": "mrkdwn", "text": clip(&format!("*{label}*\n{}", mrkdwn_escape(value)), 2000)})
            })
            .collect();
        blocks.push(json!({"type": "section", "fields": fields}));
    }
    blocks.push(json!({
        "type": "section",
        "text": {"type": "mrkdwn", "text": clip(&mrkdwn_escape(&card.text), 3000)}
    }));
    if let Some((label, url)) = &card.link {
        blocks.push(json!({
            "type": "actions",
            "elements": [{
                "type": "button",
                "text": {"type": "plain_text", "text": label},
                "url": url
            }]
        }));
    }
    json!({"text": clip(&card.title, 3000), "blocks": blocks})
}

/// A Teams workflow-webhook message: one Adaptive Card attachment.
fn teams(card: &Card) -> Value {
    let mut body = vec![json!({
        "type": "TextBlock",
        "text": card.title,
        "weight": "Bolder",
        "size": "Medium",
        "wrap": true
    })];
    if !card.facts.is_empty() {
        let facts: Vec<Value> = card
            .facts
            .iter()
            .map(|(label, value)| json!({"title": label, "value": value}))
            .collect();
        body.push(json!({"type": "FactSet", "facts": facts}));
    }
    body.push(json!({"type": "TextBlock", "text": card.text, "wrap": true}));
    let mut content = json!({
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body
    });
    if let Some((label, url)) = &card.link {
        content["actions"] = json!([{"type": "Action.OpenUrl", "title": label, "url": url}]);
    }
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": content
        }]
    })
}

/// Stand in for a delivery's destination and id while a publication's body is rendered once
/// for every destination with the same channel, language and time zone. Letters, digits and
/// hyphens only, which JSON writes as they are.
const DESTINATION_PLACEHOLDER: &str = "shirase-destination-5c2a91";
const ID_PLACEHOLDER: &str = "shirase-webhook-id-5c2a91";

type BodyKey = (
    String,
    HookChannel,
    Language,
    &'static str,
    Option<ReminderLead>,
);

/// A publication's bodies, rendered once per channel, language and time zone; each delivery
/// fills in its own destination and id. Kept for one dispatcher pass.
pub struct NoticeBodies {
    rendered: Memo<BodyKey, String>,
}

impl Default for NoticeBodies {
    fn default() -> Self {
        Self {
            rendered: Memo::new(256),
        }
    }
}

impl NoticeBodies {
    #[allow(clippy::too_many_arguments, reason = "one delivery's whole context")]
    pub fn body(
        &self,
        content: &NoticeContent,
        publication_id: &str,
        channel: HookChannel,
        language: Language,
        zone: TimeZoneName,
        destination_id: &str,
        message_id: &str,
        public_url: &str,
        reminder: Option<ReminderLead>,
    ) -> serde_json::Result<String> {
        let key = (
            publication_id.to_owned(),
            channel,
            language,
            zone.name(),
            reminder,
        );
        let shared = self.rendered.get_or_try_insert(key, || {
            let event = notice_event(
                content,
                publication_id,
                DESTINATION_PLACEHOLDER,
                ID_PLACEHOLDER,
                public_url,
                reminder,
            );
            body(channel, &event, language, zone)
        })?;
        Ok(shared
            .replace(DESTINATION_PLACEHOLDER, destination_id)
            .replace(ID_PLACEHOLDER, message_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::dto::{NoticeKind, NoticeProduct, NoticeStatus};

    fn content() -> NoticeContent {
        let at = DateTime::parse_from_rfc3339("2026-12-02T01:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        NoticeContent {
            notice_id: "n1".into(),
            kind: NoticeKind::Outage,
            title_ja: "認証エラー \"<b>\"".into(),
            title_en: Some("Sign-in errors".into()),
            products: vec![NoticeProduct {
                slug: "id-federation".into(),
                name_ja: "ID Federation".into(),
                name_en: "ID Federation".into(),
            }],
            sequence: 0,
            status: NoticeStatus::Investigating,
            body_ja: "調査中です。\n改行".into(),
            body_en: None,
            starts_at: at,
            ends_at: None,
            issued_at: at,
            earlier: Vec::new(),
            postmortem: false,
            impact: None,
        }
    }

    /// A body filled in from the shared rendering is exactly the body rendered for the
    /// delivery alone, on every channel.
    #[test]
    fn shared_bodies_equal_bodies_rendered_alone() -> serde_json::Result<()> {
        let bodies = NoticeBodies::default();
        let c = content();
        let cases = HookChannel::ALL
            .into_iter()
            .flat_map(|c| [(c, None), (c, Some(ReminderLead::Hour))]);
        for (channel, reminder) in cases {
            for (dest, id) in [("w1", "msg_p.h01"), ("w2", "msg_p.h02")] {
                let alone = body(
                    channel,
                    &notice_event(&c, "p", dest, id, "https://x.test", reminder),
                    Language::En,
                    TimeZoneName::DEFAULT,
                )?;
                let shared = bodies.body(
                    &c,
                    "p",
                    channel,
                    Language::En,
                    TimeZoneName::DEFAULT,
                    dest,
                    id,
                    "https://x.test",
                    reminder,
                )?;
                assert_eq!(shared, alone);
            }
        }
        Ok(())
    }
}
