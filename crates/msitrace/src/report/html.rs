//! HTML rendering of a [`Report`]: one self-contained page (inline CSS and script, no network).
//!
//! Sections: a summary (verdict, sessions, bundles, inputs), the failure chain of the main finding
//! drawn as inline SVG ([`super::chain`]), a zoomable timeline of the kept events per input, the
//! findings with their evidence lines and remedies, and the events table with a filter box (which
//! a link can preset: `report.html#q=InstallFinalize`).
//!
//! Log text is untrusted: every piece of it goes through [`escape`]. As a second line of defence
//! the page carries a Content-Security-Policy that allows no network access and runs only the
//! page's own script (by its SHA-256 hash), so a `<script>` that slipped through would not run.
//! The script only moves timeline points and hides table rows; it never builds markup from text.

use super::chain_svg::ChainGraph;
use super::escape;
use crate::analysis::timeline::TimelineEntry;
use crate::analysis::{ClockMethod, InputStatus, Report};
use crate::codes::OutcomeClass;
use std::fmt::Write;

/// The page's script. Its SHA-256 is [`SCRIPT_SHA256`], allowed by the page's CSP: change both
/// together (the unit test `csp_hash_matches_the_script` fails when they disagree, and the page
/// would lose its filter and zoom in a browser).
const SCRIPT: &str = r##"(function(){"use strict";
var q=document.getElementById("filter"),rows=[].slice.call(document.querySelectorAll("#events-table tbody tr")),shown=document.getElementById("shown");
function filter(){var s=q.value.toLowerCase(),n=0;rows.forEach(function(r){var ok=!s||r.textContent.toLowerCase().indexOf(s)>=0;r.hidden=!ok;if(ok)n++;});shown.textContent=n+" of "+rows.length+" events shown";}
if(q){if(location.hash.indexOf("#q=")===0){q.value=decodeURIComponent(location.hash.slice(3));}q.addEventListener("input",filter);filter();}
var svg=document.getElementById("timeline-svg");
if(svg){var L=+svg.getAttribute("data-left"),W=+svg.getAttribute("data-width"),T=+svg.getAttribute("data-span"),B=+svg.getAttribute("data-base");
var v0=0,v1=T>0?T:1,pts=[].slice.call(svg.querySelectorAll("[data-t]")),axis=document.getElementById("axis"),NS="http://www.w3.org/2000/svg";
function fmt(ms){var d=new Date(Math.round(ms)).toISOString(),w=v1-v0;return w>=86400000?d.slice(0,10)+" "+d.slice(11,16):w>=600000?d.slice(11,19):d.slice(11,23);}
function x(t){return L+(t-v0)/(v1-v0)*W;}
function draw(){pts.forEach(function(e){var cx=x(+e.getAttribute("data-t"));e.setAttribute("cx",cx.toFixed(1));e.style.display=(cx<L-4||cx>L+W+4)?"none":"";});
while(axis.firstChild)axis.removeChild(axis.firstChild);
for(var i=0;i<=5;i++){var t=document.createElementNS(NS,"text");t.setAttribute("x",L+W*i/5);t.setAttribute("y",14);t.setAttribute("text-anchor","middle");t.textContent=fmt(B+v0+(v1-v0)*i/5);axis.appendChild(t);}
document.getElementById("zoom-level").textContent=(T>0?Math.round(T/(v1-v0)*10)/10:1)+"\u00d7";}
function zoom(f,c){var span=Math.max(5,Math.min(T>0?T:1,(v1-v0)*f));v0=c-(c-v0)*span/(v1-v0);v1=v0+span;if(v0<0){v0=0;v1=span;}if(v1>T&&T>0){v1=T;v0=T-span;}draw();}
function at(e){var r=svg.getBoundingClientRect(),vb=svg.viewBox.baseVal,px=(e.clientX-r.left)/r.width*vb.width;return v0+(px-L)/W*(v1-v0);}
svg.addEventListener("wheel",function(e){e.preventDefault();zoom(e.deltaY<0?0.8:1.25,at(e));},{passive:false});
var drag=null;svg.addEventListener("mousedown",function(e){drag={x:e.clientX,v0:v0,v1:v1};});
window.addEventListener("mouseup",function(){drag=null;});
svg.addEventListener("mousemove",function(e){if(!drag)return;var r=svg.getBoundingClientRect(),vb=svg.viewBox.baseVal,d=(e.clientX-drag.x)/r.width*vb.width/W*(drag.v1-drag.v0),span=drag.v1-drag.v0;v0=Math.max(0,Math.min((T>0?T:1)-span,drag.v0-d));v1=v0+span;draw();});
document.getElementById("zoom-in").addEventListener("click",function(){zoom(0.5,(v0+v1)/2);});
document.getElementById("zoom-out").addEventListener("click",function(){zoom(2,(v0+v1)/2);});
document.getElementById("zoom-reset").addEventListener("click",function(){v0=0;v1=T>0?T:1;draw();});
draw();}
document.body.setAttribute("data-ready","1");})();"##;

