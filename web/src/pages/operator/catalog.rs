//! Catalog management (operators): the tree of categories, groups and products with their
//! levels and slugs; add, rename, retire and restore entries, each change confirmed first.
//! Every change goes through the catalog's operator endpoints, and the whole tree (retired
//! entries included) is read back afterwards.

use leptos::prelude::*;
use serde_json::json;
use shared::FieldErrors;

use super::OperatorOnly;
use crate::api::{self, ApiError};
use crate::components::{Alert, ConfirmDialog, Field};
use crate::erased::{loading, local_action, local_resource};
use crate::i18n::{Msg, t};
use crate::pages::general_message;

/// `/operator/catalog`.
#[component]
pub fn CatalogAdmin() -> impl IntoView {
    crate::components::title(Msg::CatalogAdmin);
    view! {
        <OperatorOnly>
            <Tree />
        </OperatorOnly>
    }
}

/// One catalog write — `(method, path, body)` — that reloads the tree when it succeeds; field
/// errors go to `errors`.
type Write = (&'static str, String, serde_json::Value);

fn writer(
    errors: RwSignal<FieldErrors>,
    failure: RwSignal<Option<Msg>>,
    reload: impl Fn() + Copy + 'static,
) -> Action<Write, ()> {
    local_action(move |(method, path, body): &Write| {
        let (method, path, body) = (*method, path.clone(), body.clone());
        async move {
            match api::catalog_write(method, &path, &body).await {
                Ok(_) => {
                    errors.set(FieldErrors::default());
                    failure.set(None);
                    reload();
                }
                Err(ApiError::Problem(p)) if !p.errors.is_empty() => {
                    errors.set(FieldErrors(p.errors))
                }
                Err(e) => failure.set(Some(general_message(&e))),
            }
        }
    })
}

/// The one confirmation dialog of the tree: the write waiting for it, and what it asks.
#[derive(Clone, Copy)]
struct Confirm {
    open: RwSignal<bool>,
    message: RwSignal<Msg>,
    pending: StoredValue<Option<(Action<Write, ()>, Write)>>,
}

impl Confirm {
    fn ask(self, write: Action<Write, ()>, what: Write, message: Msg) {
        self.pending.set_value(Some((write, what)));
        self.message.set(message);
        self.open.set(true);
    }
}

#[component]
fn Tree() -> impl IntoView {
    // The whole catalog, read fresh: an operator sees it as it is after each change.
    let catalog = local_resource(api::catalog_all);
    let failure = RwSignal::new(None::<Msg>);
    let reload = move || catalog.refetch();
    let confirm = Confirm {
        open: RwSignal::new(false),
        message: RwSignal::new(Msg::CatalogSaveConfirm),
        pending: StoredValue::new(None),
    };
    provide_context(confirm);
    let lang = crate::i18n::use_lang();
    let go = Callback::new(move |()| {
        if let Some((write, what)) = confirm.pending.get_value() {
            write.dispatch(what);
        }
    });
    let message = Signal::derive(move || confirm.message.get().text(lang.get()).to_owned());
    view! {
        <section class="card console catalog-admin">
            <h1>{t(Msg::CatalogAdmin)}</h1>
            <p class="muted">{t(Msg::CatalogAdminLead)}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            {loading(move || async move {
                let c = catalog.await?;
                Ok::<_, ApiError>(c.categories.into_iter().map(|cat| {
                    let cat_path = format!("/catalog/categories/{}", cat.slug);
                    view! {
                        <div class="catalog-level category" data-slug=cat.slug.clone() class:retired=cat.retired>
                            <Entry level=Msg::LevelCategory slug=cat.slug.clone() path=cat_path.clone() name_ja=cat.name_ja name_en=cat.name_en description=Some((cat.description_ja, cat.description_en)) retired=cat.retired failure reload />
                            {cat.groups.into_iter().map(|g| {
                                let group_path = format!("/catalog/groups/{}", g.slug);
                                view! {
                                    <div class="catalog-level group" data-slug=g.slug.clone() class:retired=g.retired>
                                        <Entry level=Msg::LevelGroup slug=g.slug.clone() path=group_path.clone() name_ja=g.name_ja name_en=g.name_en description=None retired=g.retired failure reload />
                                        {g.products.into_iter().map(|p| view! {
                                            <div class="catalog-level product" data-slug=p.slug.clone() class:retired=p.retired>
                                                <Entry level=Msg::LevelProduct slug=p.slug.clone() path=format!("/products/{}", p.slug) name_ja=p.name_ja name_en=p.name_en description=Some((p.description_ja, p.description_en)) retired=p.retired failure reload />
                                            </div>
                                        }).collect_view()}
                                        <AddForm path=format!("{group_path}/products") label=Msg::AddProduct failure reload />
                                    </div>
                                }
                            }).collect_view()}
                            <AddForm path=format!("{cat_path}/groups") label=Msg::AddGroup failure reload />
                        </div>
                    }
                }).collect_view())
            })}
            <AddForm path="/catalog/categories".into() label=Msg::AddCategory failure reload />
            <ConfirmDialog open=confirm.open message confirm=Msg::Save on_confirm=go id="catalog-dialog" />
        </section>
    }
}

/// One entry: its level and slug, its names (and description, where the level has one)
/// editable in place, and retiring or restoring it; each change confirmed first.
#[component]
fn Entry(
    level: Msg,
    slug: String,
    path: String,
    name_ja: String,
    name_en: String,
    description: Option<(String, String)>,
    retired: bool,
    failure: RwSignal<Option<Msg>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let ja = RwSignal::new(name_ja);
    let en = RwSignal::new(name_en);
    let has_description = description.is_some();
    let (description_ja, description_en) = description.unwrap_or_default();
    let desc_ja = RwSignal::new(description_ja);
    let desc_en = RwSignal::new(description_en);
    let errors = RwSignal::new(FieldErrors::default());
    let write = writer(errors, failure, reload);
    let confirm = expect_context::<Confirm>();
    let save = {
        let path = path.clone();
        move |_| {
            let mut body = json!({"name_ja": ja.get_untracked(), "name_en": en.get_untracked()});
            if has_description {
                body["description_ja"] = desc_ja.get_untracked().into();
                body["description_en"] = desc_en.get_untracked().into();
            }
            confirm.ask(
                write,
                ("PATCH", path.clone(), body),
                Msg::CatalogSaveConfirm,
            );
        }
    };
    // Ids from the entry's API path: one page holds many entries with the same fields.
    let key = path.trim_start_matches('/').replace('/', "-");
    let retire_or_restore = move |_| {
        let what = ("PATCH", path.clone(), json!({"retired": !retired}));
        if retired {
            // Restoring takes nothing away: no question asked.
            write.dispatch(what);
        } else {
            confirm.ask(write, what, Msg::CatalogRetireConfirm);
        }
    };
    view! {
        <div class="catalog-entry">
            <p class="catalog-head">
                <span class="badge level">{t(level)}</span>
                " " <code class="slug">{slug}</code>
                {retired.then(|| view! { " " <span class="badge retired">{t(Msg::RetiredEntries)}</span> })}
            </p>
            <Field name="name_ja" label=Msg::NameJa value=ja errors id=format!("{key}-name_ja") />
            <Field name="name_en" label=Msg::NameEn value=en errors id=format!("{key}-name_en") />
            <button class="button secondary small save" type="button" on:click=save>{t(Msg::Save)}</button>
            <button class=if retired { "button secondary small restore" } else { "button secondary small retire" }
                type="button" on:click=retire_or_restore>{t(if retired { Msg::Restore } else { Msg::Retire })}</button>
            {has_description.then(|| view! {
                <div class="catalog-descriptions">
                    <Field name="description_ja" label=Msg::DescriptionJa value=desc_ja errors id=format!("{key}-description_ja") required=false />
                    <Field name="description_en" label=Msg::DescriptionEn value=desc_en errors id=format!("{key}-description_en") required=false />
                </div>
            })}
        </div>
    }
}

/// Adds an entry under `path`.
#[component]
fn AddForm(
    path: String,
    label: Msg,
    failure: RwSignal<Option<Msg>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let slug = RwSignal::new(String::new());
    let ja = RwSignal::new(String::new());
    let en = RwSignal::new(String::new());
    let errors = RwSignal::new(FieldErrors::default());
    let key = format!("add-{}", path.trim_start_matches('/').replace('/', "-"));
    let write = writer(errors, failure, reload);
    let add = move |_| {
        let body = json!({"slug": slug.get_untracked(), "name_ja": ja.get_untracked(), "name_en": en.get_untracked()});
        write.dispatch(("POST", path.clone(), body));
    };
    view! {
        <details class="catalog-add" id=key.clone()>
            <summary>{t(label)}</summary>
            <Field name="slug" label=Msg::Slug value=slug errors id=format!("{key}-slug") />
            <Field name="name_ja" label=Msg::NameJa value=ja errors id=format!("{key}-name_ja") />
            <Field name="name_en" label=Msg::NameEn value=en errors id=format!("{key}-name_en") />
            <button class="button primary small submit" type="button" on:click=add>{t(label)}</button>
        </details>
    }
}
