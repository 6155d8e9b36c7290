# report.html in a real browser: headless Chromium loads the comparison of two
# bundled scenarios the README compares (the same VM, service and sites, moved
# under RHI and under DNS ingress, so their figures sit side by side), the
# rendered page holds the SVG charts, and a screenshot is taken.  SKIPs (77)
# when Chromium is not installed.
set -u
dcisim=${1:?usage: test_report_browser.sh PATH/TO/dcisim}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "SKIP: no chromium"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$dcisim" run l3-ingress-rhi --out "$tmp/rhi" -q || fail "run l3-ingress-rhi"
"$dcisim" run l3-ingress-dns --out "$tmp/dns" -q || fail "run l3-ingress-dns"
"$dcisim" compare "$tmp/rhi" "$tmp/dns" --out "$tmp/cmp" 2> /dev/null || fail "compare exits $?"
[ -s "$tmp/cmp/report.html" ] && [ -s "$tmp/cmp/compare.csv" ] || fail "compare wrote no report"
# The two share their entities: most rows of compare.csv have both values.
both=$(awk -F, 'NR > 1 && $4 != "" && $5 != ""' "$tmp/cmp/compare.csv" | wc -l)
rows=$(($(wc -l < "$tmp/cmp/compare.csv") - 1))
[ "$both" -ge 20 ] && [ $((2 * both)) -ge "$rows" ] || fail "only $both of $rows metrics are in both runs"
grep -q '^l3_trombone_s,web,s,' "$tmp/cmp/compare.csv" || fail "no trombone figure side by side"

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run
       --user-data-dir="$tmp/profile")
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$tmp/cmp/report.html" \
	> "$tmp/dom.html" 2> "$tmp/chromium.log" || { tail -5 "$tmp/chromium.log"; fail "chromium --dump-dom"; }
svgs=$(grep -o '<svg ' "$tmp/dom.html" | wc -l)
bars=$(grep -o 'class="bar"' "$tmp/dom.html" | wc -l)
lines=$(grep -o '<polyline ' "$tmp/dom.html" | wc -l)
[ "$svgs" -ge 3 ] || fail "the rendered page has $svgs SVG charts (want at least 3)"
[ "$bars" -ge 4 ] || fail "the migration charts have $bars bars (want 1 VM x 2 runs x 2 charts at least)"
[ "$lines" -ge 2 ] || fail "the link charts have $lines lines"
grep -q 'Migration time per VM' "$tmp/dom.html" || fail "no migration chart in the DOM"
grep -q 'Path state over time' "$tmp/dom.html" || fail "no path chart in the DOM"

timeout 120 "$browser" "${flags[@]}" --screenshot="$tmp/report.png" --window-size=1200,2000 \
	"file://$tmp/cmp/report.html" >> "$tmp/chromium.log" 2>&1 || fail "chromium --screenshot"
[ -s "$tmp/report.png" ] || fail "no screenshot"
[ "$(head -c 4 "$tmp/report.png" | tail -c 3)" = "PNG" ] || fail "the screenshot is not a PNG"
size=$(wc -c < "$tmp/report.png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes: a blank page?"
if [ -n "${DCISIM_KEEP_SCREENSHOT:-}" ]; then cp "$tmp/report.png" "$DCISIM_KEEP_SCREENSHOT"; fi
echo "report in chromium: $svgs charts, $bars bars, $lines lines; screenshot $size bytes"
