#!/usr/bin/env python3
"""A synthetic but realistic Debian Security Tracker feed for bench/vuln/run, in the shape of
https://security-tracker.debian.org/tracker/data/json ({srcpkg: {CVE: {description, scope,
releases: {R: {status, repositories, fixed_version, urgency}}}}}), and the same data in
debsecan's own format (https://security-tracker.debian.org/tracker/debsecan/release/1/SUITE:
zlib-compressed text, read from /usr/bin/debsecan's fetch_data), so both tools read the same
advisories. No network here: the real feed cannot be downloaded.

  gen-tracker.py OUTDIR [--packages 6000] [--cves 45000] [--hosts 100] [--host-packages 2000]

Writes OUTDIR/tracker.json, OUTDIR/debsecan/bookworm, OUTDIR/hosts/host-NNN.status (synthetic
dpkg status files of --host-packages packages each). The source packages are this machine's
(its /var/lib/dpkg/status, with their installed versions, so debsecan and brokersec both find
something on it) and made-up ones (libsynNNNN). Per CVE and release: resolved with a fixed
version (70 %: half above the installed version, half below), open (15 %), not affected
("fixed_version": "0", 8 %), undetermined (4 %), unimportant open (3 %). Seeded: the same
files every run."""
import json, os, random, re, sys, zlib

out = sys.argv[1]
def opt(name, d):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else d
NPKG, NCVE, NHOST, HOSTPKG = opt("--packages", 6000), opt("--cves", 45000), opt("--hosts", 100), opt("--host-packages", 2000)
rng = random.Random(18)

installed = {}  # source -> version on this machine
binaries = {}   # source -> [binary names]
try:
    pkg = ver = src = srcver = status = None
    for line in open("/var/lib/dpkg/status", errors="replace").read().split("\n") + [""]:
        if not line:
            if pkg and ver and status and status.endswith(" installed"):
                s = src or pkg
                installed.setdefault(s, srcver or ver)
                binaries.setdefault(s, []).append(pkg)
            pkg = ver = src = srcver = status = None
        elif line.startswith("Package: "):
            pkg = line[9:]
        elif line.startswith("Version: "):
            ver = line[9:]
        elif line.startswith("Status: "):
            status = line[8:]
        elif line.startswith("Source: "):
            m = re.match(r"(\S+)(?: \((\S+)\))?", line[8:])
            src, srcver = m.group(1), m.group(2)
except OSError:
    pass

sources = sorted(installed)
while len(sources) < NPKG:
    name = "libsyn%04d" % len(sources)
    sources.append(name)
    installed[name] = "%d.%d.%d-%d" % (rng.randrange(1, 20), rng.randrange(0, 30), rng.randrange(0, 10), rng.randrange(1, 5))
    binaries[name] = [name, name + "-dev"] if rng.random() < 0.5 else [name]
sources = sources[:max(NPKG, len(installed))]

urg = ["low", "medium", "high", "not yet assigned", "low**", "medium**"]
words = "buffer overflow use-after-free out-of-bounds read write integer NULL pointer dereference crafted " \
        "remote attacker denial of service heap stack certificate validation bypass injection".split()
feed = {}
for i in range(NCVE):
    s = sources[rng.randrange(len(sources))]
    cve = "CVE-%d-%d" % (rng.randrange(2014, 2025), 10000 + i)
    v = installed[s]
    rels = {}
    for rel in ("bookworm", "bullseye", "trixie"):
        r = rng.random()
        u = rng.choice(urg)
        if r < 0.70:
            fixed = (v + "+deb12u%d" % rng.randrange(1, 9)) if rng.random() < 0.5 else (v + "~pre" if rng.random() < 0.5 else "0.1-1")
            e = {"status": "resolved", "repositories": {rel: fixed}, "fixed_version": fixed, "urgency": u}
        elif r < 0.85:
            e = {"status": "open", "repositories": {rel: v}, "urgency": u}
        elif r < 0.93:
            e = {"status": "resolved", "repositories": {rel: v}, "fixed_version": "0", "urgency": "unimportant"}
        elif r < 0.97:
            e = {"status": "undetermined", "repositories": {rel: v}, "urgency": "not yet assigned"}
        else:
            e = {"status": "open", "repositories": {rel: v}, "urgency": "unimportant"}
        rels[rel] = e
    feed.setdefault(s, {})[cve] = {"description": " ".join(rng.choice(words) for _ in range(rng.randrange(8, 30))),
                                   "scope": rng.choice(["local", "remote"]), "releases": rels}
    if rng.random() < 0.3:
        feed[s][cve]["debianbug"] = rng.randrange(900000, 1090000)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "tracker.json"), "w") as f:
    json.dump(feed, f, indent=1)

# debsecan's format (release/1/SUITE): VERSION 1; vulnerability names; package lines
# "pkg,vnum,FLAGS,fixed,other versions" (FLAGS: S source, urgency L/M/H/space, R remote,
# F fix available); source-to-binary lines. Not affected ("0") and undetermined entries are
# left out (debsecan has no way to say "undetermined").
names, lines = [], []
for s in sorted(feed):
    for cve in sorted(feed[s]):
        e = feed[s][cve]["releases"]["bookworm"]
        if e["status"] == "undetermined" or e.get("fixed_version") == "0":
            continue
        u = e["urgency"]
        uc = "H" if u.startswith("high") else "M" if u.startswith("medium") else "L" if u.startswith("low") else " "
        fixed = e.get("fixed_version", "") if e["status"] == "resolved" else ""
        flags = "S" + uc + ("R" if feed[s][cve]["scope"] == "remote" else " ") + ("F" if fixed else " ")
        lines.append("%s,%d,%s,%s," % (s, len(names), flags, fixed))
        names.append("%s,,%s" % (cve, feed[s][cve]["description"][:70].replace(",", " ")))
text = "VERSION 1\n" + "\n".join(names) + "\n\n" + "\n".join(lines) + "\n\n" + \
       "\n".join("%s,%s" % (s, " ".join(binaries.get(s, [s]))) for s in sorted(feed)) + "\n\n"
os.makedirs(os.path.join(out, "debsecan"), exist_ok=True)
with open(os.path.join(out, "debsecan", "bookworm"), "wb") as f:
    f.write(zlib.compress(text.encode()))

# hosts: HOSTPKG binary packages each, from the tracker's sources, versions varied
os.makedirs(os.path.join(out, "hosts"), exist_ok=True)
for h in range(NHOST):
    with open(os.path.join(out, "hosts", "host-%03d.status" % h), "w") as f:
        for s in rng.sample(sources, min(HOSTPKG, len(sources))):
            v = installed[s] if rng.random() < 0.8 else installed[s] + "+deb12u9"
            b = binaries.get(s, [s])[0]
            src = "" if b == s else "Source: %s\n" % s
            f.write("Package: %s\nStatus: install ok installed\nArchitecture: amd64\n%sVersion: %s\n"
                    "Description: synthetic package of a bench host\n\n" % (b, src, v))
print("%d source packages, %d CVE entries, %d hosts x %d packages" % (len(feed), sum(len(x) for x in feed.values()), NHOST, HOSTPKG))
