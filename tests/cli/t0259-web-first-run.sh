# The first run as a newcomer meets it (issue 21): what `make run` runs (scripts/run: the
# Makefile builds, then runs it) on a fresh data directory, in the background. Its screen
# ends with the sign-in block: the URL, the first administrator and a one-time password, the
# certificate's fingerprint (the one the server presents) and where the verification key
# went (a file beside the data directory that verifies the log). A restart before anyone
# signed in shows a new password and the old one stops working. In the browser: sign in
# with the printed password, the forced change, TOTP, and a dashboard that shows this host's
# scan. Every request is a line on stderr; no password is ever in it. After the first
# sign-in a restart shows no password.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t02-web.inc"
ui_ready
D="$T/brokersec-data"
KEY="$D-verification-key.txt"
RPID=""
PW1='Amber-Falcon-93-Orchid'
trap '[ -n "$RPID" ] && kill -- -"$RPID" 2>/dev/null; wait 2>/dev/null; rm -rf "$T"' EXIT

check "make run runs scripts/run with the built binary" \
	contains "$(make -s -n -C "$TOP" run BUILD=build-x DATA=dd PORT=1 2>/dev/null)" "BROKERSEC=build-x/brokersec DATA=\"dd\" PORT=\"1\" ./scripts/run"

# start_run: scripts/run in its own process group (setsid), port 0 (the server picks one);
# waits for the sign-in block's closing rule.
start_run() {
	rm -f "$T/serve.out" "$T/serve.err"
	(cd "$T" && BROKERSEC="$BROKERSEC" DATA="$D" PORT=0 ORG="首次執行測試" exec setsid "$TOP/scripts/run" \
		>"$T/serve.out" 2>"$T/serve.err") &
	RPID=$!
	i=0
	# (the file may not exist yet: cat makes that "0")
	while [ "$(cat "$T/serve.out" 2>/dev/null | grep -c '^════')" -lt 2 ]; do
		i=$((i + 1))
		if [ $i -gt 600 ] || ! kill -0 "$RPID" 2>/dev/null; then
			echo "make run did not start:"; cat "$T/serve.out" "$T/serve.err"; exit 1
		fi
		sleep 0.1
	done
	URL=$(sed -n 's/^  網址 *//p' "$T/serve.out")
	PORT=$(echo "$URL" | sed 's|.*:\([0-9]*\)/$|\1|')
	USER1=$(sed -n 's/^  帳號 *//p' "$T/serve.out")
	OTP=$(sed -n 's/^  一次性密碼 *//p' "$T/serve.out")
	tail -n 1 "$T/serve.out" >"$T/serve.out.last"
}
stop_run() {
	kill -- -"$RPID" 2>/dev/null
	wait "$RPID" 2>/dev/null
	RPID=""
}

start_run
check "init wrote no password (serve shows it)" ! grep -q '^一次性密碼（' "$T/serve.out"
check "init said where the verification key went" grep -q "事件紀錄驗證金鑰已寫入 $KEY" "$T/serve.out"
check "the key file is beside the data directory, mode 0600" test "$(stat -c %a "$KEY")" = 600
check "this host was scanned and saved" grep -q '^== 本機掃描 scan of this host: 通過 [0-9]' "$T/serve.out"
check "the block is last on the screen" grep -q "^════" "$T/serve.out.last"
check "the block names the URL" contains "$URL" "https://127.0.0.1:"
check "the block names the first administrator" test -n "$USER1"
check "the block has a one-time password" test "${#OTP}" -ge 16
check "the block says where the key is" grep -q "^  驗證金鑰 *$KEY" "$T/serve.out"
fp=$(sed -n 's/^  憑證指紋 *SHA-256 //p' "$T/serve.out")$(sed -n '/^  憑證指紋/{n;s/^ *//p}' "$T/serve.out")
real=$(echo | openssl s_client -connect "127.0.0.1:$PORT" 2>/dev/null | openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//')
check "the fingerprint is the served certificate's ($real)" test "$fp" = "$real"
run "$BROKERSEC" log verify --data "$D" --key "$KEY"
check "the key file verifies the event log" test "$rc" = 0
run "$BROKERSEC" log search --data "$D" --type account.first_password --format json
check "the new one-time password is an event" contains "$out" "first administrator '$USER1'"

run "$BROKERSEC" init --data "$T/other" --org X --internal-control no --verification-key-file "$KEY"
check "init refuses to write the key over an existing file" test "$rc" = 2
check "and says which file and what to do" contains "$err" "--verification-key-file '$KEY' 已存在"
check "and makes nothing" test ! -e "$T/other"

# a restart before anyone signed in: a new password, the old one refused (the browser checks)
stop_run
OLD=$OTP
start_run
check "a restart shows a new one-time password" test -n "$OTP" -a "$OTP" != "$OLD"

run_ui firstrun.test.mjs FR_USER="$USER1" FR_PW="$OTP" FR_OLD_PW="$OLD" UI_PW1="$PW1" FR_HOST="$(hostname)"
check "access log: a line per request (the sign-in's)" \
	grep -Eq '^[0-9-]{10}T[0-9:.]+Z 127\.0\.0\.1 - "POST /api/v1/session" (200|201) [0-9]+ [0-9.]+ms$' "$T/serve.err"
check "access log: the signed-in account named" grep -Eq "^[^ ]+ 127\.0\.0\.1 $USER1 \"GET /api/v1/" "$T/serve.err"
check "no password in the access log" ! grep -qF -e "$OTP" -e "$PW1" "$T/serve.err"
curl -sk -o /dev/null "${URL}x%0a2026-01-01T00:00:00Z%20forged%22%5c%e4%b8%ad"
check "access log: a client's path cannot forge a line (controls, quote, backslash, non-ASCII escaped)" \
	grep -qF '"GET /x\x0a2026-01-01T00:00:00Z forged\x22\x5c\xe4\xb8\xad" 404 ' "$T/serve.err"
check "access log: one line per request" test "$(grep -c 'forged' "$T/serve.err")" = 1

# signed in once: a restart shows no password and leaves the account alone
stop_run
start_run
check "after the first sign-in: no password on the screen" test -z "$OTP"
check "it says to use one's own account" grep -q '^  帳號 *以您的帳號登入' "$T/serve.out"
stop_run

# a service's log: --no-access-log keeps requests out of it, and without a terminal (or
# --welcome) serve prints no sign-in block
"$BROKERSEC" serve --data "$D" --listen 127.0.0.1:0 --no-access-log >"$T/q.out" 2>"$T/q.err" &
QPID=$!
i=0
while ! grep -q '^listening on' "$T/q.out" 2>/dev/null && [ $i -lt 100 ]; do i=$((i + 1)); sleep 0.1; done
curl -sk -o /dev/null "$(sed -n 's/^listening on //p' "$T/q.out")/openapi.yaml"
kill "$QPID"
wait "$QPID"
check "--no-access-log: no request lines" ! grep -q '"GET ' "$T/q.err"
check "not a terminal: no sign-in block" ! grep -q '^════' "$T/q.out"
finish
