#!/usr/bin/env bash
# docs/metrics.md must be the page the program prints from the metric and
# event declarations.  Run by ctest from the source root as:
#   bash tests/test_metrics_doc.sh BUILD/dcisim
set -u
dcisim=${1:?usage: bash tests/test_metrics_doc.sh BUILD/dcisim}
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$dcisim" metrics --markdown >"$tmp" || { echo "FAIL: dcisim metrics --markdown failed" >&2; exit 1; }
if ! diff -u docs/metrics.md "$tmp"; then
	echo "FAIL: docs/metrics.md is out of date; run" >&2
	echo "  $dcisim metrics --markdown > docs/metrics.md" >&2
	exit 1
fi
"$dcisim" metrics | grep -q '^  migration_downtime_ms *ms *lower *figure' || { echo "FAIL: text listing"; exit 1; }
"$dcisim" metrics --bogus 2>/dev/null; [ $? -eq 2 ] || { echo "FAIL: bad argument must exit 2"; exit 1; }
echo "docs/metrics.md matches dcisim metrics --markdown"
