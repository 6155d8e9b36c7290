# Help, man page, completion and README agree: they are made from the
# program's one table of commands and options (sim/app/cli.h), and the files
# in the tree hold what `dcisim help` makes now.  Then every option of every
# command appears in that command's own --help, in the top-level --help, in
# the man page's synopsis, in the README's list and in the completion; no
# help text points at internal documents; run's help and the README name
# every file a bundled run writes; the man page describes every command.
set -u
dcisim=${1:?usage: test_cli_docs.sh PATH/TO/dcisim}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

"$dcisim" help --bash-completion > "$tmp/completion" || fail "help --bash-completion"
cmp -s "$tmp/completion" scripts/dcisim.bash-completion ||
	fail "scripts/dcisim.bash-completion is not current: dcisim help --bash-completion > scripts/dcisim.bash-completion"
bash -n scripts/dcisim.bash-completion || fail "the completion is not valid bash"
"$dcisim" help --man-synopsis > "$tmp/man-synopsis" || fail "help --man-synopsis"
sed -n '/^\.SH SYNOPSIS$/,/^\.SH DESCRIPTION$/p' docs/dcisim.1 | sed '1d;$d' > "$tmp/man-has"
cmp -s "$tmp/man-synopsis" "$tmp/man-has" ||
	fail "docs/dcisim.1's SYNOPSIS is not what dcisim help --man-synopsis prints: $(diff "$tmp/man-has" "$tmp/man-synopsis" | head -5)"
"$dcisim" help --readme-synopsis > "$tmp/readme-synopsis" || fail "help --readme-synopsis"
awk '/^## Commands$/ {on = 1; next} on && /^```$/ {n++; if (n == 2) exit; next} on && n == 1' README.md > "$tmp/readme-has"
cmp -s "$tmp/readme-synopsis" "$tmp/readme-has" ||
	fail "README's command list is not what dcisim help --readme-synopsis prints: $(diff "$tmp/readme-has" "$tmp/readme-synopsis" | head -5)"
"$dcisim" --help > "$tmp/help" || fail "dcisim --help"

# Every command and its options, from the completion (made from the table).
commands=$(sed -n 's/^\t\(.*\)) opts="\(.*\)" ;;$/\1/p' "$tmp/completion")
[ "$(echo "$commands" | wc -w)" -ge 12 ] || fail "only $(echo $commands) in the table"
for c in $commands; do
	opts=$(sed -n "s/^\t$c) opts=\"\(.*\)\" ;;\$/\1/p" "$tmp/completion")
	"$dcisim" "$c" --help > "$tmp/own" || fail "dcisim $c --help exits $?"
	"$dcisim" help "$c" | cmp -s - "$tmp/own" || fail "dcisim help $c differs from dcisim $c --help"
	grep -q "^  dcisim $c" "$tmp/help" || fail "dcisim --help has no $c"
	grep -q "^\.B dcisim $c$" docs/dcisim.1 || fail "the man synopsis has no $c"
	grep -q "^\.B $c$" docs/dcisim.1 || fail "the man page's COMMANDS has no $c"
	grep -q "^dcisim $c" README.md || fail "README has no $c"
	# The top-level help's lines for this command (its synopsis, wrapped).
	awk -v c="  dcisim $c " 'index($0, c) == 1 {on = 1; print; next} on && /^      [^ ]/ {on = 0} on' "$tmp/help" > "$tmp/top"
	sed -n "/^\.B dcisim $c\$/,/^\.br\$/p" docs/dcisim.1 > "$tmp/man"
	for o in $opts; do
		case "$o" in --help|-h) continue ;; esac
		grep -q -- "$o\b" "$tmp/own" || fail "dcisim $c --help does not mention $o"
		if [ "${o#--}" != "$o" ]; then
			short=$(echo "$opts" | tr ' ' '\n' | grep -A1 -x -- "$o" | sed -n '2p' | grep '^-[a-zA-Z]$' || true)
			want=${short:-$o}
		else
			continue # short forms were checked with their long ones
		fi
		grep -q -- "$want\b" "$tmp/top" || fail "dcisim --help does not show $want for $c"
		grep -q -- "$(echo "$want" | sed 's/-/\\\\-/g')\b" "$tmp/man" || fail "the man synopsis of $c lacks $want"
		grep "^dcisim $c" README.md | grep -q -- "$want\b" || fail "README's $c lacks $want"
	done
	# No help text points at internal documents.
	if grep -n 'SPEC\|dci-facts\|§' "$tmp/own"; then fail "dcisim $c --help cites internal documents"; fi
done

# Every file a bundled run writes is named by run's help, the README's
# outputs and the man page's files.
"$dcisim" run --help > "$tmp/run-help"
for f in $(ls tests/golden/*/ | grep -v ':$' | sort -u); do
	[ -n "$f" ] || continue
	grep -q "$f" "$tmp/run-help" || fail "dcisim run --help does not list $f"
	grep -q "^| $f |" README.md || fail "README's outputs table does not list $f"
	grep -q "$f" docs/dcisim.1 || fail "the man page's FILES does not list $f"
done
# --snapshot writes PNG as well as BMP.
grep -q -- "--snapshot SECONDS FILE.png|.bmp" "$tmp/help" || fail "--snapshot FILE.png|.bmp"
echo "help, man page, completion and README agree on $(echo $commands | wc -w) commands"
