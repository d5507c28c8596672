//! The `shirase` binary run as a process of its own, as an operator runs it: for what only
//! separate processes show (signals, limits shared through the database).

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use anyhow::Context;

/// A running `shirase serve`. Killed (SIGKILL) when dropped, if still running.
pub struct Process {
    child: Child,
    pub base: String,
    /// Holds the process's logs (`stdout.log`, `stderr.log`) and its `var` directory.
    dir: TempDir,
}

/// The built server binary of the same profile: beside the test binaries' `deps` directory
/// (`cargo build -p api --bin shirase`, which `scripts/test` runs first), or beside a
/// benchmark binary (`cargo build --release -p api --bin shirase`).
fn binary() -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe()?;
    // target/<profile>/deps/<test> → target/<profile>/shirase; target/<profile>/<bench> →
    // target/<profile>/shirase.
    let dir = exe.parent().context("no target directory")?;
    let candidates = [Some(dir), dir.parent()];
    let bin = candidates
        .into_iter()
        .flatten()
        .map(|d| d.join("shirase"))
        .find(|b| b.exists());
    bin.with_context(|| {
        format!(
            "no shirase binary beside {}: run `cargo build -p api --bin shirase` (with \
             --release for a benchmark) first",
            exe.display()
        )
    })
}

impl Process {
    /// Starts `shirase serve` on `database_url` on a free port, in development mode with
    /// webhooks allowed to reach loopback, plus `env`; returns once it is ready.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let base = format!("http://127.0.0.1:{port}");
        let dir = TempDir::new()?;
        let mut command = Command::new(binary()?);
        command
            .arg("serve")
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("RUST_LOG", "info")
            .env("SHIRASE_DATABASE_URL", database_url)
            .env("SHIRASE_LISTEN", format!("127.0.0.1:{port}"))
            .env("SHIRASE_PUBLIC_URL", &base)
            .env("SHIRASE_VAR_DIR", &dir.0)
            .env("SHIRASE_WEB_DIR", dir.0.join("no-spa"))
            .env("SHIRASE_WEBHOOK_ALLOW_PRIVATE", "on");
        for (name, value) in env {
            command.env(name, value);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(dir.0.join("stdout.log"))?)
            .stderr(std::fs::File::create(dir.0.join("stderr.log"))?)
            .spawn()
            .context("starting shirase")?;
        let process = Self { child, base, dir };
        process.ready().await?;
        Ok(process)
    }

    /// Waits for `/readyz` to answer 200 (at most 30 s: a process that never gets ready is
    /// broken, not slow).
    async fn ready(&self) -> anyhow::Result<()> {
        let client = reqwest::Client::new();
        for _ in 0..300 {
            if let Ok(res) = client.get(format!("{}/readyz", self.base)).send().await
                && res.status().is_success()
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("shirase never got ready; its log:\n{}", self.log())
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGTERM, as an orchestrator or systemd stops a service.
    pub fn terminate(&self) -> anyhow::Result<()> {
        let status = Command::new("kill")
            .args(["-TERM", &self.pid().to_string()])
            .status()?;
        anyhow::ensure!(status.success(), "kill -TERM failed");
        Ok(())
    }

    /// Waits for the process to exit (at most 60 s) and returns how it did.
    pub async fn wait(&mut self) -> anyhow::Result<ExitStatus> {
        for _ in 0..600 {
            if let Some(status) = self.child.try_wait()? {
                return Ok(status);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        anyhow::bail!("shirase did not exit; its log:\n{}", self.log())
    }

    /// What the process has logged so far.
    pub fn log(&self) -> String {
        ["stdout.log", "stderr.log"]
            .map(|name| std::fs::read_to_string(self.dir.0.join(name)).unwrap_or_default())
            .concat()
    }
}

/// What a one-shot `shirase` command did.
pub struct Ran {
    /// The exit status's code (`None`: killed by a signal).
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `shirase <args>` once, as a mail server or a shell would, on `database_url` with
/// `SHIRASE_PUBLIC_URL` set to `public_url` (Message-IDs carry its host), plus `env`, with
/// `input` on its standard input.
pub fn run(
    args: &[&str],
    database_url: &str,
    public_url: &str,
    env: &[(&str, &str)],
    input: &[u8],
) -> anyhow::Result<Ran> {
    use std::io::Write;
    let dir = TempDir::new()?;
    let mut command = Command::new(binary()?);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SHIRASE_DATABASE_URL", database_url)
        .env("SHIRASE_PUBLIC_URL", public_url)
        .env("SHIRASE_VAR_DIR", &dir.0);
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting shirase")?;
    child.stdin.take().context("no stdin")?.write_all(input)?;
    let out = child.wait_with_output()?;
    Ok(Ran {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

impl Drop for Process {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A directory removed with everything in it when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> anyhow::Result<Self> {
        let dir = std::env::temp_dir().join(format!("shirase-proc-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir)?;
        Ok(Self(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
