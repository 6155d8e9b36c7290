# Resumable sweeps (sim/app/sweep.h, "Caching and resuming"): a sweep
# killed at random moments (SIGKILL, SIGTERM, SIGINT) and resumed with
# --resume until it completes writes the same sweep.csv and sweep_stats.csv
# as one that ran without interruption; a resumed sweep says how many runs
# it computed and reused; a sweep into a directory with cached runs needs
# --resume or --force; a changed seed makes every cached run stale.
set -u
dcisim=${1:?usage: test_sweep_resume.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cp scenarios/storage-mirror-80km.json "$tmp/base.json"
cat > "$tmp/sw.json" <<JSON
{"dcisim_sweep": 1, "name": "resume", "base": "base.json", "replications": 1,
 "grid": {"links[0].distance_km": [5, 20, 80, 160, 320],
          "storage.write_acceleration": [false, true]}}
JSON

# The reference: one uninterrupted run.
start=$(date +%s.%N)
"$dcisim" sweep "$tmp/sw.json" --out "$tmp/ref" -q || fail "the reference sweep exits $?"
full=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.3f", b - a }')
echo "uninterrupted sweep: 10 runs in $full s"
[ "$(grep -c . "$tmp/ref/sweep.csv")" -eq 11 ] || fail "expected 10 runs in sweep.csv"

# A second sweep into the same directory is refused, and writes nothing.
cp "$tmp/ref/sweep.csv" "$tmp/ref.csv"
"$dcisim" sweep "$tmp/sw.json" --out "$tmp/ref" -q 2> "$tmp/refuse.err"
[ $? -eq 2 ] || fail "a sweep into a directory with cached runs must exit 2"
grep -q -- "--resume" "$tmp/refuse.err" || fail "the refusal names --resume"
cmp -s "$tmp/ref.csv" "$tmp/ref/sweep.csv" || fail "a refused sweep must not touch sweep.csv"

# Resuming a complete sweep reuses every run.
"$dcisim" sweep "$tmp/sw.json" --out "$tmp/ref" --resume 2> "$tmp/again.err" \
	|| fail "--resume of a complete sweep exits $?"
grep -q "(0 computed, 10 reused)" "$tmp/again.err" || { cat "$tmp/again.err"; fail "all 10 reused"; }
cmp "$tmp/ref.csv" "$tmp/ref/sweep.csv" || fail "reused runs changed sweep.csv"

# Killed at random moments, resumed until complete: the same bytes.
signals=(KILL TERM KILL INT)
for trial in 0 1 2 3; do
	out="$tmp/t$trial"
	jobs=$((1 + trial % 2))
	extra=()
	[ $trial -eq 2 ] && extra=(--runs-dir "$tmp/runs$trial")
	flag=()
	kills=0
	cached=""
	for attempt in 1 2 3 4 5 6 7 8; do
		"$dcisim" sweep "$tmp/sw.json" --out "$out" --jobs $jobs -q "${flag[@]}" "${extra[@]}" \
			2> "$out.err" &
		pid=$!
		# A random moment within the first 80 % of the uninterrupted duration.
		delay=$(awk -v f="$full" -v r=$RANDOM 'BEGIN { printf "%.3f", f * (r % 800) / 1000 }')
		if [ $attempt -le 2 ]; then
			sleep "$delay"
			sig=${signals[$(( (trial + attempt) % ${#signals[@]} ))]}
			kill -"$sig" $pid 2> /dev/null && kills=$((kills + 1))
		fi
		wait $pid 2> /dev/null
		rc=$?
		[ $attempt -le 2 ] && cached="$cached $(ls "$out/cache" 2> /dev/null | grep -c '\.run$')"
		flag=(--resume)
		[ -s "$out/sweep.json" ] && grep -q '"complete":[[:space:]]*true' "$out/sweep.json" && [ $rc -eq 0 ] && break
	done
	[ $rc -eq 0 ] || { cat "$out.err"; fail "trial $trial: the last resume exits $rc"; }
	cmp "$tmp/ref/sweep.csv" "$out/sweep.csv" || fail "trial $trial: sweep.csv differs after $kills kills"
	cmp "$tmp/ref/sweep_stats.csv" "$out/sweep_stats.csv" || fail "trial $trial: sweep_stats.csv differs"
	ls "$out/cache" | grep -q '\.tmp\.' && fail "trial $trial: a half-written record was left behind"
	echo "trial $trial (--jobs $jobs${extra:+, --runs-dir}): $kills kill(s), cached runs after each:$cached; $attempt start(s); sweep.csv identical"
done

# A resume reports what it computed and what it reused.
rm -f "$tmp/ref/cache/"$(ls "$tmp/ref/cache" | head -n 1)
"$dcisim" sweep "$tmp/sw.json" --out "$tmp/ref" --resume 2> "$tmp/one.err" || fail "resume exits $?"
grep -q "(1 computed, 9 reused)" "$tmp/one.err" || { cat "$tmp/one.err"; fail "1 computed, 9 reused"; }
cmp "$tmp/ref.csv" "$tmp/ref/sweep.csv" || fail "a recomputed run changed sweep.csv"

# A changed seed makes every cached run stale: all run again.
sed -i 's/"seed": *[0-9]*/"seed": 7/' "$tmp/base.json"
grep -q '"seed": 7' "$tmp/base.json" || fail "could not change the base seed"
"$dcisim" sweep "$tmp/sw.json" --out "$tmp/ref" --resume 2> "$tmp/stale.err" || fail "stale resume exits $?"
grep -q "(10 computed, 0 reused; 10 cached runs matched no run of this sweep)" "$tmp/stale.err" \
	|| { cat "$tmp/stale.err"; fail "a changed seed makes all 10 stale"; }

# --force deletes the cache and runs everything.
"$dcisim" sweep "$tmp/sw.json" --out "$tmp/ref" --force 2> "$tmp/force.err" || fail "--force exits $?"
grep -q "(10 computed, 0 reused)" "$tmp/force.err" || { cat "$tmp/force.err"; fail "--force computes all"; }
[ "$(ls "$tmp/ref/cache" | wc -l)" -eq 10 ] || fail "--force leaves only this sweep's 10 records"
echo "sweep resume: ok"
