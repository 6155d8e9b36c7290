# The survive report in a real browser: headless Chromium renders the heat
# table of the no-witness demo (7 failures x its entities, each cell coloured
# by its verdict, its figures in its title), every failure links to a run
# directory that exists, and a screenshot is taken.  SKIPs (77) when
# Chromium is not installed.
set -u
dcisim=${1:?usage: test_survive_browser.sh PATH/TO/dcisim}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "SKIP: no chromium"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$dcisim" survive scenarios/demos/demo-survive-no-witness.json --out "$tmp/s" -q || fail "survive exits $?"
[ -s "$tmp/s/report.html" ] || fail "no report.html"
grep -q -E '(src|href)="(https?:)?//' "$tmp/s/report.html" && fail "the report fetches something: it must be self-contained"

flags=(--headless --no-sandbox --disable-gpu --disable-background-networking
       --disable-component-update --disable-sync --no-first-run
       --user-data-dir="$tmp/profile")
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$tmp/s/report.html" \
	> "$tmp/dom.html" 2> "$tmp/chromium.log" || { tail -5 "$tmp/chromium.log"; fail "chromium --dump-dom"; }

# The entities are the header cells of class ent; rows: baseline + 7.
ents=$(grep -o '<th class="ent">' "$tmp/dom.html" | wc -l)
cells=$(grep -o '<td class="cell ' "$tmp/dom.html" | wc -l)
[ "$ents" -ge 3 ] || fail "the heat table has $ents entity columns (want db, dc1, dc2 at least)"
[ "$cells" -eq $((8 * ents)) ] || fail "the heat table has $cells cells, want 8 rows x $ents entities"
grep -q '<td class="cell v3" title="db under link_down dci1' "$tmp/dom.html" \
	|| fail "the DCI cut's cell for db is not coloured data at risk"
grep -A12 '<td class="cell v3" title="db under link_down dci1' "$tmp/dom.html" | grep -q 'cluster_split_brain_s: 0 s → 10.4 s (data at risk)' \
	|| fail "the cell's title does not carry its figures"
grep -q 'class="cell down"' "$tmp/dom.html" || fail "no entity is shown down with its site"
links=$(grep -o '<a href="runs/[0-9]*/">' "$tmp/dom.html" | sed 's/<a href="//; s/">//')
[ "$(echo "$links" | wc -l)" -eq 8 ] || fail "every row links its run's directory"
for l in $links; do
	[ -s "$tmp/s/$l/summary.csv" ] || fail "the link $l leads to no run"
done

timeout 120 "$browser" "${flags[@]}" --screenshot="$tmp/survive.png" --window-size=1200,900 \
	"file://$tmp/s/report.html" >> "$tmp/chromium.log" 2>&1 || fail "chromium --screenshot"
[ "$(head -c 4 "$tmp/survive.png" | tail -c 3)" = "PNG" ] || fail "the screenshot is not a PNG"
size=$(wc -c < "$tmp/survive.png")
[ "$size" -gt 20000 ] || fail "the screenshot is only $size bytes: a blank page?"
if [ -n "${DCISIM_KEEP_SCREENSHOT:-}" ]; then cp "$tmp/survive.png" "$DCISIM_KEEP_SCREENSHOT"; fi
echo "survive report in chromium: $ents entities, $cells cells, 8 run links; screenshot $size bytes"
