#!/usr/bin/env bash
# Open the HTML report in a real headless browser (Debian's `chromium`) and check that it renders,
# shows the failure chain and the timeline, that the page's own script runs (so the CSP hash in
# crates/msitrace/src/report/html.rs matches the script), and that no script from log content runs
# (a hostile log with <script> and onerror= payloads in the product name, a path and custom-action
# output). Writes screenshots under target/html-check/ (not committed).
#
# Opt-in: CI does not need a browser. Without chromium the check is skipped with a message
# (exit 0); with MSITRACE_REQUIRE_BROWSER=1 a missing browser is a failure.
#
#   apt-get install -y chromium && scripts/html-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

browser="${CHROMIUM:-}"
if [ -z "$browser" ]; then
    for b in chromium chromium-browser google-chrome; do
        if command -v "$b" >/dev/null 2>&1; then browser="$b"; break; fi
    done
fi
if [ -z "$browser" ]; then
    echo "html-check: SKIPPED: no chromium found (apt-get install -y chromium, or set CHROMIUM=/path)"
    [ "${MSITRACE_REQUIRE_BROWSER:-0}" = 1 ] && exit 1
    exit 0
fi

out=target/html-check
mkdir -p "$out"
cargo build -q -p msitrace-cli
bin=target/debug/msitrace

# A hostile copy of the Burn package log (UTF-16LE fixture → UTF-8 with payloads).
python3 - "$out/hostile.log" <<'PY'
import sys
text = open("fixtures/burn/ContosoSuite_000_ContosoAgent.msi.log", "rb").read().decode("utf-16")
pwn = "document.body.setAttribute('data-pwned','1')"
text = (text
    .replace("Contoso Agent", f"Evil [click](https://evil.example) <img src=x onerror=\"{pwn}\"> <b>bold</b>")
    .replace("C:\\ProgramData\\Contoso\\agent.cfg", f"C:\\<script>{pwn};document.title='PWNED'</script>\\agent.cfg")
    .replace("Access is denied.", f"Access is denied.</pre><script>{pwn}</script><svg onload=\"{pwn}\">"))
open(sys.argv[1], "w", encoding="utf-8").write(text)
PY

status=0
"$bin" analyze fixtures/msilog/error-1310-utf16.log fixtures/burn --format html -o "$out/report.html" --fail-on never -q
"$bin" analyze "$out/hostile.log" --format html -o "$out/hostile.html" --fail-on never -q
"$bin" analyze fixtures/scenarios/temp-denied --format html -o "$out/temp-denied.html" --fail-on never -q

run_browser() { # file, then extra flags
    local file="$1"; shift
    timeout 90 "$browser" --headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage \
        --no-first-run --no-default-browser-check --user-data-dir="$out/profile" \
        --virtual-time-budget=3000 "$@" "file://$PWD/$file" 2>>"$out/chromium.log"
}

check() { # name, file, then grep patterns that must match the rendered DOM
    local name="$1" file="$2"; shift 2
    local dom="$out/$name.dom.html"
    run_browser "$file" --dump-dom >"$dom" || true
    if [ ! -s "$dom" ]; then
        echo "html-check: FAIL $name: the browser produced no DOM (see $out/chromium.log)"; status=1; return
    fi
    for pattern in "$@"; do
        if grep -q -- "$pattern" "$dom"; then
            echo "html-check: ok   $name: $pattern"
        else
            echo "html-check: FAIL $name: missing $pattern"; status=1
        fi
    done
    # The payload text may appear escaped; the attribute it would set must not exist on <body>.
    if grep -qE '<body[^>]*data-pwned' "$dom" || grep -q '<title>PWNED</title>' "$dom"; then
        echo "html-check: FAIL $name: a script from the log ran"; status=1
    else
        echo "html-check: ok   $name: no script from log content ran"
    fi
    run_browser "$file" --screenshot="$PWD/$out/$name.png" --window-size=1280,2400 >/dev/null || true
    if [ -s "$out/$name.png" ]; then
        echo "html-check: screenshot $out/$name.png"
    else
        echo "html-check: FAIL $name: no screenshot"; status=1
    fi
}

check report "$out/report.html" \
    'data-ready="1"' \
    'id="chain-svg"' \
    'class="node role-cause"' \
    'id="timeline-svg"' \
    '<text x="[0-9.]*" y="14" text-anchor="middle">[0-9][0-9]:' \
    'events shown' \
    'Failure found'
check hostile "$out/hostile.html" \
    'data-ready="1"' \
    'id="chain-svg"' \
    '&lt;script&gt;document.body.setAttribute' \
    'Evil \[click\](https://evil.example) &lt;img src=x'

# Three inputs on one clock (UTC event log, MSI log at UTC-05:00, a capture without dates): the
# timeline and the table on aligned UTC, the table in time order, at the widths people use.
check temp-denied "$out/temp-denied.html" \
    'data-ready="1"' \
    '<text x="[0-9.]*" y="14" text-anchor="middle">19:02:' \
    '<td class="mono">2026-11-18 19:02:15.433Z</td><td class="mono">2026-11-18 14:02:15.433</td>' \
    'MsiInstaller 1033 \[Application\]'
for w in 800 1280 1920; do
    run_browser "$out/temp-denied.html" --screenshot="$PWD/$out/temp-denied-$w.png" --window-size=$w,1800 >/dev/null || true
    if [ -s "$out/temp-denied-$w.png" ]; then
        echo "html-check: screenshot $out/temp-denied-$w.png (look at it: nothing cut, no sideways scroll)"
    else
        echo "html-check: FAIL temp-denied at $w px: no screenshot"; status=1
    fi
done

# The events filter, preset from the address (#q=...), hides the rows that do not match.
run_browser "$out/report.html#q=MainEngineThread" --dump-dom >"$out/filter.dom.html" || true
total=$(sed -n 's/.*<span id="shown" class="muted">\([0-9]*\) events<.*/\1/p' "$out/report.html")
if grep -qE "<span id=\"shown\" class=\"muted\">2 of $total events shown</span>" "$out/filter.dom.html" \
    && [ "$(grep -o '<tr hidden=""' "$out/filter.dom.html" | wc -l)" -eq $((total - 2)) ]; then
    echo "html-check: ok   filter: #q=MainEngineThread leaves 2 of $total events"
else
    echo "html-check: FAIL filter: $(grep -o '<span id="shown"[^<]*' "$out/filter.dom.html")"; status=1
fi

# Escaping alone, without the CSP: the same hostile page with its CSP removed must run no payload.
sed 's/<meta http-equiv="Content-Security-Policy"[^>]*>//' "$out/hostile.html" >"$out/hostile-no-csp.html"
check hostile-no-csp "$out/hostile-no-csp.html" 'id="chain-svg"' '&lt;script&gt;document.body.setAttribute'

# Control: the detector does see a script that runs (an unescaped payload in a page without CSP).
sed 's|</body>|<script>document.body.setAttribute("data-pwned","1")</script></body>|' \
    "$out/hostile-no-csp.html" >"$out/control.html"
run_browser "$out/control.html" --dump-dom >"$out/control.dom.html" || true
if grep -qE '<body[^>]*data-pwned' "$out/control.dom.html"; then
    echo "html-check: ok   control: an injected script is detected when it runs"
else
    echo "html-check: FAIL control: the detector missed a running script"; status=1
fi

[ "$status" = 0 ] && echo "html-check: PASS" || echo "html-check: FAILED"
exit "$status"
