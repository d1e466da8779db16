#!/bin/sh
# deps.sh - installs what dwell needs on Debian 12, as root:
#   * the build: gcc, make, pkg-config, zlib and SQLite (the libraries dwell links);
#   * for the tests and benchmarks: python3 (scenario generator), GNU time,
#     python3-evtx (renders the real .evtx attack files as XML for a test),
#     sqlite3 (the database tests read what dwell wrote), chromium (the HTML
#     report test), libevtx-utils (the .evtx oracle);
#   * the peer tools' files we test and measure against, WITHOUT installing
#     them as services: fail2ban's annotated sample logs (conformance test)
#     and sshguard's sshg-parser (benchmark) are unpacked from their Debian
#     packages into build/deps/root, so no daemon starts and no firewall
#     rule is touched. An installed fail2ban/sshguard is used as well.
set -eu
cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# the Debian packages, one list for this script and .ci/run: scripts/packages.txt
apt-get install -y -qq --no-install-recommends $(cat scripts/packages.txt) >/dev/null
mkdir -p build/deps
cd build/deps
for p in fail2ban sshguard; do
	if ! ls ${p}_*.deb >/dev/null 2>&1; then
		apt-get download -qq "$p" 2>/dev/null || apt-get download "$p"
	fi
	dpkg-deb -x ${p}_*.deb root
done
echo "deps: ok (peer files in build/deps/root)"
