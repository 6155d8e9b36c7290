# A plan's report.html in a real browser: headless Chromium loads the report
# of a plan with a closed-form boundary, the rendered page holds one chart per
# target with the target drawn as a line, the boundary marked and the
# feasible values shaded, and a screenshot is taken.  SKIPs (77) when
# Chromium is not installed.
set -u
dcisim=${1:?usage: test_plan_report_browser.sh PATH/TO/dcisim}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "SKIP: no chromium"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A synchronous mirror at low load with fixed service: two targets, an
# upper and a lower one, so the answer is an interval with two boundaries.
cat > "$tmp/base.json" <<'JSON'
{"dcisim": 1, "name": "aa", "seed": 1, "duration_s": 2,
 "sites": [{"id": "dc1"}, {"id": "dc2"}],
 "links": [{"id": "dci1", "a": "dc1", "b": "dc2", "distance_km": 50,
            "bandwidth_gbps": 10, "technology": "dwdm", "device_latency_us": 10}],
 "storage": {"mode": "active_active", "protocol": "fc", "write_acceleration": true,
   "preferred_site": "dc1", "fc": {"speed_gbps": 16, "bb_credits": 2000},
   "arrays": [{"site": "dc1", "write_ms": 0.2, "servers": 64, "service": "fixed"},
              {"site": "dc2", "write_ms": 0.2, "servers": 64, "service": "fixed"}],
   "workloads": [{"site": "dc1", "iops": 200, "read_ratio": 0, "block_kib": 4}]}}
JSON
cat > "$tmp/plan.json" <<'JSON'
{"dcisim_plan": 1, "name": "window", "base": "base.json",
 "description": "Distances where a mirrored write takes between 0.5 and 1 ms.",
 "vary": {"path": "links[0].distance_km", "min": 1, "max": 300, "resolution": 0.5},
 "targets": [{"metric": "storage_write_mean_ms", "entity": "dc1", "max": 1.0},
             {"metric": "storage_write_mean_ms", "entity": "dc1", "min": 0.5}]}
JSON
"$dcisim" plan "$tmp/plan.json" --out "$tmp/out" -q > "$tmp/answer" || fail "plan exits $?"
grep -q "meets all targets from 28.5 to 79 km" "$tmp/answer" || fail "answer: $(cat "$tmp/answer")"
[ -s "$tmp/out/report.html" ] || fail "no report.html"
grep -q 'src=\|href="http' "$tmp/out/report.html" && fail "report.html refers to something outside itself"

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run
       --user-data-dir="$tmp/profile")
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$tmp/out/report.html" \
	> "$tmp/dom.html" 2> "$tmp/chromium.log" || { tail -5 "$tmp/chromium.log"; fail "chromium --dump-dom"; }
svgs=$(grep -o '<svg ' "$tmp/dom.html" | wc -l)
targets=$(grep -o 'class="refline target"' "$tmp/dom.html" | wc -l)
bounds=$(grep -o 'class="refline boundary"' "$tmp/dom.html" | wc -l)
bands=$(grep -o 'class="refband"' "$tmp/dom.html" | wc -l)
dots=$(grep -o '<circle ' "$tmp/dom.html" | wc -l)
points=$(($(wc -l < "$tmp/out/plan.csv") - 1))
[ "$svgs" -eq 2 ] || fail "the rendered page has $svgs charts (want one per target: 2)"
[ "$targets" -eq 2 ] || fail "$targets target lines (want 2)"
[ "$bounds" -eq 4 ] || fail "$bounds boundary lines (want 2 boundaries x 2 charts)"
[ "$bands" -eq 2 ] || fail "$bands feasible bands (want 1 per chart)"
[ "$dots" -eq $((2 * points)) ] || fail "$dots points drawn, plan.csv has $points per chart"
grep -q 'boundary 28.5' "$tmp/dom.html" && grep -q 'boundary 79<' "$tmp/dom.html" || fail "the boundaries are not labelled"
grep -q 'class="answer"' "$tmp/dom.html" || fail "no answer in the page"

timeout 120 "$browser" "${flags[@]}" --screenshot="$tmp/report.png" --window-size=1200,2000 \
	"file://$tmp/out/report.html" >> "$tmp/chromium.log" 2>&1 || fail "chromium --screenshot"
[ -s "$tmp/report.png" ] || fail "no screenshot"
[ "$(head -c 4 "$tmp/report.png" | tail -c 3)" = "PNG" ] || fail "the screenshot is not a PNG"
size=$(wc -c < "$tmp/report.png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes: a blank page?"
if [ -n "${DCISIM_KEEP_SCREENSHOT:-}" ]; then cp "$tmp/report.png" "$DCISIM_KEEP_SCREENSHOT"; fi
echo "plan report in chromium: $svgs charts, $targets target lines, $bounds boundary marks, $bands bands, $dots points; screenshot $size bytes"
