//! A real browser for the pages' tests: headless Debian Chromium driven through chromedriver
//! (WebDriver), on loopback only. Every wait is bounded; chromedriver and the browser it
//! started are killed when the `Browser` is dropped, even when a test panics.
//!
//! The browser's console is read through chromedriver's log endpoint (`goog:loggingPrefs`
//! with `browser: ALL`): any error in it — an exception, a failed request, a CSP violation —
//! fails the test unless the test said it expects it.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// How long any single wait may take.
pub const WAIT: Duration = Duration::from_secs(15);
pub const LAPTOP: (u32, u32) = (1280, 900);
pub const PHONE: (u32, u32) = (375, 812);

fn program(var: &str, default: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| default.to_owned())
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// chromedriver on a free loopback port, in a process group of its own (the browser it
/// starts joins it), killed as a group on drop.
pub struct Chromedriver {
    child: Child,
    pub url: String,
}

impl Chromedriver {
    pub fn start() -> Chromedriver {
        let port = free_port();
        let binary = program("ENS_TEST_CHROMEDRIVER", "/usr/bin/chromedriver");
        let child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .arg("--log-level=SEVERE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary} (Debian: apt-get install chromium-driver): {e}"));
        let driver = Chromedriver { child, url: format!("http://127.0.0.1:{port}") };
        let agent = crate::support::http();
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(mut res) = agent.get(&format!("{}/status", driver.url)).call() {
                let status: Value = res.body_mut().read_json().unwrap_or(Value::Null);
                if status["value"]["ready"] == true {
                    return driver;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver did not become ready within {WAIT:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Chromedriver {
    fn drop(&mut self) {
        // The whole group: chromedriver and the Chromium processes it started.
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One entry of the browser's console.
#[derive(Debug, Clone)]
pub struct ConsoleEntry {
    pub level: String,
    pub source: String,
    pub message: String,
}

/// A headless Chromium with a fresh profile, its screenshots and its console checks.
pub struct Browser {
    pub client: Client,
    session: String,
    shots: PathBuf,
    shot_count: u32,
    /// Console errors the test expects next (substrings), consumed by the next check.
    expected: Vec<String>,
    pub console: Vec<ConsoleEntry>,
    // Dropped after `client`: the browser goes with chromedriver, then its profile.
    driver: Chromedriver,
    profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a browser; screenshots go to
    /// `<target>/browser-screenshots/<name>/`, emptied first.
    pub async fn open(name: &str) -> Browser {
        let driver = Chromedriver::start();
        let profile = tempfile::tempdir().unwrap();
        let chromium = program("ENS_TEST_CHROMIUM", "/usr/bin/chromium");
        let mut args: Vec<String> = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--lang=en-US",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push(format!("--window-size={},{}", LAPTOP.0, LAPTOP.1));
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": chromium, "args": args},
            "goog:loggingPrefs": {"browser": "ALL"},
            "timeouts": {"pageLoad": 20_000, "script": 10_000, "implicit": 0},
            "unhandledPromptBehavior": "ignore",
        });
        let caps = match caps {
            Value::Object(map) => map,
            _ => unreachable!(),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = tokio::time::timeout(
            Duration::from_secs(30),
            ClientBuilder::new(connector).capabilities(caps).connect(&driver.url),
        )
        .await
        .expect("the browser did not start within 30 s")
        .unwrap_or_else(|e| panic!("cannot start {chromium} through chromedriver: {e}"));
        let session = client.session_id().await.unwrap().expect("a WebDriver session id");

        let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .map(|t| t.join("browser-screenshots"))
            .unwrap_or_else(|| PathBuf::from("target/browser-screenshots"))
            .join(name);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).unwrap();
        Browser { client, session, shots, shot_count: 0, expected: Vec::new(), console: Vec::new(), driver, profile }
    }

    pub async fn goto(&mut self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|e| panic!("goto {url}: {e}"));
    }

    pub async fn refresh(&mut self) {
        self.client.refresh().await.unwrap();
    }

    /// The current path with its query.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Runs `script` (a function body) and returns its value.
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Value {
        self.client.execute(script, args).await.unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// Waits until `condition` (a JS expression) is true; panics with `what` after WAIT.
    pub async fn wait_until(&self, condition: &str, what: &str) {
        let script = format!("return Boolean({condition});");
        let deadline = Instant::now() + WAIT;
        loop {
            if self.client.execute(&script, vec![]).await.ok() == Some(Value::Bool(true)) {
                return;
            }
            if Instant::now() > deadline {
                let path = self.path().await;
                let main = self
                    .js(
                        "const m = document.querySelector('main'); return m ? m.innerText : document.body.innerText;",
                        vec![],
                    )
                    .await;
                panic!(
                    "waited {WAIT:?} for {what} ({condition}) on {path}; the page says:\n{}",
                    main.as_str().unwrap_or_default()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the page at `path` (without query) has finished loading its data.
    pub async fn wait_page(&self, path: &str) {
        let condition = format!(
            "location.pathname === {} && document.readyState === 'complete' && \
             document.querySelector('main') && document.querySelector('main').getAttribute('aria-busy') === 'false'",
            json!(path)
        );
        self.wait_until(&condition, &format!("page {path}")).await;
    }

    /// The element matching `css`, once it exists.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} within {WAIT:?}: {e}"))
    }

    /// Waits until the element matching `css` is shown (not `hidden`, not inside a hidden one).
    pub async fn visible(&self, css: &str) -> Element {
        let q = json!(css);
        self.wait_until(
            &format!("document.querySelector({q}) && document.querySelector({q}).checkVisibility()"),
            &format!("{css} to be visible"),
        )
        .await;
        self.find(css).await
    }

    pub async fn is_visible(&self, css: &str) -> bool {
        let q = json!(css);
        self.js(&format!("const e = document.querySelector({q}); return Boolean(e && e.checkVisibility());"), vec![])
            .await
            == Value::Bool(true)
    }

    /// The visible text of `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap()
    }

    /// Waits until the text of `css` contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let condition = format!(
            "document.querySelector({q}) && document.querySelector({q}).innerText.includes({n})",
            q = json!(css),
            n = json!(needle)
        );
        self.wait_until(&condition, &format!("{needle:?} in {css}")).await;
        self.text(css).await
    }

    pub async fn click(&self, css: &str) {
        let el = self.visible(css).await;
        el.click().await.unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Replaces the value of the input `css` by typing `text`.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.visible(css).await;
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css).await.prop("value").await.unwrap().unwrap_or_default()
    }

    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        self.find(css).await.attr(name).await.unwrap()
    }

    /// Errors on the console may follow (a failed request the test provokes): the next check
    /// lets entries containing `needle` pass.
    pub fn expect_console_error(&mut self, needle: &str) {
        self.expected.push(needle.to_owned());
    }

    /// Reads the console since the last read; panics on an error the test did not expect.
    pub async fn check_console(&mut self) {
        let url = format!("{}/session/{}/se/log", self.driver.url, self.session);
        let (status, body) = crate::support::send("POST", &url, None, Some(json!({"type": "browser"})));
        assert_eq!(status, 200, "chromedriver log endpoint: {body}");
        let entries: Vec<ConsoleEntry> = body["value"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|e| ConsoleEntry {
                level: e["level"].as_str().unwrap_or_default().to_owned(),
                source: e["source"].as_str().unwrap_or_default().to_owned(),
                message: e["message"].as_str().unwrap_or_default().to_owned(),
            })
            .collect();
        let unexpected: Vec<&ConsoleEntry> = entries
            .iter()
            .filter(|e| e.level == "SEVERE")
            .filter(|e| !self.expected.iter().any(|n| e.message.contains(n.as_str())))
            .collect();
        assert!(unexpected.is_empty(), "errors on the browser console:\n{unexpected:#?}");
        for e in entries.iter().filter(|e| e.level == "WARNING") {
            eprintln!("browser console warning: {} {}", e.source, e.message);
        }
        self.console.extend(entries);
        self.expected.clear();
    }

    async fn inner_height(&self) -> u32 {
        self.js("return window.innerHeight;", vec![]).await.as_u64().unwrap_or(0) as u32
    }

    async fn resize(&self, (width, height): (u32, u32)) {
        self.client.set_window_size(width, height).await.unwrap();
    }

    /// A screenshot of the whole page at `size` (the window is made as tall as the page).
    async fn shoot(&mut self, name: &str, size: (u32, u32), label: &str) {
        self.resize(size).await;
        let chrome = size.1.saturating_sub(self.inner_height().await);
        let page = self
            .js("return Math.ceil(document.documentElement.scrollHeight);", vec![])
            .await
            .as_u64()
            .unwrap_or(u64::from(size.1)) as u32;
        self.resize((size.0, (page + chrome).clamp(size.1, 6000))).await;
        let png = self.client.screenshot().await.unwrap();
        let file = self.shots.join(format!("{:02}-{name}-{label}.png", self.shot_count));
        std::fs::write(&file, png).unwrap();
        self.resize(size).await;
    }

    /// Every page visited: screenshots at laptop and phone width, no horizontal scrolling on
    /// the phone, and a clean console.
    pub async fn snapshot(&mut self, name: &str) {
        self.shot_count += 1;
        self.shoot(name, LAPTOP, "laptop").await;
        self.resize(PHONE).await;
        let overflow = self
            .js(
                "const w = document.documentElement.clientWidth;
                 const wide = [...document.querySelectorAll('body *')]
                   .filter((e) => e.checkVisibility() && e.getBoundingClientRect().right > w + 1)
                   .map((e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));
                 return {scroll: document.documentElement.scrollWidth, width: w, wide: wide.slice(0, 10)};",
                vec![],
            )
            .await;
        assert!(
            overflow["scroll"].as_u64() <= overflow["width"].as_u64() && overflow["wide"] == json!([]),
            "{name}: horizontal scrolling at {} px: {overflow}",
            PHONE.0
        );
        self.shoot(name, PHONE, "phone").await;
        self.resize(LAPTOP).await;
        self.check_console().await;
    }

    /// Of `phrases` (a language's untranslated UI strings), those the page shows: in its
    /// text, its labels for assistive technology, placeholders and titles. The activity log's
    /// details and a failure's detail are checked too (they are worded when read); code (SCIM
    /// attribute paths) and the language switch's own names are left out.
    pub async fn untranslated(&self, phrases: &[String]) -> Vec<String> {
        let found = self
            .js(
                r#"const skip = 'code, option[lang], script';
                 const texts = [];
                 const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                 while (walk.nextNode()) {
                   const parent = walk.currentNode.parentElement;
                   if (!parent || parent.closest(skip) || !parent.checkVisibility()) continue;
                   texts.push(walk.currentNode.textContent);
                 }
                 for (const el of document.querySelectorAll('[aria-label], [placeholder], [title], [data-label]')) {
                   if (el.closest(skip)) continue;
                   for (const a of ['aria-label', 'placeholder', 'title', 'data-label']) {
                     if (el.hasAttribute(a)) texts.push(el.getAttribute(a));
                   }
                 }
                 texts.push(document.title);
                 const all = texts.join('\n').replace(/\s+/g, ' ');
                 const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
                 return arguments[0].filter((p) => new RegExp(`(^|[^\\p{L}])${escape(p)}($|[^\\p{L}])`, 'u').test(all));"#,
                vec![json!(phrases)],
            )
            .await;
        serde_json::from_value(found).unwrap_or_default()
    }

    /// How tall the page is at phone width, in CSS pixels.
    pub async fn phone_height(&mut self) -> u64 {
        self.resize(PHONE).await;
        let height = self.js("return document.documentElement.scrollHeight;", vec![]).await;
        self.resize(LAPTOP).await;
        height.as_u64().unwrap_or(u64::MAX)
    }

    /// Ends the session (a last console check first) and stops the browser.
    pub async fn close(mut self) {
        self.check_console().await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.client.clone().close()).await;
    }
}
