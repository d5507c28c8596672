//! Catalog management (operators): add categories, groups and products; rename them; retire
//! products. Every change goes through the catalog's operator endpoints and the tree is
//! read back from the public catalog afterwards.

use leptos::prelude::*;
use serde_json::json;
use shared::FieldErrors;

use super::OperatorOnly;
use crate::api::{self, ApiError};
use crate::components::{Alert, Field};
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
    Action::new_local(move |(method, path, body): &Write| {
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

#[component]
fn Tree() -> impl IntoView {
    // Read past every cache: an operator sees the catalog as it is after each change.
    let catalog = LocalResource::new(api::fresh_catalog);
    let failure = RwSignal::new(None::<Msg>);
    let reload = move || catalog.refetch();
    view! {
        <section class="card console catalog-admin">
            <h1>{t(Msg::CatalogAdmin)}</h1>
            <p class="muted">{t(Msg::CatalogAdminLead)}</p>
            {move || failure.get().map(|m| view! { <Alert kind="error">{t(m)}</Alert> })}
            <Transition fallback=|| view! { <p class="muted">{t(Msg::Loading)}</p> }>
                {move || Suspend::new(async move {
                    let c = catalog.await?;
                    Ok::<_, ApiError>(c.categories.into_iter().map(|cat| {
                        let cat_path = format!("/catalog/categories/{}", cat.slug);
                        view! {
                            <div class="catalog-level category" data-slug=cat.slug.clone()>
                                <Entry path=cat_path.clone() name_ja=cat.name_ja name_en=cat.name_en description=Some((cat.description_ja, cat.description_en)) retire=false failure reload />
                                {cat.groups.into_iter().map(|g| {
                                    let group_path = format!("/catalog/groups/{}", g.slug);
                                    view! {
                                        <div class="catalog-level group" data-slug=g.slug.clone()>
                                            <Entry path=group_path.clone() name_ja=g.name_ja name_en=g.name_en description=None retire=false failure reload />
                                            {g.products.into_iter().map(|p| view! {
                                                <div class="catalog-level product" data-slug=p.slug.clone() class:retired=p.retired>
                                                    <Entry path=format!("/products/{}", p.slug) name_ja=p.name_ja name_en=p.name_en description=Some((p.description_ja, p.description_en)) retire=!p.retired failure reload />
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
            </Transition>
            <AddForm path="/catalog/categories".into() label=Msg::AddCategory failure reload />
        </section>
    }
}

/// One entry's names (and description, where the level has one), editable in place.
#[component]
fn Entry(
    path: String,
    name_ja: String,
    name_en: String,
    description: Option<(String, String)>,
    retire: bool,
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
    let save = {
        let path = path.clone();
        move |_| {
            let mut body = json!({"name_ja": ja.get_untracked(), "name_en": en.get_untracked()});
            if has_description {
                body["description_ja"] = desc_ja.get_untracked().into();
                body["description_en"] = desc_en.get_untracked().into();
            }
            write.dispatch(("PATCH", path.clone(), body));
        }
    };
    // Ids from the entry's API path: one page holds many entries with the same fields.
    let key = path.trim_start_matches('/').replace('/', "-");
    let retire_now = move |_| {
        write.dispatch(("PATCH", path.clone(), json!({"retired": true})));
    };
    view! {
        <div class="catalog-entry">
            <Field name="name_ja" label=Msg::NameJa value=ja errors id=format!("{key}-name_ja") />
            <Field name="name_en" label=Msg::NameEn value=en errors id=format!("{key}-name_en") />
            <button class="button secondary small save" type="button" on:click=save>{t(Msg::Save)}</button>
            {retire.then(|| view! {
                <button class="button secondary small retire" type="button" on:click=retire_now>{t(Msg::Retire)}</button>
            })}
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
