#!/bin/sh
# Every --help follows --lang (issue 12 item 11): "zh-TW is the default, but subcommand --help
# ... are English. Everything a user reads follows --lang." For every command and register that
# `brokersec --help` lists, the default text explains each option, verb and field in zh-TW (a
# line without CJK is only a synopsis line, never an explanation), and --lang en has no line in
# Chinese (a term quoted in English, 民國, is allowed). Also: `due` names a person's role as the
# person register labels it (資安專責人員), never the stored token "(security)".
. "$TOP/tests/cli/lib.sh"
unset BROKERSEC_LANG
D="$T/data"
export BROKERSEC_DATA="$D" COLUMNS=300

names=$("$BROKERSEC" --lang en --help | sed -n 's/^  \([a-z-]*\) .*/\1/p')
check "the command list is read" [ -n "$names" ]
mkdir "$T/zh" "$T/en"
n=0
for c in $names; do
	"$BROKERSEC" "$c" --help >"$T/zh/$c" 2>&1 || echo "$c --help: exit $?" >>"$T/fail"
	"$BROKERSEC" "$c" --help --lang en >"$T/en/$c" 2>&1 || echo "$c --help --lang en: exit $?" >>"$T/fail"
	n=$((n + 1))
done
check "every --help exits 0" [ ! -s "$T/fail" ]
check "commands and registers: at least 30 ($n)" [ "$n" -ge 30 ]

# One interpreter for every text. A zh-TW line without CJK must be a synopsis line:
# "用法: brokersec ...", or indented "brokersec ..." / "[--..." / "--x VALUE" without an
# explanation column (two spaces, then English words). An English line with CJK must be
# mostly English (more ASCII letters than CJK characters).
cat >"$T/check.py" <<'EOF'
import os, re, sys
cjk = lambda s: sum(1 for ch in s if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
synopsis = re.compile(r"^(用法: brokersec |\s+brokersec |\s+\[|\s+--|\s+\(|\s+-[a-z] )")
explained = re.compile(r"\S\s{2,}[A-Za-z][a-z]+ [a-z]+")
bad = []
for d in ("zh", "en"):
    base = os.path.join(sys.argv[1], d)
    for name in sorted(os.listdir(base)):
        lines = open(os.path.join(base, name), encoding="utf-8").read().splitlines()
        if not lines:
            bad.append(f"{d}/{name}: empty")
        for ln in lines:
            if not ln.strip():
                continue
            if d == "zh" and not cjk(ln) and (not synopsis.match(ln) or explained.search(ln)):
                bad.append(f"zh/{name}: English line: {ln}")
            if d == "en" and cjk(ln) and cjk(ln) >= len(re.findall(r"[A-Za-z]", ln)):
                bad.append(f"en/{name}: Chinese line: {ln}")
print("\n".join(bad))
EOF
run python3 "$T/check.py" "$T"
check "zh-TW --help: every explanation line in zh-TW, --lang en: none in Chinese" [ -z "$out" ]
[ -n "$out" ] && printf '%s\n' "$out" | head -40

# the checker itself tells the two apart (a test that cannot fail proves nothing)
mkdir -p "$T/self/zh" "$T/self/en"
printf '用法: brokersec x [--a B]\n  --a B   only the first\n' >"$T/self/zh/x"
printf 'usage: brokersec x\n只列出第一筆\n' >"$T/self/en/x"
run python3 "$T/check.py" "$T/self"
check "checker: an English option line in zh-TW is found" contains "$out" "zh/x: English line:   --a B   only the first"
check "checker: a Chinese line in English is found" contains "$out" "en/x: Chinese line: 只列出第一筆"

# a few texts by content: the regulation's own terms, in each language
check "person --help: the role values by label" contains "$(cat "$T/zh/person")" "security 資安專責人員"
check "person --help --lang en: the role values by label" contains "$(cat "$T/en/person")" "security = security staff"
check "person --help: 必填" contains "$(cat "$T/zh/person")" "（必填）"
# a system's category and an app's security class in the text's terms (附件二參、一; 附件一伍)
check "system --help: the categories as 第一類／第二類／第三類" contains "$(cat "$T/zh/system")" \
	"--category 1..3（必填）  類別：1 第一類、2 第二類、3 第三類"
check "app --help: the classes as 第一類／第二類／第三類" contains "$(cat "$T/zh/app")" \
	"--class 1..3（必填）  安全分類：1 第一類、2 第二類、3 第三類"
check "system --help --lang en: the category is a number" contains "$(cat "$T/en/system")" "--category 1..3 (required)  cat"
check "system --help --lang en: no 第一類" ! contains "$(cat "$T/en/system")" "第一類"
check "device --help: kinds and states by label" contains "$(cat "$T/zh/device")" "server 伺服器"
check "drill --help: the kinds in the text's words" contains "$(cat "$T/zh/drill")" "bcp 業務持續運作演練"
check "evidence --help: 佐證 and 100 MiB" contains "$(cat "$T/zh/evidence")" "佐證檔案"
check "evidence --help --lang en: at most 100 MiB" contains "$(cat "$T/en/evidence")" "at most 100 MiB"
check "user --help: the roles in the text's words" contains "$(cat "$T/zh/user")" "security_officer（資安專責人員）、auditor（稽核，即稽核單位）"
check "evidence --help: who reviews, in the text's words" contains "$(cat "$T/zh/evidence")" "security_officer（資安專責人員）或 auditor（稽核）"
check "user --help: a token is a 符記" contains "$(cat "$T/zh/user")" "API 符記"
check "log --help: 遭竄改" contains "$(cat "$T/zh/log")" "1 遭竄改"
check "status --help: its states by their table labels" contains "$(cat "$T/zh/status")" "不符合（not_met）"
check "register help in English has no zh label" ! contains "$(cat "$T/en/person")" "姓名"
# verbs: `user` without --help shows the same zh-TW text after the error
run "$BROKERSEC" user
check "user without a verb: zh-TW usage after the error" contains "$err" "核發 API 符記"
run "$BROKERSEC" user --lang en
check "user --lang en without a verb: English usage" contains "$err" "issue an API token"

# due: a person's role by its label, not the stored token
"$BROKERSEC" init --org 說明語言 --internal-control yes >/dev/null 2>&1 || echo "init failed"
"$BROKERSEC" person add --name 王小明 --role security --hired 2020-01-01 >/dev/null 2>&1 || echo "person add failed"
run "$BROKERSEC" due --all --as-of 2026-06-30
check "due: the role as 資安專責人員" contains "$out" "「王小明」(資安專責人員)"
check "due: no raw role token" ! contains "$out" "(security)"
run "$BROKERSEC" due --all --as-of 2026-06-30 --lang en
check "due --lang en: the role as security staff" contains "$out" "'王小明' (security staff)"
check "due --lang en: no raw role token" ! contains "$out" "(security)"
run "$BROKERSEC" due --all --as-of 2026-06-30 --format json
check "due json: the detail in both languages by label" contains "$out" "資安專責人員"
finish
