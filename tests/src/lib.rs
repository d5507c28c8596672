//! The end-to-end harness: a real `shirase` application per test on its own port and its own
//! database (SQLite file or PostgreSQL database), a real SMTP server in process, and helpers
//! to drive the API over HTTP.

pub mod app;
pub mod browser;
pub mod cli;
pub mod fixtures;
pub mod flows;
pub mod hooks;
pub mod process;
pub mod smtp;

pub use app::Mode;
pub use app::{Backend, TestApp};
pub use hooks::HookSink;
pub use smtp::{ReceivedMail, Reply, SmtpSink};

/// An instant given in Tokyo time (Japan keeps no daylight saving time).
pub fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    chrono::FixedOffset::east_opt(9 * 3600)
        .and_then(|tokyo| tokyo.with_ymd_and_hms(y, m, d, h, min, 0).single())
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default()
}

/// Defines each test twice, once per backend: `mod sqlite { … }` and `mod postgres { … }`.
///
/// Each test is an `async fn name(app: TestApp) -> anyhow::Result<()>`. A PostgreSQL test
/// whose server is unreachable fails under CI and is skipped, loudly, elsewhere.
#[macro_export]
macro_rules! backend_tests {
    ($(async fn $name:ident($app:ident: TestApp) -> anyhow::Result<()> $body:block)*) => {
        $(async fn $name($app: $crate::TestApp) -> anyhow::Result<()> $body)*

        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    let app = $crate::TestApp::spawn($crate::Backend::Sqlite).await?;
                    super::$name(app).await
                }
            )*
        }

        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() -> anyhow::Result<()> {
                    let Some(app) = $crate::TestApp::spawn_postgres().await? else {
                        return Ok(());
                    };
                    super::$name(app).await
                }
            )*
        }
    };
}
