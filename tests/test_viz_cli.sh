# dcisim view and run --trace from the command line, no display needed.
# - run --trace: the CSVs are the same bytes as without; the trace is
#   deterministic (two runs, same bytes) and starts with its header.
# - view --snapshot (live and --replay) writes a BMP of the asked size.
# - view --frames writes the expected number of numbered PNGs (or BMPs) of
#   that size; the PNGs decode (Python's zlib) to the pixels of the BMPs.
# - view --out: the CSVs of a run watched by the viewer are run's CSVs.
# - errors: bad options and a missing scenario exit 2; a missing font
#   says which package to install.
# - the program does not link SDL2 (the viewer is a module it loads).
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

# The program itself never loads SDL2: the viewer is a module that only
# `dcisim view` loads (sim/app/viewer_dl.c), so other commands start fast.
if command -v ldd >/dev/null; then
	ldd "$dcisim" | grep -q 'libSDL2' && fail "dcisim links SDL2 itself (the viewer is a module)"
fi

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
	grep -q "apt-get install libsdl2-dev libsdl2-ttf-dev libpng-dev fonts-dejavu-core" "$tmp/err" \
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

# --frames: numbered PNGs (or BMPs) of the asked size, frame k at FROM + k x
# SPEED / FPS (0 to 2 s at 5 per second: 11 frames), without a window.
png_size() { od -An -t u1 -j 16 -N 8 "$1" | awk '{ print ($1*2^24 + $2*2^16 + $3*256 + $4) "x" ($5*2^24 + $6*2^16 + $7*256 + $8) }'; }
"$dcisim" view --replay "$tmp/demo-trombone.trace" --frames "$tmp/frames" --fps 5 --to 2 \
	--size 640x360 -q || fail "--frames exits $?"
[ "$(ls "$tmp/frames" | wc -l)" -eq 11 ] || fail "--frames wrote $(ls "$tmp/frames" | wc -l) files, not 11"
for k in 000000 000005 000010; do
	[ "$(head -c 4 "$tmp/frames/frame-$k.png" | tail -c 3)" = PNG ] || fail "frame $k is not a PNG"
	[ "$(png_size "$tmp/frames/frame-$k.png")" = 640x360 ] || fail "frame $k: $(png_size "$tmp/frames/frame-$k.png")"
done
# A second, shorter render into the same folder leaves only its own frames
# (a video made from the folder must not play the earlier render's tail).
touch "$tmp/frames/notes.txt"
"$dcisim" view --replay "$tmp/demo-trombone.trace" --frames "$tmp/frames" --fps 5 --to 1 \
	--size 640x360 -q || fail "second --frames exits $?"
[ "$(ls "$tmp/frames" | grep -c '^frame-')" -eq 6 ] || fail "stale frames left: $(ls "$tmp/frames" | tr '\n' ' ')"
[ -f "$tmp/frames/notes.txt" ] || fail "a file that is not a frame was removed"
"$dcisim" view --replay "$tmp/demo-trombone.trace" --frames "$tmp/frames" --fps 5 --to 2 \
	--size 640x360 -q || fail "third --frames exits $?"
"$dcisim" view --replay "$tmp/demo-trombone.trace" --frames "$tmp/bmps" --format bmp --fps 5 --to 2 \
	--size 640x360 -q || fail "--frames --format bmp exits $?"
[ "$(ls "$tmp/bmps" | wc -l)" -eq 11 ] && [ "$(bmp_size "$tmp/bmps/frame-000010.bmp")" = 640x360 ] \
	|| fail "--format bmp frames"
"$dcisim" view demo-trombone --frames "$tmp/frames2" --fps 2 --speed 4 --from 40 --size 320x200 2> "$tmp/err" \
	|| fail "live --frames exits $?"
[ "$(ls "$tmp/frames2" | wc -l)" -eq 3 ] || fail "40 to 45 s at x4 and 2 per second is 3 frames"
grep -q "3 frames of 320x200" "$tmp/err" || fail "--frames says what it wrote: $(cat "$tmp/err")"
"$dcisim" view --help | grep -q -- "--frames DIR" || fail "view --help lists --frames"
# The PNG writer (viz/png.c, libpng) checked by an independent decoder:
# Python's zlib inflates it, and its pixels are the BMP's of the same view.
if command -v python3 > /dev/null; then
	"$dcisim" view --replay "$tmp/demo-trombone.trace" --size 640x360 --snapshot 1 "$tmp/at1.bmp" -q
	"$dcisim" view --replay "$tmp/demo-trombone.trace" --size 640x360 --snapshot 12 "$tmp/at12.png" -q
	"$dcisim" view --replay "$tmp/demo-trombone.trace" --size 640x360 --snapshot 12 "$tmp/at12.bmp" -q
	cat > "$tmp/pngcheck.py" << 'EOF'
