#!/usr/bin/env bash
# docs/validation.md must be what the validation tests measure now.
# Run by ctest from the source root as: bash tests/test_validation_report.sh BUILD/dcisim
# (the build directory is the one holding the program).  Regenerates the report
# into a temporary file with scripts/validation-report and fails with the diff
# when the checked-in file differs.  Skips (77) when the test programs are not
# built.
set -u
if [ $# -ne 1 ]; then
	echo "usage: bash tests/test_validation_report.sh BUILD/dcisim" >&2
	exit 2
fi
build=$(cd "$(dirname "$1")" && pwd) || exit 2
if [ ! -x "$build/tests/test_net" ]; then
	echo "SKIP: the test programs are not built in $build"
	exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! bash scripts/validation-report "$build" "$tmp/validation.md" 2>"$tmp/log"; then
	cat "$tmp/log" >&2
	echo "FAIL: scripts/validation-report $build: a validation test failed" >&2
	exit 1
fi
if ! diff -u docs/validation.md "$tmp/validation.md"; then
	echo "FAIL: docs/validation.md is out of date; run scripts/validation-report $build to update" >&2
	exit 1
fi
echo "docs/validation.md matches the validation tests"
