#!/bin/bash
# html.sh - the HTML report (`dwell scan --html FILE`, src/output/html.c) in
# a real browser: headless Chromium loads the report of the bundled samples
# and of a log whose user name is markup, dumps the DOM and takes a
# screenshot. Checked: the file is self-contained (no script, no external
# reference), the page loads without a console message (a blocked script
# or asset would log one), the chart has its bars and incident markers, the
# incident tables are there with awood to reset, hostile names stay text,
# and the screenshot is a real picture (large, many colours). The screenshot
# is kept as $BUILD/tmp-html/report.png to look at.
# Prints "ok NAME" / "not ok NAME: why"; a "# skip" line when Chromium is
# not installed (apt-get install chromium).
set -u
cd "$(dirname "$0")/../.."
: "${DWELL:=build/san/dwell}" "${BUILD:=build/san}"
T=$BUILD/tmp-html
rm -rf "$T"; mkdir -p "$T"
A=$(pwd)/$T

ok() { echo "ok html-$1"; }
nok() { echo "not ok html-$1: $2"; }
check() { # name, condition-command...
	local name=$1; shift
	if "$@"; then ok "$name"; else nok "$name" "failed: $*"; fi
}

CHROME=$(command -v chromium || command -v chromium-browser || true)

# the report of the two bundled stories
"$DWELL" scan -q --html "$T/report.html" tests/data/auth-sample.log tests/data/gateway-sample.log \
	> /dev/null 2> "$T/scan.err"
check written test -s "$T/report.html"
# self-contained: nothing to fetch, nothing to run
check no-script bash -c "! grep -qi '<script' '$T/report.html'"
check no-external bash -c "! grep -qiE '(src|href)=\"(https?:|//)|<link |@import|url\\(' '$T/report.html'"
check csp grep -q "Content-Security-Policy\" content=\"default-src 'none'" "$T/report.html"

# a user name that is markup, guessed by a brute force: it must show as text
U='<img/src=x/onerror=alert(1)>"'"'"
for i in $(seq 10 49); do
	echo "Mar  7 18:$i:00 bar sshd[1$i]: Failed password for $U from 203.0.113.66 port 5$i ssh2"
done > "$T/hostile.log"
echo "Mar  7 18:50:00 bar sshd[1999]: Accepted password for $U from 203.0.113.66 port 5999 ssh2" \
	>> "$T/hostile.log"
"$DWELL" scan -q -y 2024 --html "$T/hostile.html" "$T/hostile.log" > /dev/null 2>&1
check hostile-escaped grep -q '&lt;img/src=x/onerror=alert(1)&gt;&quot;&#39;' "$T/hostile.html"
check hostile-no-tag bash -c "! grep -q '<img' '$T/hostile.html'"

if [ -z "$CHROME" ]; then
	echo "# skip html-browser: chromium not installed (apt-get install chromium)"
	exit 0
fi

# Chromium needs a writable home for its profile; each run gets its own.
chrome() { # out-file, page, flags...
	local out=$1 page=$2; shift 2
	HOME=$A/home timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$A/profile-$RANDOM" --hide-scrollbars --enable-logging=stderr --v=0 \
		"$@" "file://$A/$page" > "$out" 2> "$out.log"
}
mkdir -p "$T/home"

chrome "$T/dom.html" report.html --dump-dom
check dom-loaded grep -q '</html>' "$T/dom.html"
check no-console-message bash -c "! grep -E ':CONSOLE|Uncaught' '$T/dom.html.log'"
check dom-title grep -q '<h1>dwell report</h1>' "$T/dom.html"
check dom-verdict grep -q 'class="verdict v-crit"><b>3 intrusions.</b>' "$T/dom.html"
check dom-reset-awood grep -q '<td class="mono acct">awood</td><td><span class="tag k-comp">compromised</span>' "$T/dom.html"
check dom-eight-incidents test "$(grep -o 'class="card inc sev-' "$T/dom.html" | wc -l)" -eq 8
check dom-overview-links test "$(grep -o '<a href="#incident-[0-9]*"><b>#' "$T/dom.html" | wc -l)" -eq 8
check dom-tables test "$(grep -o '<table class="t' "$T/dom.html" | wc -l)" -ge 20
check dom-chart grep -q '<svg class="chart"' "$T/dom.html"
bars=$(grep -o '<g class="s-fail">.*</g>' "$T/dom.html" | grep -o '<rect ' | wc -l)
check dom-chart-bars test "$bars" -ge 20
check dom-chart-markers test "$(grep -o 'class="mk mk-crit"' "$T/dom.html" | wc -l)" -eq 3
check dom-timeline grep -q 'Account compromise</span> <span class="det">compromise.attack_source' "$T/dom.html"
check dom-bytes grep -q '309.0 MB' "$T/dom.html"

chrome "$T/hostile-dom.html" hostile.html --dump-dom
check hostile-dom-loaded grep -q '</html>' "$T/hostile-dom.html"
check hostile-dom-no-img bash -c "! grep -q '<img' '$T/hostile-dom.html'"
check hostile-dom-text grep -q '&lt;img/src=x/onerror=alert(1)&gt;"'"'"'</td>' "$T/hostile-dom.html"
check hostile-no-console-message bash -c "! grep -E ':CONSOLE|Uncaught' '$T/hostile-dom.html.log'"

chrome "$T/shot.out" report.html --screenshot="$A/report.png" --window-size=1400,2400
check screenshot-written test -s "$T/report.png"
check screenshot-size test "$(stat -c %s "$T/report.png" 2>/dev/null || echo 0)" -gt 100000
# not blank: decode the PNG (zlib, no PIL) and count the colours of a sample of pixels
colours=$(python3 - "$T/report.png" <<'PY'
import struct, sys, zlib
d = open(sys.argv[1], 'rb').read()
pos, idat, w, h, ct = 8, b'', 0, 0, 0
while pos < len(d):
    n, = struct.unpack('>I', d[pos:pos + 4]); t = d[pos + 4:pos + 8]; c = d[pos + 8:pos + 8 + n]
    pos += 12 + n
    if t == b'IHDR':
        w, h, bd, ct, _, _, il = struct.unpack('>IIBBBBB', c)
    elif t == b'IDAT':
        idat += c
bpp = {2: 3, 6: 4}.get(ct, 0)
if not bpp:
    print(0); sys.exit()
raw, stride, prev, seen, i = zlib.decompress(idat), w * bpp, bytearray(w * bpp), set(), 0
for y in range(h):
    f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = line[x - bpp] if x >= bpp else 0; b = prev[x]; c = prev[x - bpp] if x >= bpp else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + ((a + b) >> 1)) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    if y % 8 == 0:
        for x in range(0, stride, bpp * 4):
            seen.add(bytes(line[x:x + 3]))
    prev = line
print(len(seen))
PY
)
check screenshot-colours test "${colours:-0}" -ge 50
exit 0
