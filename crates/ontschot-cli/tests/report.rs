//! The HTML report, end to end: rendered in headless Chromium, it loads without console errors
//! and without network requests, its charts are there, and its headline numbers equal the JSON
//! output of the same run.

use std::path::{Path, PathBuf};
use std::process::Command;

fn seed(name: &str) -> String {
    format!("{}/../../seeds/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("ontschot-report-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn chromium() -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"].iter().find_map(|c| {
        let out = Command::new("sh").args(["-c", &format!("command -v {c}")]).output().ok()?;
        out.status.success().then(|| PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()))
    })
}

fn attribute_values(html: &str, attribute: &str) -> Vec<f64> {
    let key = format!("{attribute}=\"");
    html.match_indices(&key)
        .map(|(i, _)| {
            let rest = &html[i + key.len()..];
            rest[..rest.find('"').unwrap()].parse::<f64>().unwrap()
        })
        .collect()
}

fn run(args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_ontschot")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn report_renders_in_a_browser_with_the_numbers_of_the_run() {
    let html_path = tmp("samenoud.html");
    let json_path = tmp("samenoud.json");
    let (h, j) = (html_path.to_str().unwrap(), json_path.to_str().unwrap());
    run(&["report", &seed("samenoud.toml"), "-o", h, "-n", "400", "--seed", "5", "-q"]);
    run(&["run", &seed("samenoud.toml"), "-n", "400", "--seed", "5", "--json", j, "-q"]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    // Self-contained: nothing to fetch (the SVG namespace is a name, not a request).
    let outside = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for needle in ["http://", "https://", "<script", "src=", "@import", "url("] {
        assert!(!outside.contains(needle), "the report refers to something outside it: {needle}");
    }
    // Headline numbers equal the JSON of the same run.
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    // The headlines leave out the grant funder, whom nothing touches without its grant.
    let payers: Vec<&serde_json::Value> =
        doc["summaries"][0]["payers"].as_array().unwrap().iter().filter(|p| p["name"] != "grant_funder").collect();
    assert_eq!(payers.len(), 4);
    let net_after = attribute_values(&html, "data-net-after");
    let net = attribute_values(&html, "data-net");
    assert_eq!(net_after.len(), payers.len());
    for (k, p) in payers.iter().enumerate() {
        let (want_after, want) = (p["net_after"]["mean"].as_f64().unwrap(), p["net"]["mean"].as_f64().unwrap());
        assert!(
            (net_after[k] - want_after).abs() <= 1e-9 * want_after.abs().max(1.0),
            "{} vs {want_after}",
            net_after[k]
        );
        assert!((net[k] - want).abs() <= 1e-9 * want.abs().max(1.0));
    }
    // Every chart has its numbers in a table beside it.
    assert!(html.matches("<svg").count() >= 4, "charts: who pays, the years, a tornado per payer");
    assert!(html.matches("<table").count() >= html.matches("<svg").count());

    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromium (.ci/run installs it)");
        eprintln!("skipped the browser check: no chromium on this machine (apt-get install chromium)");
        return;
    };
    let netlog = tmp("netlog.json");
    let out = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0"])
        // The browser's own background traffic (updates, translation, sync) is switched off, and
        // no host name resolves: only the page could ask for anything, and nothing leaves.
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--no-first-run",
            "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication,NetworkTimeServiceQuerying",
            "--disable-client-side-phishing-detection",
            "--safebrowsing-disable-auto-update",
            "--metrics-recording-only",
            "--host-resolver-rules=MAP * ~NOTFOUND",
        ])
        .arg(format!("--log-net-log={}", netlog.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", Path::new(&html_path).display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let dom = String::from_utf8_lossy(&out.stdout);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(!log.contains(":CONSOLE("), "console messages:\n{log}");
    // The page the browser built holds the charts and the same numbers.
    assert!(dom.matches("<svg").count() >= 4);
    assert_eq!(attribute_values(&dom, "data-net-after"), net_after);
    // No request from the page. The browser's own requests (which the flags above keep from
    // resolving) carry the initiator "not an origin"; anything the page asked for would carry its
    // origin.
    let log: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&netlog).unwrap()).unwrap();
    let outside: Vec<String> = log["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            let p = &e["params"];
            let initiator = p.get("initiator")?.as_str()?;
            (initiator != "not an origin").then(|| format!("{} (from {initiator})", p["url"]))
        })
        .collect();
    assert!(outside.is_empty(), "network requests: {outside:?}");
}

