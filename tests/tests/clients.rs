//! A TypeScript client generated from `openapi.yaml` (openapi-typescript and openapi-fetch,
//! in `clients/typescript`) type-checks and runs the customer guide's flow against a running
//! server: register, activate, accept the terms, subscribe, choose the mails, add a delivery
//! address. `scripts/test` generates and compiles it first; its types come from the document
//! alone, so a document that misdescribes a request or an answer fails there or here.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;
use shirase_tests::{Backend, TestApp};

fn flow_script() -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../clients/typescript/dist/flow.js"
    ))
}

/// Runs the compiled flow with `args`; its stdout, parsed.
async fn node(args: Vec<String>) -> anyhow::Result<Value> {
    let output = tokio::task::spawn_blocking(move || {
        Command::new("node").arg(flow_script()).args(args).output()
    })
    .await??;
    anyhow::ensure!(
        output.status.success(),
        "the TypeScript client failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(serde_json::from_slice(&output.stdout)?)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_typescript_client_runs_the_guide() -> anyhow::Result<()> {
    if !flow_script().exists() {
        anyhow::ensure!(
            std::env::var_os("CI").is_none(),
            "{} is missing under CI",
            flow_script().display()
        );
        eprintln!(
            "\n!!!!!!!! SKIPPED: the TypeScript client is not built \
             (cd clients/typescript && npm ci && npm run build) !!!!!!!!\n"
        );
        return Ok(());
    }
    let app = TestApp::spawn(Backend::Sqlite).await?;
    let email = "ts-client@example.com";
    node(vec!["register".into(), app.base.clone(), email.into()]).await?;
    let mail = app.smtp.wait_for(email).await?;
    let token = mail
        .token_in("/register/activate?token=")
        .ok_or_else(|| anyhow::anyhow!("no activation link in: {}", mail.text))?;
    let done = node(vec![
        "continue".into(),
        app.base.clone(),
        email.into(),
        token,
    ])
    .await?;
    assert_eq!(done["account"], email);
    assert_eq!(
        done["subscriptions"],
        serde_json::json!([{"product": "id-federation", "maintenance_mail": true, "outage_mail": true}])
    );
    let added = done["recipients"]
        .as_array()
        .and_then(|all| {
            all.iter()
                .find(|r| r["email"] == "ops.ts-client@example.com")
        })
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("no new address in {done}"))?;
    assert_eq!(added["status"], "pending");
    assert_eq!(
        added["weekdays"],
        serde_json::json!(["mon", "tue", "wed", "thu", "fri"])
    );
    assert_eq!(added["hours"].as_array().map(Vec::len), Some(9));
    // The new address was sent its verification link.
    app.smtp.wait_for("ops.ts-client@example.com").await?;
    Ok(())
}
