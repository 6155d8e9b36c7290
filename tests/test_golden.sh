# Golden outputs: every bundled scenario, run with this build, must match its
# baseline in tests/golden/<scenario>/ under `dcisim check` (default
# tolerances: the outputs are deterministic, so this is a byte-level check
# in all but formatting).  When a model change is meant to move outputs:
#   scripts/regen-golden --dcisim BUILD/dcisim [SCENARIO...]
# and commit the new goldens with the change.
set -u
dcisim=${1:?usage: test_golden.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=()
missing=()
n=0
for f in scenarios/*.json scenarios/demos/*.json; do
	[ -f "$f" ] || continue
	grep -Eq '"dcisim"[[:space:]]*:[[:space:]]*1' "$f" || continue
	name=$(basename "$f" .json)
	n=$((n + 1))
	if [ ! -d "tests/golden/$name" ]; then
		missing+=("$name")
		continue
	fi
	if ! "$dcisim" run "$f" --out "$tmp/$name" -q; then
		echo "FAIL $name: the run failed"
		failed+=("$name")
		continue
	fi
	if "$dcisim" check "$tmp/$name" --baseline "tests/golden/$name" > "$tmp/$name.check"; then
		echo "ok   $name"
	else
		echo "FAIL $name:"
		sed 's/^/     /' "$tmp/$name.check" | head -n 40
		failed+=("$name")
	fi
done

for name in "${missing[@]}"; do
	echo "FAIL $name: no golden in tests/golden/$name"
done
if [ ${#failed[@]} -gt 0 ] || [ ${#missing[@]} -gt 0 ]; then
	echo "golden: ${#failed[@]} drifted, ${#missing[@]} without a golden, of $n scenarios."
	echo "If the change is intended: scripts/regen-golden --dcisim $dcisim ${failed[*]} ${missing[*]}"
	exit 1
fi
echo "golden: all $n bundled scenarios match their baselines"
