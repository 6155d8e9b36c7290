# dcisim sweep from the command line: invalid sweeps exit 2 and write
# nothing; every bundled sweep runs; sweep.csv is the same bytes with one
# job, two jobs and (when this dcisim was built with MPI and mpirun exists)
# two MPI ranks.
set -u
dcisim=${1:?usage: test_sweep_cli.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# An invalid sweep: errors against the sweep file, exit 2, nothing written.
cat > "$tmp/bad.json" <<JSON
{"dcisim_sweep": 1, "base": "$PWD/scenarios/metro-vmotion.json",
 "grid": {"links[0].distance_km": [10, -1], "links[4].technology": ["evi"]}}
JSON
"$dcisim" sweep "$tmp/bad.json" --out "$tmp/bad" 2> "$tmp/bad.err"
[ $? -eq 2 ] || fail "an invalid sweep must exit 2"
[ ! -e "$tmp/bad" ] || fail "an invalid sweep must write nothing"
grep -q "^$tmp/bad.json:2:45: error: grid\[\"links\[4\].technology\"\]: index 4 is out of range" "$tmp/bad.err" \
	|| { cat "$tmp/bad.err"; fail "the error names the sweep file, line, column and grid key"; }

# Every bundled sweep loads and runs.
for f in scenarios/sweeps/*.json; do
	name=$(basename "$f" .json)
	"$dcisim" sweep "$f" --out "$tmp/all/$name" --jobs 2 -q || fail "$f exits $?"
	[ -s "$tmp/all/$name/sweep.csv" ] && [ -s "$tmp/all/$name/sweep_stats.csv" ] \
		|| fail "$f wrote no sweep.csv or sweep_stats.csv"
done

# The planner's sweep: 5 distances x 4 technologies x 5 replications.
sweep=scenarios/sweeps/metro-distance-tech.json
"$dcisim" sweep "$sweep" --out "$tmp/j1" --jobs 1 -q || fail "--jobs 1 exits $?"
"$dcisim" sweep "$sweep" --out "$tmp/j2" --jobs 2 -q || fail "--jobs 2 exits $?"
rows=$(($(wc -l < "$tmp/j1/sweep.csv") - 1))
[ "$rows" -eq 100 ] || fail "expected 100 runs in sweep.csv, got $rows"
cmp "$tmp/j1/sweep.csv" "$tmp/j2/sweep.csv" || fail "sweep.csv differs between --jobs 1 and 2"
cmp "$tmp/j1/sweep_stats.csv" "$tmp/j2/sweep_stats.csv" || fail "sweep_stats.csv differs"
head -n 1 "$tmp/j1/sweep.csv" | grep -q '^point,replication,links\[0\].distance_km,links\[0\].technology,seed,status,' \
	|| fail "sweep.csv header"

# The program itself never loads Open MPI: sweeps across ranks are a module
# (dcisim-mpi.so) that only a command started by a launcher loads.
if command -v ldd > /dev/null; then
	ldd "$dcisim" | grep -q 'libmpi' && fail "dcisim links Open MPI itself (MPI sweeps are a module)"
fi

if command -v mpirun > /dev/null; then
	# Open MPI keeps some of its own allocations to exit, which LeakSanitizer
	# would report in a sanitizer build; dcisim's own are checked elsewhere.
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
		mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS -n 2 \
		"$dcisim" sweep "$sweep" --out "$tmp/mpi" -q > "$tmp/mpi.log" 2>&1
	rc=$?
	if grep -q "built without MPI" "$tmp/mpi.log"; then
		echo "note: this dcisim was built without MPI; the MPI comparison is skipped"
	elif [ $rc -ne 0 ]; then
		cat "$tmp/mpi.log"
		fail "mpirun -n 2 exits $rc"
	else
		cmp "$tmp/j1/sweep.csv" "$tmp/mpi/sweep.csv" || fail "sweep.csv differs under mpirun -n 2"
		grep -q '"ranks":[[:space:]]*2' "$tmp/mpi/sweep.json" || fail "sweep.json should say 2 ranks"
		echo "mpirun -n 2: sweep.csv identical"
		# A copy of the program without its module says what is missing.
		if [ -e "$(dirname "$dcisim")/dcisim-mpi.so" ]; then
			mkdir -p "$tmp/alone"
			cp "$dcisim" "$tmp/alone/dcisim"
			if mpirun --oversubscribe --allow-run-as-root -x ASAN_OPTIONS -n 2 \
				"$tmp/alone/dcisim" sweep "$sweep" --out "$tmp/mpi2" -q > "$tmp/alone.log" 2>&1; then
				# An installed dcisim's module (the configured LIBDIR) was found.
				echo "note: a dcisim-mpi.so is installed; the missing-module check is skipped"
			else
				grep -q "dcisim-mpi.so is neither beside this dcisim" "$tmp/alone.log" \
					|| { cat "$tmp/alone.log"; fail "no message naming the missing MPI module"; }
				[ -e "$tmp/mpi2/sweep.csv" ] && fail "a sweep without its MPI module wrote sweep.csv"
				echo "mpirun -n 2 without the module: a clear error, nothing written"
			fi
		fi
	fi
else
	echo "note: no mpirun; the MPI comparison is skipped"
fi
echo "sweep cli: ok"