import struct, sys, zlib
def png(path):
    d = open(path, 'rb').read()
    assert d[:8] == b'\x89PNG\r\n\x1a\n', 'signature'
    p, idat, w, h = 8, b'', 0, 0
    while p < len(d):
        n, t = struct.unpack('>I4s', d[p:p + 8])
        data = d[p + 8:p + 8 + n]
        assert zlib.crc32(t + data) & 0xffffffff == struct.unpack('>I', d[p + 8 + n:p + 12 + n])[0], 'crc'
        if t == b'IHDR':
            w, h, depth, colour, _, _, lace = struct.unpack('>IIBBBBB', data)
            assert (depth, colour, lace) == (8, 2, 0)
        idat += data if t == b'IDAT' else b''
        p += 12 + n
    raw, row, prev, rows = zlib.decompress(idat), 3 * w, bytearray(3 * w), []
    for y in range(h):
        f, cur = raw[y * (row + 1)], bytearray(raw[y * (row + 1) + 1:(y + 1) * (row + 1)])
        assert f in (0, 1, 2, 3, 4), 'filter'
        for i in range(row):  # PNG spec section 9: none, sub, up, average, Paeth
            l, u, ul = (cur[i - 3] if i >= 3 else 0), prev[i], (prev[i - 3] if i >= 3 else 0)
            if f == 4:
                q = l + u - ul
                pl, pu, pul = abs(q - l), abs(q - u), abs(q - ul)
                pred = l if pl <= pu and pl <= pul else u if pu <= pul else ul
            else:
                pred = (0, l, u, (l + u) // 2, 0)[f]
            cur[i] = (cur[i] + pred) & 255
        rows.append(bytes(cur))
        prev = cur
    return w, h, rows
def bmp(path):
    d = open(path, 'rb').read()
    off, (w, h), bpp = struct.unpack('<I', d[10:14])[0], struct.unpack('<ii', d[18:26]), d[28] // 8
    stride, rows = (w * bpp + 3) & ~3, []
    for y in range(abs(h)):
        r = d[off + (y if h < 0 else abs(h) - 1 - y) * stride:][:w * bpp]
        rows.append(bytes(c for x in range(w) for c in (r[x * bpp + 2], r[x * bpp + 1], r[x * bpp])))
    return w, abs(h), rows
a, b = png(sys.argv[1]), bmp(sys.argv[2])
sys.exit(0 if a == b else 'the PNG and the BMP differ')
EOF
	python3 "$tmp/pngcheck.py" "$tmp/frames/frame-000005.png" "$tmp/at1.bmp" || fail "frame 5 (1 s) is not the view at 1 s"
	python3 "$tmp/pngcheck.py" "$tmp/at12.png" "$tmp/at12.bmp" || fail "a PNG snapshot is not its BMP"
else
	echo "no python3: the PNG pixels are not checked"
fi

# view --out: the run the viewer watched wrote run's CSVs.
"$dcisim" view demo-dci-cut-witness --snapshot 60 "$tmp/end.bmp" --out "$tmp/viewed" -q || fail "view --out"
same_csvs "$tmp/plain-demo-dci-cut-witness" "$tmp/viewed"

# Errors.
# No display: a window nobody would see is refused, with what to do instead.
env -u DISPLAY -u WAYLAND_DISPLAY -u SDL_VIDEODRIVER "$dcisim" view demo-trombone 2> "$tmp/err"
[ $? -eq 2 ] || fail "no display must exit 2"
grep -q "no display to open a window on" "$tmp/err" || fail "no-display message: $(cat "$tmp/err")"
grep -q -- "--snapshot" "$tmp/err" || fail "no-display message suggests --snapshot"
"$dcisim" view --speed 0 demo-trombone 2> /dev/null; [ $? -eq 2 ] || fail "--speed 0 must exit 2"
"$dcisim" view --size 10x10 demo-trombone 2> /dev/null; [ $? -eq 2 ] || fail "--size 10x10 must exit 2"
"$dcisim" view no-such-scenario 2> "$tmp/err"; [ $? -eq 2 ] || fail "a missing scenario must exit 2"
"$dcisim" view --bogus 2> /dev/null; [ $? -eq 2 ] || fail "an unknown option must exit 2"
"$dcisim" view demo-trombone --frames "$tmp/f" --fps 0 2> /dev/null; [ $? -eq 2 ] || fail "--fps 0 must exit 2"
"$dcisim" view demo-trombone --frames "$tmp/f" --from 5 --to 2 2> /dev/null; [ $? -eq 2 ] || fail "--to before --from must exit 2"
"$dcisim" view demo-trombone --frames "$tmp/f" --snapshot 1 "$tmp/f.bmp" 2> /dev/null; [ $? -eq 2 ] \
	|| fail "--frames with --snapshot must exit 2"
DCISIM_FONT=/nonexistent/font.ttf "$dcisim" view demo-trombone --snapshot 1 "$tmp/f.bmp" 2> "$tmp/err"
[ $? -eq 3 ] || fail "a missing font must exit 3"
grep -q "DCISIM_FONT=/nonexistent/font.ttf" "$tmp/err" || fail "a missing font is named"
echo "ok"
