# dcisim survive from the command line, on the two classroom demos (1 min of
# simulated time each, a fraction of a second to run): without a witness the
# DCI cut splits the brain; with a witness at a third site no single failure
# does; depth 2 runs exactly every pair of the single failures; survive.csv
# is the same bytes with one job, two jobs and two MPI ranks; resume reuses
# every run; --max-runs, a bad criteria file, a scenario with nothing to fail
# and a strike after the end are refused with exit 2 and nothing written.
set -u
dcisim=${1:?usage: test_survive_cli.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# col FILE NAME: the index (1-based) of a survive.csv column, 0 when absent.
col() { head -n 1 "$1" | tr ',' '\n' | grep -n -x -F "$2" | cut -d: -f1 | head -n 1 || true; }
# cell FILE ROW_LABEL COLUMN: the cell of the row whose `failed` is ROW_LABEL.
cell() {
	local c; c=$(col "$1" "$3")
	[ -n "$c" ] || { echo ""; return; }
	awk -F, -v want="$2" -v c="$c" 'NR > 1 && $2 == want { print $c }' "$1"
}

nw=scenarios/demos/demo-survive-no-witness.json
w=scenarios/demos/demo-survive-witness.json

# Without a witness: the DCI cut is split brain (data at risk) or an outage.
"$dcisim" survive "$nw" --out "$tmp/nw" 2> "$tmp/nw.err" || { cat "$tmp/nw.err"; fail "no-witness exits $?"; }
grep -q "7 single failures (1 link, 2 sites, 2 cluster nodes, 2 arrays) and the baseline: 8 runs" "$tmp/nw.err" \
	|| { cat "$tmp/nw.err"; fail "the count is shown before starting"; }
grep -q "failures strike at 30 s, the middle of storage.workloads\[0\]'s I/O" "$tmp/nw.err" \
	|| fail "the time to strike and its reason are shown"
v=$(cell "$tmp/nw/survive.csv" "link_down dci1" verdict)
case "$v" in
"data at risk" | outage) ;;
*) fail "the DCI cut without a witness should be data at risk or an outage, not '$v'" ;;
esac
sb=$(cell "$tmp/nw/survive.csv" "link_down dci1" "cluster_split_brains[db]")
[ "${sb:-0}" -ge 1 ] || [ "$v" = outage ] || fail "the DCI cut without a witness shows no split brain ($sb)"
grep -q "^data at risk  link_down dci1  db: cluster_split_brain" "$tmp/nw.err" \
	|| { cat "$tmp/nw.err"; fail "the summary puts the split brain first, with its cause"; }
[ "$(wc -l < "$tmp/nw/survive.csv")" -eq 9 ] || fail "survive.csv has the baseline and 7 failures"
for f in survive.json report.html runs/000000/summary.csv runs/000007/summary.csv; do
	[ -s "$tmp/nw/$f" ] || fail "no $f"
done

# With a witness at a third site: no single failure splits the brain or
# puts data at risk.
"$dcisim" survive "$w" --out "$tmp/w" --jobs 1 -q 2> "$tmp/w.err" || fail "witness exits $?"
[ ! -s "$tmp/w.err" ] || { cat "$tmp/w.err"; fail "-q must leave stderr empty"; }
[ "$(wc -l < "$tmp/w/survive.csv")" -eq 14 ] || fail "12 single failures and the baseline"
for m in "cluster_split_brains[db]" "cluster_split_brain_s[db]" "storage_divergent_writes[dc1]" "storage_divergent_writes[dc2]"; do
	c=$(col "$tmp/w/survive.csv" "$m")
	[ -z "$c" ] && continue
	bad=$(awk -F, -v c="$c" 'NR > 1 && $c != "" && $c + 0 > 0' "$tmp/w/survive.csv")
	[ -z "$bad" ] || fail "with a witness, a single failure gives $m > 0: $bad"
