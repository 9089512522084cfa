#!/bin/sh
# The Debian packaging and the systemd units as written (issue 22; docs/install.md): the units'
# sandbox, rated by systemd-analyze security --offline (each 2.0 or less), their settings file,
# the package's Build-Depends against scripts/deps.txt and its version against VERSION. Building
# and installing the package itself: make deb, tests/cli/t0029-deb-upgrade.slow.
. "$TOP/tests/cli/lib.sh"
S="$TOP/systemd"
DEB="$TOP/debian"

# --- the units' sandbox: what the issue asks of each long-running service ---
for u in brokersec.service brokersec-intake.service; do
	for d in User=brokersec ProtectSystem=strict ReadWritePaths=/var/lib/brokersec ProtectHome=yes PrivateTmp=yes \
		PrivateDevices=yes NoNewPrivileges=yes 'CapabilityBoundingSet=$' SystemCallFilter=@system-service \
		'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX$' MemoryDenyWriteExecute=yes LockPersonality=yes UMask=0077 \
		EnvironmentFile=/etc/brokersec/brokersec.conf ConditionPathExists=/var/lib/brokersec/brokersec-data/brokersec.db; do
		check "$u: $d" grep -q "^$d" "$S/$u"
	done
	check "$u: no ambient capability" grep -q '^AmbientCapabilities=$' "$S/$u"
done
check "serve runs serve" grep -q '^ExecStart=/usr/bin/brokersec serve \$SERVE_OPTIONS$' "$S/brokersec.service"
check "intake runs intake" grep -q '^ExecStart=/usr/bin/brokersec intake \$INTAKE_OPTIONS$' "$S/brokersec-intake.service"
# the scan: reads everything, writes the data directory only, no network
u="$S/brokersec-scan.service"
check "scan: as brokersec (its files in the data directory stay serve's)" grep -q '^User=brokersec$' "$u"
check "scan: CAP_DAC_READ_SEARCH and nothing else" grep -q '^CapabilityBoundingSet=CAP_DAC_READ_SEARCH$' "$u"
check "scan: read-only system" grep -q '^ProtectSystem=strict$' "$u"
check "scan: no IP sockets" grep -q '^RestrictAddressFamilies=AF_UNIX$' "$u"
check "scan: no IP traffic" grep -q '^IPAddressDeny=any$' "$u"
check "scan: not PrivateNetwork (the risky-ports check reads the host's sockets)" ! grep -q '^PrivateNetwork=yes' "$u"
check "scan: saves" grep -q '^SCAN_OPTIONS=--save --system brokersec$' "$S/brokersec.conf"
check "scan: exit 1 (checks failed) is no unit failure" grep -q '^SuccessExitStatus=1$' "$u"
check "maintenance: purges the log" grep -q '^ExecStart=/usr/bin/brokersec log purge$' "$S/brokersec-maintenance.service"
for t in brokersec-scan.timer brokersec-maintenance.timer; do
	check "$t: daily, persistent" grep -q '^Persistent=true$' "$S/$t"
	check "$t: in timers.target" grep -q '^WantedBy=timers.target$' "$S/$t"
done
# the settings file: each unit's variable is set
for v in BROKERSEC_DATA SERVE_OPTIONS INTAKE_OPTIONS SCAN_OPTIONS; do
	check "brokersec.conf sets $v" grep -q "^$v=" "$S/brokersec.conf"
done
# the ports in the settings need no capability (1024 and above)
low=$(grep -E '^(SERVE|INTAKE)_OPTIONS=' "$S/brokersec.conf" | grep -oE ':[0-9]+' | tr -d : | awk '$1 < 1024')
check "the default ports need no CAP_NET_BIND_SERVICE ($low)" test -z "$low"
# a service's options are ones its command takes
while IFS='=' read -r name val; do
	case $name in SERVE_OPTIONS) c=serve ;; INTAKE_OPTIONS) c=intake ;; SCAN_OPTIONS) c=scan ;; *) continue ;; esac
	for o in $(printf '%s\n' "$val" | grep -oE -- '--[a-z-]+'); do
		"$BROKERSEC" "$c" --help --lang en </dev/null >"$T/help"
		check "$c --help knows $o" grep -qE -- "$o([^a-z-]|\$)" "$T/help"
	done
done <"$S/brokersec.conf"

