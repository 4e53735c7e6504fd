//! The HTML report: self-contained, deterministic, every datum escaped, and,
//! opened in headless Chromium, a hostile party name shows as text, runs
//! nothing, and the charts are there.
//!
//! Chromium comes from Debian's `chromium` package. `.ci/run` installs it and builds the tests
//! with `REDFLAG_BROWSER=1`, which turns the browser test on (`build.rs` sets the
//! `redflag_browser` cfg); without it `cargo test` lists the test as ignored, so a fresh machine
//! with only Rust passes and says what it did not run. With the variable set, a missing browser
//! fails the test: CI never skips it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLE: &str = "fixtures/orders/sample.jsonl";
const XSS: &str = "fixtures/orders/xss.jsonl";
const PACK: &str = "fixtures/reports-pack";

/// Writes the HTML report of `inputs` to `out` and returns its text.
#[track_caller]
fn report(pack: &str, inputs: &[&str], out: &Path) -> String {
    let mut args = vec![
        "check",
        "--rules",
        pack,
        "--format",
        "html",
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(inputs);
    let status = Command::new(env!("CARGO_BIN_EXE_redflag"))
        .args(&args)
        .env("REDFLAG_CACHE_DIR", crate::support::list_cache())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .status()
        .expect("the redflag binary runs");
    assert!(matches!(status.code(), Some(0 | 1)), "{args:?}: {status}");
    std::fs::read_to_string(out).unwrap()
}

/// The Chromium binary on PATH.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    panic!(
        "no `chromium` or `chromium-browser` on PATH{}; install Debian's `chromium` and `chromium-driver` packages (`.ci/run` does)",
        if ci { " in CI" } else { "" }
    );
}

/// Loads `file` in headless Chromium and returns the DOM after load, as the
/// browser serialises it.
///
/// Bounded: a script that ran `alert` would hold the page open for ever, so
/// a browser that has not finished after a minute is stopped and the test
/// fails (this is a guard against a hang, not a timing assertion).
fn dump_dom(file: &Path, profile: &Path) -> String {
    let url = format!("file://{}", file.display());
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--disable-gpu",
            "--no-sandbox",
            "--no-first-run",
            "--disable-dev-shm-usage",
            &format!("--user-data-dir={}", profile.display()),
            "--dump-dom",
            &url,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Drain the pipes while waiting, or a large DOM would block the browser.
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        stdout.read_to_string(&mut text).map(|_| text)
    });
    let err = std::thread::spawn(move || {
        let mut text = String::new();
        stderr.read_to_string(&mut text).map(|_| text)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("chromium did not finish loading the report within a minute: did a script (an `alert`) run?");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let stderr = err.join().unwrap().unwrap_or_default();
    assert!(status.success(), "chromium failed: {stderr}");
    out.join().unwrap().unwrap()
}

#[test]
fn a_hostile_party_name_is_escaped_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let html = report(PACK, &[XSS], &dir.path().join("xss.html"));
    assert!(!html.to_lowercase().contains("<script"), "{html}");
    assert!(!html.to_lowercase().contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

#[test]
#[cfg_attr(
    not(redflag_browser),
    ignore = "needs headless Chromium: build with REDFLAG_BROWSER=1 (.ci/run does)"
)]
fn a_hostile_party_name_renders_as_text_in_chromium_and_the_charts_are_there() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("xss.html");
    report(PACK, &[XSS], &file);
    let dom = dump_dom(&file, &dir.path().join("profile"));
    let lower = dom.to_lowercase();
    assert!(
        lower.contains("<html"),
        "chromium returned no document:\n{dom}"
    );
    // The buyer's name is text: serialised back escaped, inside the message.
    assert!(
        dom.contains("is not the buyer &lt;script&gt;alert(1)&lt;/script&gt; in <code>DE</code>"),
        "{dom}"
    );
    // No element came from the data: no script, no img with its handler.
    assert!(!lower.contains("<script"), "a script element:\n{dom}");
    assert!(!lower.contains("<img"), "an img element:\n{dom}");
    // The payer's handler would have marked the body had it run.
    assert!(!dom.contains("data-pwned"), "a handler ran:\n{dom}");
    assert!(dom.contains("onerror=document.body.dataset.pwned=1&gt;"));
    // The charts: three inline SVG figures with bars.
    for id in ["chart-verdicts", "chart-rules", "chart-families"] {
        assert!(dom.contains(&format!("<figure id=\"{id}\">")), "{id}");
    }
    assert_eq!(dom.matches("<svg class=\"chart\"").count(), 3);
    assert!(dom.matches("<rect ").count() >= 3);
    assert!(dom.contains(">RF-PAYER-001: 1 hold</title>"));
}