done
c=$(col "$tmp/w/survive.csv" verdict)
! cut -d, -f"$c" "$tmp/w/survive.csv" | grep -q "data at risk" || fail "with a witness nothing is data at risk"
# A cut wave is protected by the other: at worst a reroute's blip.
case "$(cell "$tmp/w/survive.csv" "link_down dci1" verdict)" in
survives | degraded) ;;
*) fail "a cut wave should be protected by the other" ;;
esac
[ "$(cell "$tmp/w/survive.csv" "site_down dc1" "verdict[dc1]")" = down ] || fail "dc1's own hosts are down with it"

# The same bytes with two jobs and, where MPI is built, two ranks.
"$dcisim" survive "$w" --out "$tmp/w2" --jobs 2 -q || fail "--jobs 2 exits $?"
cmp "$tmp/w/survive.csv" "$tmp/w2/survive.csv" || fail "survive.csv differs between --jobs 1 and 2"
cmp "$tmp/w/report.html" "$tmp/w2/report.html" || fail "report.html differs between --jobs 1 and 2"
if command -v mpirun > /dev/null; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS -n 2 \
		"$dcisim" survive "$w" --out "$tmp/wm" -q > "$tmp/mpi.log" 2>&1
	rc=$?
	if grep -q "built without MPI" "$tmp/mpi.log"; then
		echo "note: this dcisim was built without MPI; the MPI comparison is skipped"
	elif [ $rc -ne 0 ]; then
		cat "$tmp/mpi.log"
		fail "mpirun -n 2 exits $rc"
	else
		cmp "$tmp/w/survive.csv" "$tmp/wm/survive.csv" || fail "survive.csv differs under mpirun -n 2"
		grep -q '"ranks":[[:space:]]*2' "$tmp/wm/survive.json" || fail "survive.json should say 2 ranks"
	fi
fi

# Resume: the cache is refused without --resume, reused with it.
"$dcisim" survive "$w" --out "$tmp/w" -q 2> "$tmp/again.err"
[ $? -eq 2 ] || fail "a second survive into the same directory needs --resume or --force"
grep -q "error: .*--resume" "$tmp/again.err" || fail "the message names --resume"
cp "$tmp/w/survive.csv" "$tmp/first.csv"
"$dcisim" survive "$w" --out "$tmp/w" --resume 2> "$tmp/resume.err" || fail "--resume exits $?"
grep -q "0 runs computed, 13 reused" "$tmp/resume.err" || { cat "$tmp/resume.err"; fail "resume reuses every run"; }
cmp "$tmp/first.csv" "$tmp/w/survive.csv" || fail "a resumed survive.csv differs"

