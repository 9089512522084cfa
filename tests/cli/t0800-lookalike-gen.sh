#!/bin/sh
# lookalike gen (第十四條, issue 17): the look-alike names of a broker's domain - every class,
# the registrable part from the Public Suffix List (.com.tw, .idv.tw split right), IDN with
# UTS #46, only registrable names out, none twice, never the original; at least every name
# dnstwist (Debian's package, the peer tool) makes for the same domains; bad input refused.
. "$TOP/tests/cli/lib.sh"

names() { "$BROKERSEC" lookalike gen "$@" --format list; }

run "$BROKERSEC" lookalike gen example.com.tw --format list
check "example.com.tw: exit 0" [ "$rc" -eq 0 ]
printf '%s\n' "$out" > "$T/ex.txt"
n=$(wc -l < "$T/ex.txt")
check "example.com.tw: over 2000 names ($n)" [ "$n" -gt 2000 ]
check "no name twice" [ "$(sort "$T/ex.txt" | uniq -d | wc -l)" -eq 0 ]
check "never the original" ! grep -Fqx 'example.com.tw' "$T/ex.txt"
check "but the other endings (example-com.tw)" grep -Fqx 'example-com.tw' "$T/ex.txt"
check "every name is letters, digits, hyphens and dots (A-labels)" ! grep -q '[^a-z0-9.-]' "$T/ex.txt"
check "labels of 1-63, no hyphen at either end" ! grep -Eq '(^|\.)-|-(\.|$)|[^.]{64}|\.\.' "$T/ex.txt"
for want in exampel.com.tw examlpe.com.tw exmaple.com.tw eexample.com.tw exampl.com.tw ex-ample.com.tw \
	ex.ample.com.tw exampie.com.tw examp1e.com.tw exarnple.com.tw example.org.tw example.idv.tw example.tw \
	example.com example-com.tw examplecom.tw wwwexample.com.tw; do
	grep -Fqx "$want" "$T/ex.txt" || echo "missing: $want" >>"$T/miss"
done
check "the expected look-alikes are there" [ ! -s "$T/miss" ]
cat "$T/miss" 2>/dev/null

printf 'baoxian\nLogin\n# a comment\n\ntw-insure\n' > "$T/dict.txt"
run "$BROKERSEC" lookalike gen example.com.tw --dict "$T/dict.txt" --format json
check "json: exit 0" [ "$rc" -eq 0 ]
printf '%s' "$out" > "$T/ex.json"
check "json: every class is there" python3 - "$T/ex.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
kinds = {x["kind"] for x in d}
want = {"addition", "bitsquatting", "cyrillic", "homoglyph", "hyphenation", "insertion", "omission", "repetition",
        "replacement", "subdomain", "transposition", "vowel-swap", "various", "dictionary", "tw-sld", "tld-swap"}
missing = want - kinds
assert not missing, missing
assert all(x["domain"] and x["unicode"] for x in d)
PY
check "dictionary: the word joined (pinyin, lower-cased)" contains "$out" '"domain": "example-baoxian.com.tw"'
check "dictionary: the other way round" contains "$out" '"domain": "loginexample.com.tw"'
check "homoglyph: the Unicode form shown" contains "$out" '"unicode": "еxample.com.tw"'
check "tw-sld: 台灣 as .tw's own IDN" contains "$out" '"unicode": "example.台灣"'

# the Public Suffix List: the registrable label is permuted, the suffix kept
names wang.idv.tw > "$T/idv.txt"
check "idv.tw: the person's name is permuted (wamg.idv.tw)" grep -Fqx 'wamg.idv.tw' "$T/idv.txt"
check "idv.tw: never 'idv' permuted as if it were the name (dnstwist's wang.idvz.tw)" \
	! grep -Eq '^wang\.(idv[a-z0-9]|i[a-z0-9]*dv|[a-z0-9]*\.dv)' "$T/idv.txt"
check "idv.tw: other .tw endings of the name (wang.com.tw)" grep -Fqx 'wang.com.tw' "$T/idv.txt"
names www.example.com.tw > "$T/www.txt"
check "a subdomain given: the same names as its registrable domain" cmp -s "$T/www.txt" "$T/ex.txt"
names 'ＥＸＡＭＰＬＥ.com.tw' > "$T/fw.txt"
check "UTS #46: full-width letters map to example.com.tw" cmp -s "$T/fw.txt" "$T/ex.txt"
run "$BROKERSEC" lookalike gen 保險經紀.tw --format json
check "IDN: exit 0" [ "$rc" -eq 0 ]
check "IDN: its characters permuted (omission)" contains "$out" '"unicode": "保險經.tw"'
check "IDN: registered as an A-label" contains "$out" '"domain": "xn--'

# bad input: a clear error, nothing printed as if it were a result
run "$BROKERSEC" --lang en lookalike gen com.tw
check "a public suffix: refused" [ "$rc" -eq 1 ]
check "a public suffix: says why" contains "$err" "'com.tw' has no registrable part: it is a public suffix"
run "$BROKERSEC" --lang en lookalike gen 'exa mple.com'
check "a space: refused" [ "$rc" -eq 1 ]
check "a space: names the input" contains "$err" "'exa mple.com' is not a domain name"
run "$BROKERSEC" --lang en lookalike gen example.com.tw --format xml
check "bad --format: usage error" [ "$rc" -eq 2 ]
run "$BROKERSEC" --lang en lookalike gen
check "no domain: usage error" [ "$rc" -eq 2 ]
printf '保險\n' > "$T/bad.txt"
run "$BROKERSEC" --lang en lookalike gen example.com.tw --dict "$T/bad.txt"
check "a dictionary word that is not a label: refused with its line" contains "$err" "line 1"
run "$BROKERSEC" lookalike gen example.com.tw
check "zh-TW by default: the table's header" contains "$out" "類別"

# more than dnstwist: every name it makes for these domains, we make too
if /usr/bin/python3 -c 'import dnstwist' 2>/dev/null; then
	for dom in example.com.tw abc-insure.tw fubon.com cathaylife.com.tw; do
		names "$dom" > "$T/ours.txt"
		/usr/bin/python3 - "$dom" "$T/ours.txt" > "$T/cmp.txt" <<'PY'
import sys, dnstwist
f = dnstwist.Fuzzer(sys.argv[1]); f.generate()
ours = set(open(sys.argv[2]).read().split())
theirs = [d["domain"] for d in f.domains if d["fuzzer"] != "*original"]
miss = [d for d in theirs if d.encode("idna").decode() not in ours]
print(len(ours), len(theirs), len(miss), miss[:5])
PY
		set -- $(cat "$T/cmp.txt")
		echo "$dom: brokersec $1 names, dnstwist $2, of dnstwist's not made: $3"
		check "$dom: every dnstwist name is made ($1 against $2)" [ "$3" = 0 ]
	done
else
	check "dnstwist is installed (scripts/deps-test.txt)" false
fi
finish
