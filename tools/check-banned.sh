#!/bin/sh
# Fails when src/ calls a function that makes unsafe C easy to write (see STYLE.md):
# strcpy strcat strncpy sprintf vsprintf strtok gmtime localtime ctime asctime gets.
cd "$(dirname "$0")/.." || exit 2
hits=$(grep -nE '(^|[^_[:alnum:]])(strcpy|strcat|strncpy|sprintf|vsprintf|strtok|gmtime|localtime|ctime|asctime|gets)[[:space:]]*\(' \
	$(find src tools -name '*.c' -o -name '*.h' | grep -v banned.h) | grep -v '^\s*/\*' )
if [ -n "$hits" ]; then
	echo "banned functions used (use snprintf, bs_buf, strtok_r, gmtime_r):" >&2
	echo "$hits" >&2
	exit 1
fi
