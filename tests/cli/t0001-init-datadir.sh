#!/bin/sh
# init: creates a private data dir once; other commands refuse missing, open or newer dirs.
. "$TOP/tests/cli/lib.sh"
D="$T/data"

run "$BROKERSEC" --version
check "version prints" contains "$out" "brokersec "

run "$BROKERSEC" init --data "$D" --internal-control yes
check "init without --org is a usage error" [ "$rc" -eq 2 ]
check "usage error names --org" contains "$err" "--org"
check "nothing created on usage error" [ ! -e "$D" ]

run "$BROKERSEC" init --data "$D" --org "某某保險經紀人股份有限公司" --internal-control maybe
check "bad yes/no is a usage error" [ "$rc" -eq 2 ]

run "$BROKERSEC" init --data "$D" --org "某某保險經紀人股份有限公司" --internal-control yes --cloud yes
check "init succeeds" [ "$rc" -eq 0 ]
check "data dir is 0700" [ "$(stat -c %a "$D")" = 700 ]
check "keys dir is 0700" [ "$(stat -c %a "$D/keys")" = 700 ]
check "signing key is 0600" [ "$(stat -c %a "$D/keys/signing.key")" = 600 ]
check "public key is 0600" [ "$(stat -c %a "$D/keys/signing.pub")" = 600 ]
check "database is 0600" [ "$(stat -c %a "$D/brokersec.db")" = 600 ]
check "database uses WAL" [ "$(sqlite3 "$D/brokersec.db" 'PRAGMA journal_mode')" = wal ]
check "org stored" [ "$(sqlite3 "$D/brokersec.db" 'SELECT name FROM org')" = "某某保險經紀人股份有限公司" ]
check "profile flag stored" [ "$(sqlite3 "$D/brokersec.db" "SELECT enabled FROM profile WHERE flag='cloud'")" = 1 ]

before=$(ls -la --time-style=full-iso "$D" | md5sum)
keybefore=$(md5sum < "$D/keys/signing.key")
run "$BROKERSEC" --lang en init --data "$D" --org "別家" --internal-control no
check "init on an existing dir refuses" [ "$rc" -eq 1 ]
check "refusal says it exists" contains "$err" "exists already"
check "existing dir untouched" [ "$(ls -la --time-style=full-iso "$D" | md5sum)" = "$before" ]
check "existing key untouched" [ "$(md5sum < "$D/keys/signing.key")" = "$keybefore" ]

mkdir "$T/empty"
run "$BROKERSEC" init --data "$T/empty" --org X --internal-control no
check "init refuses an existing empty dir too" [ "$rc" -eq 1 ]

run "$BROKERSEC" status --data "$T/missing"
check "status on a missing dir fails" [ "$rc" -eq 1 ]
check "missing dir message says how to create" contains "$err" "brokersec init"

run env BROKERSEC_DATA="$D" "$BROKERSEC" profile show
check "BROKERSEC_DATA is used" [ "$rc" -eq 0 ]
check "profile shows org" contains "$out" "某某保險經紀人股份有限公司"

run sh -c "cd '$T' && '$BROKERSEC' profile show"
check "default ./brokersec-data is used (missing here)" contains "$err" "./brokersec-data"

chmod 755 "$D"
run "$BROKERSEC" status --data "$D"
check "a dir other users can read is refused" [ "$rc" -eq 1 ]
check "refusal says chmod 700" contains "$err" "chmod 700"
chmod 700 "$D"

cp -r "$D" "$T/newer"
sqlite3 "$T/newer/brokersec.db" 'PRAGMA user_version = 999'
run "$BROKERSEC" --lang en status --data "$T/newer"
check "a newer schema is refused" [ "$rc" -eq 1 ]
check "refusal names the version" contains "$err" "schema version 999"
check "newer db left as it was" [ "$(sqlite3 "$T/newer/brokersec.db" 'PRAGMA user_version')" = 999 ]

run "$BROKERSEC" frobnicate
check "unknown command is a usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" status --data "$D" --bogus
check "unknown option is a usage error" [ "$rc" -eq 2 ]

finish