/// Base64 SHA-256 of [`SCRIPT`], for the CSP `script-src`.
const SCRIPT_SHA256: &str = "i0N7win84l16z1fVdhLto6zv2hMVsdrm40a8Owak/mU=";

const STYLE: &str = r#"
:root{--err:#b3261e;--warn:#8a5a00;--info:#0b57d0;--ok:#146c2e;--line:#d0d7de;--bg:#f6f8fa}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:1600px;padding:16px 24px;color:#1f2328}
section{max-width:100%;overflow-x:auto}td{overflow-wrap:anywhere}
h1{font-size:22px;margin:4px 0}h2{font-size:18px;border-bottom:1px solid var(--line);padding-bottom:4px;margin-top:28px}
.verdict{font-weight:600;font-size:16px}.verdict.failed{color:var(--err)}.verdict.ok{color:var(--ok)}.verdict.none{color:var(--warn)}
table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
th{background:var(--bg)}td.mono,pre,code{font-family:ui-monospace,SFMono-Regular,Consolas,monospace;font-size:12.5px}
pre{background:var(--bg);padding:6px 8px;margin:2px 0 8px;white-space:pre-wrap;word-break:break-all;border-radius:4px}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff}
.sev-error{background:var(--err)}.sev-warning{background:var(--warn)}.sev-info{background:var(--info)}
.finding{border:1px solid var(--line);border-radius:6px;padding:8px 12px;margin:10px 0}
.finding h3{margin:2px 0 6px;font-size:16px}.meta{color:#57606a;font-size:12.5px}
.ev-role{font-weight:600;text-transform:uppercase;font-size:11px;color:#57606a}
svg.chain rect{fill:#fff;stroke:#888;stroke-width:1.5}
svg.chain .role-cause rect{fill:#fde7e6;stroke:var(--err)}svg.chain .role-failure rect{fill:#fff1d6;stroke:var(--warn)}
svg.chain .role-outcome rect{fill:#f3e8fd;stroke:#6f42c1}svg.chain .role-context rect{fill:#f6f8fa}
svg.chain .node-head{font-weight:600;font-size:13px}svg.chain .node-detail{font-family:ui-monospace,Consolas,monospace;font-size:11.5px}
svg text{fill:#1f2328}
#timeline-svg{width:100%;height:auto;border:1px solid var(--line);cursor:grab;user-select:none;background:#fff}
#timeline-svg circle{fill:var(--info);opacity:.75}#timeline-svg circle.evidence{fill:var(--err);opacity:1}
#timeline-svg .lane{font-size:12px}#timeline-svg .lane-line{stroke:#d0d7de;stroke-width:1}#timeline-svg #axis text{font-size:11px;fill:#57606a}
.controls button{margin-right:4px}
#filter{width:360px;max-width:100%;padding:4px 6px}
#events-table{table-layout:fixed}#events-table col.c-time{width:15.5em}#events-table col.c-where{width:14em}#events-table col.c-kind{width:8.5em}
#events-table td.text{white-space:pre-wrap}.unaligned{color:var(--warn);font-style:italic}
@media (max-width:1000px){#events-table col.c-time{width:9em}#events-table col.c-where{width:10em}#events-table col.c-kind{width:6.5em}#events-table td{font-size:11.5px}body{padding:8px 10px}}
.muted{color:#57606a}
"#;

/// Render the report as one self-contained HTML page.
///
/// ```
/// use msitrace::analysis::{analyze_paths, AnalysisSettings};
/// let report = analyze_paths(&["../../fixtures/msilog/error-1310-utf16.log".into()], &AnalysisSettings::default());
/// let html = msitrace::report::html::render(&report);
/// assert!(html.starts_with("<!DOCTYPE html>"));
/// assert!(html.contains("id=\"chain-svg\""));
/// ```
pub fn render(report: &Report) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-{SCRIPT_SHA256}'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="{tool}">
<title>msitrace report</title>
<style>{STYLE}</style>
</head>
<body>
"#,
        tool = escape::html(&report.tool)
    );
    summary(&mut out, report);
    chain(&mut out, report);
    timeline(&mut out, report);
    findings(&mut out, report);
    events(&mut out, &report.timeline);
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
}

fn summary(out: &mut String, report: &Report) {
    let (class, verdict) = match report.verdict {
        crate::analysis::Verdict::FailureFound => ("failed", "Failure found"),
        crate::analysis::Verdict::NoFailureFound => ("ok", "No failure found"),
        crate::analysis::Verdict::NothingAnalysed => ("none", "Nothing analysed"),
    };
    let _ = writeln!(
        out,
        r#"<header><h1>msitrace report</h1><p class="verdict {class}" id="verdict">{verdict}</p><p class="muted">{} · {} input(s), {} installer session(s), {} bundle(s), {} finding(s)</p></header>"#,
        escape::html(&report.tool),
        report.inputs.len(),
        report.sessions.len(),
        report.bundles.len(),
        report.findings.len()
    );
    if let Some(f) = report.findings.first() {
        let _ = writeln!(
            out,
            r#"<p id="main-finding"><span class="badge sev-{}">{}</span> <strong>{}</strong> — {}</p>"#,
            f.severity.label(),
            f.severity.label(),
            escape::html(&f.title),
            escape::html(&f.summary)
        );
    }
    let _ = writeln!(out, r#"<section id="summary"><h2>Summary</h2>"#);
    if !report.sessions.is_empty() {
        out.push_str("<table><thead><tr><th>#</th><th>Operation</th><th>Product</th><th>Result</th><th>Failed action</th><th>Log</th><th>Time (local)</th></tr></thead><tbody>\n");
        for (n, s) in report.sessions.iter().enumerate() {
            let product = [s.product.as_deref(), s.version.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" ");
            let recorded = s.recorded.as_ref().filter(|r| r.path == s.path);
            let time = match (s.start, s.end, recorded) {
                (Some(a), Some(b), _) => format!("{a} → {b}"),
                (Some(a), None, _) => a.to_string(),
                (None, _, Some(r)) => match (r.start, r.end) {
                    (Some(a), Some(b)) => format!(
                        "{} → {} UTC",
                        a.format("%Y-%m-%d %H:%M:%S"),
                        b.format("%Y-%m-%d %H:%M:%S")
                    ),
                    _ => String::new(),
                },
                _ => String::new(),
            };
            let (unit, first, last) = match recorded {
                Some(r) => (
                    "records",
                    r.records.first().copied().unwrap_or(0),
                    r.records.last().copied().unwrap_or(0),
                ),
                None => ("lines", s.lines[0], s.lines[1]),
            };
            let _ = writeln!(
                out,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="mono">{} {unit} {first}–{last}</td><td>{}</td></tr>"#,
                n + 1,
                escape::html(&s.operation.to_string()),
                escape::html(&product),
                outcome_cell(s.outcome.as_ref()),
                s.failed_action
                    .as_ref()
                    .map(|a| format!("{} (line {})", escape::html(&a.name), a.line))
                    .unwrap_or_default(),
                escape::html(&s.path),
                escape::html(&time)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    if !report.bundles.is_empty() {
        out.push_str("<table><thead><tr><th>Bundle</th><th>Version</th><th>Result</th><th>Log</th><th>Packages</th></tr></thead><tbody>\n");
        for b in &report.bundles {
            let packages = b
                .package_logs
                .iter()
                .map(|l| {
                    format!(
                        "{} → {}{}",
                        escape::html(&l.package),
                        escape::html(&l.path),
                        if l.input.is_some() {
                            ""
                        } else {
                            " (not given)"
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("<br>");
            let _ = writeln!(
                out,
                r#"<tr><td>{}</td><td>{}</td><td>{}</td><td class="mono">{}</td><td class="mono">{packages}</td></tr>"#,
                escape::html(b.name.as_deref().unwrap_or("(unnamed)")),
                escape::html(b.version.as_deref().unwrap_or("")),
                outcome_cell(b.outcome.as_ref()),
                escape::html(&b.path)
            );
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("<table id=\"inputs\"><thead><tr><th>#</th><th>Input</th><th>Format</th><th>Status</th><th>Lines</th><th>Events</th><th>Clock (offset from UTC)</th><th>Notes</th></tr></thead><tbody>\n");
    for i in &report.inputs {
        let status = match i.status {
            InputStatus::Analyzed => "analysed",
            InputStatus::Unsupported => "not yet supported",
            InputStatus::Unrecognized => "skipped",
            InputStatus::Error => "error",
        };
        let mut notes: Vec<String> = i.error.iter().map(|e| escape::html(e)).collect();
        notes.extend(i.warnings.iter().take(10).map(|w| escape::html(&w.text)));
        if i.warnings.len() > 10 {
            notes.push(format!("… and {} more warnings", i.warnings.len() - 10));
        }
        let clock = match report.clock.iter().find(|c| c.input == i.id) {
            Some(c) => {
                let how = match &c.method {
                    ClockMethod::Utc => "as written".to_string(),
                    ClockMethod::Override => "given".to_string(),
                    ClockMethod::Anchored { anchors, .. } => {
                        format!("{anchors} matching moment(s)")
                    }
                    ClockMethod::SameMachine { from } => format!("same machine as #{}", from + 1),
                    ClockMethod::Unknown => "not aligned".to_string(),
                };
                let date = c
                    .assumed_date
                    .map(|d| format!("; date assumed {d}"))
                    .unwrap_or_default();
                escape::html(&format!(
                    "{} ({how}; {} confidence{date})",
                    c.offset.as_deref().unwrap_or("unknown"),
                    c.confidence.label()
                ))
            }
            None => String::new(),
        };
        let _ = writeln!(
            out,
            r#"<tr><td>{}</td><td class="mono">{}</td><td>{}</td><td>{status}</td><td>{}</td><td>{}</td><td>{clock}</td><td>{}</td></tr>"#,
            i.id + 1,
            escape::html(&i.path),
            i.format.map(|f| f.label()).unwrap_or(""),
            i.lines,
            i.events,
            notes.join("<br>")
        );
    }
    out.push_str("</tbody></table></section>\n");
}

fn outcome_cell(o: Option<&crate::findings::Outcome>) -> String {
    match o {
        Some(o) => {
            let label = match o.class {
                OutcomeClass::Failure => format!("<strong>{}</strong>", o.class.verdict()),
                other => other.verdict().to_string(),
            };
            format!("{label} ({} {})", o.code, escape::html(&o.meaning))
        }
        None => "no exit status".into(),
    }
}

fn chain(out: &mut String, report: &Report) {
    out.push_str("<section id=\"chain\"><h2>Failure chain</h2>\n");
    let built = report
        .graph
        .as_ref()
        .and_then(|g| ChainGraph::from_graph(g, 0));
    match report.findings.first() {
        Some(f) if built.is_some() => {
            let _ = writeln!(
                out,
                r#"<p class="muted">How the main finding, <code>{}</code>, came about: from the process and operation that failed to the exit status and the records that reported it.</p>"#,
                escape::html(&f.id)
            );
            out.push_str(&built.unwrap_or_default().to_svg(true));
            out.push('\n');
        }
        Some(f) if !f.evidence.is_empty() => {
            let _ = writeln!(
                out,
                r#"<p class="muted">From the evidence of the main finding, <code>{}</code>: cause → context → failure → outcome.</p>"#,
                escape::html(&f.id)
            );
            out.push_str(&ChainGraph::from_finding(f).to_svg(true));
            out.push('\n');
        }
        _ => out.push_str("<p class=\"muted\">No failure chain: nothing failed.</p>\n"),
    }
    out.push_str("</section>\n");
}

/// The event's aligned UTC time in milliseconds since 1970, the timeline's clock: local times of
/// MSI logs and captures are drawn where the clock put them, and events the clock could not place
/// are not drawn (the events table marks them "not aligned"). When no event at all is aligned
/// (local-time logs without an event log to anchor them), `local` draws the times as read, dated.
fn time_key(e: &TimelineEntry, local: bool) -> Option<i64> {
    match e.event.time.aligned {
        Some(t) => Some(t.timestamp_millis()),
        None if local => e
            .event
            .time
            .local_datetime()
            .map(|t| t.and_utc().timestamp_millis()),
        None => None,
    }
}

/// The aligned time as the page shows it (`2026-11-18 19:02:15.430Z`), or `not aligned`.
fn utc_text(e: &TimelineEntry) -> String {
    match e.event.time.aligned {
        Some(t) => t.format("%Y-%m-%d %H:%M:%S%.3fZ").to_string(),
        None => "not aligned".into(),
    }
}

const TL_LEFT: usize = 260;
const TL_WIDTH: usize = 900;
const TL_LANE: usize = 28;

fn timeline(out: &mut String, report: &Report) {
    out.push_str("<section id=\"timeline\"><h2>Timeline</h2>\n");
    let local = report
        .timeline
        .iter()
        .all(|e| e.event.time.aligned.is_none());
    let timed: Vec<(&TimelineEntry, i64)> = report
        .timeline
        .iter()
        .filter_map(|e| time_key(e, local).map(|k| (e, k)))
        .collect();
    let unaligned = report.timeline.len() - timed.len();
    if timed.is_empty() {
        out.push_str(
            "<p class=\"muted\">No event with a time on the aligned clock to draw.</p></section>\n",
        );
        return;
    }
    let t0 = timed.iter().map(|(_, k)| *k).min().unwrap_or(0);
    let t1 = timed.iter().map(|(_, k)| *k).max().unwrap_or(0);
    let mut lanes: Vec<&str> = Vec::new();
    for (e, _) in &timed {
        if !lanes.contains(&e.path.as_str()) {
            lanes.push(&e.path);
        }
    }
    let evidence: Vec<(&str, u64)> = report
        .findings
        .iter()
        .flat_map(|f| f.evidence.iter())
        .filter_map(|e| e.line.map(|l| (e.input.as_str(), l)))
        .collect();
    let height = 24 + lanes.len() * TL_LANE + 8;
    let width = TL_LEFT + TL_WIDTH + 60;
    let _ = writeln!(
        out,
        r#"<p class="controls"><button id="zoom-in" type="button">Zoom in</button><button id="zoom-out" type="button">Zoom out</button><button id="zoom-reset" type="button">Reset</button> <span class="muted">zoom <span id="zoom-level">1×</span> · wheel to zoom, drag to pan · {}; red: evidence of a finding{}</span></p>"#,
        if local {
            "local time as read (no input could be aligned to UTC)"
        } else {
            "UTC, every input on the aligned clock (see the inputs' clock column)"
        },
        match unaligned {
            0 => String::new(),
            n => format!(" · {n} events not aligned, not drawn"),
        }
    );
    let _ = write!(
        out,
        r#"<svg id="timeline-svg" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" data-left="{TL_LEFT}" data-width="{TL_WIDTH}" data-span="{}" data-base="{}" role="img" aria-label="timeline of the inputs"><g id="axis"></g>"#,
        t1 - t0,
        t0
    );
    for (n, lane) in lanes.iter().enumerate() {
        let y = 24 + n * TL_LANE + TL_LANE / 2;
        let name = lane.rsplit(['/', '\\']).next().unwrap_or(lane);
        let _ = write!(
            out,
            r#"<text class="lane" x="6" y="{}"><title>{}</title>{}</text><line x1="{TL_LEFT}" y1="{y}" x2="{}" y2="{y}" class="lane-line"/>"#,
            y + 4,
            escape::html(lane),
            escape::html(&crate::text::clip(name, 34)),
            TL_LEFT + TL_WIDTH,
        );
    }
    let span = (t1 - t0).max(1) as f64;
    for (e, k) in &timed {
        let lane = lanes.iter().position(|l| *l == e.path).unwrap_or(0);
        let y = 24 + lane * TL_LANE + TL_LANE / 2;
        let cx = TL_LEFT as f64 + (k - t0) as f64 / span * TL_WIDTH as f64;
        let line = match e.event.at {
            crate::event::Location::Line(n) => Some(n),
            _ => None,
        };
        let is_evidence = line.is_some_and(|l| evidence.contains(&(e.path.as_str(), l)));
        let _ = write!(
            out,
            r#"<circle{} cx="{cx:.1}" cy="{y}" r="{}" data-t="{}"><title>{} {} — {}</title></circle>"#,
            if is_evidence {
                r#" class="evidence""#
            } else {
                ""
            },
            if is_evidence { 5 } else { 3 },
            k - t0,
            escape::html(&if local {
                e.time_text().unwrap_or_default()
            } else {
                utc_text(e)
            }),
            escape::html(&e.place()),
            escape::html(&crate::text::clip(&e.event.describe(), 200))
        );
    }
    out.push_str("</svg></section>\n");
}

fn findings(out: &mut String, report: &Report) {
    out.push_str("<section id=\"findings\"><h2>Findings</h2>\n");
    if report.verdict == crate::analysis::Verdict::NothingAnalysed {
        let _ = writeln!(
            out,
            "<p>Nothing analysed: {}.</p>",
            escape::html(&report.verdict.reason(&report.inputs))
        );
    } else if report.findings.is_empty() {
        out.push_str("<p>No failure found.</p>\n");
    }
    for (n, f) in report.findings.iter().enumerate() {
        let conf = f.confidence.label();
        let _ = writeln!(
            out,
            r#"<div class="finding" id="finding-{}"><h3>{}. <span class="badge sev-{sev}">{sev}</span> {}</h3><p class="meta"><code>{}</code> · {} · {conf} confidence</p><p>{}</p>"#,
            n + 1,
            n + 1,
            escape::html(&f.title),
            escape::html(&f.id),
            escape::html(&f.category),
            escape::html(&f.summary),
            sev = f.severity.label(),
        );
        if !f.evidence.is_empty() {
            out.push_str("<h4>Evidence</h4>\n");
            for e in &f.evidence {
                let _ = writeln!(
                    out,
                    r#"<div class="evidence"><span class="ev-role">{}</span> <code>{}</code><pre>{}</pre></div>"#,
                    e.role.label(),
                    escape::html(&e.place()),
                    escape::html(e.text.trim())
                );
            }
        }
        if !f.remediation.is_empty() {
            out.push_str("<h4>What to do</h4><ul>\n");
            for r in &f.remediation {
                let _ = writeln!(out, "<li>{}</li>", escape::html(r));
            }
            out.push_str("</ul>\n");
        }
        if !f.references.is_empty() {
            out.push_str("<h4>See also</h4><ul>\n");
            for r in &f.references {
                // Only https links become links; anything else (javascript:, data:) stays text.
                if r.starts_with("https://") && !r.contains(char::is_whitespace) {
                    let _ = writeln!(
                        out,
                        r#"<li><a href="{0}" rel="noreferrer noopener">{0}</a></li>"#,
                        escape::html(r)
                    );
                } else {
                    let _ = writeln!(out, "<li>{}</li>", escape::html(r));
                }
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</div>\n");
    }
    out.push_str("</section>\n");
}

fn events(out: &mut String, timeline: &[TimelineEntry]) {
    out.push_str("<section id=\"events\"><h2>Events</h2>\n");
    let _ = writeln!(
        out,
        r#"<p><input id="filter" type="search" placeholder="Filter events (text, file, kind)…" aria-label="filter events"> <span id="shown" class="muted">{} events</span> <span class="muted">· in time order on the aligned clock (UTC); “as read” is the time the log wrote</span></p>"#,
        timeline.len()
    );
    out.push_str("<table id=\"events-table\"><colgroup><col class=\"c-time\"><col class=\"c-time\"><col class=\"c-where\"><col class=\"c-kind\"><col></colgroup><thead><tr><th>Time (UTC)</th><th>As read</th><th>Where</th><th>Kind</th><th>Text</th></tr></thead><tbody>\n");
    for i in crate::analysis::timeline_in_time_order(timeline) {
        let e = &timeline[i];
        let utc = match e.event.time.aligned {
            Some(_) => escape::html(&utc_text(e)),
            None => "<span class=\"unaligned\">not aligned</span>".into(),
        };
        let _ = writeln!(
            out,
            r#"<tr><td class="mono">{utc}</td><td class="mono">{}</td><td class="mono" title="{}">#{} {}</td><td>{}</td><td class="mono text">{}</td></tr>"#,
            escape::html(&e.time_text().unwrap_or_default()),
            escape::html(&e.place()),
            e.event.input + 1,
            escape::html(&short_place(e)),
            escape::html(e.kind_name()),
            escape::html(&crate::text::clip(&e.event.describe(), 400))
        );
    }
    out.push_str("</tbody></table></section>\n");
}

/// `install.log:30`, `application.xml record 9122`: the file name and the place in it (the full
/// path is the cell's title).
fn short_place(e: &TimelineEntry) -> String {
    let name = e.path.rsplit(['/', '\\']).next().unwrap_or(&e.path);
    match e.event.at {
        crate::event::Location::Line(n) => format!("{name}:{n}"),
        other => format!("{name} {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_has_no_closing_tag_and_hash_is_set() {
        assert!(!SCRIPT.contains("</"));
        assert_eq!(SCRIPT_SHA256.len(), 44, "base64 of a SHA-256");
    }

    /// SHA-256 (FIPS 180-4), enough to check the CSP hash without a dependency.
    fn sha256(data: &[u8]) -> [u8; 32] {
        const K: [u32; 64] = [
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
            0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
            0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
            0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
            0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
            0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
            0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
            0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
            0xc67178f2,
        ];
        let mut h: [u32; 8] = [
            0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
            0x5be0cd19,
        ];
        let mut msg = data.to_vec();
        msg.push(0x80);
        while msg.len() % 64 != 56 {
            msg.push(0);
        }
        msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
        for block in msg.chunks(64) {
            let mut w = [0u32; 64];
            for i in 0..16 {
                w[i] = u32::from_be_bytes([
                    block[4 * i],
                    block[4 * i + 1],
                    block[4 * i + 2],
                    block[4 * i + 3],
                ]);
            }
            for i in 16..64 {
                let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
                let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
                w[i] = w[i - 16]
                    .wrapping_add(s0)
                    .wrapping_add(w[i - 7])
                    .wrapping_add(s1);
            }
            let mut v = h;
            for i in 0..64 {
                let s1 = v[4].rotate_right(6) ^ v[4].rotate_right(11) ^ v[4].rotate_right(25);
                let ch = (v[4] & v[5]) ^ (!v[4] & v[6]);
                let t1 = v[7]
                    .wrapping_add(s1)
                    .wrapping_add(ch)
                    .wrapping_add(K[i])
                    .wrapping_add(w[i]);
                let s0 = v[0].rotate_right(2) ^ v[0].rotate_right(13) ^ v[0].rotate_right(22);
                let maj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
                let t2 = s0.wrapping_add(maj);
                v = [
                    t1.wrapping_add(t2),
                    v[0],
                    v[1],
                    v[2],
                    v[3].wrapping_add(t1),
                    v[4],
                    v[5],
                    v[6],
                ];
            }
            for (a, b) in h.iter_mut().zip(v) {
                *a = a.wrapping_add(b);
            }
        }
        let mut out = [0u8; 32];
        for (i, word) in h.iter().enumerate() {
            out[4 * i..4 * i + 4].copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    fn base64(data: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let b = [
                chunk[0],
                *chunk.get(1).unwrap_or(&0),
                *chunk.get(2).unwrap_or(&0),
            ];
            let n = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(A[(n >> (18 - 6 * i)) as usize & 63] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }

    #[test]
    fn csp_hash_matches_the_script() {
        assert_eq!(
            base64(&sha256(b"abc")),
            "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0="
        );
        assert_eq!(
            base64(&sha256(&[b'a'; 1000])),
            "Qe3s5C1j6Nm/UVqbppMuHCDLyfWl0TRkWttdsblzfqM="
        );
        assert_eq!(
            base64(&sha256(SCRIPT.as_bytes())),
            SCRIPT_SHA256,
            "SCRIPT changed: update SCRIPT_SHA256"
        );
    }
}
