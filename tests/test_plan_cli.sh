# dcisim plan from the command line: the one-line answer on stdout and the
# files written; plan.csv the same bytes with one job, two jobs and (when this
# dcisim was built with MPI and mpirun exists) two MPI ranks; --resume reads
# every run back (0 computed) and runs only what the cache lost, and an
# interrupted plan, resumed, writes the same plan.csv; a plan into
# a folder with cached runs needs --resume or --force; no feasible value
# exits 1 and says so; an invalid plan exits 2 and writes nothing; bundled
# plans are found by name and pass `dcisim validate`.
set -u
dcisim=${1:?usage: test_plan_cli.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A stochastic mirror (exponential service), small and short.
cat > "$tmp/base.json" <<'JSON'
{"dcisim": 1, "name": "st", "seed": 1, "duration_s": 2,
 "sites": [{"id": "dc1"}, {"id": "dc2"}],
 "links": [{"id": "dci1", "a": "dc1", "b": "dc2", "distance_km": 50,
            "bandwidth_gbps": 10, "technology": "dwdm"}],
 "storage": {"mode": "active_active", "protocol": "fc", "preferred_site": "dc1",
   "fc": {"speed_gbps": 16, "bb_credits": 2000},
   "arrays": [{"site": "dc1", "write_ms": 0.5, "servers": 2},
              {"site": "dc2", "write_ms": 0.5, "servers": 2}],
   "workloads": [{"site": "dc1", "iops": 500, "read_ratio": 0}]}}
JSON
cat > "$tmp/plan.json" <<'JSON'
{"dcisim_plan": 1, "name": "mirror", "base": "base.json",
 "vary": {"path": "links[0].distance_km", "min": 1, "max": 400, "resolution": 5},
 "targets": [{"metric": "storage_write_mean_ms", "entity": "dc1", "max": 2.5}],
 "replications": 3, "confidence": 0.9, "scan_points": 6}
JSON

"$dcisim" plan "$tmp/plan.json" --out "$tmp/j1" > "$tmp/j1.out" 2> "$tmp/j1.err" || { cat "$tmp/j1.err"; fail "plan exits $?"; }
[ "$(wc -l < "$tmp/j1.out")" -eq 1 ] || fail "the answer is not one line: $(cat "$tmp/j1.out")"
grep -q '^longest links\[0\]\.distance_km meeting all targets: [0-9.]* km (binding: storage_write_mean_ms dc1 ≤ 2.5 at ' "$tmp/j1.out" \
	|| fail "unexpected answer: $(cat "$tmp/j1.out")"
grep -q "one-sided 90% bounds over 3 replications" "$tmp/j1.out" || fail "the answer does not say it is a bound over replications"
for f in plan.csv plan.json report.html; do [ -s "$tmp/j1/$f" ] || fail "$f not written"; done
head -n 1 "$tmp/j1/plan.csv" | grep -q '^links\[0\]\.distance_km,phase,step,replications,feasible,storage_write_mean_ms\[dc1\],storage_write_mean_ms\[dc1\] sd,storage_write_mean_ms\[dc1\] bound,storage_write_mean_ms\[dc1\] <= 2.5,' \
	|| fail "plan.csv header: $(head -n 1 "$tmp/j1/plan.csv" | cut -c1-200)"
python3 - "$tmp/j1/plan.json" "$tmp/j1/plan.csv" <<'PY' || fail "plan.json does not agree with plan.csv"
import csv, json, sys
p = json.load(open(sys.argv[1]))
rows = list(csv.DictReader(open(sys.argv[2])))
assert p["status"] == "largest", p["status"]
lo, hi = p["bracket"]
assert abs(hi - lo - 5) < 1e-9 and p["boundary"] == lo, p["bracket"]
by = {float(r["links[0].distance_km"]): r for r in rows}
assert by[lo]["feasible"] == "yes" and by[hi]["feasible"] == "no"
assert p["binding"] == ["storage_write_mean_ms[dc1]"]
assert p["replications"]["used"] == 3 and p["replications"]["scenario"] == "stochastic"
assert p["points"] == len(rows) and p["runs_computed"] == 3 * len(rows), (p["points"], p["runs_computed"])
for k in ("version", "commit", "build_options", "plan_sha256", "scenario_sha256", "started_utc"):
    assert p[k], k
assert p["complete"] is True
PY

"$dcisim" plan "$tmp/plan.json" --out "$tmp/j2" --jobs 2 -q > "$tmp/j2.out" || fail "--jobs 2 exits $?"
cmp "$tmp/j1/plan.csv" "$tmp/j2/plan.csv" || fail "plan.csv differs between --jobs 1 and --jobs 2"
cmp "$tmp/j1.out" "$tmp/j2.out" || fail "the answer differs between --jobs 1 and --jobs 2"

# Resume: everything from the cache, then only what the cache lost.
"$dcisim" plan "$tmp/plan.json" --out "$tmp/j1" > /dev/null 2> "$tmp/again.err"
[ $? -eq 2 ] || fail "a plan into a folder with cached runs must exit 2 without --resume"
grep -q "pass --resume" "$tmp/again.err" || fail "no advice to pass --resume: $(cat "$tmp/again.err")"
"$dcisim" plan "$tmp/plan.json" --out "$tmp/j1" --resume > "$tmp/r.out" 2> "$tmp/r.err" || fail "--resume exits $?"
cmp "$tmp/j1.out" "$tmp/r.out" || fail "the resumed answer differs"
grep -q "runs: 0 computed, [0-9]* reused" "$tmp/r.err" || fail "a full resume ran something: $(tail -1 "$tmp/r.err")"
python3 -c "import json,sys; p=json.load(open(sys.argv[1])); assert p['runs_computed']==0 and p['runs_reused']>0" "$tmp/j1/plan.json" \
	|| fail "plan.json does not count the reused runs"
ls "$tmp/j1/cache/"*.run | head -n 4 | xargs rm -f
"$dcisim" plan "$tmp/plan.json" --out "$tmp/j1" --resume > /dev/null 2> "$tmp/r2.err" || fail "partial --resume exits $?"
grep -q "runs: 4 computed, " "$tmp/r2.err" || fail "a resume after losing 4 records: $(tail -1 "$tmp/r2.err")"
cmp "$tmp/j1/plan.csv" "$tmp/j2/plan.csv" || fail "plan.csv differs after a partial resume"
"$dcisim" plan "$tmp/plan.json" --out "$tmp/j1" --force -q > /dev/null || fail "--force exits $?"
python3 -c "import json,sys; p=json.load(open(sys.argv[1])); assert p['runs_reused']==0" "$tmp/j1/plan.json" || fail "--force reused runs"

# Interrupted (SIGINT once some runs are cached), then resumed: the same
# plan.csv as an uninterrupted plan.
"$dcisim" plan "$tmp/plan.json" --out "$tmp/int" -q > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 200); do
	n=$(ls "$tmp/int/cache" 2>/dev/null | grep -c '\.run$')
	[ "$n" -ge 6 ] && break
	sleep 0.05
