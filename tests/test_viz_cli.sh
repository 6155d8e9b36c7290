# dcisim view and run --trace from the command line, no display needed.
# - run --trace: the CSVs are the same bytes as without; the trace is
#   deterministic (two runs, same bytes) and starts with its header.
# - view --snapshot (live and --replay) writes a BMP of the asked size.
# - view --out: the CSVs of a run watched by the viewer are run's CSVs.
# - errors: bad options and a missing scenario exit 2; a missing font
#   says which package to install.
# In a build without the viewer, `dcisim view` must exit 2 and say how to
# get it; the rest is skipped (exit 77) after the trace checks.
set -u
dcisim=${1:?usage: test_viz_cli.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

same_csvs() { # dir dir: every CSV in the first is in the second, same bytes
	n=0
	for f in "$1"/*.csv; do
		cmp "$f" "$2/$(basename "$f")" || fail "$(basename "$f") differs: $1 vs $2"
		n=$((n + 1))
	done
	[ "$n" -gt 0 ] || fail "no CSV in $1"
	[ "$(ls "$1"/*.csv | wc -l)" -eq "$(ls "$2"/*.csv | wc -l)" ] || fail "not the same CSV files"
}

# run --trace changes no result, and the trace is deterministic.
for s in scenarios/demos/*.json default; do
	[ "$s" = default ] && arg="" || arg="$s"
	name=$(basename "$s" .json)
	"$dcisim" run $arg --out "$tmp/plain-$name" -q || fail "run $s exits $?"
	"$dcisim" run $arg --out "$tmp/traced-$name" --trace "$tmp/$name.trace" -q || fail "run --trace $s exits $?"
	"$dcisim" run $arg --out "$tmp/traced2-$name" --trace "$tmp/$name.trace2" -q || fail "second run --trace $s"
	same_csvs "$tmp/plain-$name" "$tmp/traced-$name"
	cmp "$tmp/$name.trace" "$tmp/$name.trace2" || fail "$s: the trace differs between two runs"
	head -n 1 "$tmp/$name.trace" | grep -qx 'dcisim-trace 1' || fail "$s: trace header"
	grep -q '^E [0-9]* 1$' "$tmp/$name.trace" || fail "$s: trace has no complete end record"
	ls "$tmp" | grep -q '\.tmp-' && fail "a temporary trace file was left behind"
done
"$dcisim" run scenarios/demos/demo-trombone.json --out "$tmp/in" --trace "$tmp/in/run.trace" -q \
	|| fail "a trace in the --out directory"
[ -s "$tmp/in/run.trace" ] && [ -s "$tmp/in/events.csv" ] || fail "trace and CSVs in one directory"
touch "$tmp/file"
"$dcisim" run scenarios/demos/demo-trombone.json --out "$tmp/x" --trace "$tmp/file/t" -q 2> "$tmp/err"
[ $? -eq 3 ] || fail "an unwritable trace must exit 3"
grep -q "cannot write trace" "$tmp/err" || fail "an unwritable trace says so"

if "$dcisim" view --help | grep -q "built without the viewer"; then
	"$dcisim" view scenarios/demos/demo-trombone.json 2> "$tmp/err"
	[ $? -eq 2 ] || fail "view without the viewer must exit 2"
	grep -q "apt-get install libsdl2-dev libsdl2-ttf-dev fonts-dejavu-core" "$tmp/err" \
		|| fail "view without the viewer says how to get it"
	echo "viewer not built: view checks skipped"
	exit 77
fi

# Snapshots, live and replayed, at the asked size (BMP header: width at
# byte 18, height at 22, little-endian).
bmp_size() { od -An -t d4 -j 18 -N 8 "$1" | awk '{ h = $2 < 0 ? -$2 : $2; print $1 "x" h }'; }
"$dcisim" view demo-trombone --snapshot 12 "$tmp/live.bmp" --size 800x500 -q || fail "snapshot exits $?"
[ "$(head -c 2 "$tmp/live.bmp")" = BM ] || fail "snapshot is not a BMP"
[ "$(bmp_size "$tmp/live.bmp")" = 800x500 ] || fail "snapshot size $(bmp_size "$tmp/live.bmp")"
"$dcisim" view --replay "$tmp/demo-trombone.trace" --snapshot 12 "$tmp/replay.bmp" -q \
	|| fail "replay snapshot exits $?"
[ "$(bmp_size "$tmp/replay.bmp")" = 1280x720 ] || fail "default snapshot size $(bmp_size "$tmp/replay.bmp")"
"$dcisim" view --replay "$tmp/demo-trombone.trace" scenarios/demos/demo-l2-technologies.json \
	--snapshot 1 "$tmp/x.bmp" 2> "$tmp/err"
[ $? -ne 0 ] && grep -q "the trace is of scenario 'demo-trombone'" "$tmp/err" \
	|| fail "a trace drawn on another scenario is refused"

# view --out: the run the viewer watched wrote run's CSVs.
"$dcisim" view demo-dci-cut-witness --snapshot 60 "$tmp/end.bmp" --out "$tmp/viewed" -q || fail "view --out"
same_csvs "$tmp/plain-demo-dci-cut-witness" "$tmp/viewed"

# Errors.
"$dcisim" view --speed 0 demo-trombone 2> /dev/null; [ $? -eq 2 ] || fail "--speed 0 must exit 2"
"$dcisim" view --size 10x10 demo-trombone 2> /dev/null; [ $? -eq 2 ] || fail "--size 10x10 must exit 2"
"$dcisim" view no-such-scenario 2> "$tmp/err"; [ $? -eq 2 ] || fail "a missing scenario must exit 2"
"$dcisim" view --bogus 2> /dev/null; [ $? -eq 2 ] || fail "an unknown option must exit 2"
DCISIM_FONT=/nonexistent/font.ttf "$dcisim" view demo-trombone --snapshot 1 "$tmp/f.bmp" 2> "$tmp/err"
[ $? -eq 3 ] || fail "a missing font must exit 3"
grep -q "DCISIM_FONT=/nonexistent/font.ttf" "$tmp/err" || fail "a missing font is named"
echo "ok"
