//! Health for load balancers and orchestrators, outside the API and its document: whether
//! the process is up (`/healthz`) and whether it can do its work (`/readyz`).

pub mod live;
pub mod ready;
