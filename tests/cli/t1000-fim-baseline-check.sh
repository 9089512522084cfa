#!/bin/sh
# fim baseline / check / verify-baseline (issue 16; A2.5.3.3, SR.15): a real tree on disk, its
# baseline signed in brokersec.db and pinned in the event log; check lists what was added,
# removed and changed (json: paths relative to the root, the attributes), re-reads only what
# moved unless --full, counts link loops and unreadable files, and refuses a tampered
# baseline, one put back, and one from another host.
. "$TOP/tests/cli/lib.sh"

D="$T/data"
R="$T/tree"
"$BROKERSEC" init --data "$D" --org "測試保險經紀人" --internal-control yes >/dev/null 2>&1
export BROKERSEC_DATA="$D"
mkdir -p "$R/etc/app" "$R/bin" "$R/var/log" "$R/docs"
printf 'key=value\n' > "$R/etc/app/app.conf"
printf 'secret\n' > "$R/etc/app/keep.conf"
printf '#!/bin/sh\necho hi\n' > "$R/bin/tool"
chmod 755 "$R/bin/tool"
printf 'log line\n' > "$R/var/log/messages"
printf 'minutes\n' > "$R/docs/minutes.txt"
printf 'draft\n' > "$R/docs/draft.txt"
ln -s ../etc/app/app.conf "$R/bin/conf-link"
ln -s loop-b "$R/docs/loop-a"
ln -s loop-a "$R/docs/loop-b"
cat > "$T/policy.yaml" <<'Y'
rules:
  - path: /
    exclude: [/var/log, '*.swp']
    attributes: [all]
  - path: docs
    attributes: [hash, size, type]
Y

run "$BROKERSEC" --lang en fim baseline --root "$R" --policy "$T/policy.yaml"
check "baseline: exit 0" [ "$rc" -eq 0 ]
check "baseline: says its digest" contains "$out" "digest (signed, pinned in the event log) sha256:"
check "baseline: the link loops counted" contains "$out" "link loops 2"
check "baseline: the loop listed on stderr" contains "$err" "docs/loop-a: a symbolic link loop"
run "$BROKERSEC" log search --type fim.baseline --format json
check "baseline: an event pins its digest" contains "$out" '"digest"'

run "$BROKERSEC" --lang en fim verify-baseline
check "verify-baseline: exit 0" [ "$rc" -eq 0 ]
check "verify-baseline: one verified" contains "$out" "verified (entries, signature, host, the log's pin): 1"

# nothing changed: clean, exit 0, no file read again
run "$BROKERSEC" fim check --root "$R" --format json
check "clean check: exit 0" [ "$rc" -eq 0 ]
printf '%s' "$out" > "$T/c0.json"
check "clean check: clean, nothing hashed, all kept by size/mtime/ctime/inode, the loops still counted" \
	python3 - "$T/c0.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["clean"] is True
assert d["counts"] == {"added": 0, "removed": 0, "changed": 0}, d["counts"]
assert d["walk"]["hashed"] == 0, d["walk"]
assert d["walk"]["unchanged_not_read"] == 5, d["walk"]
assert d["walk"]["loops"] == 2 and len(d["problems"]) == 2
PY
check "clean check: the loops listed on stderr" contains "$err" "docs/loop-b: a symbolic link loop (-> loop-a)"
rm "$R/docs/loop-a" "$R/docs/loop-b"
"$BROKERSEC" fim baseline --root "$R" --policy "$T/policy.yaml" >/dev/null 2>&1
run "$BROKERSEC" fim check --root "$R"
check "no change, no loops: exit 0" [ "$rc" -eq 0 ]

# changes: content, mode, a new file, a removed file, a link re-pointed, an excluded file
printf 'key=other\n' > "$R/etc/app/app.conf"
chmod 600 "$R/bin/tool"
printf 'new\n' > "$R/etc/app/new.conf"
rm "$R/etc/app/keep.conf"
ln -sf ../etc/app/new.conf "$R/bin/conf-link"
printf 'more\n' >> "$R/var/log/messages"
chmod 600 "$R/docs/minutes.txt"
printf 'x' > "$R/etc/app/.app.conf.swp"
printf 'x' > "$R/docs/.draft.txt.swp"
run "$BROKERSEC" fim check --root "$R" --format json
check "changes: exit 3" [ "$rc" -eq 3 ]
printf '%s' "$out" > "$T/c1.json"
check "changes: each with what changed, relative paths" python3 - "$T/c1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
ch = {c["path"]: (c["change"], c["attributes"]) for c in d["changes"]}
assert ch["etc/app/app.conf"][0] == "changed" and "hash" in ch["etc/app/app.conf"][1], ch
assert ch["bin/tool"] == ("changed", ["mode", "ctime"]), ch["bin/tool"]
assert ch["etc/app/new.conf"] == ("added", []), ch
assert ch["etc/app/keep.conf"] == ("removed", []), ch
assert "link" in ch["bin/conf-link"][1], ch
assert not any(p.startswith("var/log") for p in ch), "excluded"
assert "docs/minutes.txt" not in ch, "docs records hash, size, type only: a mode change is not its business"
assert "etc/app/.app.conf.swp" not in ch, "excluded by name at any depth"
assert ch["docs/.draft.txt.swp"] == ("added", []), "the most specific rule's exclusions only"
assert d["counts"] == {"added": 2, "removed": 1, "changed": 3}, d["counts"]
# what moved in size, mtime, ctime or inode is read again: app.conf, tool and minutes.txt
# (chmod moves ctime), and the two new files
assert d["walk"]["hashed"] == 5 and d["walk"]["unchanged_not_read"] == 1, d["walk"]
PY
run "$BROKERSEC" --lang en fim check --root "$R"
check "table: the change and its attributes" contains "$out" "changed	etc/app/app.conf  (hash,mtime,ctime)"
run "$BROKERSEC" log search --type fim.change --format json
check "each change is an event citing A2.5.3.3" contains "$out" 'A2.5.3.3'
check "the event names the path" contains "$out" 'etc/app/keep.conf'
run "$BROKERSEC" fim check --root "$R" --full --format json
check "--full hashes every file again" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['walk']['hashed']==6, d['walk']" "$out"
check "a check does not move the baseline: the same changes again" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['counts']=={'added': 2, 'removed': 1, 'changed': 3}, d" "$out"

