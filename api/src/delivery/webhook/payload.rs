//! What a webhook delivery says: the event as Standard Webhooks JSON for generic webhooks,
//! as Block Kit for Slack and as an Adaptive Card for Microsoft Teams, in the destination's
//! language and time zone.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::domain::{Language, TimeZoneName};
use shared::dto::{HookChannel, WebhookEvent, WebhookEventData, WebhookEventType, WebhookNotice};
use shared::i18n::{self, Msg};

use crate::mail::notice_mail::{NoticeContent, format_local};

/// An event other than a notice, as the ledger keeps it until it is sent; the parts that
/// depend on the delivery (its id, the instant) are added then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredEvent {
    pub event_type: WebhookEventType,
    pub destination_id: String,
    pub code: Option<String>,
}

/// The event of a notice publication for one destination.
pub fn notice_event(
    content: &NoticeContent,
    publication_id: &str,
    destination_id: &str,
    idempotency_key: &str,
    public_url: &str,
) -> WebhookEvent {
    WebhookEvent {
        event_type: if content.sequence > 0 {
            WebhookEventType::NoticeUpdated
        } else {
            WebhookEventType::NoticePublished
        },
        timestamp: content.issued_at,
        data: WebhookEventData {
            idempotency_key: idempotency_key.to_owned(),
            destination_id: destination_id.to_owned(),
            publication_id: Some(publication_id.to_owned()),
            sequence: Some(content.sequence),
            code: None,
            notice: Some(WebhookNotice {
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
                url: format!("{public_url}/notices/{}", content.notice_id),
            }),
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
                let en = language == Language::En;
                let title = match (&n.title_en, en) {
                    (Some(title), true) => title.clone(),
                    _ => n.title_ja.clone(),
                };
                let body = match (&n.body_en, en) {
                    (Some(body), true) => body.clone(),
                    _ => n.body_ja.clone(),
                };
                let products: Vec<&str> = n
                    .products
                    .iter()
                    .map(|p| {
                        if en {
                            p.name_en.as_str()
                        } else {
                            p.name_ja.as_str()
                        }
                    })
                    .collect();
                let mut facts = vec![
                    (
                        t(Msg::HookProducts),
                        products.join(if en { ", " } else { "、" }),
                    ),
                    (t(Msg::HookStatus), t(i18n::status(n.status)).to_owned()),
                    (
                        t(Msg::HookStarts),
                        format_local(n.starts_at, zone, language),
                    ),
                ];
                if let Some(end) = n.ends_at {
                    facts.push((t(Msg::HookEnds), format_local(end, zone, language)));
                }
                Self {
                    title: format!("【{}】{title}", t(i18n::kind(n.kind))),
                    facts,
                    text: body,
                    link: Some((t(Msg::HookOpen).to_owned(), n.url.clone())),
                }
            }
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
