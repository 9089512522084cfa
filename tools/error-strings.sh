#!/bin/sh
# error-strings.sh - the English bs_error() and bs_cli_usage_error() formats in src/ and their
# zh-TW translations
# (the tables src/core/error_zh.c and src/core/error_zh_tbl2.c, see core/error.h).
#   tools/error-strings.sh            lists each format without a translation (file:line and
#                                     the format), then "coverage: N of M formats translated"
#   tools/error-strings.sh --summary  the coverage line only (and the problems, on stderr)
# A format is the string literal(s) that are the second argument of a bs_error( or a
# bs_cli_usage_error( call, adjacent
# literals joined as the compiler joins them, compared as written in the source (escapes kept);
# `cond ? "..." : "..."` is two formats. A call whose format is not literals only (BS_T(...), a variable) cannot be looked up and is
# counted as "computed" - those are translated at the call site already or not at all. A
# format with no letter outside its conversions ("%s", "%s: %s") reads the same in both
# languages and needs no row.
# Exit 1 (make lint fails) when
#   - a format has no translation: coverage is 100 % and stays so; add the row to
#     src/core/error_zh_tbl2.c (sorted, LC_ALL=C) together with the new message;
#   - a key of a table is no longer the format of any call (stale: the English text changed and
#     its translation would silently stop applying);
#   - a key is in a table twice or in both tables;
#   - a translation's printf conversions differ from its key's (same sequence, kind and
#     flags: the zh format gets the English format's arguments, so "%s" for a "%lld" reads a
#     number as a pointer and crashes).
set -eu
TOP=${TOP:-$(cd "$(dirname "$0")/.." && pwd)}
summary=0
[ "${1:-}" = "--summary" ] && summary=1
command -v python3 >/dev/null || { echo "error-strings.sh: python3 is needed (scripts/deps.txt)" >&2; exit 2; }
exec python3 - "$TOP" "$summary" <<'PY'
import os, re, sys

top, summary = sys.argv[1], sys.argv[2] == "1"
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
TABLES = ["src/core/error_zh.c", "src/core/error_zh_tbl2.c"]
CONV = re.compile(r"%(?:%|[-+ #0']*(?:\*|[0-9]+)?(?:\.(?:\*|[0-9]+))?(?:hh|ll|[hlLzjt])?[diouxXeEfFgGaAcsp]|.?)")

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
        if not f.endswith(".c") or os.path.relpath(os.path.join(d, f), top) in TABLES:
            continue
        path = os.path.join(d, f)
        s = open(path, encoding="utf-8").read()
        # bs_error(code, fmt, ...) and bs_cli_usage_error(cli, fmt, ...): the format follows the
        # first argument in both, and both look it up in the tables
        for m in re.finditer(r'\b(?:bs_error|bs_cli_usage_error)\(', s):
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
            line = s.count("\n", 0, m.start()) + 1
            # cond ? "literals" : "literals" - two formats, each looked up as it is
            q = re.compile(r"\s*[A-Za-z_][A-Za-z0-9_>.-]*\s*\?").match(s, i + 1)
            if q:
                a, end = literals(s, q.end())
                j = skip_ws_comments(s, end)
                b, end = literals(s, j + 1) if a is not None and s[j:j + 1] == ":" else (None, j)
                j = skip_ws_comments(s, end)
                if a is not None and b is not None and s[j:j + 1] in (",", ")"):
                    calls.append((os.path.relpath(path, top), line, a))
                    calls.append((os.path.relpath(path, top), line, b))
                    continue
            fmt, end = literals(s, i + 1)
            j = skip_ws_comments(s, end)
            if fmt is not None and j < len(s) and s[j] not in ",)":
                fmt = None  # literals followed by more expression: computed
            calls.append((os.path.relpath(path, top), line, fmt))

def convs(fmt):
    """The printf conversions of fmt in order, "%%" left out; None when one is not known
    (positional "%1$s" too: the arguments are always taken in order)."""
    out = []
    for m in CONV.finditer(fmt):
        c = m.group(0)
        if c == "%%":
            continue
        if len(c) < 2 or c[-1] not in "diouxXeEfFgGaAcsp" or "$" in c:
            return None
        out.append(c)
    return out

def neutral(fmt):
    return not re.search(r"[A-Za-z]", CONV.sub("", fmt).replace("\\n", " "))

# the tables' rows: the first literal(s) of each { "en", "zh" } row are the key
rows = []  # (table file, key, zh)
for t in TABLES:
    src = open(os.path.join(top, t), encoding="utf-8").read()
    body = src[src.index("[] = {"):]
    for m in re.finditer(r'\{\s*(?="|/)', body):
        en, end = literals(body, m.end())
        if en is None:
            continue
        j = skip_ws_comments(body, end)
        zh = literals(body, j + 1)[0] if body[j:j + 1] == "," else None
        rows.append((t, en, zh))

formats = {}
for f, l, fmt in calls:
    if fmt is not None:
        formats.setdefault(fmt, []).append((f, l))
computed = sum(1 for c in calls if c[2] is None)
have = {}
problems = []
for t, k, zh in rows:
    if k in have:
        problems.append("duplicate: \"%s\" is a key of %s and of %s: keep one row" % (k, have[k], t))
    have[k] = t
    if k not in formats:
        problems.append("stale: %s has \"%s\", which no bs_error() call in src/ uses: update or remove the row"
                        % (t, k))
    ce, cz = convs(k), (convs(zh) if zh is not None else None)
    if zh is None or ce is None or cz is None or ce != cz:
        problems.append("conversions: %s: the translation of \"%s\" must have its conversions %s in this "
                        "order, it has %s: \"%s\"" % (t, k, " ".join(ce or ["?"]), " ".join(cz or ["?"]), zh))
need = {k: v for k, v in formats.items() if not neutral(k)}
missing = [(v[0], k) for k, v in need.items() if k not in have]
if not summary:
    for (f, l), k in sorted(missing):
        print("%s:%d: \"%s\"" % (f, l, k))
done = len(need) - len(missing)
print("coverage: %d of %d formats translated (%d%%), %d calls; %d calls with a computed format and %d "
      "formats without words not counted" % (done, len(need), 100 * done // max(1, len(need)),
                                            len(calls) - computed, computed, len(formats) - len(need)))
for (f, l), k in sorted(missing):
    problems.append("untranslated: %s:%d: \"%s\" has no zh-TW row: add one to src/core/error_zh_tbl2.c "
                    "(sorted, LC_ALL=C; same conversions in the same order)" % (f, l, k))
for p in problems:
    print(p, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