# --- systemd-analyze security --offline: each service 2.0 or less ("OK" or "SAFE") ---
if ! command -v systemd-analyze >/dev/null 2>&1; then
	check "systemd-analyze is installed (scripts/deps-test.txt: systemd)" false
else
	for u in brokersec.service brokersec-intake.service brokersec-scan.service brokersec-maintenance.service; do
		run systemd-analyze security --offline=true "$S/$u"
		score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
		check "$u: rated ($score)" test -n "$score"
		check "$u: exposure $score <= 2.0" awk "BEGIN { exit !(${score:-99} <= 2.0) }"
	done
	# systemd reads every unit without a complaint (but that /usr/bin/brokersec is not installed here)
	for u in "$S"/*.service "$S"/*.timer; do
		w=$(systemd-analyze verify --man=no "$u" 2>&1 | grep -v 'Command /usr/bin/brokersec is not executable')
		check "$(basename "$u"): systemd-analyze verify ($w)" test -z "$w"
	done
	printf '[Service]\nExecStart=/usr/bin/brokersec serve\nProtectSystem=stricter\n' >"$T/bad.service"
	check "systemd-analyze verify notices a bad setting" \
		test -n "$(systemd-analyze verify --man=no "$T/bad.service" 2>&1 | grep -v 'is not executable')"
	# the rating notices a weaker unit (the measure can fail)
	sed -e '/^ProtectSystem=/d' -e '/^CapabilityBoundingSet=/d' -e '/^SystemCallFilter=/d' -e '/^User=/d' \
		-e '/^PrivateDevices=/d' -e '/^RestrictAddressFamilies=/d' "$S/brokersec.service" >"$T/weak.service"
	run systemd-analyze security --offline=true "$T/weak.service"
	score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
	check "a unit without the sandbox is rated worse ($score)" awk "BEGIN { exit !(${score:-0} > 2.0) }"
fi

# --- debian/ ---
v=$(dpkg-parsechangelog -l "$DEB/changelog" -S Version)
check "debian/changelog is at VERSION ($v)" test "$v" = "$(cat "$TOP/VERSION")"
check "debhelper compat 13" grep -q 'debhelper-compat (= 13)' "$DEB/control"
missing=""
for p in $(grep -E '^lib[a-z0-9.+-]*-dev$' "$TOP/scripts/deps.txt" | grep -v '^libcmocka-dev$\|^libclang'); do
	grep -q "^ $p,\?$" "$DEB/control" || missing="$missing $p"
done
check "Build-Depends names every build library of scripts/deps.txt (missing:$missing)" test -z "$missing"
check "Depends from the shared libraries" grep -q 'Depends: ${shlibs:Depends}, ${misc:Depends}' "$DEB/control"
check "the units are installed" grep -q '^systemd/\*.service lib/systemd/system/$' "$DEB/brokersec.install"
check "the man pages are installed" grep -q '^usr/share/man/zh_TW/man1/\*.1$' "$DEB/brokersec.install"
check "intake is not enabled by the package" grep -q 'dh_installsystemd --no-enable --no-start brokersec-intake.service' "$DEB/rules"
check "postinst makes the system user" grep -q 'adduser --system --group' "$DEB/brokersec.postinst"
check "postinst: /var/lib/brokersec 0700" grep -q 'chmod 0700 /var/lib/brokersec' "$DEB/brokersec.postinst"
check "postrm deletes the data on purge only" \
	test "$(sed -n '/^if \[ "\$1" = purge \]; then/,/^fi/p' "$DEB/brokersec.postrm" | grep -c 'rm -rf /var/lib/brokersec')" = 1
missing=""
for d in $(cat "$DEB/brokersec.docs"); do [ -f "$TOP/$d" ] || missing="$missing $d"; done
check "every file debian/brokersec.docs names exists (missing:$missing)" test -z "$missing"
missing=""
for d in $(grep -o 'docs/[a-z-]*\.md' "$TOP/docs/install.md" | sort -u); do
	[ "$d" = docs/install.md ] || grep -qx "$d" "$DEB/brokersec.docs" || missing="$missing $d"
done
check "the docs install.md refers to are installed with it (missing:$missing)" test -z "$missing"
for f in postinst postrm; do
	check "$f: sh -n" sh -n "$DEB/brokersec.$f"
	check "$f: #DEBHELPER#" grep -q '^#DEBHELPER#$' "$DEB/brokersec.$f"
done
finish