#[test]
fn report_speaks_english_on_request_and_refuses_other_languages() {
    let path = tmp("wor.html");
    run(&["report", &seed("welzijn_op_recept.toml"), "-o", path.to_str().unwrap(), "-n", "200", "--lang", "en", "-q"]);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(html.contains("Who pays and who benefits") && html.contains("lang=\"en\""));
    assert!(html.contains("Every assumption") && html.contains("coach_trajectory_cost"));
    // Numbers in each language's own notation: "for 100 people" and decimals with a point in
    // English; a decimal comma, "mln" and dots between thousands in Dutch.
    assert!(html.contains("3.0% / 1.5%") && html.contains("€"), "English separators");
    let nl = tmp("samenoud-nl.html");
    run(&["report", &seed("samenoud.toml"), "-o", nl.to_str().unwrap(), "-n", "200", "-q"]);
    let nl = std::fs::read_to_string(&nl).unwrap();
    assert!(nl.contains("voor 2.971 mensen") && nl.contains("3,0% / 1,5%"), "Dutch separators");
    assert!(nl.contains(" mln") && !nl.contains("M<") && !nl.contains("0.0M"), "Dutch units");
    let out = Command::new(env!("CARGO_BIN_EXE_ontschot"))
        .args(["report", &seed("samenoud.toml"), "-o", "/tmp/x.html", "--lang", "fr"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--lang must be nl or en"));
}

#[test]
fn a_region_report_shows_the_budget_per_year_each_party_the_free_riders_and_the_deal() {
    let path = tmp("region.html");
    run(&["report", &seed("region_samenoud.toml"), "-o", path.to_str().unwrap(), "-n", "200", "-q"]);
    let html = std::fs::read_to_string(&path).unwrap();
    let at = |needle: &str| html.find(needle).unwrap_or_else(|| panic!("missing '{needle}'"));
    // The budget view comes before the societal view.
    assert!(at("Begroting per jaar") < at("Maatschappelijk perspectief"));
    for needle in [
        "Per gemeente en verzekeraar",
        "Gemeente Stadskanaal",
        "Menzis",
        "Meedoen of buiten blijven",
        "Waarde van buiten blijven",
        "Een verdeling die iedereen kan tekenen?",
    ] {
        at(needle);
    }
    // The fund neither wins nor loses.
    assert!(html.contains("De uitgaven van het Fonds langdurige zorg"));
    let path = tmp("region-en.html");
    run(&["report", &seed("region_samenoud.toml"), "-o", path.to_str().unwrap(), "-n", "200", "--lang", "en", "-q"]);
    let html = std::fs::read_to_string(&path).unwrap();
    for needle in [
        "Budget per year",
        "Per municipality and insurer",
        "Joining or staying out",
        "every party gains with a chance of at least",
    ] {
        assert!(html.contains(needle), "missing '{needle}'");
    }
}

/// The first screen's lines, as text.
fn answer(html: &str) -> String {
    let start = html.find("<section class=\"answer\"").expect("an answer section");
    let end = start + html[start..].find("</section>").unwrap();
    let mut text = String::new();
    let mut inside = false;
    for c in html[start..end].chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            c if !inside => text.push(c),
            _ => {}
        }
    }
    text
}

