//! `report.html` and `compare.html` in a real browser: headless Chromium opens each page from
//! a `file://` URL, and the test checks that no console error or uncaught exception occurs,
//! that the page makes no network request, that every chart the markdown shows is on the
//! page, that a table sorts when its header is clicked and that the theme toggle works; it
//! saves 1920x1080 screenshots (light and dark) in `<target tmp>/browser/`.
//!
//! It needs Chromium (`/usr/bin/chromium`, or the path in `CONCBENCH_CHROMIUM`), so it is
//! ignored by a plain `cargo test`; `.ci/run` installs Chromium from the distribution's
//! packages and runs `cargo test --test browser -- --ignored`. Without Chromium it fails
//! with a line saying how to install it, never passes silently.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{concbench, scratch};
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{Emulation, Log, Network, Page, Runtime};
use headless_chrome::{Browser, LaunchOptions, Tab};

fn chromium() -> PathBuf {
    let path = std::env::var_os("CONCBENCH_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "no Chromium at {}: install it (apt-get install chromium) or set CONCBENCH_CHROMIUM",
        path.display()
    );
    path
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// What the page did that it must not: console errors and warnings, uncaught exceptions,
/// log entries at error level (a blocked request is one), and requests for anything but the
/// page itself.
#[derive(Default)]
struct Trouble {
    errors: Vec<String>,
    requests: Vec<String>,
}

fn watch(tab: &Tab, page_url: &str) -> Arc<Mutex<Trouble>> {
    let trouble = Arc::new(Mutex::new(Trouble::default()));
    let sink = trouble.clone();
    let page_url = page_url.to_string();
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let mut t = sink.lock().unwrap();
        match event {
            Event::RuntimeExceptionThrown(e) => t
                .errors
                .push(format!("exception: {:?}", e.params.exception_details.text)),
            Event::RuntimeConsoleAPICalled(e) => {
                use Runtime::ConsoleAPICalledEventTypeOption as Kind;
                if matches!(e.params.Type, Kind::Error | Kind::Warning | Kind::Assert) {
                    t.errors
                        .push(format!("console {:?}: {:?}", e.params.Type, e.params.args));
                }
            }
            Event::LogEntryAdded(e)
                if matches!(
                    e.params.entry.level,
                    Log::LogEntryLevel::Error | Log::LogEntryLevel::Warning
                ) =>
            {
                t.errors.push(format!("log: {}", e.params.entry.text));
            }
            Event::NetworkRequestWillBeSent(e) if e.params.request.url != page_url => {
                t.requests.push(e.params.request.url.clone());
            }
            _ => {}
        }
    }))
    .unwrap();
    tab.call_method(Network::Enable {
        max_total_buffer_size: None,
        max_resource_buffer_size: None,
        max_post_data_size: None,
        report_direct_socket_traffic: None,
        enable_durable_messages: None,
    })
    .unwrap();
    tab.enable_log().unwrap();
    tab.enable_runtime().unwrap();
    trouble
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, false)
        .unwrap()
        .value
        .unwrap_or(serde_json::Value::Null)
}

fn screenshot(tab: &Tab, path: &Path) {
    let png = tab
        .capture_screenshot(Page::CaptureScreenshotFormatOption::Png, None, None, true)
        .unwrap();
    fs::write(path, &png).unwrap();
    let size = image_size(&png);
    assert_eq!(size, (1920, 1080), "{}", path.display());
}

/// A PNG's width and height, from its IHDR chunk.
fn image_size(png: &[u8]) -> (u32, u32) {
    assert_eq!(&png[1..4], b"PNG");
    let be = |at: usize| u32::from_be_bytes(png[at..at + 4].try_into().unwrap());
    (be(16), be(20))
}

