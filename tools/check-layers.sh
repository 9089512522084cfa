#!/bin/sh
# Fails when the modules of src/ include each other in a cycle. A module is a folder
# src/<module>; it includes another when one of its files has #include "<other>/...". The
# graph must stay a set of layers (core at the bottom, cmd at the top) so that each module
# can be read, tested and changed knowing only the ones below it (../shared/DESIGN.md).
#   tools/check-layers.sh           quiet unless there is a cycle (make lint)
#   tools/check-layers.sh --print   the graph, then the modules from the bottom layer up
cd "$(dirname "$0")/.." || exit 2
print=0
[ "${1:-}" = --print ] && print=1
edges=$(mktemp) || exit 2
trap 'rm -f "$edges" "$edges.err"' EXIT

[ $print = 1 ] && echo "module include graph (src/<module> -> the modules it includes):"
for dir in src/*/; do
	m=$(basename "$dir")
	deps=$(cat "$dir"*.c "$dir"*.h 2>/dev/null |
		sed -n 's|^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([a-z0-9_]*\)/.*|\1|p' | sort -u | grep -vx "$m")
	# "x m": x comes before m; "m m" keeps a module without dependencies in the order
	echo "$m $m" >>"$edges"
	for d in $deps; do
		[ -d "src/$d" ] && echo "$d $m" >>"$edges"
	done
	[ $print = 1 ] && printf '  %-10s -> %s\n' "$m" "$(echo $deps)"
done
if ! order=$(tsort "$edges" 2>"$edges.err"); then
	echo "module include cycle in src/ (each module below is included by the next, the last by the first):" >&2
	sed -n 's/^tsort: \([a-z0-9_]*\)$/  \1/p' "$edges.err" >&2
	echo "break it: move what one needs of the other into a module of its own (as src/audit sits above datadir and eventlog)" >&2
	exit 1
fi
[ $print = 1 ] && echo "no cycle; from the bottom layer up: $(echo $order)"
exit 0
