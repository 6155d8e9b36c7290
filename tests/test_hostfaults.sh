# Host faults (docs/hardening.md): a missing scenario, a scenario that is a
# directory, an output path that is a file, a read-only output directory
# and a full disk each end with a clear message and exit 2 (bad input,
# nothing written) or 3 (runtime failure), never a crash, and never leave a
# partial file under a final name or a run.json beside missing tables.
# The read-only and full-disk cases mount a small tmpfs and a read-only bind
# mount, so they need root (CAP_SYS_ADMIN); without it they are skipped.
#   bash tests/test_hostfaults.sh PATH/TO/dcisim        (from the source tree)
set -u
dcisim=${1:?usage: test_hostfaults.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
mounts=()
cleanup() {
	for m in "${mounts[@]}"; do umount "$m" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok   $*"; }

# expect NAME CODE MESSAGE-FRAGMENT COMMAND...: exit code and stderr.
expect() {
	local name=$1 want=$2 msg=$3
	shift 3
	"$@" >"$tmp/out.txt" 2>"$tmp/err.txt"
	local rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, expected $want; stderr: $(head -c 300 "$tmp/err.txt")"
	elif ! grep -qF -- "$msg" "$tmp/err.txt"; then
		fail "$name: stderr lacks '$msg': $(head -c 300 "$tmp/err.txt")"
	else
		ok "$name: exit $rc: $(grep -F -- "$msg" "$tmp/err.txt" | head -n 1)"
	fi
}

# No file under a final name is partial, no temporary file is left behind,
# and run.json is there only when every table is.
check_dir() {
	local name=$1 d=$2 f
	for f in "$d"/.*.tmp.*; do
		[ -e "$f" ] && fail "$name: temporary file left: $f"
	done
	for f in "$d"/*.csv; do
		[ -e "$f" ] || continue
		[ -z "$(tail -c 1 "$f")" ] || fail "$name: $f is cut short"
	done
	[ ! -e "$d/run.json" ] || fail "$name: run.json written although the run failed to write"
}

# ---- inputs that are not there or not files ----
expect "missing scenario" 2 "cannot read scenario: No such file or directory" \
	"$dcisim" run "$tmp/no-such.json" --out "$tmp/o1"
[ ! -e "$tmp/o1" ] || fail "missing scenario: the output directory was created"
mkdir -p "$tmp/dir.json"
expect "scenario is a directory" 2 "cannot read scenario: Is a directory" \
	"$dcisim" run "$tmp/dir.json" --out "$tmp/o2"
[ ! -e "$tmp/o2" ] || fail "scenario is a directory: the output directory was created"
expect "validate a directory" 2 "Is a directory" "$dcisim" validate "$tmp/dir.json"
expect "scenario is /dev/zero" 2 "cannot read scenario: File too large" "$dcisim" validate /dev/zero
expect "scenario is /dev/null" 2 "not valid JSON here (the text ends too soon)" \
	"$dcisim" run /dev/null --out "$tmp/o6"
[ ! -e "$tmp/o6" ] || fail "scenario is /dev/null: the output directory was created"
expect "sweep file missing" 2 "cannot read sweep file: No such file or directory" \
	"$dcisim" sweep "$tmp/no-such-sweep.json" --out "$tmp/o3"
printf '{"dcisim_sweep": 1, "base": "dir.json", "grid": {"seed": [1, 2]}}' >"$tmp/sw.json"
expect "sweep base is a directory" 2 "cannot read the base scenario" \
	"$dcisim" sweep "$tmp/sw.json" --out "$tmp/o4"
expect "check of a missing result" 2 "" "$dcisim" check "$tmp/nothing" --baseline "$tmp/nothing2"

# ---- outputs that cannot be written ----
touch "$tmp/a-file"
expect "output path is a file" 3 "cannot create output directory $tmp/a-file: Not a directory" \
	"$dcisim" run scenarios/metro-vmotion.json --out "$tmp/a-file" -q
expect "output under a file" 3 "Not a directory" \
	"$dcisim" run scenarios/metro-vmotion.json --out "$tmp/a-file/sub" -q

if [ "$(id -u)" != 0 ] || ! mkdir -p "$tmp/full" || ! mount -t tmpfs -o size=64k tmpfs "$tmp/full" 2>/dev/null; then
	echo "skip read-only and full-disk cases: mounting needs root (CAP_SYS_ADMIN)"
else
	mounts+=("$tmp/full")
	# A full disk: the default scenario writes about 410 KB into 64 KB.
	expect "full disk" 3 "No space left on device" "$dcisim" run --out "$tmp/full/res" -q
	check_dir "full disk" "$tmp/full/res"
	# An earlier complete result in the same place loses its run.json, so
	# the half-replaced directory does not look complete.
	# (The earlier result is a shorter run, and the disk is filled after
	# it: a run frees an earlier result's files as it starts its own, so
	# it fails only when it needs more room than they had.)
	umount "$tmp/full" && mount -t tmpfs -o size=600k tmpfs "$tmp/full"
	"$dcisim" run --until 20 --out "$tmp/full/res" -q || fail "the default scenario failed on 600 KB"
	[ -f "$tmp/full/res/run.json" ] || fail "no run.json after a complete run"
	dd if=/dev/zero of="$tmp/full/filler" bs=1k count=600 2>/dev/null
	expect "full disk over an earlier result" 3 "No space left on device" \
		"$dcisim" run --out "$tmp/full/res" -q
	check_dir "full disk over an earlier result" "$tmp/full/res"
	rm -f "$tmp/full/filler"
	# A sweep into a full disk.
	umount "$tmp/full" && mount -t tmpfs -o size=16k tmpfs "$tmp/full"
	mkdir -p "$tmp/sw2"
	cp scenarios/metro-vmotion.json "$tmp/sw2/base.json"
	printf '{"dcisim_sweep": 1, "base": "base.json", "grid": {"seed": [1, 2, 3, 4]}}' >"$tmp/sw2/s.json"
	expect "sweep into a full disk" 3 "No space left on device" \
		"$dcisim" sweep "$tmp/sw2/s.json" --out "$tmp/full/sweep" -q
	for f in "$tmp/full/sweep"/.*.tmp.* "$tmp/full/sweep"/cache/.*.tmp.*; do
		[ -e "$f" ] && fail "sweep into a full disk: temporary file left: $f"
	done

	# Read-only: a bind mount of a directory, remounted read-only.
	mkdir -p "$tmp/ro/existing"
	mount --bind "$tmp/ro" "$tmp/ro" && mounts=("$tmp/ro" "${mounts[@]}") &&
		mount -o remount,ro,bind "$tmp/ro"
	expect "read-only, new directory" 3 "cannot create output directory $tmp/ro/res: Read-only file system" \
		"$dcisim" run scenarios/metro-vmotion.json --out "$tmp/ro/res" -q
	expect "read-only, existing directory" 3 "Read-only file system" \
		"$dcisim" run scenarios/metro-vmotion.json --out "$tmp/ro/existing" -q
	[ -z "$(ls -A "$tmp/ro/existing")" ] || fail "read-only: files appeared"
	expect "read-only trace" 3 "Read-only file system" \
		"$dcisim" run scenarios/metro-vmotion.json --out "$tmp/o5" --trace "$tmp/ro/t.trace" -q
fi

if [ $fails -gt 0 ]; then
	echo "host faults: $fails failed"
	exit 1
fi
echo "host faults: all passed"
