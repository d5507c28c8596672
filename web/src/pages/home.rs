use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Msg, t};

/// ① The support site's front page, with 「新規登録」.
#[component]
pub fn Home() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>{t(Msg::HeroTitle)}</h1>
            <p>{t(Msg::HeroBody)}</p>
            <div class="actions">
                <A href="/register" attr:class="button primary large" attr:id="hero-register">{t(Msg::HeroCta)}</A>
                <A href="/login" attr:class="button secondary large">{t(Msg::HaveId)}</A>
            </div>
        </section>
        <section class="features">
            <div class="feature"><h2>{t(Msg::FeatureMaintenance)}</h2><p>{t(Msg::FeatureMaintenanceBody)}</p></div>
            <div class="feature"><h2>{t(Msg::FeatureOutage)}</h2><p>{t(Msg::FeatureOutageBody)}</p></div>
            <div class="feature"><h2>{t(Msg::FeatureHours)}</h2><p>{t(Msg::FeatureHoursBody)}</p></div>
        </section>
    }
}
