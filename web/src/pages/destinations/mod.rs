//! 「Webhook・チャット配信先」: the list, the form that adds one (and sends its test
//! notification), and the step where its code is typed back.

mod form;
mod list;
mod verify;

pub use form::Form;
pub use list::List;
pub use verify::Verify;

use leptos::prelude::*;
use shared::dto::{DeliveryAttemptView, HookChannel};

use crate::i18n::Msg;

/// What the form hands to the code step: shown there once, never stored.
#[derive(Clone, Default)]
pub struct JustAdded {
    pub id: String,
    /// Generic webhooks: the signing secret.
    pub secret: Option<String>,
    pub test: Option<DeliveryAttemptView>,
}

/// The context that carries a new destination's secret from the form to the code step.
#[derive(Clone, Copy)]
pub struct Added(pub RwSignal<Option<JustAdded>>);

pub fn channel_label(channel: HookChannel) -> Msg {
    match channel {
        HookChannel::Webhook => Msg::ChannelWebhook,
        HookChannel::Slack => Msg::ChannelSlack,
        HookChannel::Teams => Msg::ChannelTeams,
    }
}
