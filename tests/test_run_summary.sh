# dcisim run's one-screen summary (sim/app/runsummary.h): figures rounded
# for people from the CSVs the run wrote, findings that cross a threshold,
# nothing with -q.
set -u
dcisim=${1:?usage: test_run_summary.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# A VM that cannot converge: its outcome and downtime as migrations.csv has
# them, in three significant digits, and a finding naming what limited it.
"$dcisim" run hot-vm-xen --out "$tmp/xen" 2> "$tmp/xen.txt" || fail "run hot-vm-xen"
python3 - "$tmp/xen" "$tmp/xen.txt" <<'PY' || fail "hot-vm-xen summary"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1] + "/migrations.csv")))
text = open(sys.argv[2]).read()
r = rows[0]
down_s = float(r["downtime_ms"]) / 1000
want = "downtime %s s" % ("%.3g" % down_s)
assert want in text, (want, text)
assert "%s rounds" % r["rounds"] in text, text
assert "! migration %s: %s after" % (r["vm"], r["outcome"]) in text, text
assert "limited by the guest's dirty rate" in text, text
PY

# Post-copy: the phase's faults under the migration; a VM lost to a DCI cut
# during post-copy is a finding of its own.
"$dcisim" run demo-precopy-vs-postcopy --out "$tmp/pc" 2> "$tmp/pc.txt" || fail "run post-copy demo"
grep -q "remote page faults" "$tmp/pc.txt" || fail "no post-copy line: $(cat "$tmp/pc.txt")"
grep -q "^  ! migration cut: the VM was lost" "$tmp/pc.txt" || fail "no lost-VM finding: $(cat "$tmp/pc.txt")"

# Split brain without a witness: a finding; availability as a percentage
# that does not round a shortfall up to 100 %.
"$dcisim" run cluster-no-witness-split-brain --out "$tmp/sb" 2> "$tmp/sb.txt" || fail "run split brain"
grep -q "SPLIT BRAIN" "$tmp/sb.txt" || fail "no split brain in the cluster line"
grep -q "^  ! cluster db: split brain" "$tmp/sb.txt" || fail "no split-brain finding: $(cat "$tmp/sb.txt")"
python3 - "$tmp/sb" "$tmp/sb.txt" <<'PY' || fail "availability"
import csv, sys, math
text = open(sys.argv[2]).read()
for r in csv.DictReader(open(sys.argv[1] + "/summary.csv")):
    if r["metric"] == "cluster_availability" and r["entity"] == "db":
        a = float(r["value"]) * 100
        if a < 100:
            assert "available 100 %" not in text, text
PY

# Nothing to report: a clean run says so.
"$dcisim" run metro-vmotion --out "$tmp/metro" 2> "$tmp/metro.txt" || fail "run metro"
grep -q "^  none: every migration converged" "$tmp/metro.txt" || fail "clean run: $(cat "$tmp/metro.txt")"
grep -q "^results in $tmp/metro/$" "$tmp/metro.txt" || fail "results line"
[ "$(tail -1 "$tmp/metro.txt")" = "to read them with timelines: dcisim report $tmp/metro" ] ||
	fail "the last line does not name dcisim report: $(tail -1 "$tmp/metro.txt")"

# -q: nothing at all on stderr.
"$dcisim" run metro-vmotion --out "$tmp/q" -q 2> "$tmp/q.txt" || fail "run -q"
[ ! -s "$tmp/q.txt" ] || fail "-q printed: $(cat "$tmp/q.txt")"
# -v lists every link direction.
"$dcisim" run metro-vmotion --out "$tmp/v" -v 2> "$tmp/v.txt" || fail "run -v"
[ "$(grep -c 'mean .*, peak ' "$tmp/v.txt")" -ge 2 ] || fail "-v link directions"
echo "ok: run summary"
