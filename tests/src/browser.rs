//! Headless Chromium driven through chromedriver (WebDriver), for tests that walk the SPA
//! as a customer would.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Whether the SPA is built and a browser is installed; under CI both are required.
pub fn available(web_dist: &Path) -> anyhow::Result<bool> {
    let missing: Vec<&str> = [
        (!web_dist.join("index.html").exists()).then_some("the built SPA (web/dist)"),
        (!Path::new(CHROMEDRIVER).exists()).then_some(CHROMEDRIVER),
        (!Path::new(CHROMIUM).exists()).then_some(CHROMIUM),
    ]
    .into_iter()
    .flatten()
    .collect();
    if missing.is_empty() {
        return Ok(true);
    }
    if std::env::var_os("CI").is_some() {
        bail!("browser tests need {}", missing.join(", "));
    }
    eprintln!(
        "\n!!!!!!!! SKIPPED browser test: missing {}. Run .ci/run (or the README's setup) first. !!!!!!!!\n",
        missing.join(", ")
    );
    Ok(false)
}

/// The axe-core script that `scripts/setup-tools --browser` installs (npm's `axe-core`), or
/// the one `SHIRASE_AXE` names.
pub fn axe_source() -> anyhow::Result<String> {
    let path = match std::env::var_os("SHIRASE_AXE") {
        Some(p) => std::path::PathBuf::from(p),
        None => std::env::var_os("HOME")
            .map(std::path::PathBuf::from)
            .unwrap_or_default()
            .join(".cache/shirase-tools/node_modules/axe-core/axe.min.js"),
    };
    std::fs::read_to_string(&path).with_context(|| {
        format!(
            "reading axe-core from {} (scripts/setup-tools --browser installs it)",
            path.display()
        )
    })
}

