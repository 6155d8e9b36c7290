# One rule for names (sim/app/lookup.h): every command finds files by path or
# by bundled name, from any directory; a directory never hides a name; the
# error lists the places tried.
set -u
dcisim=${1:?usage: test_lookup.sh PATH/TO/dcisim}
dcisim=$(cd "$(dirname "$dcisim")" && pwd)/$(basename "$dcisim")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
cd "$tmp"

# Bundled names in every folder, from outside the repository (the build's
# source tree is one of the places).
"$dcisim" validate metro-vmotion demo-trombone bench/storage-hour storage-hour \
	storage-mirror-distance >out.txt 2>&1 || { cat out.txt; fail "validate by name"; }
grep -q "scenarios/bench/storage-hour.json: ok" out.txt || fail "bench/ name not found"
grep -q "scenarios/sweeps/storage-mirror-distance.json: ok (sweep" out.txt || fail "sweep by name"

# A results directory named like a scenario does not hide it.
"$dcisim" run metro-vmotion --out metro-vmotion --until 1 -q || fail "first run"
[ -d metro-vmotion ] || fail "no results directory"
"$dcisim" run metro-vmotion --until 1 -q --out again || fail "a directory hid the bundled scenario"

# A file in the working directory wins over a bundled name.
sed 's/"name": "metro-vmotion"/"name": "local-copy"/' "$("$dcisim" validate metro-vmotion | cut -d: -f1)" > metro-vmotion.json
"$dcisim" run metro-vmotion.json --until 1 -q || fail "local file"
[ -f results/local-copy/summary.csv ] || fail "local file not the one run"

# Results of another scenario file under the same name are not overwritten
# silently: refused (exit 2, their files kept) unless --force.
cp results/local-copy/summary.csv before.csv
sed 's/"name": "metro-vmotion"/"name": "local-copy"/' "$("$dcisim" validate metro-vmotion | cut -d: -f1)" > other.json
"$dcisim" run other.json --until 1 -q 2>err.txt; rc=$?
[ $rc -eq 2 ] || fail "overwrite of another file's results: exit $rc"
grep -q "holds the results of .*metro-vmotion.json; give --out DIR" err.txt || fail "overwrite message: $(cat err.txt)"
cmp -s before.csv results/local-copy/summary.csv || fail "refused run changed the results"
"$dcisim" run other.json --until 1 -q --force || fail "--force"
"$dcisim" run other.json --until 1 -q || fail "the same file again"

# Nothing found: exit 2, one error line naming the command and the name,
# then the places tried; nothing written.
"$dcisim" run no-such-scenario >err.txt 2>&1; rc=$?
[ $rc -eq 2 ] || fail "missing name exit $rc"
head -1 err.txt | grep -q "^dcisim run: error: no-such-scenario: no such file" || fail "error line: $(head -1 err.txt)"
grep -q "looked for:" err.txt || fail "no places listed"
grep -q "/scenarios/demos/no-such-scenario.json" err.txt || fail "demos not listed"
grep -q "/share/dcisim/scenarios/no-such-scenario.json" err.txt || fail "installed data dir not listed"
[ ! -d results/no-such-scenario ] || fail "something written"
"$dcisim" sweep no-such-sweep -q >err.txt 2>&1; [ $? -eq 2 ] || fail "sweep missing name"
grep -q "^dcisim sweep: error: no-such-sweep" err.txt || fail "sweep error line"
# A name may not climb out of the bundled folders: it is a path, reported as one.
"$dcisim" validate sub/../../nothere.json >err.txt 2>&1; [ $? -eq 2 ] || fail "climbing name accepted"
grep -q "looked for" err.txt && fail "a climbing name was looked for"
# A trace records its scenario by absolute path, so it replays from anywhere.
"$dcisim" run metro-vmotion --until 1 -q --out tr --trace t.trace || fail "traced run"
grep -q '^@path /.*/scenarios/metro-vmotion.json$' t.trace || fail "trace path: $(grep @path t.trace)"
echo "ok: names found by one rule"