#[test]
fn the_report_is_self_contained_and_the_same_bytes_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.html"), dir.path().join("b.html"));
    let first = report("rules", &[SAMPLE], &a);
    let second = report("rules", &[SAMPLE], &b);
    assert!(first == second, "two runs differ");
    let lower = first.to_lowercase();
    // Nothing is fetched: no scripts, stylesheets, images, frames or fonts
    // from anywhere, and a policy that forbids them anyway.
    for needle in [
        "<script", "<link", "<img", "<iframe", "<object", "<embed", " src=", "@import", "url(",
    ] {
        assert!(!lower.contains(needle), "the report holds `{needle}`");
    }
    assert!(first.contains("content=\"default-src 'none'; style-src 'unsafe-inline'"));
    // Links are references only, and only http(s).
    for href in first.split("href=\"").skip(1) {
        assert!(
            href.starts_with('#') || href.starts_with("https://") || href.starts_with("http://"),
            "{}",
            &href[..40.min(href.len())]
        );
    }
}

#[test]
fn the_report_holds_every_order_its_evidence_and_the_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sample.html");
    let html = report(PACK, &[SAMPLE, "fixtures/orders/bad/bad.jsonl"], &file);
    // Every record, in input order.
    assert_eq!(html.matches("<article class=\"order ").count(), 18);
    let dandong = html.find(">SO-2015-0042<").unwrap();
    let lathes = html.find(">SO-2023-0117<").unwrap();
    assert!(dandong < lathes);
    // Evidence: the value read, the list row matched, the reference.
    assert!(html.contains("<code>consignees[1].city</code> = <q>Dandong</q>"));
    assert!(html.contains("<code>border_cities</code> line 3"));
    assert!(html.contains("href=\"https://www.bis.gov/articles/red-flag-indicators\""));
    assert!(html.contains("could not be decided"));
    assert!(html.contains("O105"));
    // Provenance: the pack digest, each list's digest, each input's digest.
    let sha = |path: &str| {
        use sha2::Digest;
        format!("{:x}", sha2::Sha256::digest(std::fs::read(path).unwrap()))
    };
    assert!(html.contains(&sha(SAMPLE)));
    assert!(html.contains(&sha("fixtures/reports-pack/lists/border_cities.csv")));
    assert!(html.contains(&sha("fixtures/reports-pack/rates.csv")));
    assert!(html.contains("<section id=\"provenance\">"));
    // `check` adds the coverage matrix of the pack's catalogue; no waiver file, no waivers.
    assert!(html.contains("id=\"coverage\""));
    assert!(!html.contains("id=\"waivers\""));
}

