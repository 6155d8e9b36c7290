#!/usr/bin/env bash
# docs/scenario-keys.md must be the key reference the program prints from the
# loader's tables.  Run by ctest from the source root as:
#   bash tests/test_scenario_keys.sh BUILD/dcisim
set -u
if [ $# -ne 1 ]; then
	echo "usage: bash tests/test_scenario_keys.sh BUILD/dcisim" >&2
	exit 2
fi
dcisim=$1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
if ! "$dcisim" schema --markdown >"$tmp"; then
	echo "FAIL: $dcisim schema --markdown exited with an error" >&2
	exit 1
fi
if ! diff -u docs/scenario-keys.md "$tmp"; then
	echo "FAIL: docs/scenario-keys.md is out of date; run" >&2
	echo "  $dcisim schema --markdown > docs/scenario-keys.md" >&2
	exit 1
fi
echo "docs/scenario-keys.md matches dcisim schema --markdown"
