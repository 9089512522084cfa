#!/bin/sh
# Every command a message suggests must run (issue 12 item 17: `app add --met` with a wrong
# id suggested `brokersec controls A1.T1`, which the CLI refused). Finds each suggestion in
# the sources - 'brokersec ...', `brokersec ...`, (brokersec ...), （brokersec ...） - fills in
# its placeholders and runs it against a data directory: the CLI must know the command, the
# verb, every option and argument (no unknown command or verb, no option that does not apply,
# no unexpected argument). A bare mention of a command family ('brokersec user') is a
# reference, not a command line, and may lack a verb or its required options.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
# suggestions name paths ('init --data %s' becomes 'init --data 1'): whatever they make, they
# make in the temp dir, never in the source tree
cd "$T" || exit 2
export BROKERSEC_DATA="$D" BROKERSEC_LANG=en
"$BROKERSEC" init --org "建議測試" --internal-control yes >/dev/null 2>&1 || echo "init failed"
"$BROKERSEC" user add --username alice --role it_staff >/dev/null 2>&1
"$BROKERSEC" system add --name 核心 --category 1 >/dev/null 2>&1
: > "$T/f"
commands=$("$BROKERSEC" --help --lang en | sed -n 's/^  \([a-z-]*\) .*/\1/p' | tr '\n' ' ')

# the suggestions, one a line, without their quotes
grep -rhoE "'brokersec [^']*'|\`brokersec [^\`]*\`|\\(brokersec [^)]*\\)|（brokersec [^）]*）" \
	"$TOP"/src --include='*.c' | sed "s/^['\`(]//; s/['\`)]\$//; s/^（//; s/）\$//" | sort -u > "$T/found"
check "suggestions found in the sources" [ "$(wc -l < "$T/found")" -gt 20 ]

# the issue's own case, fixed: the wrong --met message suggests a command that runs
"$BROKERSEC" app add --name 測試 --class 3 --met A1.T1.99 >/dev/null 2>"$T/met.err"
check "a wrong --met id suggests controls --id A1.T1" grep -q "brokersec controls --id A1.T1" "$T/met.err"
run "$BROKERSEC" controls --id A1.T1
check "the suggested 'brokersec controls --id A1.T1' runs" [ "$rc" -eq 0 ]
check "and lists the Table 1 rows" contains "$out" "A1.T1.01"

n=0
while IFS= read -r s; do
	set -- $s
	shift # brokersec
	cmd=${1:-}
	[ "$cmd" = "%s" ] || [ "$cmd" = "<register>" ] && cmd=system
	# prose that merely names brokersec ("brokersec implements it") is not a command
	case " $commands " in *" $cmd "*) ;; *) continue ;; esac
	shift
	args=""
	for w in "$@"; do
		case "$w" in
		"%s"|"%lld"|N|ID|"<id>") w=1 ;;
		NAME|USER|U|帳號) w=alice ;;
		FILE|檔案|F|FILE.csv|BUNDLE) w="$T/f" ;;
		DIR|目錄) w="$T/none" ;;
		CONTROL_ID) w=SR.4 ;;
		"..."|"…") continue ;;
		"yes|no") w=yes ;;
		esac
		args="$args $w"
	done
	# servers and listeners: their flags are checked without starting them
	case "$cmd" in serve|intake) args="$args --help" ;; esac
	n=$((n + 1))
	# shellcheck disable=SC2086
	run "$BROKERSEC" "$cmd" $args </dev/null
	bad=""
	for m in "unknown command" "unknown verb" "does not apply" "unrecognized option" "unexpected argument" \
		"unknown --format" "invalid option"; do
		contains "$err" "$m" && bad="$m"
	done
	# a complete command line (more than the bare command, or a verb with arguments) must
	# also not be a usage error of any other kind
	check "suggested 'brokersec $cmd$args' is a command the CLI knows${bad:+ ($bad)}" [ -z "$bad" ]
done < "$T/found"
check "the suggestions were run" [ "$n" -gt 20 ]
finish
