# The viewer in a real window under Xvfb, driven by synthetic key presses
# (--keys: SDL_PushEvent into the window's own event queue, frame by frame):
# it opens, runs a demo for a few simulated seconds through pause, steps
# forwards and back, speed changes, a restart, jumps (End, Home, ] and [)
# and the captions key, and exits cleanly on q; then a fast run with
# --out gives the CSVs of `dcisim run`.  Skips (exit 77) without Xvfb or
# without the viewer.
set -u
dcisim=${1:?usage: test_viz_window.sh PATH/TO/dcisim}
command -v Xvfb > /dev/null || { echo "skipped: no Xvfb (apt-get install xvfb)"; exit 77; }
"$dcisim" view --help | grep -q "built without the viewer" && { echo "skipped: no viewer"; exit 77; }
tmp=$(mktemp -d)
xpid=
cleanup() { [ -n "$xpid" ] && kill "$xpid" 2> /dev/null; wait 2> /dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
fail() { echo "FAIL: $*"; cat "$tmp"/*.err 2> /dev/null; exit 1; }

# A free display number, then wait for the server's socket.
for n in $(seq 91 140); do
	[ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ] || break
done
Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp > "$tmp/xvfb.log" 2>&1 &
xpid=$!
for i in $(seq 1 100); do
	[ -e "/tmp/.X11-unix/X$n" ] && break
	sleep 0.05
done
[ -e "/tmp/.X11-unix/X$n" ] || { echo "skipped: Xvfb did not start"; cat "$tmp/xvfb.log"; exit 77; }
export DISPLAY=":$n" SDL_VIDEODRIVER=x11

# Frames at about 60 per second: faster, pause, two steps, one back, resume,
# slower, restart, to the end and back to the start, 10 s on and back,
# captions off and on, and quit after about three seconds of wall time.
keys="10:plus,20:plus,40:space,45:right,50:right,52:left,55:space,70:minus,90:r"
keys="$keys,100:end,105:home,110:],115:[,120:c,125:c,180:q"
timeout 60 "$dcisim" view demo-trombone --keys "$keys" --size 1024x640 > "$tmp/out" 2> "$tmp/run.err"
rc=$?
if [ $rc -eq 3 ] && grep -q "cannot open a window" "$tmp/run.err"; then
	echo "skipped: SDL cannot open a window on Xvfb here: $(cat "$tmp/run.err")"
	exit 77
fi
[ $rc -eq 0 ] || fail "the window run exits $rc"
grep -Eq '^dcisim view: quit at [0-9.]+ s simulated after 18[0-9] frames' "$tmp/out" \
	|| fail "no clean quit line: $(cat "$tmp/out")"
t=$(sed -n 's/^dcisim view: quit at \([0-9.]*\) s.*/\1/p' "$tmp/out")
awk -v t="$t" 'BEGIN { exit !(t > 0 && t <= 45) }' || fail "simulated $t s after the restart"

# Fast to the end, then q: the CSVs are run's.
"$dcisim" run demo-dci-cut-witness --out "$tmp/plain" -q || fail "run exits $?"
timeout 60 "$dcisim" view demo-dci-cut-witness --speed 100000 --keys "120:q" --out "$tmp/viewed" \
	> "$tmp/out2" 2> "$tmp/run2.err" || fail "the fast window run exits $?"
grep -q "(run finished)" "$tmp/out2" || fail "the fast run did not finish: $(cat "$tmp/out2")"
for f in "$tmp"/plain/*.csv; do
	cmp "$f" "$tmp/viewed/$(basename "$f")" || fail "$(basename "$f") differs with the viewer"
done
cat "$tmp/out" "$tmp/out2"; echo "ok"