done
kill -INT $pid 2>/dev/null
wait $pid
rc=$?
if [ $rc -eq 130 ]; then
	grep -q '"complete":[[:space:]]*false' "$tmp/int/plan.json" || fail "an interrupted plan's plan.json should say complete: false"
	grep -q '"status":[[:space:]]*"incomplete"' "$tmp/int/plan.json" || fail "an interrupted plan's status should be incomplete"
elif [ $rc -ne 0 ]; then
	fail "an interrupted plan exits $rc (want 130, or 0 when it finished first)"
fi
"$dcisim" plan "$tmp/plan.json" --out "$tmp/int" --resume -q > "$tmp/int.out" || fail "resuming an interrupted plan exits $?"
cmp "$tmp/j1/plan.csv" "$tmp/int/plan.csv" || fail "plan.csv differs after an interrupt and a resume (rc $rc)"
cmp "$tmp/j1.out" "$tmp/int.out" || fail "the answer differs after an interrupt and a resume"
echo "interrupted (exit $rc) and resumed: plan.csv identical"

if command -v mpirun > /dev/null; then
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS -n 2 \
		"$dcisim" plan "$tmp/plan.json" --out "$tmp/mpi" -q > "$tmp/mpi.out" 2> "$tmp/mpi.log"
	rc=$?
	if grep -q "built without MPI" "$tmp/mpi.log"; then
		echo "note: this dcisim was built without MPI; the MPI comparison is skipped"
	elif [ $rc -ne 0 ]; then
		cat "$tmp/mpi.log"
		fail "mpirun -n 2 exits $rc"
	else
		cmp "$tmp/j1/plan.csv" "$tmp/mpi/plan.csv" || fail "plan.csv differs under mpirun -n 2"
		cmp "$tmp/j1.out" "$tmp/mpi.out" || fail "the answer differs under mpirun -n 2"
		grep -q '"ranks":[[:space:]]*2' "$tmp/mpi/plan.json" || fail "plan.json should say 2 ranks"
		echo "mpirun -n 2: plan.csv identical"
	fi