# another host: refused
BROKERSEC_FIM_HOST_ID=0123456789abcdef0123456789abcdef run "$BROKERSEC" --lang en fim check --root "$R"
check "another host: exit 1" [ "$rc" -eq 1 ]
check "another host: says so" contains "$err" "was made on another host"

# tampered entries: refused by check and verify-baseline
sqlite3 "$D/brokersec.db" "UPDATE fim_entry SET hash = '$(printf '%064d' 0)' WHERE path = 'bin/tool'"
run "$BROKERSEC" --lang en fim verify-baseline --root "$R"
check "tampered: verify-baseline exit 1" [ "$rc" -eq 1 ]
check "tampered: says it was changed" contains "$err" "was changed in brokersec.db"
run "$BROKERSEC" --lang en fim check --root "$R"
check "tampered: check refuses" [ "$rc" -eq 1 ]

# a new baseline, then the old one put back (its rows intact, signed): the log's pin catches it
"$BROKERSEC" fim baseline --root "$R" --policy "$T/policy.yaml" >/dev/null 2>&1
"$BROKERSEC" fim baseline --root "$R" --policy "$T/policy.yaml" >/dev/null 2>&1
sqlite3 "$D/brokersec.db" "UPDATE fim_baseline SET active = 0 WHERE active = 1 AND root = '$(cd "$R" && pwd -P)'; UPDATE fim_baseline SET active = 1 WHERE id = (SELECT max(id) - 1 FROM fim_baseline)"
run "$BROKERSEC" --lang en fim verify-baseline
check "put back: refused" [ "$rc" -eq 1 ]
check "put back: the log's pin says which" contains "$err" "is not the one the event log pinned last"
# the rules edited: the signature catches it
sqlite3 "$D/brokersec.db" "UPDATE fim_baseline SET active = 0; UPDATE fim_baseline SET active = 1, policy_text = 'rules: [{path: /etc}]' WHERE id = (SELECT max(id) FROM fim_baseline)"
run "$BROKERSEC" --lang en fim verify-baseline
check "rules edited: refused by the signature" contains "$err" "is not signed with this data directory's key"

# bad input
run "$BROKERSEC" --lang en fim check
check "no --root: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" --lang en fim check --root "$T/nowhere"
check "missing root: exit 1 naming it" contains "$err" "nowhere"
mkdir "$T/empty"
run "$BROKERSEC" --lang en fim check --root "$T/empty"
check "no baseline: says how to make one" contains "$err" "fim baseline --root"
printf 'rules:\n  - path: ../etc\n    attributes: [hash, colour]\n' > "$T/bad.yaml"
run "$BROKERSEC" --lang en fim baseline --root "$R" --policy "$T/bad.yaml"
check "bad policy: exit 1" [ "$rc" -eq 1 ]
check "bad policy: the '..' with its line" contains "$err" "bad.yaml:2: path '../etc' has a '.' or '..' part"
check "bad policy: the unknown attribute too" contains "$err" "unknown attribute 'colour'"
run "$BROKERSEC" fim policy
check "fim policy prints the built-in rules" contains "$out" "attributes: [hash, size, mode"

# unreadable files and directories are counted and listed, never skipped in silence: as an
# unprivileged user (root reads everything), with a data directory of its own
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	nob() { setpriv --reuid 65534 --regid 65534 --clear-groups env HOME="$N" BROKERSEC_DATA="$N/data" "$@"; }
	N="$T/nobody"
	chmod 711 "$T"
	mkdir -p "$N/tree/locked" "$N/tree/open"
	printf 'readable\n' > "$N/tree/open/a.txt"
	printf 'secret\n' > "$N/tree/open/secret.txt"
	printf 'inside\n' > "$N/tree/locked/b.txt"
	chown -R 65534:65534 "$N"
	chown root:root "$N/tree/open/secret.txt" "$N/tree/locked"
	chmod 600 "$N/tree/open/secret.txt"
	chmod 700 "$N/tree/locked"
	nob "$BROKERSEC" init --data "$N/data" --org "測試" --internal-control yes >/dev/null 2>&1
	run nob "$BROKERSEC" --lang en fim baseline --root "$N/tree"
	check "unprivileged baseline: exit 0" [ "$rc" -eq 0 ]
	check "unprivileged baseline: both counted" contains "$out" "unreadable 2"
	check "unprivileged baseline: the file named" contains "$err" "open/secret.txt: cannot open: Permission denied"
	check "unprivileged baseline: the directory named" contains "$err" "locked: cannot list the directory: Permission denied"
	run nob "$BROKERSEC" --lang en fim check --root "$N/tree" --format json
	check "unprivileged check: not clean (exit 3)" [ "$rc" -eq 3 ]
	check "unprivileged check: counted in json" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['walk']['unreadable']==2 and d['clean'] is False and len(d['problems'])==2, d" "$out"
else
	echo "# not root or no setpriv: the unreadable-file checks were skipped"
fi
finish