impl Browser {
    pub async fn start() -> anyhow::Result<Self> {
        // Several TLS backends are linked into the tests; WebDriver on loopback needs one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .context("starting chromedriver")?;
        let profile = TempDir(
            std::env::temp_dir().join(format!("shirase-chromium-{}", uuid::Uuid::new_v4())),
        );
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1100,900",
                    format!("--user-data-dir={}", profile.0.display()),
                ],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let mut last = None;
        for _ in 0..50 {
            match ClientBuilder::rustls()?
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Ok(Self {
                        client,
                        driver,
                        _profile: profile,
                    });
                }
                Err(e) => last = Some(e),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        bail!("chromedriver did not start: {last:?}")
    }

    pub async fn goto(&self, url: &str) -> anyhow::Result<()> {
        Ok(self.client.goto(url).await?)
    }

    /// The element matching `css`, waiting up to 10 s for it to appear.
    pub async fn find(&self, css: &str) -> anyhow::Result<Element> {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .with_context(|| format!("waiting for {css}"))
    }

    pub async fn click(&self, css: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        // Wait until the app enabled it (buttons stay disabled while data loads).
        for _ in 0..100 {
            if element.is_enabled().await? {
                // Into the middle of the window, as a person scrolls to what they click:
                // WebDriver's own scrolling may leave it under the sticky header.
                self.client
                    .execute(
                        "arguments[0].scrollIntoView({ block: 'center' });",
                        vec![serde_json::to_value(&element)?],
                    )
                    .await?;
                return Ok(element.click().await?);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} stayed disabled")
    }

    /// Types `text` into the field key by key, as a person would, then checks that the field
    /// shows exactly what was typed: an input that rewrites itself while typed into (moving
    /// the caret, dropping a space) fails here instead of registering something else.
    pub async fn fill(&self, css: &str, text: &str) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        element.clear().await?;
        element.send_keys(text).await?;
        let shown = element.prop("value").await?.unwrap_or_default();
        if shown != text {
            bail!("typed {text:?} into {css}, which shows {shown:?}");
        }
        Ok(())
    }

    /// Types a local date and time into a `datetime-local` input key by key, segment after
    /// segment in the order and clock (12 or 24 h) of the browser's locale, as a person
    /// would; then checks that the input holds exactly that instant.
    pub async fn type_datetime(&self, css: &str, at: chrono::NaiveDateTime) -> anyhow::Result<()> {
        let element = self.find(css).await?;
        // The segments as the browser's locale orders them: `year`, `month`, `day`,
        // `hour`, `minute` and, on a 12-hour clock, `dayPeriod`.
        let parts = self
            .client
            .execute(
                "return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: '2-digit', \
                 day: '2-digit', hour: '2-digit', minute: '2-digit' }) \
                 .formatToParts(new Date()).map(p => p.type).filter(t => t !== 'literal');",
                vec![],
            )
            .await?;
        let parts: Vec<String> = serde_json::from_value(parts)?;
        let twelve = parts.iter().any(|p| p == "dayPeriod");
        let mut keys = String::new();
        for part in &parts {
            keys.push_str(&match part.as_str() {
                // A year may have more digits, so the field waits for them: the right arrow
                // (WebDriver's U+E014) moves on. Two-digit segments move on by themselves.
                "year" => format!("{}\u{E014}", at.format("%Y")),
                "month" => at.format("%m").to_string(),
                "day" => at.format("%d").to_string(),
                "hour" if twelve => at.format("%I").to_string(),
                "hour" => at.format("%H").to_string(),
                "minute" => at.format("%M").to_string(),
                "dayPeriod" => at.format("%p").to_string()[..1].to_owned(),
                other => bail!("unexpected date part {other}"),
            });
        }
        // Emptied as `fill` empties a text field, then focused as Tab would: on its first
        // segment (a click would land on whichever segment lies under the middle of the box).
        element.clear().await?;
        self.client
            .execute(
                "document.querySelector(arguments[0]).focus();",
                vec![css.into()],
            )
            .await?;
        element.send_keys(&keys).await?;
        let shown = element.prop("value").await?.unwrap_or_default();
        let wanted = at.format("%Y-%m-%dT%H:%M").to_string();
        if shown != wanted {
            bail!("typed {keys:?} ({parts:?}) into {css}, which shows {shown:?}, not {wanted:?}");
        }
        Ok(())
    }

    /// Sets an input's value as a script would, then tells the app: for inputs such as
    /// `datetime-local` whose keyboard entry differs between browsers.
    pub async fn set_value(&self, css: &str, value: &str) -> anyhow::Result<()> {
        self.find(css).await?;
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                 e.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![css.into(), value.into()],
            )
            .await?;
        Ok(())
    }

    /// Chooses the option with `value` in a `<select>`, as a person picking it would.
    pub async fn set_select(&self, css: &str, value: &str) -> anyhow::Result<()> {
        self.find(css).await?;
        self.client
            .execute(
                "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
                 e.dispatchEvent(new Event('change', { bubbles: true }));",
                vec![css.into(), value.into()],
            )
            .await?;
        Ok(())
    }

    /// Waits until the path of the current URL is `path`.
    pub async fn wait_for_path(&self, path: &str) -> anyhow::Result<()> {
        for _ in 0..100 {
            if self.client.current_url().await?.path() == path {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!(
            "never reached {path}; at {}",
            self.client.current_url().await?
        )
    }

    /// Waits until the element's text contains `needle`.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> anyhow::Result<String> {
        let mut text = String::new();
        for _ in 0..100 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                text = element.text().await.unwrap_or_default();
                if text.contains(needle) {
                    return Ok(text);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} never showed {needle:?}; last text {text:?}")
    }

    /// Waits until the input `css` holds exactly `value`.
    pub async fn wait_for_value(&self, css: &str, value: &str) -> anyhow::Result<()> {
        let mut shown = String::new();
        for _ in 0..100 {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                shown = element.prop("value").await?.unwrap_or_default();
                if shown == value {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("{css} never held {value:?}; last {shown:?}")
    }

    /// The document's title once the page has set its own (`titled`), or after 5 s.
    pub async fn settled_title(&self, titled: bool) -> anyhow::Result<String> {
        let mut title = self.client.title().await?;
        for _ in 0..50 {
            if !titled || title.contains(" | ") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            title = self.client.title().await?;
        }
        Ok(title)
    }

    /// Runs axe-core (`source`, from [`axe_source`]) on the page; returns its serious and
    /// critical violations, each as "rule: selectors — help".
    pub async fn axe(&self, source: &str) -> anyhow::Result<Vec<String>> {
        self.client.execute(source, vec![]).await?;
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 axe.run(document, { resultTypes: ['violations'] })
                   .then(r => done(r.violations
                     .filter(v => v.impact === 'serious' || v.impact === 'critical')
                     .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')
                               + ' — ' + v.help)))
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await?;
        Ok(serde_json::from_value(found)?)
    }

    /// How many pixels the page is wider than the window (0 or less: no sideways scrolling).
    pub async fn horizontal_overflow(&self) -> anyhow::Result<i64> {
        let v = self
            .client
            .execute(
                "const d = document.documentElement; return d.scrollWidth - d.clientWidth;",
                vec![],
            )
            .await?;
        v.as_i64().context("scrollWidth is a number")
    }

    /// Fails unless `main h1` is visible where the page opens and, brought into view as a
    /// link to it would, is not covered by anything (a sticky header, say).
    pub async fn heading_unobstructed(&self) -> anyhow::Result<()> {
        let verdict = self
            .client
            .execute(
                "const h = document.querySelector('main h1');
                 if (!h) return 'no main h1';
                 const clear = () => {
                   const r = h.getBoundingClientRect();
                   if (r.width === 0 || r.height === 0) return 'the heading has no size';
                   if (r.top < 0 || r.bottom > window.innerHeight) return 'the heading is out of view';
                   const hit = document.elementFromPoint(r.left + Math.min(8, r.width / 2), r.top + 2);
                   return (hit === h || h.contains(hit)) ? '' : 'the heading is covered by ' + (hit ? hit.outerHTML.slice(0, 80) : 'nothing');
                 };
                 window.scrollTo(0, 0);
                 const atTop = clear();
                 if (atTop) return atTop + ' (at the top)';
                 window.scrollTo(0, document.documentElement.scrollHeight);
                 h.scrollIntoView({ block: 'start' });
                 const linked = clear();
                 window.scrollTo(0, 0);
                 return linked ? linked + ' (scrolled to it)' : '';",
                vec![],
            )
            .await?;
        match verdict.as_str() {
            Some("") => Ok(()),
            other => bail!("{}", other.unwrap_or("no answer")),
        }
    }

    /// A screenshot of the whole page: the window is made as tall as the page for it.
    pub async fn full_page_screenshot(&self) -> anyhow::Result<Vec<u8>> {
        let (width, height) = self.client.get_window_size().await?;
        let full = self
            .client
            .execute("return document.documentElement.scrollHeight;", vec![])
            .await?
            .as_u64()
            .unwrap_or(u64::from(height as u32));
        self.client
            .set_window_size(width as u32, (full as u32).max(height as u32))
            .await?;
        let png = self.client.screenshot().await;
        self.client
            .set_window_size(width as u32, height as u32)
            .await?;
        Ok(png?)
    }

    /// With `SHIRASE_SCREENSHOTS=DIR`, leaves a screenshot of the whole page as
    /// `DIR/NAME.png`, for a person to look at; otherwise does nothing.
    pub async fn screenshot_if_asked(&self, name: &str) -> anyhow::Result<()> {
        let Some(dir) = std::env::var_os("SHIRASE_SCREENSHOTS") else {
            return Ok(());
        };
        let png = self.full_page_screenshot().await?;
        std::fs::create_dir_all(&dir)?;
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.png")), png)?;
        Ok(())
    }

    /// Ends a test's use of the browser: on failure, first leaves a screenshot of the page in
    /// the temporary directory (`shirase-NAME-failure.png`) and says where.
    pub async fn finish(self, result: anyhow::Result<()>, name: &str) -> anyhow::Result<()> {
        if result.is_err()
            && let Ok(png) = self.client.screenshot().await
        {
            let path = std::env::temp_dir().join(format!("shirase-{name}-failure.png"));
            let _ = std::fs::write(&path, png);
            eprintln!("screenshot of the failure: {}", path.display());
        }
        self.close().await?;
        result
    }

    pub async fn close(self) -> anyhow::Result<()> {
        self.client.clone().close().await?;
        Ok(())
    }
}
