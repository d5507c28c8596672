//! Resources and actions whose futures are boxed before Leptos wraps them.
//!
//! Leptos instantiates its async wrappers (`ScopedFuture`, `SendWrapper`, the derived
//! signal's closures) once for every future type, each with that future inlined: once per
//! call site. Boxed, every call with the same output shares them.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;

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
