#!/bin/sh
# The data directory and its secrets belong to the user running brokersec alone: a wrong mode
# or another owner on the directory, brokersec.db, events.db (-wal, -shm), keys/ and each
# key, tls/, tls/key.pem or evidence/ is refused with the command that fixes it, and left as it was.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
"$BROKERSEC" init --data "$D" --org "甲" --internal-control no >/dev/null 2>&1
run "$BROKERSEC" status --data "$D"
check "a fresh data directory opens" [ "$rc" -eq 0 ]

# refused_mode CHMOD PATH FIX: PATH with mode CHMOD is refused and FIX is named
refused_mode() {
	chmod "$1" "$2"
	run "$BROKERSEC" --lang en profile show --data "$D"
	check "$2 at $1 is refused" [ "$rc" -eq 1 ]
	check "$2 at $1: the message names it and the fix" contains "$err" "'$2' in data directory '$D' is accessible by other users (mode 0$1): run chmod $3 '$2'"
	check "$2 at $1 is left as it was" [ "$(stat -c %a "$2")" = "$1" ]
	chmod "$3" "$2"
}
refused_mode 644 "$D/brokersec.db" 600
refused_mode 604 "$D/brokersec.db" 600
refused_mode 640 "$D/events.db" 600
: > "$D/brokersec.db-wal"
refused_mode 644 "$D/brokersec.db-wal" 600
rm -f "$D/brokersec.db-wal"
: > "$D/events.db-shm"
refused_mode 660 "$D/events.db-shm" 600
rm -f "$D/events.db-shm"
refused_mode 755 "$D/keys" 700
refused_mode 711 "$D/keys" 700
for k in "$D"/keys/*; do
	refused_mode 644 "$k" 600
done
check "init made a tls/ directory" [ -d "$D/tls" ]
refused_mode 755 "$D/tls" 700
if [ -f "$D/tls/key.pem" ]; then
	refused_mode 644 "$D/tls/key.pem" 600
fi
refused_mode 750 "$D/evidence" 700

chmod 750 "$D"
run "$BROKERSEC" --lang en profile show --data "$D"
check "the directory at 750 is refused" [ "$rc" -eq 1 ]
check "it says chmod 700" contains "$err" "run chmod 700 '$D'"
chmod 700 "$D"
run "$BROKERSEC" --lang en profile show --data "$D"
check "fixed, it opens again" [ "$rc" -eq 0 ]

# Another owner (the tests run as root here; elsewhere this part cannot be set up).
if [ "$(id -u)" = 0 ] && id -u nobody >/dev/null 2>&1; then
	nob=$(id -u nobody)
	chown nobody "$D"
	run "$BROKERSEC" --lang en profile show --data "$D"
	check "a 0700 directory owned by nobody is refused to root" [ "$rc" -eq 1 ]
	check "the message names both users and the fix" contains "$err" \
		"data directory '$D' is owned by uid $nob (nobody), not by you (uid 0): run chown -R root '$D' (as root), or run brokersec as that user"
	check "the owner is left as it was" [ "$(stat -c %u "$D")" = "$nob" ]
	chown root "$D"
	for f in brokersec.db events.db keys keys/signing.key tls evidence; do
		chown nobody "$D/$f"
		run "$BROKERSEC" --lang en profile show --data "$D"
		check "$f owned by nobody is refused" [ "$rc" -eq 1 ]
		check "$f owned by nobody: named with the fix" contains "$err" \
			"'$D/$f' in data directory '$D' is owned by uid $nob (nobody), not by you (uid 0): run chown -R root '$D'"
		chown root "$D/$f"
	done
	run "$BROKERSEC" --lang en profile show --data "$D"
	check "owned by root again, it opens" [ "$rc" -eq 0 ]
fi
finish