#[test]
fn the_first_screen_says_what_it_brings_people_and_all_parties_with_intervals_in_the_sentences_direction() {
    let path = tmp("samenoud-answer.html");
    run(&["report", &seed("samenoud.toml"), "-o", path.to_str().unwrap(), "-n", "300", "--arm", "samenoud", "-q"]);
    let html = std::fs::read_to_string(&path).unwrap();
    let first = answer(&html);
    assert!(first.contains("Voor de mensen: circa ") && first.contains(" QALY's erbij (95%-interval "), "{first}");
    assert!(
        first.contains("Alle partijen samen betalen circa") || first.contains("Alle partijen samen besparen circa"),
        "{first}"
    );
    // "pays more" with its interval as amounts paid more, direction words where it crosses zero.
    // Amounts are held together by non-breaking spaces.
    assert!(first.contains("De gemeente betaalt circa €\u{a0}") && first.contains(" minder tot €\u{a0}"), "{first}");
    assert!(!first.contains("(95%-interval: -€"), "an interval against its sentence: {first}");
    assert!(html.contains("--arm samenoud"), "the command that reproduces it");
    // What it changes in people's course comes before what it costs: the nursing-home admissions
    // and deaths, from the trace.
    let events = first.find("Instroom over de looptijd: ").expect("the events sentence");
    assert!(events < first.find("De gemeente").unwrap(), "{first}");
    assert!(first.contains("Nursing home (Wlz) circa ") && first.contains(" minder (95%-interval "), "{first}");
    // Welzijn op Recept changes no one's health in the model and has no arrangements in force:
    // no health line, and no columns "after the arrangements" that would repeat "before".
    let path = tmp("wor-answer.html");
    run(&["report", &seed("welzijn_op_recept.toml"), "-o", path.to_str().unwrap(), "-n", "200", "--lang", "en", "-q"]);
    let html = std::fs::read_to_string(&path).unwrap();
    assert!(!html.contains("class=\"health\"") && answer(&html).contains("All parties together pay about €"));
    assert!(!html.contains("<th scope=\"col\">Net after arrangements</th>"), "after columns without arrangements");
    for (arm, why) in [
        ("usual_care", "is the comparator"),
        ("nope", "no arm named 'nope' (the intervention arms: welzijn_op_recept)"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ontschot"))
            .args(["report", &seed("welzijn_op_recept.toml"), "-o", "/tmp/x.html", "-n", "10", "--arm", arm])
            .output()
            .unwrap();
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(why));
    }
}

/// True when the words of `needle` appear in `hay` in order, from the words of one table cell
/// read out of a PDF in which the cells of a row interleave: consecutive words of the needle may
/// have up to a few hundred other words between them. A word hyphenated at a line's end may come
/// back joined ("6.05-" "87.25" as "6.0587.25"): one word of the PDF then stands for two.
fn in_order(hay: &[String], needle: &str) -> bool {
    const GAP: usize = 400;
    let needle = words(needle);
    let Some(first) = needle.first() else { return true };
    hay.iter().enumerate().filter(|(_, w)| *w == first).any(|(start, _)| {
        let (mut i, mut gap) = (1, 0);
        for word in &hay[start + 1..] {
            if i == needle.len() {
                return true;
            }
            if *word == needle[i] {
                (i, gap) = (i + 1, 0);
            } else if i + 1 < needle.len() && *word == format!("{}{}", needle[i], needle[i + 1]) {
                (i, gap) = (i + 2, 0);
            } else {
                gap += 1;
                if gap > GAP {
                    return false;
                }
            }
        }
        i == needle.len()
    })
}

