#!/bin/sh
# scan: ransomware signs (issue 14 item 16; Annex 3 四) - the notes and extensions families
# use are found, counted per directory so that one odd file is no alarm, and the harmless
# look-alikes of a real host (ABC music files, a restore runbook, decrypt.py, readme.txt in
# every project) raise nothing. Each planted sign alone in a clean root, then each look-alike
# alone: precision counts as much as recall.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/t06-scan.inc"
scan_fixture hardened
R="$T/hardened"
B="$R/home/alice"

scan() { run "$BROKERSEC" scan --root "$R" --only linux.ransom. --format json; }
random_file() { head -c 4096 /dev/urandom > "$1"; }
abc_tune() { # FILE N: ABC music notation, as folk-tune collections keep it
	printf 'X:%s\nT:Tune %s\nM:6/8\nL:1/8\nK:D\n|:A|dfa agf|gfe dBA|dfa agf|efe e2A:|\n' "$2" "$2" > "$1"
	i=0; while [ $i -lt 60 ]; do printf '|:d2e fed|cBA Bcd|e2f gfe|d3 d2:|\n' >> "$1"; i=$((i + 1)); done
}
clean() { rm -rf "$B/s" "$R/srv/s" "$R/opt/s"; mkdir -p "$B/s" "$R/srv/s" "$R/opt/s"; }

scan
check "the clean root passes (notes)" [ "$(result linux.ransom.no-notes)" = pass ]
check "the clean root passes (extensions)" [ "$(result linux.ransom.no-encrypted-extensions)" = pass ]

# --- planted: each must be found ---
found() { # NAME CHECK NEEDLE
	scan
	check "found: $1" [ "$(result "$2")" = fail ]
	check "found: $1 (named)" contains "$(evidence "$2")" "$3"
}
clean; printf 'All your files are stolen and encrypted\n' > "$B/s/Restore-My-Files.txt"
found "LockBit's note" linux.ransom.no-notes Restore-My-Files.txt
clean; printf 'Ooops\n' > "$B/s/@Please_Read_Me@.txt"
found "WannaCry's note" linux.ransom.no-notes @Please_Read_Me@.txt
clean; random_file "$R/srv/s/report.docx.WNCRY"
found "a WannaCry file (.WNCRY, any case)" linux.ransom.no-encrypted-extensions report.docx.WNCRY
clean; random_file "$R/srv/s/budget.xlsx.locked"
found "a document with .locked after its own extension" linux.ransom.no-encrypted-extensions budget.xlsx.locked
clean; for f in a b c; do random_file "$R/srv/s/$f.ccc"; done
found "three encrypted-looking .ccc files in one directory" linux.ransom.no-encrypted-extensions a.ccc
clean; for d in "$B/s" "$R/srv/s" "$R/opt/s"; do printf 'pay\n' > "$d/how_to_restore.txt"; done
found "the same restore note in three directories" linux.ransom.no-notes how_to_restore.txt
clean; printf 'pay\n' > "$R/srv/s/RECOVER_MY_FILES.txt"; random_file "$R/srv/s/x.ccc"; random_file "$R/srv/s/y.abc"
random_file "$R/srv/s/z.zzz"
found "a restore note beside encrypted files" linux.ransom.no-notes RECOVER_MY_FILES.txt
clean; printf 'pay\n' > "$B/s/HOW_TO_DECRYPT_FILES.txt"
found "a note that speaks of decrypting" linux.ransom.no-notes HOW_TO_DECRYPT_FILES.txt

# --- harmless look-alikes: each must pass ---
harmless() { # NAME
	scan
	check "harmless: $1 (notes pass)" [ "$(result linux.ransom.no-notes)" = pass ]
	check "harmless: $1 (extensions pass)" [ "$(result linux.ransom.no-encrypted-extensions)" = pass ]
}
clean; mkdir -p "$B/s/music"; for n in 1 2 3 4 5; do abc_tune "$B/s/music/tune$n.abc" $n; done
harmless "five ABC music files in one directory"
clean; printf '# Restoring from backup\n1. ...\n' > "$R/srv/s/how_to_restore_backup.md"
printf 'Restore steps\n' > "$R/opt/s/how_to_restore_backup.txt"
harmless "a restore runbook (.md, and one .txt)"
clean; printf 'import gnupg\n' > "$R/opt/s/decrypt.py"; printf '#!/bin/sh\ngpg -d "$1"\n' > "$R/opt/s/decrypt.sh"
harmless "decrypt.py and decrypt.sh"
clean; random_file "$R/srv/s/odd.abc"; random_file "$R/srv/s/odd2.aaa"
harmless "two odd encrypted-looking files in one directory (one each)"
clean; for d in "$B/s" "$R/srv/s" "$R/opt/s"; do printf 'Build with make\n' > "$d/readme.txt"; done
harmless "readme.txt in every project"
clean; for f in a b c; do printf 'plain text, not encrypted\n' > "$R/srv/s/$f.xxx"; done
harmless "three .xxx text files"
clean

finish
