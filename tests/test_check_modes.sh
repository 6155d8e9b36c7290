# dcisim check from the command line, as docs/ci.md uses it: the check
# script printed there (taken from the page, verbatim) runs scenarios with
# --mode tolerance and a stochastic sweep with --mode stat, against
# baselines made with --accept; it passes on a clean tree, and fails on a
# perturbed model.  Also: exact mode, --mode errors, and stat on another
# seed (different draws, the same statistics) not failing.
set -u
dcisim=${1:?usage: test_check_modes.sh PATH/TO/dcisim}
dcisim=$(cd "$(dirname "$dcisim")" && pwd)/$(basename "$dcisim")
src=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The script from docs/ci.md: the first sh block after "## The check script".
awk '/^## The check script/ {on = 1} on && /^```sh$/ {grab = 1; next} grab && /^```$/ {exit} grab' \
	docs/ci.md > "$tmp/check.sh"
grep -q 'mode stat' "$tmp/check.sh" || fail "no check script found in docs/ci.md"

# A user's repository: two scenarios and one stochastic sweep.
mkdir -p "$tmp/repo/ci/scenarios" "$tmp/repo/ci/sweeps"
cp scenarios/metro-vmotion.json scenarios/storage-mirror-80km.json "$tmp/repo/ci/scenarios/"
sed 's|"\.\./storage-mirror-80km.json"|"../scenarios/storage-mirror-80km.json"|' \
	scenarios/sweeps/storage-mirror-replications.json > "$tmp/repo/ci/sweeps/mirror.json"
cd "$tmp/repo"

# Baselines, as docs/ci.md makes them.
for scenario in ci/scenarios/*.json; do
	name=$(basename "$scenario" .json)
	"$dcisim" run "$scenario" --out "results/ci/$name" -q || fail "run $name"
	"$dcisim" check "results/ci/$name" --baseline "ci/baselines/$name" --accept > /dev/null || fail "accept $name"
done
"$dcisim" sweep ci/sweeps/mirror.json --out results/ci/mirror --force -q || fail "sweep"
"$dcisim" check results/ci/mirror --baseline ci/baselines/mirror --mode stat --accept > /dev/null || fail "accept the sweep"
[ -f ci/baselines/mirror/sweep.csv ] && [ -f ci/baselines/mirror/sweep.json ] || fail "--accept copies sweep.csv and sweep.json"

# A clean tree passes (the results directories are left from the baselines:
# the sweep needs --force there, which the script gives).
sh "$tmp/check.sh" "$dcisim" > "$tmp/clean.log" 2>&1 || { cat "$tmp/clean.log"; fail "the check script fails on a clean tree"; }
grep -q "check: stat: .* 0 fail" "$tmp/clean.log" || { cat "$tmp/clean.log"; fail "stat check of the same sweep"; }

# Exact mode: the same run twice is the same bytes.
"$dcisim" run ci/scenarios/metro-vmotion.json --out "$tmp/again" -q
"$dcisim" check "$tmp/again" --baseline ci/baselines/metro-vmotion --mode exact > "$tmp/exact.log" \
	|| { cat "$tmp/exact.log"; fail "exact mode on an identical run"; }
grep -q "bytes compared" "$tmp/exact.log" || fail "exact mode counts bytes"
"$dcisim" check "$tmp/again" --baseline ci/baselines/metro-vmotion --mode fuzzy 2> "$tmp/mode.err"
[ $? -eq 2 ] || fail "an unknown --mode is a usage error"
"$dcisim" check "$tmp/again" --baseline ci/baselines/metro-vmotion --mode stat > /dev/null 2>&1
[ $? -eq 2 ] || fail "stat mode on a run directory is a usage error"

# Another seed: other random draws, the same statistics: no failure.
sed 's/"seed": *1,/"seed": 41,/' "$src/scenarios/storage-mirror-80km.json" > ci/scenarios/storage-mirror-80km.json
grep -q '"seed": 41' ci/scenarios/storage-mirror-80km.json || fail "could not change the seed"
"$dcisim" sweep ci/sweeps/mirror.json --out "$tmp/seed41" -q || fail "sweep with seed 41"
"$dcisim" check "$tmp/seed41" --baseline ci/baselines/mirror --mode stat > "$tmp/seed.log"
rc=$?
cat "$tmp/seed.log" | grep "^check: stat"
[ $rc -eq 0 ] || { cat "$tmp/seed.log"; fail "stat mode fails on a mere change of seed"; }
"$dcisim" check "$tmp/seed41" --baseline ci/baselines/mirror > /dev/null
[ $? -eq 1 ] || fail "tolerance mode sees the new draws as drift"

# A perturbed model (slower array writes): the check script fails, naming it.
sed 's/"write_ms": *0.2,/"write_ms": 0.3,/g' "$src/scenarios/storage-mirror-80km.json" > ci/scenarios/storage-mirror-80km.json
grep -q '"write_ms": 0.3' ci/scenarios/storage-mirror-80km.json || fail "could not perturb the model"
sh "$tmp/check.sh" "$dcisim" > "$tmp/drift.log" 2>&1
[ $? -eq 1 ] || { cat "$tmp/drift.log"; fail "the check script must fail on a perturbed model"; }
grep -q "^drift: sweep.csv point links\[0\].distance_km=20 metric storage_write_mean_ms\[dc1\]: fail: .* p = .* effect size d = " "$tmp/drift.log" \
	|| { cat "$tmp/drift.log"; fail "stat mode names the failing metric with p and d"; }
grep -q "^drift: summary.csv row .*storage_write_mean_ms" "$tmp/drift.log" || fail "tolerance mode names the drift"
echo "check modes: ok"
