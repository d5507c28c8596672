//! ⑧–⑩ 「工事・故障情報メールの設定」 for one product: settings → confirmation → done.
//! The choices live in the parent route's context between the steps.

mod confirm;
mod done;
mod settings;

pub use confirm::Confirm;
pub use done::Done;
pub use settings::Settings;

use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::dto::SubscriptionView;

use crate::api::{self, ApiError};
use crate::erased::{local_resource, quietly};

#[derive(Clone, Copy)]
pub struct MailDraft {
    pub slug: StoredValue<String>,
    pub subscription: RwSignal<Option<SubscriptionView>>,
    pub maintenance: RwSignal<bool>,
    pub outage: RwSignal<bool>,
}

impl MailDraft {
    pub fn base(&self) -> String {
        format!("/mysupport/subscriptions/{}/mail", self.slug.get_value())
    }
}

#[component]
pub fn MailWizard() -> impl IntoView {
    let slug = use_params_map()
        .with_untracked(|p| p.get("product"))
        .unwrap_or_default();
    let draft = MailDraft {
        slug: StoredValue::new(slug.clone()),
        subscription: RwSignal::new(None),
        maintenance: RwSignal::new(false),
        outage: RwSignal::new(false),
    };
    provide_context(draft);
    let navigate = use_navigate();
    let subscription = local_resource(move || {
        let slug = slug.clone();
        async move {
            let subs = api::subscriptions().await?;
            Ok::<_, ApiError>(subs.into_iter().find(|s| s.product.slug == slug))
        }
    });
    // The draft starts from the stored settings; a product not in My Support has none.
    Effect::new(move |_| match subscription.get() {
        Some(Ok(Some(s))) => {
            draft.maintenance.set(s.maintenance_mail);
            draft.outage.set(s.outage_mail);
            draft.subscription.set(Some(s));
        }
        Some(Ok(None)) => navigate("/mysupport", Default::default()),
        _ => {}
    });
    view! {
        // A failed load ends in the layout's error boundary.
        {quietly(move || async move { subscription.await.map(|_| ()) })}
        <Outlet />
    }
}

/// The two mail kinds, as shown in the settings and the confirmation.
pub fn chosen(draft: MailDraft) -> Vec<crate::i18n::Msg> {
    use crate::i18n::Msg;
    [
        (draft.maintenance.get(), Msg::MaintenanceMail),
        (draft.outage.get(), Msg::OutageMail),
    ]
    .into_iter()
    .filter_map(|(on, m)| on.then_some(m))
    .collect()
}
