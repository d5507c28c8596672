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
            <div class="feature"><h2>"工事情報 / Maintenance"</h2><p>"計画工事の日時と影響をお知らせします。 Planned work, its window and impact."</p></div>
            <div class="feature"><h2>"故障情報 / Outages"</h2><p>"発生から復旧まで、状況をお届けします。 From detection to recovery, as it happens."</p></div>
            <div class="feature"><h2>"配信先・時間帯 / Your hours"</h2><p>"アドレスごとに曜日と時間帯を選べます。 Choose weekdays and hours per address."</p></div>
        </section>
    }
}