/// Opens `page` (an HTML file beside the markdown `markdown`), checks it and saves
/// screenshots named `<name>-light.png` and `<name>-dark.png` in `shots`.
fn check_page(browser: &Browser, page: &Path, markdown: &Path, shots: &Path, name: &str) {
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let tab = browser.new_tab().unwrap();
    tab.set_default_timeout(Duration::from_secs(60));
    // A 1920x1080 viewport, whatever the window around it.
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width: 1920,
        height: 1080,
        device_scale_factor: 1.0,
        mobile: false,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .unwrap();
    let trouble = watch(&tab, &url);
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    eval(
        &tab,
        "document.documentElement.setAttribute('data-theme', 'light')",
    );

    // Every chart the markdown shows is on the page, drawn.
    let wanted = fs::read_to_string(markdown).unwrap().matches("![").count();
    assert!(wanted > 0, "{} shows no chart", markdown.display());
    let drawn = eval(
        &tab,
        "Array.from(document.querySelectorAll('figure.chart svg, figure.chart img')).filter(e => e.getBoundingClientRect().width > 100).length",
    );
    assert_eq!(
        drawn.as_u64(),
        Some(wanted as u64),
        "{name}: charts on the page"
    );
    assert_eq!(
        eval(&tab, "performance.getEntriesByType('resource').length").as_u64(),
        Some(0),
        "{name}: resources loaded"
    );
    // The embedded data reads back.
    assert_eq!(
        eval(
            &tab,
            "typeof JSON.parse(document.getElementById('raw-data').textContent)"
        ),
        serde_json::json!("object")
    );
    screenshot(&tab, &shots.join(format!("{name}-light.png")));

    // A table sorts when its header is clicked: the first table of three or more rows with
    // a column of varying numbers, sorted ascending by one click and descending by a second.
    let found = eval(
        &tab,
        r#"(() => {
            const num = c => parseFloat(c.textContent);
            for (const t of document.querySelectorAll('main table')) {
                const rows = t.tBodies[0] ? Array.from(t.tBodies[0].rows) : [];
                if (rows.length < 3) continue;
                for (let col = 0; col < rows[0].cells.length; col++) {
                    const values = rows.map(r => num(r.cells[col]));
                    if (values.every(v => !isNaN(v)) && new Set(values).size > 1) {
                        t.id = 'sort-under-test';
                        return col;
                    }
                }
            }
            return -1;
        })()"#,
    );
    let col = found.as_i64().unwrap();
    assert!(col >= 0, "{name}: no table with a numeric column");
    let headers = tab.find_elements("#sort-under-test thead th").unwrap();
    let header = &headers[col as usize];
    let column = format!(
        "JSON.stringify(Array.from(document.querySelectorAll('#sort-under-test tbody tr')).map(r => parseFloat(r.cells[{col}].textContent)))"
    );
    let read_column = |tab: &Tab| -> Vec<f64> {
        serde_json::from_str(eval(tab, &column).as_str().unwrap()).unwrap()
    };
    header.click().unwrap();
    let ascending = read_column(&tab);
    header.click().unwrap();
    let descending = read_column(&tab);
    assert!(
        ascending.windows(2).all(|w| w[0] <= w[1]),
        "{name}: {ascending:?}"
    );
    assert!(
        descending.windows(2).all(|w| w[0] >= w[1]) && descending.first() > descending.last(),
        "{name}: {descending:?}"
    );
    assert_eq!(
        eval(
            &tab,
            &format!(
                "document.querySelectorAll('#sort-under-test thead th')[{col}].getAttribute('aria-sort')"
            )
        ),
        serde_json::json!("descending")
    );

    // The toggle switches to the dark theme.
    tab.find_element("#theme-toggle").unwrap().click().unwrap();
    assert_eq!(
        eval(&tab, "document.documentElement.getAttribute('data-theme')"),
        serde_json::json!("dark")
    );
    assert_eq!(
        eval(&tab, "getComputedStyle(document.body).backgroundColor"),
        serde_json::json!("rgb(13, 17, 23)")
    );
    // The dark screenshot shows the first chart, the part a dark theme changes most.
    eval(
        &tab,
        "document.querySelectorAll('figure.chart')[document.querySelectorAll('figure.chart').length > 1 ? 1 : 0].scrollIntoView()",
    );
    screenshot(&tab, &shots.join(format!("{name}-dark.png")));

    std::thread::sleep(Duration::from_millis(200));
    let t = trouble.lock().unwrap();
    assert!(t.errors.is_empty(), "{name}: {:?}", t.errors);
    assert!(t.requests.is_empty(), "{name}: requests {:?}", t.requests);
    drop(t);
    tab.close(true).unwrap();
}

#[test]
#[ignore = "needs Chromium; .ci/run installs it and runs this with --ignored"]
fn report_and_compare_pages_work_offline_in_chromium() {
    let path = chromium();
    let out = scratch("browser", "pages");
    let report = out.join("report");
    let compared = out.join("compare");
    let shots = out.join("screenshots");
    fs::create_dir_all(&shots).unwrap();
    let two = repo("reports/amd-epyc-2cpu/results.json");
    let one = repo("reports/amd-epyc-1cpu/results.json");
    let run = concbench(&[
        "report",
        two.to_str().unwrap(),
        "--out",
        report.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let run = concbench(&[
        "compare",
        two.to_str().unwrap(),
        one.to_str().unwrap(),
        "--out",
        compared.to_str().unwrap(),
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );

    let options = LaunchOptions::default_builder()
        .path(Some(path))
        .sandbox(false)
        .window_size(Some((1920, 1080)))
        .idle_browser_timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    let browser = Browser::new(options).unwrap();
    check_page(
        &browser,
        &report.join("report.html"),
        &report.join("report.md"),
        &shots,
        "report",
    );
    check_page(
        &browser,
        &compared.join("compare.html"),
        &compared.join("compare.md"),
        &shots,
        "compare",
    );
    eprintln!("screenshots in {}", shots.display());
}