# Depth 2: every unordered pair of the 7 single failures, C(7,2) = 21,
# checked against the pairs made here from the depth-1 labels.
"$dcisim" survive "$nw" --depth 2 --out "$tmp/n2" 2> "$tmp/n2.err" || fail "--depth 2 exits $?"
grep -q "21 pairs of 7 single failures" "$tmp/n2.err" || fail "depth 2 shows its count first"
[ "$(wc -l < "$tmp/n2/survive.csv")" -eq 23 ] || fail "depth 2: the baseline and 21 pairs"
awk -F, 'NR > 2 { print $2 }' "$tmp/nw/survive.csv" > "$tmp/singles"
mapfile -t s < "$tmp/singles"
for ((i = 0; i < ${#s[@]}; i++)); do
	for ((j = i + 1; j < ${#s[@]}; j++)); do echo "${s[i]} + ${s[j]}"; done
done > "$tmp/want_pairs"
awk -F, 'NR > 2 { print $2 }' "$tmp/n2/survive.csv" > "$tmp/got_pairs"
cmp "$tmp/want_pairs" "$tmp/got_pairs" || fail "depth 2 runs other than every pair, in order"

# Refusals: exit 2, a clear line, nothing written.
"$dcisim" survive "$nw" --depth 2 --max-runs 20 --out "$tmp/max" 2> "$tmp/max.err"
[ $? -eq 2 ] || fail "--max-runs must refuse with exit 2"
grep -q "depth 2 makes 22 runs (21 pairs and the baseline), more than --max-runs 20" "$tmp/max.err" \
	|| { cat "$tmp/max.err"; fail "the --max-runs message"; }
[ ! -e "$tmp/max" ] || fail "--max-runs must write nothing"

printf '{"dcisim_criteria": 1,\n "rules": [{"metric": "cluster_unavailabel_s", "worse_by": 5, "verdict": "outage"}]}\n' > "$tmp/crit.json"
"$dcisim" survive "$nw" --criteria "$tmp/crit.json" --out "$tmp/crit" 2> "$tmp/crit.err"
[ $? -eq 2 ] || fail "a bad criteria file must exit 2"
grep -q "^$tmp/crit.json:2:23: error: rules\[0\].metric: 'cluster_unavailabel_s' is not a summary metric; did you mean 'cluster_unavailable_s'?" "$tmp/crit.err" \
	|| { cat "$tmp/crit.err"; fail "the criteria error names file, line, column and path"; }
[ ! -e "$tmp/crit" ] || fail "a bad criteria file must write nothing"

cat > "$tmp/one.json" <<'JSON'
{"dcisim": 1, "name": "one", "duration_s": 10, "sites": [{"id": "a"}],
 "vms": [{"id": "v", "site": "a", "memory_gib": 1}],
 "services": [{"id": "app", "vm": "v", "clients": [{"site": "a", "share": 1}]}]}
JSON
"$dcisim" survive "$tmp/one.json" --out "$tmp/one" 2> "$tmp/one.err"
[ $? -eq 2 ] || fail "nothing to fail must exit 2"
grep -q "one.json: error: nothing to fail" "$tmp/one.err" || { cat "$tmp/one.err"; fail "say nothing to fail"; }
[ ! -e "$tmp/one" ] || fail "nothing to fail must write nothing"

"$dcisim" survive "$nw" --at 60 --out "$tmp/late" 2> "$tmp/late.err"
[ $? -eq 2 ] || fail "--at at the end must exit 2"
grep -q "is not before the end of the run" "$tmp/late.err" || fail "say why --at is refused"

# A set strike and length: the failure recovers in its own run.
"$dcisim" survive "$nw" --at 30 --for 10 --out "$tmp/short" -q || fail "--at --for exits $?"
[ "$(cell "$tmp/short/survive.csv" "link_down dci1" at_s)" = 30 ] || fail "at_s column"
[ "$(cell "$tmp/short/survive.csv" "link_down dci1" for_s)" = 10 ] || fail "for_s column"
grep -q '^40,recovery,dci1,' "$tmp/short/runs/000001/events.csv" || fail "the cut link recovers at 30 + 10 s"

# The printed defaults are a criteria file survive reads.
"$dcisim" survive --print-criteria > "$tmp/default-criteria.json" || fail "--print-criteria exits $?"
"$dcisim" survive "$nw" --criteria "$tmp/default-criteria.json" --out "$tmp/pc" -q || fail "the printed criteria do not load"
cmp "$tmp/nw/survive.csv" "$tmp/pc/survive.csv" || fail "the printed defaults judge otherwise than the defaults"
# docs/survive.md states the defaults the program uses.
python3 - "$tmp/default-criteria.json" docs/survive.md <<'PY' || fail "docs/survive.md's default criteria differ from --print-criteria"
import json, sys
printed = json.load(open(sys.argv[1]))
doc = open(sys.argv[2]).read()
a = doc.index('```json\n{\n  "dcisim_criteria": 1,') + len('```json\n')
sys.exit(0 if json.loads(doc[a:doc.index('```', a)]) == printed else 1)
PY
echo "survive: demos judged, pairs exact, bytes identical, refusals clean"
