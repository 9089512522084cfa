#!/bin/sh
# The manual pages and the bash completion are made from the binary's own --help
# (tools/gen-man.py, `make man`, installed by `make install` and the Debian package; issue 22):
# a page per command in English and zh-TW that groff reads without a warning, and a completion
# that knows the commands, their verbs and their options.
. "$TOP/tests/cli/lib.sh"
M="$T/man"

run python3 "$TOP/tools/gen-man.py" "$BROKERSEC" "$M"
check "gen-man runs" test "$rc" = 0
# the commands --help lists (main.c's table and the registers; a name listed twice runs the command)
cmds=$("$BROKERSEC" --lang en --help | sed -n 's/^  \([a-z][a-z0-9-]*\) \+[^ ].*/\1/p' | sort -u)
n=$(printf '%s\n' "$cmds" | wc -l)
check "--help lists commands" test "$n" -gt 20
check "a page per command and brokersec(1), English" test "$(ls "$M/man1" | wc -l)" = $((n + 1))
check "a page per command and brokersec(1), zh_TW" test "$(ls "$M/zh_TW/man1" | wc -l)" = $((n + 1))
missing=""
for c in $cmds; do [ -f "$M/man1/brokersec-$c.1" ] && [ -f "$M/zh_TW/man1/brokersec-$c.1" ] || missing="$missing $c"; done
check "every command has its pages (missing:$missing)" test -z "$missing"

# the pages are the help text: what serve --help says, the page says
page=$(MANWIDTH=200 man -l "$M/man1/brokersec-serve.1" 2>/dev/null)
check "brokersec-serve(1) has its NAME line" contains "$page" "brokersec-serve - HTTPS server"
check "brokersec-serve(1) is serve --help (--allow-root)" contains "$page" "--allow-root: serve as root all the same"
page=$(MANWIDTH=200 man -l "$M/zh_TW/man1/brokersec-serve.1" 2>/dev/null)
check "zh_TW brokersec-serve(1) is the zh-TW help" contains "$page" "--allow-root：仍以 root 執行"
page=$(MANWIDTH=200 man -l "$M/man1/brokersec.1" 2>/dev/null)
check "brokersec(1) lists the commands" contains "$page" "lookalike"
check "brokersec(1) refers to brokersec-log(1)" contains "$page" "brokersec-log(1)"
# backslashes and leading dots are escaped: groff reads every page without a warning
warn=""
for f in "$M"/man1/*.1 "$M"/zh_TW/man1/*.1; do
	w=$(LC_ALL=C.UTF-8 groff -k -man -Tutf8 -ww -z "$f" 2>&1)
	[ -z "$w" ] || warn="$warn $(basename "$f"): $w"
done
check "groff -ww: no warnings ($warn)" test -z "$warn"
check "no option lost to a roff escape (log verify --strict)" \
	contains "$(MANWIDTH=200 man -l "$M/man1/brokersec-log.1" 2>/dev/null)" "brokersec log verify [--key FILE]"
# reproducible: the date is SOURCE_DATE_EPOCH's
SOURCE_DATE_EPOCH=0 python3 "$TOP/tools/gen-man.py" "$BROKERSEC" "$T/m0" >/dev/null
check "the date is SOURCE_DATE_EPOCH's" grep -q '"1970-01-01"' "$T/m0/man1/brokersec.1"

# a binary whose --help fails makes no pages
printf '#!/bin/sh\necho "brokersec 9"; exit 3\n' >"$T/bad"
chmod +x "$T/bad"
run python3 "$TOP/tools/gen-man.py" "$T/bad" "$T/badman"
check "a failing --help: gen-man fails" test "$rc" = 1
check "a failing --help: says which" contains "$err" "exited 3"

# --- bash completion ---
comp() { # comp WORD... : what completes the last word
	bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _brokersec; printf "%s\n" "${COMPREPLY[@]}"' \
		sh "$M/brokersec.bash-completion" "$@"
}
check "completion: commands (lo -> log lookalike)" test "$(comp brokersec lo | tr '\n' ' ')" = "log lookalike "
check "completion: a register is a command" contains "$(comp brokersec ass)" "asset"
check "completion: verbs (log ver -> verify)" test "$(comp brokersec log ver)" = "verify"
check "completion: after global options" test "$(comp brokersec --data d --lang en log ver)" = "verify"
check "completion: options (serve --allow)" test "$(comp brokersec serve --allow)" = "--allow-root"
check "completion: --lang values" test "$(comp brokersec --lang z)" = "zh-TW"
check "completion: a register's verbs (person imp -> import)" test "$(comp brokersec person imp)" = "import"
finish
