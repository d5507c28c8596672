//! Resources, actions, async views and keyed lists whose types are erased before Leptos
//! wraps them.
//!
//! Leptos instantiates its generic code (`ScopedFuture`, the derived signal's task, actions,
//! `Transition` and `Suspend`, `For`) once for every closure, future, value and view type,
//! each copy with the call's own code inlined: once per call site. Boxed futures and
//! closures, values behind `dyn Any` and views as `AnyView`, handed to one non-generic
//! function, make every call share one copy.

use std::any::Any;
use std::future::{Future, IntoFuture};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

use leptos::prelude::*;

use crate::i18n::{Msg, t};

type Boxed<T> = Pin<Box<dyn Future<Output = T>>>;

/// What every [`Resource`] holds underneath.
type Value = Rc<dyn Any>;

/// A [`LocalResource`] of `T`, kept underneath as one of a type-erased value: Leptos's code
/// for resources (the derived signal's task, its futures) is compiled once for all of them.
pub struct Resource<T> {
    inner: LocalResource<Value>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Resource<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Resource<T> {}

impl<T: Clone + 'static> Resource<T> {
    /// The value, once loaded; tracked, as [`LocalResource::get`].
    pub fn get(&self) -> Option<T> {
        self.inner.get().map(|value| typed(&value))
    }

    /// Loads the value again.
    pub fn refetch(&self) {
        self.inner.refetch();
    }
}

impl<T: Clone + 'static> IntoFuture for Resource<T> {
    type Output = T;
    type IntoFuture = Pin<Box<dyn Future<Output = T> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        let value = self.inner.into_future();
        Box::pin(async move { typed(&value.await) })
    }
}

fn typed<T: Clone + 'static>(value: &Value) -> T {
    match value.downcast_ref::<T>() {
        Some(value) => value.clone(),
        // `local_resource` is the only way to make one, and it stores a `T`.
        None => unreachable!("a resource holds a value of its own type"),
    }
}

/// [`LocalResource::new`], sharing Leptos's code with every other resource.
pub fn local_resource<T: 'static, Fu>(fetch: impl Fn() -> Fu + 'static) -> Resource<T>
where
    Fu: Future<Output = T> + 'static,
{
    Resource {
        inner: erased_resource(Rc::new(move || -> Boxed<Value> {
            let loaded = fetch();
            Box::pin(async move { Rc::new(loaded.await) as Value })
        })),
        value: PhantomData,
    }
}

/// Not generic: Leptos's resource code, generic over the fetching closure too, is compiled for
/// this one closure type.
fn erased_resource(fetch: Rc<dyn Fn() -> Boxed<Value>>) -> LocalResource<Value> {
    LocalResource::new(move || fetch())
}

/// [`Action::new_local`], sharing Leptos's code with every action of the same types.
pub fn local_action<I: 'static, O: 'static, Fu>(act: impl Fn(&I) -> Fu + 'static) -> Action<I, O>
where
    Fu: Future<Output = O> + 'static,
{
    erased_action(Rc::new(move |input: &I| -> Boxed<O> {
        Box::pin(act(input))
    }))
}

type ActionFn<I, O> = Rc<dyn Fn(&I) -> Boxed<O>>;

/// Generic only over the input and output: Leptos's action code, generic over the closure
/// too, is compiled once per input and output type instead of once per action.
fn erased_action<I: 'static, O: 'static>(act: ActionFn<I, O>) -> Action<I, O> {
    Action::new_local(move |input: &I| act(input))
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

/// A keyed list, as `<For>`: a row is drawn once for each new key and kept while its key
/// stays. The key should change whenever what the row shows does. Leptos compiles `<For>` once
/// for each item, key and row type; behind this function there is one copy for every list.
pub fn keyed<T, K, V>(
    each: impl Fn() -> Vec<T> + Send + Sync + 'static,
    key: impl Fn(&T) -> K + Send + Sync + 'static,
    row: impl Fn(T) -> V + Send + Sync + 'static,
) -> AnyView
where
    T: Send + Sync + 'static,
    K: Hash,
    V: IntoAny,
{
    let row = Arc::new(row);
    rows(Arc::new(move || {
        each()
            .into_iter()
            .map(|item| {
                let mut hasher = DefaultHasher::new();
                key(&item).hash(&mut hasher);
                let row = row.clone();
                Row {
                    key: hasher.finish(),
                    view: Box::new(move || row(item).into_any()),
                }
            })
            .collect()
    }))
}

/// A row of a [`keyed`] list: a hash of its key, and how to draw it (once, when its key is
/// new; the rows made for keys already shown are dropped undrawn).
struct Row {
    key: u64,
    view: Box<dyn FnOnce() -> AnyView + Send>,
}

fn rows(each: Arc<dyn Fn() -> Vec<Row> + Send + Sync>) -> AnyView {
    view! { <For each=move || each() key=|row: &Row| row.key children=|row: Row| (row.view)() /> }
        .into_any()
}
