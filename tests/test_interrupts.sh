# Interrupts (docs/hardening.md, SPEC §1): SIGINT or SIGTERM during a run
# or a sweep stops it at the next event boundary (within a second or so),
# writes what completed with run.json / sweep.json saying "complete": false,
# and exits 130 or 143; kill -9 never leaves a file under its final name that
# looks complete (outputs are written to temporary names, renamed into place,
# run.json last).
#   bash tests/test_interrupts.sh PATH/TO/dcisim        (from the source tree)
set -u
dcisim=${1:?usage: test_interrupts.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok   $*"; }

# A long run: one simulated hour of 20,000 IOPS (144 M events, tens of seconds).
long=scenarios/bench/storage-hour.json

# Every CSV under its final name is whole: it ends with a line break and
# each record has the header's number of fields (the files hold no quoted
# line breaks).
csvs_whole() {
	local d=$1 f
	for f in "$d"/*.csv; do
		[ -e "$f" ] || continue
		if [ -n "$(tail -c 1 "$f")" ]; then
			echo "$f does not end with a line break"
			return 1
		fi
		awk -F, 'NR == 1 { n = NF } NF != n { bad = 1 } END { exit bad }' "$f" ||
			{ echo "$f has a short record"; return 1; }
	done
	return 0
}

# json_get FILE KEY: the value of a top-level key of run.json / sweep.json.
json_get() {
	python3 -c 'import json,sys; v=json.load(open(sys.argv[1])).get(sys.argv[2]); print(str(v).lower() if isinstance(v,bool) else v)' "$1" "$2"
}

# interrupt_run SIGNAL CODE
interrupt_run() {
	local sig=$1 want=$2 out="$tmp/run-$1"
	"$dcisim" run "$long" --out "$out" -q &
	local pid=$!
	sleep 1.5
	local t0 tlimit
	t0=$(date +%s%N)
	kill -s "$sig" "$pid"
	wait "$pid"
	local rc=$?
	local took_ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$rc" = "$want" ] || { fail "run + SIG$sig: exit $rc, expected $want"; return; }
	[ -f "$out/run.json" ] || { fail "run + SIG$sig: no run.json"; return; }
	[ "$(json_get "$out/run.json" complete)" = false ] ||
		fail "run + SIG$sig: run.json does not say complete: false"
	[ "$(json_get "$out/run.json" note)" = "interrupted by SIG$sig" ] ||
		fail "run + SIG$sig: run.json note is '$(json_get "$out/run.json" note)'"
	local sim
	sim=$(json_get "$out/run.json" simulated_s)
	python3 -c "import sys; s=float(sys.argv[1]); sys.exit(0 if 0 < s < 3600 else 1)" "$sim" ||
		fail "run + SIG$sig: simulated_s $sim is not part of the hour"
	[ -f "$out/summary.csv" ] && [ -f "$out/storage.csv" ] ||
		fail "run + SIG$sig: the completed part (summary.csv, storage.csv) is missing"
	local why
	why=$(csvs_whole "$out") || fail "run + SIG$sig: $why"
	# Stopping waits for the current slice of events and the writing.
	[ "$took_ms" -lt 15000 ] || fail "run + SIG$sig: took $took_ms ms to stop"
	ok "run + SIG$sig: exit $rc after $took_ms ms, stopped at $sim s, complete: false"
}
interrupt_run INT 130
interrupt_run TERM 143

# A sweep: two short runs finish, two long ones are interrupted.
mkdir -p "$tmp/sw"
cp "$long" "$tmp/sw/base.json"
cat >"$tmp/sw/sweep.json" <<'EOF'
{"dcisim_sweep": 1, "name": "intr", "base": "base.json",
 "grid": {"duration_s": [1, 2, 3600, 3600]}}
EOF
interrupt_sweep() {
	local sig=$1 want=$2 out="$tmp/sweep-$1"
	"$dcisim" sweep "$tmp/sw/sweep.json" --out "$out" --jobs 2 -q &
	local pid=$!
	sleep 2.5
	kill -s "$sig" "$pid"
	wait "$pid"
	local rc=$?
	[ "$rc" = "$want" ] || { fail "sweep + SIG$sig: exit $rc, expected $want"; return; }
	[ -f "$out/sweep.csv" ] && [ -f "$out/sweep.json" ] ||
		{ fail "sweep + SIG$sig: sweep.csv or sweep.json missing"; return; }
	[ "$(json_get "$out/sweep.json" complete)" = false ] ||
		fail "sweep + SIG$sig: sweep.json does not say complete: false"
	local done rows
	done=$(json_get "$out/sweep.json" runs_done)
	rows=$(($(wc -l <"$out/sweep.csv") - 1))
	[ "$done" = 2 ] || fail "sweep + SIG$sig: $done runs done, expected the 2 short ones"
	# The finished runs' rows, status ok; nothing for the interrupted ones.
	[ "$(awk -F, 'NR > 1 && $5 == "ok"' "$out/sweep.csv" | wc -l)" = 2 ] ||
		fail "sweep + SIG$sig: sweep.csv does not hold the 2 finished runs"
	local why
	why=$(csvs_whole "$out") || fail "sweep + SIG$sig: $why"
	ok "sweep + SIG$sig: exit $rc, $done runs done, sweep.csv $rows rows, complete: false"
}
interrupt_sweep INT 130
interrupt_sweep TERM 143

# kill -9 in the middle of the run: nothing is written at all.
out="$tmp/kill-run"
"$dcisim" run "$long" --out "$out" -q &
pid=$!
sleep 1.5
kill -9 "$pid"
wait "$pid" 2>/dev/null
if [ -n "$(ls -A "$out" 2>/dev/null | grep -v '^\.')" ]; then
	fail "kill -9 during the run left files: $(ls -A "$out")"
else
	ok "kill -9 during the run: no file written"
fi

# kill -9 while the outputs are being written (a run with 2 million
# sampled rows, so that writing takes a moment): whatever is under a final
# name is whole, and run.json is there only if every table is.
cat >"$tmp/rows.json" <<'EOF'
{"dcisim": 1, "name": "rows", "duration_s": 500000, "output": {"sample_s": 1},
 "sites": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
 "links": [{"id": "l1", "a": "a", "b": "b", "distance_km": 10, "bandwidth_gbps": 10},
           {"id": "l2", "a": "b", "b": "c", "distance_km": 10, "bandwidth_gbps": 10}]}
EOF
caught=0
for try in 1 2 3; do
	out="$tmp/kill-write-$try"
	"$dcisim" run "$tmp/rows.json" --out "$out" -q &
	pid=$!
	# Wait for the first temporary file: the writing has started.
	while kill -0 "$pid" 2>/dev/null && ! ls -A "$out" 2>/dev/null | grep -q '\.tmp\.'; do
		sleep 0.005
	done
	kill -9 "$pid" 2>/dev/null && caught=$((caught + 1))
	wait "$pid" 2>/dev/null
	why=$(csvs_whole "$out") || fail "kill -9 while writing ($try): $why"
	if [ -f "$out/run.json" ]; then
		[ "$(json_get "$out/run.json" complete)" = true ] && [ -f "$out/links.csv" ] &&
			[ "$(wc -l <"$out/links.csv")" = 2000001 ] ||
			fail "kill -9 while writing ($try): run.json beside incomplete tables"
	fi
done
ok "kill -9 while writing: $caught of 3 kills landed during the writing; no partial file under a final name"

if [ $fails -gt 0 ]; then
	echo "interrupts: $fails failed"
	exit 1
fi
echo "interrupts: all passed"
