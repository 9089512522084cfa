#!/bin/sh
# event_seconds, the per-second time summary: a log made with the old per-row time index is
# read as it is and upgraded by the first writer; a forged summary never changes what verify
# says and never makes search return events outside the range; bundles carry it, and those
# made without it still verify by time.
. "$TOP/tests/cli/lib.sh"
D="$T/data"
"$BROKERSEC" --lang en init --data "$D" --org X --internal-control no > "$T/init.out" || exit 1
grep "^bsseal1-" "$T/init.out" > "$T/vkey"
for i in 1 2 3; do
	"$BROKERSEC" log append --type test.old --message "old $i" --data "$D" > /dev/null || exit 1
done
sleep 1.2
MID=$(date -u '+%Y-%m-%dT%H:%M:%SZ')
sleep 1.2
for i in 1 2 3; do
	"$BROKERSEC" log append --type test.new --message "new $i" --data "$D" > /dev/null || exit 1
done
q() { sqlite3 "$1" "$2"; }
# rows of event_seconds that a recount over the events does not give (either way)
RECOUNT="SELECT time_us / 1000000 - (time_us % 1000000 < 0), min(seq), max(seq), count(*) FROM events GROUP BY 1"
wrong() {
	q "$1" "SELECT (SELECT count(*) FROM (SELECT * FROM event_seconds EXCEPT $RECOUNT)) +
		(SELECT count(*) FROM (SELECT * FROM (SELECT * FROM ($RECOUNT)) EXCEPT SELECT * FROM event_seconds))"
}
has() { q "$1" "SELECT count(*) FROM sqlite_master WHERE name = '$2'"; }
search_new() { run "$BROKERSEC" --lang en log search --from "$MID" --type test.new --format json --data "$D"; }
lines() { printf '%s\n' "$out" | grep -c '"type"'; }

check "a new log has event_seconds" [ "$(has "$D/events.db" event_seconds)" = 1 ]
check "... and no per-row time index" [ "$(has "$D/events.db" events_time)" = 0 ]
check "the writer keeps event_seconds right" [ "$(wrong "$D/events.db")" = 0 ]
cp -r "$D" "$T/pristine"
reset() { rm -rf "$D"; cp -r "$T/pristine" "$D"; }

# A log made before event_seconds.
q "$D/events.db" "DROP TABLE event_seconds; CREATE INDEX events_time ON events (time_us);"
N=$(q "$D/events.db" "SELECT count(*) FROM events")
run "$BROKERSEC" --lang en log status --data "$D"
check "old schema: status works" [ "$rc" -eq 0 ]
check "old schema: status counts the events" contains "$out" "events: $N (1..$N)"
check "old schema: status alone does not write" [ "$(has "$D/events.db" event_seconds)" = 0 ]
search_new
check "old schema: search by time" [ "$rc" -eq 0 ]
check "old schema: search by time finds exactly the new events" [ "$(lines)" -eq 3 ]
check "the first writer upgraded it" [ "$(has "$D/events.db" event_seconds)" = 1 ]
check "the first writer upgraded it (2)" [ "$(has "$D/events.db" events_time)" = 0 ]
check "the first writer upgraded it (3)" [ "$(wrong "$D/events.db")" = 0 ]
run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D"
check "upgraded: verify intact" [ "$rc" -eq 0 ]
run "$BROKERSEC" --lang en log status --data "$D"
check "upgraded: status" contains "$out" "oldest event 0 days old"

# Forged summaries (the first round forges nothing: what verify says of the real log). Each
# round runs the same commands, which log the same reads.
RANGE=
for forgery in "" "UPDATE event_seconds SET min_seq = min_seq + 1000, max_seq = max_seq + 1000" \
	"UPDATE event_seconds SET max_seq = min_seq" "UPDATE event_seconds SET n = 1, max_seq = min_seq" \
	"DELETE FROM event_seconds"; do
	reset
	[ -z "$forgery" ] || q "$D/events.db" "$forgery"
	run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D"
	check "forged ($forgery): the full verify says intact" [ "$rc" -eq 0 ]
	run "$BROKERSEC" --lang en log verify --key "$T/vkey" --from "$MID" --to 2100-01-01 --data "$D"
	[ -n "$RANGE" ] || RANGE=$(printf '%s\n' "$out" | sed -n 's/^\(intact: [0-9]* events ([0-9]*\.\.[0-9]*)\).*/\1/p')
	check "forged ($forgery): the range verify covers the same events" [ -n "$RANGE" ]
	check "forged ($forgery): the range verify covers the same events (2)" contains "$out" "$RANGE"
	search_new
	check "forged ($forgery): search returns only matches" [ "$(printf '%s\n' "$out" | grep '"type"' | grep -vc test.new)" = 0 ]
	n=$(lines)
	check "forged ($forgery): at worst fewer" [ "$n" -le 3 ]
	case "$forgery" in
	"" | *min_seq\ +* | *SET\ max_seq\ =\ min_seq) check "forged ($forgery): caught, exact" [ "$n" -eq 3 ] ;;
	esac
	q "$D/events.db" "UPDATE events SET message = 'forged' WHERE seq = 2"
	run "$BROKERSEC" --lang en log verify --key "$T/vkey" --data "$D"
	check "forged ($forgery): a changed event is still named" contains "$out" "event 2: modified"
done
# The repair: drop the table, the next writer rebuilds it.
reset
q "$D/events.db" "DELETE FROM event_seconds"
q "$D/events.db" "DROP TABLE event_seconds"
search_new
check "rebuilt after a drop: search is exact again" [ "$(lines)" -eq 3 ]
check "rebuilt after a drop (2)" [ "$(wrong "$D/events.db")" = 0 ]

# Bundles.
reset
run "$BROKERSEC" --lang en log export --from "$MID" --to 2100-01-01 --out "$T/b.bundle" --data "$D"
check "export" [ "$rc" -eq 0 ]
check "the bundle has event_seconds" [ "$(wrong "$T/b.bundle")" = 0 ]
run "$BROKERSEC" --lang en log verify --bundle "$T/b.bundle" --key "$T/vkey" --from "$MID" --to 2100-01-01
check "bundle: range verify" [ "$rc" -eq 0 ]
BR=$(printf '%s\n' "$out" | sed -n 's/^intact: \([0-9]*\) events.*/\1/p')
check "bundle: range verify (2)" [ -n "$BR" ]
q "$T/b.bundle" "DROP TABLE event_seconds"
run "$BROKERSEC" --lang en log verify --bundle "$T/b.bundle" --key "$T/vkey" --from "$MID" --to 2100-01-01
check "a bundle without event_seconds (older versions): range verify" [ "$rc" -eq 0 ]
check "a bundle without event_seconds (older versions): range verify (2)" contains "$out" "intact: $BR events"
run "$BROKERSEC" --lang en log verify --bundle "$T/b.bundle" --key "$T/vkey"
check "a bundle without event_seconds (older versions): full verify" [ "$rc" -eq 0 ]
finish
