#!/usr/bin/env python3
"""Regenerates bench/scan/lynis-coverage.md (appended to docs/checks.md by `make docs`).

The Lynis side comes from the installed Lynis: every test id in bench/scan/lynis-map.tsv must
be registered (not commented out) in /usr/share/lynis/include/tests_* and run on Linux; its
description is taken from the Register line. The brokersec side is checked against
`brokersec scan --list-checks --format json`: a row whose items no brokersec check refers to
is marked as a gap when Lynis covers it. Needs lynis and python3-yaml. Not part of make check
(Lynis is not a build dependency); rerun by hand when Lynis, the map or the policies change:

    bench/scan/lynis-coverage.py [--lynis /usr/share/lynis] [--brokersec build/brokersec] \
        > bench/scan/lynis-coverage.md && make docs
"""
import argparse
import glob
import json
import os
import re
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
REG = re.compile(r'^\s*(#\s*)?Register --test-no ([A-Z]+-[0-9]+)\b(.*)$')


def die(msg):
    print(f"lynis-coverage: {msg}", file=sys.stderr)
    sys.exit(1)


def opt(rest, name):
    m = re.search(r'--' + name + r' ("([^"]*)"|(\S+))', rest)
    return None if not m else (m.group(2) if m.group(2) is not None else m.group(3))


def lynis_tests(root):
    tests = {}
    files = sorted(glob.glob(os.path.join(root, 'include', 'tests_*')))
    if not files:
        die(f"no Lynis tests in {root}/include (apt-get install lynis, or pass --lynis DIR)")
    for path in files:
        with open(path, encoding='utf-8', errors='replace') as f:
            for n, line in enumerate(f, 1):
                m = REG.match(line)
                if not m:
                    continue
                tid, rest = m.group(2), m.group(3)
                t = {'file': os.path.basename(path), 'line': n, 'disabled': m.group(1) is not None,
                     'os': opt(rest, 'os') or '', 'desc': opt(rest, 'description') or ''}
                if tid in tests and not tests[tid]['disabled']:
                    continue
                tests[tid] = t
    return tests


def lynis_version(root):
    for p in ('/usr/sbin/lynis', os.path.join(root, 'lynis')):
        try:
            with open(p, encoding='utf-8', errors='replace') as f:
                m = re.search(r'PROGRAM_VERSION="([^"]+)"', f.read())
                if m:
                    return m.group(1)
        except OSError:
            pass
    return '?'


def tsv(path, ncol):
    rows = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            cols = line.split('\t')
            if len(cols) != ncol:
                die(f"{path}:{n}: {len(cols)} columns, want {ncol} (tab-separated)")
            rows.append((n, cols))
    return rows


def ids(s):
    return [] if s.strip() in ('', '-') else [x.strip() for x in s.split(',')]


