# The layering rules (scripts/check-layers, docs/architecture.md): the tree
# passes; a planted wrong arrow of each kind fails with the rule it broke.
set -u
src=$PWD
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

python3 scripts/check-layers "$src" || fail "the tree breaks a layering rule"

# A copy of the sources to plant faults in, one at a time.
plant() { # FILE LINE EXPECTED-FRAGMENT
	rm -rf "$tmp/t" && mkdir -p "$tmp/t"
	cp -r "$src/sim" "$src/models" "$src/viz" "$src/include" "$tmp/t/"
	sed -i "1i $2" "$tmp/t/$1"
	out=$(python3 scripts/check-layers "$tmp/t" 2>&1) && fail "planted '$2' in $1 passed"
	echo "$out" | grep -q -- "$3" || fail "planted '$2' in $1: expected '$3', got: $out"
	echo "$out" | grep -q "^$1:1: error:" || fail "planted '$2': no FILE:LINE in: $out"
}
plant models/storage.c '#include "dcisim/loader.h"' 'rule: models may use core, models only'
plant sim/core/net.c '#include "dcisim/world.h"' 'rule: core may use core only'
plant sim/core/kernel.c '#include <cjson/cJSON.h>' 'rule: cJSON is read only in the io layer'
plant models/l3.c '#include <SDL.h>' 'rule: SDL2 is used only by the viewer'
plant sim/io/loader.c '#include "dcisim/trace.h"' 'rule: io may use core, io only'
plant viz/model.c '#include "run.h"' 'is not beside model.c'
plant models/l2.c '#include "../sim/app/run.h"' 'climbs out of its folder'
plant sim/observe/trace.c '#include "dcisim/nosuch.h"' 'is not a public header'
echo "ok: layering rules hold and planted violations fail"
