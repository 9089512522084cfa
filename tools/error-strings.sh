#!/bin/sh
# error-strings.sh - the English bs_error() formats in src/ and their zh-TW translations
# (src/core/error_zh.c, see core/error.h).
#   tools/error-strings.sh            lists each format without a translation (file:line and
#                                     the format), then "coverage: N of M formats translated"
#   tools/error-strings.sh --summary  the coverage line only
# A format is the string literal(s) that are the second argument of a bs_error( call, adjacent
# literals joined as the compiler joins them, compared as written in the source (escapes kept).
# A call whose format is not literals only (BS_T(...), a variable) cannot be looked up and is
# counted as "computed" - those are translated at the call site already or not at all.
# Exit 1 when a key of the table is no longer the format of any call (stale: the English text
# changed and its translation would silently stop applying), else 0: missing translations are
# listed, never an error.
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
summary=0
[ "${1:-}" = "--summary" ] && summary=1
command -v python3 >/dev/null || { echo "error-strings.sh: python3 is needed (scripts/deps.txt)" >&2; exit 2; }
exec python3 - "$TOP" "$summary" <<'PY'
import os, re, sys

top, summary = sys.argv[1], sys.argv[2] == "1"
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
table_file = os.path.join(top, "src/core/error_zh.c")

def skip_ws_comments(s, i):
    while i < len(s):
        if s[i].isspace():
            i += 1
        elif s.startswith("/*", i):
            i = s.index("*/", i) + 2
        elif s.startswith("//", i):
            i = s.index("\n", i)
        else:
            break
    return i

def literals(s, i):
    """Adjacent string literals from i: (joined text, end) or (None, i) if none."""
    parts = []
    while True:
        i = skip_ws_comments(s, i)
        m = LIT.match(s, i)
        if not m:
            return ("".join(parts) if parts else None), i
        parts.append(m.group(1))
        i = m.end()

calls = []  # (file, line, fmt or None)
for d, _, files in sorted(os.walk(os.path.join(top, "src"))):
    for f in sorted(files):
        if not f.endswith(".c") or f == "error_zh.c":
            continue
        path = os.path.join(d, f)
        s = open(path, encoding="utf-8").read()
        for m in re.finditer(r'\bbs_error\(', s):
            i = m.end()
            # the code argument: up to the first top-level comma
            depth = 0
            while i < len(s):
                c = s[i]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    if depth == 0:
                        break
                    depth -= 1
                elif c == "," and depth == 0:
                    break
                i += 1
            if i >= len(s) or s[i] != ",":
                continue  # the declaration or a call without a format
            fmt, end = literals(s, i + 1)
            j = skip_ws_comments(s, end)
            if fmt is not None and j < len(s) and s[j] not in ",)":
                fmt = None  # literals followed by more expression: computed
            line = s.count("\n", 0, m.start()) + 1
            calls.append((os.path.relpath(path, top), line, fmt))

# the table's keys: the first literal(s) of each { "en", "zh" } row
keys = []
src = open(table_file, encoding="utf-8").read()
body = src[src.index("bs_error_table[] = {"):]
for m in re.finditer(r'\{\s*(?="|/)', body):
    en, end = literals(body, m.end())
    if en is not None:
        keys.append(en)

formats = {}
for f, l, fmt in calls:
    if fmt is not None:
        formats.setdefault(fmt, []).append((f, l))
computed = sum(1 for c in calls if c[2] is None)
have = set(keys)
stale = [k for k in keys if k not in formats]
missing = [(v[0], k) for k, v in formats.items() if k not in have]
if not summary:
    for (f, l), k in sorted(missing):
        print("%s:%d: \"%s\"" % (f, l, k))
done = len(formats) - len(missing)
print("coverage: %d of %d formats translated (%d%%), %d calls; %d calls with a computed format not counted"
      % (done, len(formats), 100 * done // max(1, len(formats)), len(calls) - computed, computed))
for k in stale:
    print("stale: src/core/error_zh.c has \"%s\", which no bs_error() call in src/ uses: "
          "update or remove the row" % k, file=sys.stderr)
sys.exit(1 if stale else 0)
PY