else
	echo "note: no mpirun; the MPI comparison is skipped"
fi

# No feasible value: exit 1, said on stdout.
sed 's/"max": 2.5/"max": 0.1/' "$tmp/plan.json" > "$tmp/none.json"
"$dcisim" plan "$tmp/none.json" --out "$tmp/none" -q > "$tmp/none.out"
[ $? -eq 1 ] || fail "no feasible value must exit 1"
grep -q "no feasible value in range" "$tmp/none.out" || fail "no 'no feasible value in range': $(cat "$tmp/none.out")"
grep -q '"status":[[:space:]]*"none"' "$tmp/none/plan.json" || fail "plan.json status is not none"

# An invalid plan: exit 2, the usual error form, nothing written.
sed 's/"storage_write_mean_ms"/"storage_write_mean"/' "$tmp/plan.json" > "$tmp/bad.json"
"$dcisim" plan "$tmp/bad.json" --out "$tmp/bad" > "$tmp/bad.out" 2> "$tmp/bad.err"
[ $? -eq 2 ] || fail "an invalid plan must exit 2"
grep -q "bad.json:3:[0-9]*: error: targets\[0\]\.metric: unknown metric 'storage_write_mean'; did you mean 'storage_write_mean_ms'?" "$tmp/bad.err" \
	|| fail "unexpected error: $(cat "$tmp/bad.err")"
[ ! -e "$tmp/bad" ] || fail "an invalid plan wrote $tmp/bad"
[ ! -s "$tmp/bad.out" ] || fail "an invalid plan printed an answer"

# Bundled plans: by name, and valid.
"$dcisim" validate scenarios/plans/*.json > "$tmp/val.out" || fail "dcisim validate scenarios/plans/*.json exits $?"
grep -q "hot-vm-dirty-rate.json: ok (plan over vms\[0\].dirty_mib_s" "$tmp/val.out" || fail "validate: $(cat "$tmp/val.out")"
"$dcisim" plan hot-vm-dirty-rate --out "$tmp/hot" -q > "$tmp/hot.out" || fail "the bundled plan hot-vm-dirty-rate exits $?"
grep -q "^largest vms\[0\]\.dirty_mib_s meeting all targets: " "$tmp/hot.out" || fail "hot-vm-dirty-rate: $(cat "$tmp/hot.out")"
"$dcisim" plan no-such-plan > /dev/null 2> "$tmp/nf.err"
[ $? -eq 2 ] || fail "an unknown plan name must exit 2"
echo "plan cli: ok"
