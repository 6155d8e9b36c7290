# dcisim report: one run's report.html in a real browser.  The bundled
# default scenario has every family (migrations, storage, paths, a cluster,
# a DCI cut), so its page must hold every timeline; headless Chromium loads
# it, the page asks the network for nothing (its net log has no request the
# page started; a page with one external image is the control that the check
# sees one), and the figures it shows are summary.csv's rounded for people.
# SKIPs (77) when Chromium is not installed.
set -u
dcisim=${1:?usage: test_run_report_browser.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$dcisim" run default --out "$tmp/def" -q || fail "run default"
"$dcisim" report "$tmp/def" 2> "$tmp/report.txt" || fail "report exits $?: $(cat "$tmp/report.txt")"
grep -q "report.html" "$tmp/report.txt" || fail "report names no file: $(cat "$tmp/report.txt")"
html="$tmp/def/report.html"
[ -s "$html" ] || fail "no report.html"
# --out puts it elsewhere; the same bytes (the page has no clock).
"$dcisim" report "$tmp/def" --out "$tmp/elsewhere" 2> /dev/null || fail "report --out"
cmp -s "$html" "$tmp/elsewhere/report.html" || fail "report --out wrote different bytes"
# Nothing outside the file: no scripts, styles, images or fonts from elsewhere.
if grep -Eq '<script|<link|<img|<iframe|src=|url\(|@import|href="(https?:)?//' "$html"; then
	fail "report.html refers to something outside itself: $(grep -Eo '<script|<link|<img|<iframe|src=[^ ]*|url\([^)]*|@import|href="(https?:)?//[^"]*' "$html" | head -3)"
fi
# Not a run: a sweep directory and a missing one are usage errors.
mkdir -p "$tmp/sweep" && echo '{}' > "$tmp/sweep/sweep.json"
"$dcisim" report "$tmp/sweep" 2> "$tmp/sw.txt"; [ $? -eq 2 ] || fail "a sweep directory is not refused"
grep -q "dcisim compare" "$tmp/sw.txt" || fail "the sweep refusal does not point to compare"
"$dcisim" report "$tmp/nothing" 2> /dev/null; [ $? -eq 2 ] || fail "a missing directory is not a usage error"

python3 - "$tmp/def" "$html" <<'PY' || fail "report content"
import csv, re, sys
d, html = sys.argv[1], open(sys.argv[2]).read()
rows = lambda f: list(csv.DictReader(open(d + "/" + f)))
for title in ("Link utilisation per direction", "Write latency over time: p99",
              "Pre-copy rounds per VM", "Path state per service", "Request round trip",
              "Cluster service and events"):
    assert title in html, title
# Idle link directions are named, not drawn as flat lines.
assert "zero throughout for wan-a" in html
# Every events.csv row is listed with its producer's severity: the DCI cut
# is a failure (fault), its end a recovery.
ev = rows("events.csv")
assert html.count('<tr class="sev-') >= len(ev) + len(rows("cluster.csv")), "event rows"
assert re.search(r'<tr class="sev-failure"[^>]*><td class="num">300 s</td><td>fault</td>', html), "fault row"
assert re.search(r'<tr class="sev-good"[^>]*><td class="num">360 s</td><td>recovery</td>', html), "recovery row"
# Every cluster.csv row is a mark on the cluster timeline.
assert html.count('class="mark"') == len(rows("cluster.csv")), "cluster marks"
# Pre-copy rounds: one span per rounds.csv row.
spans = re.findall(r'<rect class="span"[^>]*><title>(app02|web01): ', html)
assert len(spans) == len(rows("rounds.csv")), (len(spans), len(rows("rounds.csv")))
# Figures people read: summary.csv's migration time rounded to 3 digits, in s.
s = {(r["metric"], r["entity"]): r for r in rows("summary.csv")}
t = float(s[("migration_total_s", "web01")]["value"])
assert "<td class=\"num\">%s s</td>" % ("%.3g" % t) in html, t
# The run's findings are marked.
assert '<span class="finding">  ! storage at dc2 unavailable' in html
# Queue delay appears when the network writes it.
links_cols = rows("links.csv")[0].keys()
assert ("queue_ms" in links_cols) == ("Queue delay per link direction" in html)
PY

browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "SKIP: no chromium (the page's content was checked)"; exit 77; }
flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run)
# Requests the page itself starts carry its (file://, "null") origin as their
# initiator; the browser's own background requests carry none.
page_requests() {
	python3 - "$1" <<'PY'
import json, sys
n = 0
for e in json.load(open(sys.argv[1])).get("events", []):
    p = e.get("params", {})
    if "url" in p and p.get("initiator") == "null":
        n += 1
print(n)
PY
}
echo '<html><body><img src="http://example.invalid/x.png"></body></html>' > "$tmp/control.html"
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$tmp/p1" --log-net-log="$tmp/control.json" \
	--dump-dom "file://$tmp/control.html" > /dev/null 2>&1 || fail "chromium on the control page"
[ "$(page_requests "$tmp/control.json")" -ge 1 ] || fail "the net log check misses the control page's request"
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$tmp/p2" --log-net-log="$tmp/net.json" \
	--enable-logging=stderr --dump-dom "file://$html" > "$tmp/dom.html" 2> "$tmp/chromium.log" ||
	{ tail -5 "$tmp/chromium.log"; fail "chromium --dump-dom"; }
n=$(page_requests "$tmp/net.json")
[ "$n" -eq 0 ] || fail "the page made $n network requests"
! grep -q "CONSOLE" "$tmp/chromium.log" || fail "console messages: $(grep CONSOLE "$tmp/chromium.log" | head -3)"
svgs=$(grep -o '<svg ' "$tmp/dom.html" | wc -l)
[ "$svgs" -ge 7 ] || fail "the rendered page has $svgs charts (want at least 7)"
grep -q '</html>' "$tmp/dom.html" || fail "the page did not load to its end"
timeout 120 "$browser" "${flags[@]}" --user-data-dir="$tmp/p3" --screenshot="$tmp/report.png" \
	--window-size=1200,2400 "file://$html" > /dev/null 2>&1 || fail "chromium --screenshot"
size=$(wc -c < "$tmp/report.png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes: a blank page?"
if [ -n "${DCISIM_KEEP_SCREENSHOT:-}" ]; then cp "$tmp/report.png" "$DCISIM_KEEP_SCREENSHOT"; fi
echo "run report in chromium: $svgs charts, no network requests, screenshot $size bytes"
