//! The notice editor: the draft's fields beside a live preview of its page and of its
//! Japanese and English mails, rendered by the server's own mail templates.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::domain::TimeZoneName;
use shared::dto::{
    NoticeDraftRequest, NoticeKind, NoticePreview, NoticeStatus, NoticeTemplateView, NoticeView,
};
use shared::{FieldCode, FieldErrors};

use super::{OperatorOnly, from_zone_input, to_zone_input};
use crate::api::{self, ApiError};
use crate::components::{Alert, Field, focus_first_invalid, show_signal_in};
use crate::erased::{local_action, local_resource, quietly};
use crate::i18n::{Language, Msg, field_message, pick, t, use_lang};
use crate::pages::general_message;

/// The draft's fields in page order, with their labels: for the focus on a failed save and
/// for the preview's reasons.
const FIELDS: &[(&str, Msg)] = &[
    ("kind", Msg::Kind),
    ("products", Msg::AffectedProducts),
    ("title_ja", Msg::TitleJa),
    ("title_en", Msg::TitleEn),
    ("body_ja", Msg::BodyJa),
    ("body_en", Msg::BodyEn),
    ("starts_at", Msg::StartsAt),
    ("ends_at", Msg::EndsAt),
    ("status", Msg::Status),
];

/// `/operator/notices/new`.
#[component]
pub fn NewNotice() -> impl IntoView {
    crate::components::title(Msg::NewNotice);
    view! {
        <OperatorOnly>
            <Editor id=None />
        </OperatorOnly>
    }
}

/// `/operator/notices/:id/edit`: a draft only; published notices take updates instead.
#[component]
pub fn EditNotice() -> impl IntoView {
    crate::components::title(Msg::EditDraft);
    let params = use_params_map();
    let id = params.with_untracked(|p| p.get("id").unwrap_or_default());
    view! {
        <OperatorOnly>
            <Editor id=Some(id.clone()) />
        </OperatorOnly>
    }
}

#[derive(Clone, Copy)]
struct Form {
    kind: RwSignal<String>,
    products: RwSignal<Vec<String>>,
    title_ja: RwSignal<String>,
    title_en: RwSignal<String>,
    body_ja: RwSignal<String>,
    body_en: RwSignal<String>,
    starts: RwSignal<String>,
    ends: RwSignal<String>,
    status: RwSignal<String>,
    announce_lifecycle: RwSignal<bool>,
    /// Outage: its impact code, empty for the default (a partial outage).
    impact: RwSignal<String>,
    /// The zone the start and end are typed in (an IANA name): Japan's unless the operator
    /// chooses another.
    zone: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        Self {
            kind: RwSignal::new("outage".into()),
            products: RwSignal::new(Vec::new()),
            title_ja: RwSignal::new(String::new()),
            title_en: RwSignal::new(String::new()),
            body_ja: RwSignal::new(String::new()),
            body_en: RwSignal::new(String::new()),
            starts: RwSignal::new(String::new()),
            ends: RwSignal::new(String::new()),
            status: RwSignal::new(String::new()),
            announce_lifecycle: RwSignal::new(true),
            impact: RwSignal::new(String::new()),
            zone: RwSignal::new(TimeZoneName::DEFAULT.name().to_owned()),
        }
    }

    /// A new notice from a template: its kind and texts, placeholders and all (the server
    /// fills them in when the draft is saved).
    fn fill_template(self, t: &NoticeTemplateView) {
        self.kind.set(t.kind.code().into());
        self.status.set(String::new());
        self.title_ja.set(t.title_ja.clone());
        self.title_en.set(t.title_en.clone().unwrap_or_default());
        self.body_ja.set(t.body_ja.clone());
        self.body_en.set(t.body_en.clone().unwrap_or_default());
    }

    fn fill(self, n: &NoticeView) {
        self.kind.set(n.kind.code().into());
        self.products
            .set(n.products.iter().map(|p| p.slug.clone()).collect());
        self.title_ja.set(n.title_ja.clone());
        self.title_en.set(n.title_en.clone().unwrap_or_default());
        self.body_ja.set(n.body_ja.clone());
        self.body_en.set(n.body_en.clone().unwrap_or_default());
        let zone = self.zone.get_untracked();
        self.starts.set(to_zone_input(n.starts_at, &zone));
        self.ends.set(
            n.ends_at
                .map(|t| to_zone_input(t, &zone))
                .unwrap_or_default(),
        );
        self.status.set(n.status.code().into());
        self.announce_lifecycle.set(n.announce_lifecycle);
        self.impact
            .set(n.impact.map(|i| i.code().to_owned()).unwrap_or_default());
    }

    /// The request as it stands, without subscribing to the fields.
    fn request_untracked(self) -> NoticeDraftRequest {
        untrack(move || self.request())
    }

    /// The request as the API takes it; tracked, so the preview follows every keystroke.
    fn request(self) -> NoticeDraftRequest {
        let optional = |s: String| (!s.trim().is_empty()).then_some(s);
        let maintenance = self.kind.get() == "maintenance";
        NoticeDraftRequest {
            kind: self.kind.get(),
            products: self.products.get(),
            title_ja: self.title_ja.get(),
            title_en: optional(self.title_en.get()),
            body_ja: self.body_ja.get(),
            body_en: optional(self.body_en.get()),
            starts_at: from_zone_input(&self.starts.get(), &self.zone.get()),
            ends_at: if maintenance {
                optional(from_zone_input(&self.ends.get(), &self.zone.get()))
            } else {
                None
            },
            status: optional(self.status.get()),
            announce_lifecycle: maintenance.then(|| self.announce_lifecycle.get()),
            impact: if maintenance {
                None
            } else {
                optional(self.impact.get())
            },
        }
    }
}

