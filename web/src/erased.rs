//! Resources and actions whose futures are boxed before Leptos wraps them.
//!
//! Leptos instantiates its async wrappers (`ScopedFuture`, `SendWrapper`, the derived
//! signal's closures) once for every future type, each with that future inlined: once per
//! call site. Boxed, every call with the same output shares them.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use leptos::prelude::*;

use crate::i18n::{Msg, t};

type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

/// [`LocalResource::new`], sharing Leptos's code with every resource of the same type.
pub fn local_resource<T: 'static, Fu>(fetch: impl Fn() -> Fu + 'static) -> LocalResource<T>
where
    Fu: Future<Output = T> + 'static,
{
    LocalResource::new(move || -> Boxed<T> { Box::pin(fetch()) })
}

/// [`Action::new_local`], sharing Leptos's code with every action of the same types.
pub fn local_action<I: 'static, O: 'static, Fu>(act: impl Fn(&I) -> Fu + 'static) -> Action<I, O>
where
    Fu: Future<Output = O> + 'static,
{
    Action::new_local(move |input: &I| -> Boxed<O> { Box::pin(act(input)) })
}

/// What an async view renders once its data is there: a page's view, or the error that kept
/// it from loading.
pub type Loaded = Result<AnyView, crate::api::ApiError>;

/// `<Transition>` showing 「読み込み中…」 until `view`'s future is ready, then its view,
/// keeping the last one on screen while a reload runs. Leptos compiles its suspense code
/// (`Transition`, `Suspend`, the render effect) once per children and future type; behind
/// this function and [`quietly`] there is one of each for every page.
pub fn loading<Fu, V>(view: impl Fn() -> Fu + Send + Sync + 'static) -> AnyView
where
    Fu: Future<Output = Result<V, crate::api::ApiError>> + Send + 'static,
    V: IntoAny,
{
    transition(erase(view), true)
}

/// [`loading`] with nothing on screen until the view is ready.
pub fn quietly<Fu, V>(view: impl Fn() -> Fu + Send + Sync + 'static) -> AnyView
where
    Fu: Future<Output = Result<V, crate::api::ApiError>> + Send + 'static,
    V: IntoAny,
{
    transition(erase(view), false)
}

type MakeView = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Loaded> + Send>> + Send + Sync>;

fn erase<Fu, V>(view: impl Fn() -> Fu + Send + Sync + 'static) -> MakeView
where
    Fu: Future<Output = Result<V, crate::api::ApiError>> + Send + 'static,
    V: IntoAny,
{
    Arc::new(move || -> Pin<Box<dyn Future<Output = Loaded> + Send>> {
        let ready = view();
        Box::pin(async move { ready.await.map(IntoAny::into_any) })
    })
}

fn transition(make: MakeView, show_loading: bool) -> AnyView {
    view! {
        <Transition fallback=move || show_loading.then(|| view! { <p class="muted">{t(Msg::Loading)}</p> })>
            {move || Suspend::new(make())}
        </Transition>
    }
    .into_any()
}
