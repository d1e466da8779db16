#!/bin/bash
# checksrc.sh - style rules a tool can check (style-anchors habits 1-3, 6, 8,
# 11, 14): design comment on top of every .c, banned functions, include
# layering, no wall clock in detectors, external symbols prefixed dw_.
set -u
cd "$(dirname "$0")/.."
bad=0
say() { echo "checksrc: $*"; bad=1; }

for f in src/*/*.c src/*/*.h; do
	head -1 "$f" | grep -q '^/\*' || say "$f: no design comment at the top"
done
grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|rand)\(' src/*/*.c \
	&& say "banned function (see above)"
grep -nE '\b(time|clock_gettime|gettimeofday)\(' src/detect/*.c && say "wall clock in src/detect"
grep -nE '\b(malloc|calloc|realloc|strdup)\(' src/parse/*.c | grep -vE '_(new|init)\b|^\S+:\s*\*' \
	&& echo "checksrc: note: allocation in src/parse (allowed only in *_new/*_init)"
# layering: core <- event <- input, parse, detect, leak <- incident, output, store <- cli
rank() { case $1 in core) echo 0;; event) echo 1;; input|parse|detect|leak) echo 2;; incident|output|store) echo 3;; cli) echo 4;; *) echo 9;; esac; }
for f in src/*/*.[ch]; do
	layer=$(basename "$(dirname "$f")")
	for inc in $(grep -oE '#include "\.\./[a-z]+/' "$f" | sed 's|#include "\.\./||; s|/||'); do
		if [ "$(rank "$inc")" -gt "$(rank "$layer")" ] || { [ "$(rank "$inc")" -eq 2 ] && [ "$layer" != "$inc" ] && [ "$(rank "$layer")" -eq 2 ]; }; then
			say "$f includes ../$inc/ (layer $layer may not)"
		fi
	done
done
lib=build/release/libdwell.a
if [ -f "$lib" ]; then
	nm -g --defined-only "$lib" | awk 'NF==3 {print $3}' | grep -vE '^dw_' | sed 's/^/checksrc: external symbol without dw_ prefix: /' | grep . && bad=1
fi
[ $bad -eq 0 ] && echo "checksrc: ok"
exit $bad
