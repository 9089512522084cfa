#!/bin/sh
# Clear-text credentials (issue 14, item 14): shell variables in /etc/default, PHP config
# arrays, passwords on cron command lines (mysqldump -p..., --password=..., curl -u
# user:pass, sshpass -p) are found; null, empty, ${VAR}/$VAR/%(x)s/{{ x }} references,
# Ansible !vault values, prompts (-p alone), option files and words that only contain
# "pass" (bypass, compass, passwd_file, --password-file) are not. Precision counts as much as
# recall: every planted line is found, and nothing else.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"

scan_fixture hardened
R="$T/hardened"
mkdir -p "$R/etc/default" "$R/etc/cron.d" "$R/etc/cron.daily" "$R/var/spool/cron/crontabs" \
	"$R/var/www/html/pma" "$R/etc/app"

# --- planted: each line marked PLANT is one finding ---
cat > "$R/etc/default/myapp" <<'EOF'
# settings read by myapp.service
DB_PASSWORD=Sup3rS3cret
EOF
cat > "$R/etc/default/backup" <<'EOF'
export MYSQL_PWD='hunter2'
EOF
cat > "$R/var/www/html/pma/config.inc.php" <<'EOF'
<?php
$i = 1;
$cfg['Servers'][$i]['user'] = 'pma';
$cfg['Servers'][$i]['password'] = 'pmaS3cret';
EOF
cat > "$R/etc/cron.d/dbbackup" <<'EOF'
SHELL=/bin/sh
0 2 * * * root mysqldump -u backup -pS3cretDump --all-databases > /var/backups/db.sql
EOF
cat > "$R/etc/cron.d/sync" <<'EOF'
*/5 * * * * root curl -s -u sync:Tr0ub4dor https://files.example/api
EOF
printf '0 3 * * * /usr/bin/mysql --password=alicepw -e "select 1" app\n' > "$R/var/spool/cron/crontabs/alice"
cat > "$R/etc/cron.daily/offsite" <<'EOF'
#!/bin/sh
sshpass -p 'Offs1te' rsync -a /srv/ backup@offsite.example:/srv/
EOF
PLANTED="/etc/default/myapp:2 /etc/default/backup:1 /var/www/html/pma/config.inc.php:4 /etc/cron.d/dbbackup:2
/etc/cron.d/sync:1 /var/spool/cron/crontabs/alice:1 /etc/cron.daily/offsite:2"
SECRETS="Sup3rS3cret hunter2 pmaS3cret S3cretDump Tr0ub4dor alicepw Offs1te"

# --- look-alikes: none of these is a finding ---
cat > "$R/etc/default/lookalike" <<'EOF'
BYPASS_PROXY=true
PASSWD_FILE=/etc/myapp/passwd
DB_PASSWORD=${DB_PASSWORD_FROM_VAULT}
SMTP_PASS=$SMTP_PASS_ENV
REDIS_PASSWORD=
LDAP_PASSWORD=""
ENABLE_PASSWORD_AUTH=yes
HTPASSWD=/etc/nginx/.htpasswd
EOF
cat > "$R/var/www/html/pma/config.sample.inc.php" <<'EOF'
<?php
$cfg['blowfish_secret'] = '';
$cfg['Servers'][$i]['password'] = '';
$cfg['Servers'][$i]['AllowNoPassword'] = false;
$cfg['Servers'][$i]['controlpass'] = null;
if ($user_pass == $hash) {
	$ok = password_verify($pass, $hash);
}
EOF
cat > "$R/etc/app/ansible.yml" <<'EOF'
db_password: !vault |
          $ANSIBLE_VAULT;1.1;AES256
          62313365396662343061393464336163383764373764613633653634306231386433626436623361
api_secret: "{{ vault_api_secret }}"
smtp_password: null
ldap_password: ~
compass: north
EOF
cat > "$R/etc/app/app.ini" <<'EOF'
[db]
password = %(db_pass)s
bypass = true
passwd_file = /etc/app/pw
password_min_length = 12
EOF
cat > "$R/etc/cron.d/lookalike" <<'EOF'
0 1 * * * root mysqldump --defaults-extra-file=/root/.my.cnf app > /var/backups/app.sql
0 2 * * * root mysql -u root -p"$MYSQL_PASSWORD" -e 'select 1'
0 3 * * * root curl -u "$API_USER:$API_PASS" https://api.example/
0 4 * * * root curl -u token https://api.example/
0 5 * * * root sshpass -e ssh backup@offsite.example true
0 6 * * * root restic backup --password-file=/root/restic.pw /srv
# 0 7 * * * root mysqldump -pOldSecret app
0 8 * * * root mysql -u root -p -e 'select 1'
0 9 * * * root pg_dump --password=$PGPASS app
10 9 * * * root /usr/local/bin/bypass-check --pass-through
EOF

run "$BROKERSEC" scan --root "$R" --only linux.files.no-cleartext-credentials --format json
ev=$(evidence linux.files.no-cleartext-credentials)
check "planted: fails" [ "$(result linux.files.no-cleartext-credentials)" = fail ]
for w in $PLANTED; do
	check "planted $w: found" contains "$ev" "$w "
done
check "nothing but the planted lines (precision)" [ "$(printf '%s\n' "$ev" | grep -c '^/')" -eq 7 ]
for f in lookalike config.sample.inc.php ansible.yml app.ini; do
	check "look-alike $f: no finding" ! contains "$ev" "$f"
done
for s in $SECRETS; do
	check "the secret $s is never printed" ! contains "$out" "$s"
done
check "the kind is named: mysql -p" contains "$ev" "dbbackup:2 /etc/cron.d/dbbackup password on a mysql command line"
check "the kind is named: curl -u" contains "$ev" "sync:1 /etc/cron.d/sync password on a curl/wget command line"

# with the planted files gone, the look-alikes alone pass
for w in $PLANTED; do
	rm -f "$R${w%:*}"
done
run "$BROKERSEC" scan --root "$R" --only linux.files.no-cleartext-credentials --format json
check "look-alikes alone: pass" [ "$(result linux.files.no-cleartext-credentials)" = pass ]
check "look-alikes alone: no evidence of a finding" [ -z "$(evidence linux.files.no-cleartext-credentials | grep '^/')" ]

finish