def cell(s):
    return s.replace('|', '\\|')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--lynis', default='/usr/share/lynis')
    ap.add_argument('--brokersec', default=os.path.join(TOP, 'build', 'brokersec'))
    a = ap.parse_args()

    tests = lynis_tests(a.lynis)
    version = lynis_version(a.lynis)
    catalog = {}
    for p in sorted(glob.glob(os.path.join(TOP, 'catalog', '*.yaml'))):
        with open(p, encoding='utf-8') as f:
            for e in yaml.safe_load(f)['entries']:
                catalog[e['id']] = e['title']['zh-TW']

    mapfile = os.path.join(HERE, 'lynis-map.tsv')
    mapped, unmapped, errors = {}, [], []
    for n, (tid, refs, note) in tsv(mapfile, 3):
        t = tests.get(tid)
        where = f"{os.path.relpath(mapfile, TOP)}:{n}: {tid}"
        if t is None:
            errors.append(f"{where}: no such test in Lynis {version}")
            continue
        for r in ids(refs):
            if r not in catalog:
                errors.append(f"{where}: unknown catalog id {r}")
        if not ids(refs):
            unmapped.append((tid, t, note))
            continue
        if t['disabled']:
            errors.append(f"{where}: commented out in {t['file']}:{t['line']}, it never runs")
        elif t['os'] and 'Linux' not in t['os'].split():
            errors.append(f"{where}: runs only on {t['os']}")
        mapped[tid] = (t, ids(refs), note)

    try:
        out = subprocess.run([a.brokersec, 'scan', '--list-checks', '--format', 'json'], check=True,
                             capture_output=True).stdout
        checks = json.loads(out)
    except (OSError, subprocess.CalledProcessError, ValueError) as e:
        die(f"cannot list the checks of {a.brokersec}: {e} (build it, or pass --brokersec BIN)")

    rows = []
    rowfile = os.path.join(HERE, 'lynis-rows.tsv')
    in_rows = set()
    for n, (items, label, bs, diff) in tsv(rowfile, 4):
        items = ids(items)
        for r in items:
            if r not in catalog:
                errors.append(f"{os.path.relpath(rowfile, TOP)}:{n}: unknown catalog id {r}")
        in_rows.update(items)
        ly = [tid for tid, (_, refs, _) in mapped.items() if set(refs) & set(items)]
        bc = [c['id'] for c in checks if set(c['refs']) & set(items)]
        if bc and bs.strip() == '–':
            errors.append(f"{os.path.relpath(rowfile, TOP)}:{n}: brokersec has {', '.join(bc)} for {items}")
        if not bc and bs.strip() != '–':
            errors.append(f"{os.path.relpath(rowfile, TOP)}:{n}: no brokersec check refers to {items}")
        gap = [r for r in items if not any(r in c['refs'] for c in checks)
               and any(r in refs for _, refs, _ in mapped.values())]
        rows.append((items, label, bs, diff, ly, bc, gap))
    for tid, (_, refs, _) in mapped.items():
        for r in refs:
            if r not in in_rows:
                errors.append(f"{tid}: {r} is in no row of {os.path.relpath(rowfile, TOP)}")
    if errors:
        die('\n  '.join(['the map does not match Lynis or the catalog:'] + errors))

    o = []
    o.append('')
    o.append('## 與 Lynis 的覆蓋比較 / Coverage compared with Lynis')
    o.append('')
    o.append('<!-- appended by `make docs` from bench/scan/lynis-coverage.md, which '
             'bench/scan/lynis-coverage.py generates from the installed Lynis and '
             'bench/scan/lynis-{map,rows}.tsv. Do not edit by hand. -->')
    o.append('')
    o.append(f'Lynis {version} 的測試 id 與說明取自其原始碼（/usr/share/lynis/include/tests_*），'
             '每項對應均已讀過測試程式碼。「缺口 / gap」：Lynis 有測試而 brokersec 無任何檢查對應的條款。')
    o.append(f'Test ids and descriptions of Lynis {version} come from its sources; every mapping was '
             'checked against the test code. "gap": an item Lynis looks at and no brokersec check does.')
    o.append('')
    o.append('| 法規條款 / item | brokersec | Lynis ' + version + ' | 差異 / difference |')
    o.append('|---|---|---|---|')
    gaps = []
    for items, label, bs, diff, ly, bc, gap in rows:
        item = '、'.join(items) + ' ' + label
        b = bs if not bc else f"{bs}（{len(bc)} 項 / checks）"
        lcol = ', '.join(ly) if ly else '–'
        d = diff
        if gap:
            d = f"**缺口 / gap: {'、'.join(gap)}** {diff}"
            gaps.extend(gap)
        o.append(f'| {cell(item)} | {cell(b)} | {cell(lcol)} | {cell(d)} |')
    o.append('')
    o.append(f'### Lynis {version} 測試 / tests')
    o.append('')
    o.append('| id | Lynis 說明 / description | 實際檢查 / what the code does | 條款 / items |')
    o.append('|---|---|---|---|')
    for tid in sorted(mapped):
        t, refs, note = mapped[tid]
        o.append(f"| {tid} | {cell(t['desc'])} | {cell(note)} | {', '.join(refs)} |")
    o.append('')
    o.append('已檢視、不對應任何條款 / reviewed, no regulation item: ' +
             '; '.join(f"{tid} ({note})" for tid, _, note in sorted(unmapped)) + '.')
    print('\n'.join(o))
    for g in gaps:
        print(f"lynis-coverage: gap: {g}", file=sys.stderr)


if __name__ == '__main__':
    main()