#[component]
fn Editor(id: Option<String>) -> impl IntoView {
    let heading = if id.is_some() {
        Msg::Edit
    } else {
        Msg::NewNotice
    };
    let navigate = use_navigate();
    let form = Form::new();
    let errors = RwSignal::new(FieldErrors::default());
    let failure = RwSignal::new(None::<Msg>);
    // The draft being edited; a failed load ends in the layout's error boundary.
    let draft = {
        let id = id.clone();
        local_resource(move || {
            let id = id.clone();
            async move {
                match id {
                    Some(id) => api::notice_as_operator(&id).await.map(Some),
                    None => Ok(None),
                }
            }
        })
    };
    Effect::new(move |_| {
        if let Some(Ok(Some(n))) = draft.get() {
            form.fill(&n);
        }
    });
    // `?template=` on a new notice: the template to start from.
    let template = use_query_map().with_untracked(|q| q.get("template"));
    let from_template = local_resource(move || {
        let template = template.clone();
        async move {
            match template {
                Some(id) => api::notice_templates()
                    .await
                    .map(|list| list.into_iter().find(|t| t.id == id)),
                None => Ok(None),
            }
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(Some(t))) = from_template.get() {
            form.fill_template(&t);
        }
    });
    // Checked as typed, with the server's own parser: once a save was tried, every field's
    // problem shows beside it and clears as soon as it is mended; an end before the start
    // shows at once. The server still checks what only it can (the products' slugs).
    let tried = RwSignal::new(false);
    Effect::new(move |_| {
        let live = form.request().parse().err().unwrap_or_default();
        if tried.get() {
            errors.set(live);
        } else {
            let mut early = FieldErrors::default();
            if live.code_for("ends_at") == Some(FieldCode::BeforeStart) {
                early.push("ends_at", FieldCode::BeforeStart);
            }
            errors.set(early);
        }
    });
    let save = local_action(move |request: &NoticeDraftRequest| {
        let (request, id) = (request.clone(), id.clone());
        let navigate = navigate.clone();
        async move {
            let result = match &id {
                Some(id) => api::update_notice(id, &request).await,
                None => api::create_notice(&request).await,
            };
            match result {
                Ok(n) => navigate(&format!("/operator/notices/{}", n.id), Default::default()),
                Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                    errors.set(FieldErrors(p.errors));
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    });
    view! {
        <section class="card console editor">
            <h1>{t(heading)}</h1>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {quietly(move || async move { draft.await.map(|_| ()) })}
            <div class="editor-grid">
                <form class="form" on:submit=|ev| ev.prevent_default()>
                    <DraftFields form errors />
                    <div class="actions">
                        <button class="button primary" id="save-draft" type="button"
                            disabled=move || save.pending().get()
                            on:click=move |_| {
                                tried.set(true);
                                let request = form.request_untracked();
                                match request.parse() {
                                    Ok(_) => { save.dispatch(request); }
                                    Err(found) => focus_first_invalid(&found, FIELDS),
                                }
                            }>
                            {t(Msg::SaveDraft)}
                        </button>
                    </div>
                </form>
                <Preview form />
            </div>
        </section>
    }
}

/// The draft's fields: kind, products, titles and bodies in both languages, times, status.
#[component]
fn DraftFields(form: Form, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let statuses = move || {
        let kind = if form.kind.get() == "maintenance" {
            NoticeKind::Maintenance
        } else {
            NoticeKind::Outage
        };
        NoticeStatus::for_kind(kind).to_vec()
    };
    view! {
        <div class="field">
            <label for="kind">{t(Msg::Kind)}</label>
            <select id="kind" prop:value=move || form.kind.get()
                on:change=move |ev| { form.kind.set(event_target_value(&ev)); form.status.set(String::new()); }>
                <option value="outage">{t(Msg::KindOutage)}</option>
                <option value="maintenance">{t(Msg::KindMaintenance)}</option>
            </select>
        </div>
        <ProductPicker products=form.products errors />
        <Field name="title_ja" label=Msg::TitleJa value=form.title_ja errors />
        <Field name="title_en" label=Msg::TitleEn value=form.title_en errors required=false />
        <TextArea name="body_ja" label=Msg::BodyJa value=form.body_ja errors required=true />
        <TextArea name="body_en" label=Msg::BodyEn value=form.body_en errors required=false />
        <ZoneSelect form />
        {move || {
            // The labels name the zone the times are typed in.
            let tokyo = form.zone.get() == TimeZoneName::DEFAULT.name();
            view! {
                <Field name="starts_at" label=if tokyo { Msg::StartsAt } else { Msg::StartsAtZoned } value=form.starts errors kind="datetime-local" />
            }
        }}
        <Show when=move || form.kind.get() == "maintenance">
            {move || {
                let tokyo = form.zone.get() == TimeZoneName::DEFAULT.name();
                view! {
                    <Field name="ends_at" label=if tokyo { Msg::EndsAt } else { Msg::EndsAtZoned } value=form.ends errors kind="datetime-local" />
                }
            }}
            <div class="field">
                <label class="check">
                    <input type="checkbox" id="announce-lifecycle" aria-describedby="announce-lifecycle-hint"
                        prop:checked=move || form.announce_lifecycle.get()
                        on:change=move |ev| form.announce_lifecycle.set(event_target_checked(&ev)) />
                    {t(Msg::AnnounceLifecycle)}
                </label>
                <p class="hint" id="announce-lifecycle-hint">{t(Msg::AnnounceLifecycleHint)}</p>
            </div>
        </Show>
        <Show when=move || form.kind.get() == "outage">
            <div class="field">
                <label for="impact">{t(Msg::ImpactLabel)}</label>
                <select id="impact" aria-describedby="impact-hint" prop:value=move || form.impact.get()
                    on:change=move |ev| form.impact.set(event_target_value(&ev))>
                    <option value="">{t(Msg::StatePartialOutage)}</option>
                    <option value="degraded">{t(Msg::StateDegraded)}</option>
                    <option value="major_outage">{t(Msg::StateMajorOutage)}</option>
                </select>
                <p class="hint" id="impact-hint">{t(Msg::ImpactHint)}</p>
            </div>
        </Show>
        <StatusSelect id="status" value=form.status statuses=Signal::derive(statuses) errors />
    }
}

/// The zone the editor's times are typed in (Asia/Tokyo unless chosen): changing it keeps
/// the instants typed so far, shown in the new zone.
#[component]
fn ZoneSelect(form: Form) -> impl IntoView {
    let change = move |ev: leptos::ev::Event| {
        let to = event_target_value(&ev);
        let from = form.zone.get_untracked();
        for field in [form.starts, form.ends] {
            let typed = from_zone_input(&field.get_untracked(), &from);
            if let Ok(at) = chrono::DateTime::parse_from_rfc3339(&typed) {
                field.set(to_zone_input(at.with_timezone(&chrono::Utc), &to));
            }
        }
        form.zone.set(to);
    };
    view! {
        <div class="field">
            <label for="input-zone">{t(Msg::InputZone)}</label>
            <select id="input-zone" aria-describedby="input-zone-hint" prop:value=move || form.zone.get() on:change=change>
                {crate::pages::recipients::ZONES.into_iter().map(|z| view! { <option value=z>{z}</option> }).collect_view()}
            </select>
            <p class="hint" id="input-zone-hint">{t(Msg::InputZoneHint)}</p>
        </div>
    }
}

/// The catalog's products as checkboxes, grouped as in the catalog.
#[component]
fn ProductPicker(products: RwSignal<Vec<String>>, errors: RwSignal<FieldErrors>) -> impl IntoView {
    let lang = use_lang();
    // Without the catalog there is nothing to tick; the API still checks the slugs.
    let catalog = local_resource(|| async { api::catalog().await.ok() });
    let error =
        move || errors.with(|e| e.code_for("products").map(|c| field_message(c, lang.get())));
    view! {
        <fieldset class="field products-picker" id="products">
            <legend>{t(Msg::AffectedProducts)} " " <span class="badge required">{t(Msg::Required)}</span></legend>
            {move || catalog.get().flatten().map(|c| c.categories.into_iter().map(|cat| view! {
                <div class="picker-category">
                    <strong>{pick(lang.get(), &cat.name_ja, &cat.name_en)}</strong>
                    {cat.groups.into_iter().map(|g| view! {
                        <div class="picker-group">
                            <span class="muted">{pick(lang.get(), &g.name_ja, &g.name_en)}</span>
                            {g.products.into_iter().map(|p| {
                                let slug = p.slug.clone();
                                let checked = { let slug = slug.clone(); move || products.with(|l| l.contains(&slug)) };
                                let toggle = move |_| products.update(|l| {
                                    if let Some(i) = l.iter().position(|s| *s == slug) { l.remove(i); } else { l.push(slug.clone()); }
                                });
                                view! {
                                    <label class="check">
                                        <input type="checkbox" value=p.slug.clone() prop:checked=checked on:change=toggle />
                                        {pick(lang.get(), &p.name_ja, &p.name_en)}
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    }).collect_view()}
                </div>
            }).collect_view())}
            <p class="error" role="alert" id="products-error">{error}</p>
        </fieldset>
    }
}

/// The live preview: the public page, and the Japanese and English mails as the server would
/// send them, a moment after the last change.
#[component]
fn Preview(form: Form) -> impl IntoView {
    let lang = use_lang();
    let preview = RwSignal::new(None::<NoticePreview>);
    // An answer to an older request never replaces a newer one.
    let generation = StoredValue::new(0u64);
    let render = local_action(move |(request, mine): &(NoticeDraftRequest, u64)| {
        let (request, mine) = (request.clone(), *mine);
        async move {
            let result = api::preview_notice(&request).await;
            if generation.get_value() == mine {
                preview.set(result.ok());
            }
        }
    });
    Effect::new(move |_| {
        let request = form.request();
        let mine = generation.get_value() + 1;
        generation.set_value(mine);
        set_timeout(
            move || {
                if generation.get_value() == mine {
                    render.dispatch((request, mine));
                }
            },
            std::time::Duration::from_millis(300),
        );
    });
    // Why the draft cannot be previewed yet: each field's problem, by its label.
    let blocked = move || {
        let found = form.request().parse().err()?;
        let l = lang.get();
        let sep = if l == Language::Ja { "：" } else { ": " };
        Some(
            FIELDS
                .iter()
                .filter_map(|(field, label)| {
                    found
                        .code_for(field)
                        .map(|c| format!("{}{sep}{}", label.text(l), field_message(c, l)))
                })
                .collect::<Vec<_>>(),
        )
    };
    // The body as the server renders it for the page, once the draft can be previewed.
    let page_body = move || {
        preview.with(|p| {
            p.as_ref()
                .map(|p| match (&p.body_html_en, lang.get()) {
                    (Some(en), Language::En) => en.clone(),
                    _ => p.body_html_ja.clone(),
                })
                .unwrap_or_default()
        })
    };
    let page_title = move || {
        let (ja, en) = (form.title_ja.get(), form.title_en.get());
        if lang.get() == Language::En && !en.trim().is_empty() {
            en
        } else {
            ja
        }
    };
    view! {
        <aside class="preview" aria-live="polite">
            <h2>{t(Msg::PreviewTitle)}</h2>
            <h3>{t(Msg::PagePreview)}</h3>
            <article class="notice-preview" id="page-preview">
                <h4>{page_title}</h4>
                <div class="notice-body" inner_html=page_body></div>
            </article>
            {move || match (blocked(), preview.get()) {
                (Some(why), _) => view! {
                    <div class="preview-blocked" id="preview-blocked">
                        <p class="muted">{t(Msg::PreviewBlocked)}</p>
                        <ul>{why.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}</ul>
                    </div>
                }.into_any(),
                (None, None) => view! { <p class="muted">{t(Msg::PreviewPending)}</p> }.into_any(),
                (None, Some(p)) => view! {
                    <h3>{t(Msg::MailPreviewJa)}</h3>
                    <MailView id="mail-preview-ja" mail=p.mail_ja />
                    <h3>{t(Msg::MailPreviewEn)}</h3>
                    <MailView id="mail-preview-en" mail=p.mail_en />
                }.into_any(),
            }}
        </aside>
    }
}

/// A mail as its reader would see it: the subject, then the HTML part in a sandboxed frame
/// (no scripts, no same-origin access).
#[component]
fn MailView(id: &'static str, mail: shared::dto::MailPreview) -> impl IntoView {
    view! {
        <div class="mail-preview" id=id>
            <p class="mail-subject"><strong>{mail.subject}</strong></p>
            <iframe sandbox="" srcdoc=mail.html title="mail"></iframe>
            <details><summary>"text/plain"</summary><pre>{mail.text}</pre></details>
        </div>
    }
}

/// A labelled multi-line input with its field error.
#[component]
pub fn TextArea(
    name: &'static str,
    label: Msg,
    value: RwSignal<String>,
    errors: RwSignal<FieldErrors>,
    required: bool,
    /// The element id where one page repeats a field name; `name` otherwise.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let lang = use_lang();
    let error = move || errors.with(|e| e.code_for(name).map(|c| field_message(c, lang.get())));
    let id = id.unwrap_or_else(|| name.to_owned());
    let error_id = format!("{id}-error");
    let area = NodeRef::<leptos::html::Textarea>::new();
    show_signal_in(area, value);
    view! {
        <div class="field" class:has-error=move || error().is_some()>
            <label for=id.clone()>
                {t(label)}
                <span class=if required { "badge required" } else { "badge optional" }>
                    {t(if required { Msg::Required } else { Msg::Optional })}
                </span>
            </label>
            <textarea id=id.clone() name=name rows="6"
                aria-invalid=move || if error().is_some() { "true" } else { "false" }
                aria-describedby=error_id.clone()
                node_ref=area
                prop:value=value.get_untracked()
                on:input=move |ev| {
                    value.set(event_target_value(&ev));
                    errors.update(|e| e.0.retain(|x| x.field != name));
                }
            ></textarea>
            <p class="hint">{t(Msg::BodyHint)}</p>
            <p class="error" role="alert" id=error_id>{error}</p>
        </div>
    }
}

/// The statuses a notice of its kind can take; blank keeps the current (or initial) one.
#[component]
pub fn StatusSelect(
    id: &'static str,
    value: RwSignal<String>,
    #[prop(into)] statuses: Signal<Vec<NoticeStatus>>,
    errors: RwSignal<FieldErrors>,
) -> impl IntoView {
    let lang = use_lang();
    let error = move || errors.with(|e| e.code_for("status").map(|c| field_message(c, lang.get())));
    view! {
        <div class="field">
            <label for=id>{t(Msg::Status)}</label>
            <select id=id prop:value=move || value.get() on:change=move |ev| value.set(event_target_value(&ev))>
                <option value="">"—"</option>
                {move || statuses.get().into_iter().map(|s| view! {
                    <option value=s.code()>{move || shared::i18n::status(s).text(lang.get())}</option>
                }).collect_view()}
            </select>
            <p class="error" role="alert">{error}</p>
        </div>
    }
}
