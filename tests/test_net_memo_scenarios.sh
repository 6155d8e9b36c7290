# The memo of component solves (sim/core/net_memo.c) checked on every bundled
# scenario (migrations, evacuations, storage on links, link failures and
# degradations, window-, loss- and idle-regime queues): with
# DCISIM_NET_MEMO_CHECK=1 every component the memo answers is solved again and
# compared to the bit (inputs the memo's key missed, figures its restore
# missed: dcisim aborts), and the outputs must still be the goldens' exactly.
set -u
dcisim=${1:?usage: test_net_memo_scenarios.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export DCISIM_NET_MEMO_CHECK=1

failed=()
n=0
for f in scenarios/*.json scenarios/demos/*.json; do
	[ -f "$f" ] || continue
	grep -Eq '"dcisim"[[:space:]]*:[[:space:]]*1' "$f" || continue
	name=$(basename "$f" .json)
	[ -d "tests/golden/$name" ] || continue # test_golden says so
	n=$((n + 1))
	if ! "$dcisim" run "$f" --out "$tmp/$name" -q 2> "$tmp/$name.err"; then
		echo "FAIL $name: the run failed under DCISIM_NET_MEMO_CHECK=1"
		head -n 5 "$tmp/$name.err"
		failed+=("$name")
		continue
	fi
	if ! "$dcisim" check "$tmp/$name" --baseline "tests/golden/$name" --mode exact \
		> "$tmp/$name.check"; then
		echo "FAIL $name: outputs differ from the golden under DCISIM_NET_MEMO_CHECK=1"
		head -n 20 "$tmp/$name.check"
		failed+=("$name")
	fi
done
if [ "$n" -lt 10 ]; then
	echo "FAIL: only $n bundled scenarios with goldens found"
	exit 1
fi
if [ ${#failed[@]} -gt 0 ]; then
	echo "net memo check: ${#failed[@]} of $n scenarios failed: ${failed[*]}"
	exit 1
fi
echo "net memo check: all $n bundled scenarios solved the same with every memo answer checked"