#[test]
fn coverage_and_waiver_sections_and_other_files_render_when_the_run_has_them() {
    use redflag::report::{html::HtmlReporter, ProvenanceFile, ReportSection, RunInfo};
    let (pack, files, _) = redflag::cli::load_pack(&[Path::new(PACK).to_path_buf()]).unwrap();
    let origin = files.origin.clone();
    let engine = redflag::engine::Engine::new(pack);
    let mut run = RunInfo::new(
        engine.pack(),
        origin,
        vec![XSS.into()],
        redflag::rules::Severity::Hold,
    );
    run.as_of = chrono::NaiveDate::from_ymd_opt(2025, 3, 1);
    run.coverage = Some(ReportSection {
        title: "Coverage <matrix>".into(),
        note: Some("items & rules".into()),
        columns: vec!["item".into(), "rules".into()],
        rows: vec![vec!["BIS-KYC-RF-05".into(), "<b>RF-CASH-001</b>".into()]],
    });
    run.waivers = Some(ReportSection {
        title: "Waivers".into(),
        ..ReportSection::default()
    });
    run.other_files.push(ProvenanceFile {
        role: "waivers".into(),
        file: "waivers.toml".into(),
        sha256: "ab".repeat(32),
    });
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let records = redflag::order::open(XSS, None, None).unwrap();
    let mut out = Vec::new();
    redflag::cli::run_check(
        &engine,
        &run,
        vec![records],
        &pool,
        &mut HtmlReporter::new(),
        &mut out,
    )
    .unwrap();
    let html = String::from_utf8(out).unwrap();
    assert!(html.contains("<a href=\"#coverage\">Coverage</a><a href=\"#waivers\">Waivers</a>"));
    assert!(html.contains(
        "<section id=\"coverage\"><h2>Coverage &lt;matrix&gt;</h2>\n<p>items &amp; rules</p>"
    ));
    assert!(html.contains("<td>&lt;b&gt;RF-CASH-001&lt;/b&gt;</td>"));
    assert!(html.contains("<section id=\"waivers\"><h2>Waivers</h2>"));
    assert!(html.contains(&format!("<td class=\"hash\">{}</td>", "ab".repeat(32))));
    assert!(html.contains("judged as of 2025-03-01"));
    // Without a digest handle the input's digest is "not computed", not made up.
    assert!(html.contains("not computed"));
}

#[test]
#[cfg_attr(
    not(redflag_browser),
    ignore = "needs headless Chromium: build with REDFLAG_BROWSER=1 (.ci/run does)"
)]
fn a_large_run_opens_in_chromium_with_every_order_in_the_index_and_evidence_for_flagged_ones() {
    let dir = tempfile::tempdir().unwrap();
    let orders = dir.path().join("orders.jsonl");
    std::fs::write(&orders, super::report_filters::many_orders(3000)).unwrap();
    let file = dir.path().join("large.html");
    report("rules", &[orders.to_str().unwrap()], &file);
    let started = Instant::now();
    let dom = dump_dom(&file, &dir.path().join("profile"));
    // Not a timing assertion (shared CI machines vary); docs/performance.md has the measurement.
    eprintln!(
        "chromium loaded a report of 3000 orders ({} bytes) in {:.1} s",
        std::fs::metadata(&file).unwrap().len(),
        started.elapsed().as_secs_f64()
    );
    let flagged = (0..3000).filter(|i| i % 7 == 0 && i % 500 != 499).count();
    let errors = (0..3000).filter(|i| i % 500 == 499).count();
    assert!(dom.contains("A large run: 3000 orders, more than 2000."));
    // The browser built every index row and only the flagged and unreadable orders' entries.
    let at = |needle: &str| dom.find(needle).unwrap_or_else(|| panic!("no {needle}"));
    let index = &dom[at("id=\"index\"")..at("id=\"orders\"")];
    assert_eq!(index.matches("SO-0").count(), 3000);
    assert_eq!(index.matches("<a href=\"#o-").count(), flagged + errors);
    let entries = &dom[at("id=\"orders\"")..at("id=\"rules\"")];
    assert_eq!(entries.matches("<b id=\"o-").count(), flagged + errors);
    assert!(!entries.contains("class=\"v-clear\""));
    assert!(dom.contains("<a href=\"#o-8\">SO-00007</a>"));
    assert!(dom.contains("<b id=\"o-8\" class=\"v-hold\">HOLD  <bdi>SO-00007</bdi>"));
    // The index comes first, the coverage matrix after the orders.
    assert!(at("id=\"index\"") < at("id=\"orders\""));
    assert!(at("id=\"orders\"") < at("id=\"coverage\""));
}