/// The words of a text, split at hyphens too: pdftotext keeps a hyphen at a line's end or
/// joins the word across it, so hyphens count on neither side.
fn words(text: &str) -> Vec<String> {
    text.replace('\u{ad}', "")
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[test]
fn printed_to_pdf_the_report_is_a4_and_keeps_every_source_text() {
    let (Some(browser), Ok(_)) = (chromium(), Command::new("pdftotext").arg("-v").output()) else {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromium and pdftotext (.ci/run installs them)");
        eprintln!("skipped the print check: needs chromium and pdftotext (apt-get install chromium poppler-utils)");
        return;
    };
    let html = tmp("print.html");
    run(&["report", &seed("samenoud.toml"), "-o", html.to_str().unwrap(), "-n", "200", "-q"]);
    let pdf = tmp("print.pdf");
    let out = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"])
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {}", String::from_utf8_lossy(&out.stderr));
    let info = Command::new("pdfinfo").arg(&pdf).output().unwrap();
    assert!(String::from_utf8_lossy(&info.stdout).contains("(A4)"), "{}", String::from_utf8_lossy(&info.stdout));
    // -layout keeps each table row's lines in their order on the page; without it pdftotext may
    // read a cell's second line before its first.
    let text = Command::new("pdftotext").arg("-layout").arg(&pdf).arg("-").output().unwrap();
    let printed = words(&String::from_utf8_lossy(&text.stdout));
    let scenario = ontschot::Scenario::from_file(seed("samenoud.toml")).unwrap();
    let cut: Vec<&str> = scenario
        .parameters
        .iter()
        .filter(|(_, p)| !p.source.trim().is_empty() && !in_order(&printed, &p.source))
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(cut.is_empty(), "sources not on paper: {cut:?}");
    // An amount is never broken over two lines (the reading order of each cell's lines is
    // enough to see that).
    let raw = Command::new("pdftotext").arg(&pdf).arg("-").output().unwrap();
    assert!(
        !String::from_utf8_lossy(&raw.stdout).lines().any(|l| l.trim_end().ends_with('€')),
        "an amount broken after its euro sign"
    );
}

/// Measures the report in two frames, a laptop's first screen (1280 × 800) and a phone's
/// (390 × 844), from a page around it: the answer's bottom edge, the widest line, the smallest
/// font of the answer's sentences.
const FIRST_SCREEN: &str = r#"<!doctype html><html><body style="margin:0">
<iframe id="laptop" src="first.html" style="width:1280px;height:800px;border:0"></iframe>
<iframe id="phone" src="first.html" style="width:390px;height:844px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
let loaded = 0;
function measure(frame) {
  const d = frame.contentDocument;
  const lines = [...d.querySelectorAll('#answer p')];
  return {
    answer_bottom: d.getElementById('answer').getBoundingClientRect().bottom,
    width: d.documentElement.clientWidth,
    scroll_width: d.documentElement.scrollWidth,
    smallest_font: Math.min(...lines.map(p => parseFloat(getComputedStyle(p).fontSize))),
    lines: lines.length,
  };
}
function done() {
  if (++loaded < 2) return;
  const out = document.getElementById('result');
  try {
    out.textContent = JSON.stringify({ laptop: measure(document.getElementById('laptop')), phone: measure(document.getElementById('phone')) });
  } catch (e) { out.textContent = 'error: ' + e; }
}
document.getElementById('laptop').onload = done;
document.getElementById('phone').onload = done;
</script></body></html>"#;

#[test]
fn the_first_screen_holds_the_whole_answer_and_nothing_runs_off_a_phone() {
    let html = tmp("first.html");
    run(&["report", &seed("samenoud.toml"), "-o", html.to_str().unwrap(), "-n", "200", "--seed", "5", "-q"]);
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI must have chromium (.ci/run installs it)");
        eprintln!("skipped the screenshot test: no chromium on this machine");
        return;
    };
    let page = tmp("first-screen.html");
    std::fs::write(&page, FIRST_SCREEN).unwrap();
    let out = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"])
        .args(["--virtual-time-budget=5000", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout).replace("&quot;", "\"");
    let start = dom.find("<pre id=\"result\">").expect("the measuring page") + "<pre id=\"result\">".len();
    let result = &dom[start..start + dom[start..].find("</pre>").unwrap()];
    let m: serde_json::Value = serde_json::from_str(result).unwrap_or_else(|e| panic!("{e}: {result}"));
    let (laptop, phone) = (&m["laptop"], &m["phone"]);
    let f = |v: &serde_json::Value, k: &str| v[k].as_f64().unwrap();
    // The whole answer (what it brings people, every party, all together) without scrolling.
    assert!(f(laptop, "answer_bottom") <= 800.0, "the answer ends below the first screen: {m}");
    assert!(f(laptop, "lines") >= 6.0, "health, four payers, all parties: {m}");
    for device in [laptop, phone] {
        assert!(f(device, "scroll_width") <= f(device, "width"), "a line runs off the screen: {m}");
        assert!(f(device, "smallest_font") >= 14.0, "the answer's text is too small: {m}");
    }
    // The picture itself, for a person to look at: a PNG of the laptop's first screen.
    let png = tmp("first-screen.png");
    let shot = Command::new(&browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--window-size=1280,800"])
        .arg(format!("--screenshot={}", png.display()))
        .arg(format!("file://{}", html.display()))
        .output()
        .unwrap();
    assert!(shot.status.success(), "{}", String::from_utf8_lossy(&shot.stderr));
    let bytes = std::fs::read(&png).unwrap();
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let size = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((size(16), size(20)), (1280, 800), "the IHDR's width and height");
    eprintln!("first screen: {}", png.display());
}
