#!/usr/bin/env python3
"""gen_flow.py - a labelled flow scenario (issue 7: exfiltration, internal staging).

Months of a 200-workstation organisation's traffic as Zeek writes it
(conn.log, TSV, records in order of connection END, as Zeek logs them) and
its NetScaler Gateway's SSL VPN log (gateway.log), with a truth file saying
exactly which (kind, source, destination) triples a correct `dwell scan`
alerts on. Day N is --start + N days (day 0 is the first day, a Monday at
the defaults); everything is UTC.

Network: workstations 10.1.x.y; resolver 10.0.0.2:53/udp; file server
10.0.0.10:445 (smb); mail 10.0.0.20:993 (IMAPS, service ssl); backup server
10.0.0.30; VPN pool 10.8.0.0/24. dwell groups external destinations by /24
(IPv6: /48).

Background (no alert): on working days every workstation resolves names,
browses a long tail of ~5,000 external /24s with Zipf popularity (uploads KB
to a few MB), reads its steady 20-500 MB/day from the file server, reads mail,
syncs 20-500 MB/day to a OneDrive-like range (three /24s of 52.96.0.0/16, most
hosts on the same one), joins Teams-like calls (UDP 3478-3481 to 52.112.x.y,
100-500 MB each way; one flow of exactly the public sample's 437 MB upload),
and once a month downloads GBs of OS updates from a prevalent update range.
A few hosts also browse over IPv6. VPN users (gateway.log SSLVPN LOGIN /
LOGOUT, Nat_ip from 10.8.0.0/24, addresses reused by different users on
different days) do ordinary traffic from their VPN address.

Traps (truth "quiet_sources" / "quiet_destinations"): the backup server
uploads 150-300 GB every night (01:00-04:00) to a cloud-storage /24 that 40 %
of workstations sync to daily, from day 0; a new laptop (10.1.9.201) appears
on day 90 and syncs 20 GB to OneDrive on its first day; an admin jump host
(10.1.0.5) reads 3-5 GB/day from the file server every working day from day 0;
calls and updates as above.

Attacks (truth "expect"; each only when --days covers it):
  1 exfiltration 10.1.4.77 -> 185.220.101.0/24: ~40 GB/day (8-12 TLS flows of
    3-6 GB, 20-60 min each, 09:00-18:00) every day for 150 days from day 20
    (clipped to --days); no other host ever talks to that /24.
  2 internal_staging 10.1.4.77 -> 10.0.0.10: 60 GB/day read from the file
    server on days 15-19 (normally ~200 MB/day).
  3 exfiltration 10.1.7.23 -> 45.9.148.0/24: 3 GB in about 5 minutes on day
    100 (two or three flows of 2-5 min).
  4 exfiltration 10.8.0.55 -> 91.92.240.0/24, user awhite: a 6-hour VPN
    session on day 60 (Client_ip 203.0.113.50, Nat_ip 10.8.0.55) uploads 8 GB;
    on day 50 bsmith had 10.8.0.55 with ordinary traffic (the alert must not
    name bsmith). The way in: from 11:50 to 12:50 that day 203.0.113.50
    sprays 30 accounts at the gateway (AAA LOGIN_FAILED, python-httpx, in
    rounds: awhite twice, the others three or four times); awhite's login
    from it at 13:07 is the compromise. Alerts of other kinds (the spray, the
    compromise, new_access) are not the alert check's business; the incident
    check wants spray, login and upload as one intrusion.

Incidents (truth "incidents"; README "Incidents"): one per attack host. The
staging and slow exfiltration of 10.1.4.77 and the burst of 10.1.7.23 are
incidents of status "exfiltration" naming only their host, nothing to reset;
the spray, awhite's session and the upload from 10.8.0.55 are one
"intrusion": sources exactly 203.0.113.50 and 10.8.0.55, the 30 sprayed
accounts targeted, awhite compromised and to reset, dwell the session's 6 h,
91.92.240.0/24 among its destinations, bytes_out >= 8 GB, first_seen the
first failure and last_seen the LOGOUT.

  gen_flow.py --out DIR [--seed 42] [--days 180] [--hosts 200] [--start 2024-01-01]
                  DIR/conn.log, DIR/gateway.log, DIR/truth.json
  gen_flow.py --check TRUTH ALERTS
                  compares dwell's alerts (JSON lines) of kind exfiltration and
                  internal_staging with the truth: the set of (kind, source,
                  destination) triples must be the expected one, each expected
                  user named, no forbidden user, no quiet source or destination;
                  prints one line per problem and exits 1, or prints "ok"
  gen_flow.py --check-incidents TRUTH INCIDENTS
                  compares dwell's incidents (JSON lines of --incidents or `dwell
                  incidents --json`) with truth["incidents"] (see check_incidents);
                  "ok" or one line per problem and exit 1

Truth (DIR/truth.json; scan the two logs, not the directory): {"expect":
[{"kind", "source", "destination", "user" (or null), "users_forbidden",
"what"}], "incidents": [{"status", "sources_required", "sources_allowed",
"destinations_required", "compromised", "accounts_to_reset",
"password_validated", "targeted", "bytes_out_min" (or null), "dwell_seconds"
(intrusion), "first_seen" / "last_seen" (intrusion: exact), "after",
"before", "what"}], "quiet_sources", "quiet_destinations", "files": {"conn.log":
records, "gateway.log": lines}, "params"}. Same arguments, same bytes.
Python 3 standard library only.
"""

import argparse
import bisect
import calendar
import json
import math
import os
import random
import subprocess
import sys
import time

DAY, HOUR, MIN = 86400, 3600, 60
KB, MB, GB = 1000, 1000 ** 2, 1000 ** 3

RESOLVER = "10.0.0.2"
FILESRV = "10.0.0.10"
MAILSRV = "10.0.0.20"
BACKUPSRV = "10.0.0.30"
JUMPHOST = "10.1.0.5"
NEWLAPTOP = "10.1.9.201"
EXFIL_HOST = "10.1.4.77"
BURST_HOST = "10.1.7.23"
VPN_ATTACK_IP = "10.8.0.55"

ONEDRIVE_NETS = ["52.96.16", "52.96.17", "52.96.18"]   # most hosts on the first
TEAMS_NETS = ["52.112.%d" % i for i in range(96, 104)]
UPDATE_NETS = ["13.107.4", "8.253.145"]
BACKUP_NET = "52.216.80"                               # cloud storage (S3-like)
EXFIL_NET = "185.220.101"
BURST_NET = "45.9.148"
VPN_EXFIL_NET = "91.92.240"
SPECIAL_FIRST = {0, 3, 8, 10, 13, 45, 52, 91, 100, 127, 169, 172, 185, 192, 198, 203}

V6_INTERNAL = "fd7a:1c2e:10:1::"
V6_NETS = ["2606:4700:%x" % i for i in range(0x10, 0x18)] + \
    ["2620:1ec:%x" % i for i in range(0x20, 0x2c)] + \
    ["2a00:1450:%x" % i for i in range(0x4001, 0x400b)]

VPN_USERS = ["awhite", "bsmith", "cjones", "dlee", "egarcia", "fmartin", "gnguyen",
             "hpatel", "iwong", "jkim", "kmorris", "lchen"]
SPRAY_IP = "203.0.113.50"
SPRAY_USERS = VPN_USERS + ["mrossi", "nbaker", "ocarter", "pdiaz", "qevans", "rfoster", "sgray",
                           "thill", "uingram", "vjames", "wking", "xlopez", "ymiller", "znash",
                           "admin", "helpdesk", "scanner", "backup"]
SPRAY_BROWSER = "python-httpx/0.27.0"
NS_HOST = "ns-gw01"
NS_VSERVER = "198.18.7.10:443"
BROWSERS = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.2 Safari/605.1.15",
            "CitrixReceiver/23.11.0 Windows"]

B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def internal(ip):
    return ip.startswith("10.") or ip.startswith("fd")


class Conn:
    """The conn.log records, kept as (end, n, line) and written sorted by end."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.recs = []

    def uid(self):
        v = self.rnd.getrandbits(102)
        s = []
        for _ in range(17):
            v, r = divmod(v, 62)
            s.append(B62[r])
        return "C" + "".join(s)

    def add(self, ts, dur, src, dst, dport, proto, service, ob, rb, sport=None):
        rnd = self.rnd
        ts = round(ts, 6)
        dur = round(max(dur, 0.000100), 6)
        ob, rb = int(ob), int(rb)
        if sport is None:
            sport = rnd.randrange(49152, 65536)
        if proto == "tcp":
            do, dr = -(-ob // 1448), -(-rb // 1448)
            op = do + dr // 2 + 3
            rp = dr + do // 2 + 2
            oip, rip = ob + 52 * op, rb + 52 * rp
            hist = "ShADadFf"
        else:
            op = max(1, -(-ob // 1200))
            rp = max(1 if rb else 0, -(-rb // 1200))
            oip, rip = ob + 28 * op, rb + 28 * rp
            hist = "Dd" if rb else "D"
        line = "\t".join((
            "%.6f" % ts, self.uid(), src, str(sport), dst, str(dport), proto, service or "-",
            "%.6f" % dur, str(ob), str(rb), "SF", "T" if internal(src) else "F",
            "T" if internal(dst) else "F", "0", hist, str(op), str(oip), str(rp), str(rip), "-"))
        self.recs.append((ts + dur, len(self.recs), line))
        return ob

    def write(self, path, t0):
        self.recs.sort()
        first = time.strftime("%Y-%m-%d-%H-%M-%S", time.gmtime(t0))
        last = time.strftime("%Y-%m-%d-%H-%M-%S",
                             time.gmtime(int(self.recs[-1][0]) + 5 if self.recs else t0))
        with open(path, "w", newline="\n") as f:
            f.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n"
                    "#unset_field\t-\n#path\tconn\n#open\t%s\n" % first)
            f.write("#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\t"
                    "service\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\t"
                    "local_resp\tmissed_bytes\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\t"
                    "resp_ip_bytes\ttunnel_parents\n")
            f.write("#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\t"
                    "count\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\t"
                    "count\tset[string]\n")
            for r in self.recs:
                f.write(r[2])
                f.write("\n")
            f.write("#close\t%s\n" % last)
        return len(self.recs)


def ns_stamp(ts):
    t = time.gmtime(int(ts))
    return "%02d/%02d/%04d:%02d:%02d:%02d" % (t.tm_mon, t.tm_mday, t.tm_year, t.tm_hour,
                                              t.tm_min, t.tm_sec)


def iso(ts):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def hms(secs):
    secs = int(secs)
    return "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)


class Gateway:
    """NetScaler SSLVPN LOGIN / LOGOUT lines, written in time order."""

    def __init__(self, rnd):
        self.rnd = rnd
        self.lines = []       # (ts, n, session or None, pri, feature, event, body)
        self.nsess = 0

    def vpn(self, ts, user, client_ip, nat_ip, length, sent, recv):
        """A session: LOGIN at ts, LOGOUT after length seconds. sent/recv are the client's."""
        rnd = self.rnd
        ctx = ("Context %s@%s - SessionId: @SID@ - User %s - Client_ip %s - Nat_ip %s - Vserver %s"
               % (user, client_ip, user, client_ip, nat_ip, NS_VSERVER))
        browser = BROWSERS[sum(map(ord, user)) % len(BROWSERS)]
        ts, end = int(ts), int(ts + length)
        self.nsess += 1
        self.lines.append((ts, len(self.lines), self.nsess, 135, "SSLVPN", "LOGIN",
                           ctx + " - Browser_type \"%s\" - "
                           "SSLVPN_client_type Agent - Group(s) \"VPN_Users\"" % browser))
        tcp = rnd.randrange(20, 400)
        self.lines.append((end, len(self.lines), self.nsess, 134, "SSLVPN", "LOGOUT", ctx + (
            " - Start_time \"%s \" - End_time \"%s \" - Duration %s  - Http_resources_accessed "
            "%d - NonHttp_services_accessed 0 - Total_TCP_connections %d - Total_UDP_flows %d - "
            "Total_policies_allowed %d - Total_policies_denied 0 - Total_bytes_send %d - "
            "Total_bytes_recv %d - Total_compressedbytes_send 0 - Total_compressedbytes_recv 0 - "
            "Compression_ratio_send 0.00%% - Compression_ratio_recv 0.00%% - LogoutMethod "
            "\"Logout\" - Group(s) \"VPN_Users\""
            % (ns_stamp(ts), ns_stamp(end), hms(end - ts), rnd.randrange(0, 40), tcp,
               rnd.randrange(0, 30), tcp, sent, recv))))

    def failed(self, ts, user, client_ip, browser):
        """An AAA LOGIN_FAILED line (a wrong password at the gateway's logon page), shaped as
        the public sample's (GMT stamp, two spaces before User)."""
        self.lines.append((int(ts), len(self.lines), None, 132, "AAA", "LOGIN_FAILED",
                           " User %s - Client_ip %s - Failure_reason \"Username/Password "
                           "mismatch\" - Browser %s" % (user, client_ip, browser)))

    def write(self, path):
        self.lines.sort(key=lambda x: x[:2])
        seq = self.rnd.randrange(100000, 900000) * 100
        sid, sids = self.rnd.randrange(40000, 90000), {}
        with open(path, "w", newline="\n") as f:
            for ts, _, k, pri, feature, event, body in self.lines:
                seq += self.rnd.randrange(1, 9)
                if k is not None:
                    if k not in sids:        # session ids grow in order of login
                        sid += self.rnd.randrange(1, 40)
                        sids[k] = sid
                    body = body.replace("@SID@", str(sids[k]))
                f.write("<%d> %s GMT %s 0-PPE-0 : default %s %s %d 0 : %s\n"
                        % (pri, ns_stamp(ts), NS_HOST, feature, event, seq, body))
        return len(self.lines)


class Org:
    def __init__(self, rnd, nhosts):
        self.rnd = rnd
        # workstations: distinct 10.1.a.b, always with the two attack hosts
        special = {JUMPHOST, NEWLAPTOP, EXFIL_HOST, BURST_HOST}
        pool = ["10.1.%d.%d" % (a, b) for a in range(10) for b in range(10, 251)]
        pool = [p for p in pool if p not in special]
        hosts = rnd.sample(pool, max(0, nhosts - 2)) + [EXFIL_HOST, BURST_HOST]
        self.hosts = sorted(hosts, key=lambda h: tuple(int(x) for x in h.split(".")))
        # long tail of external /24s with Zipf popularity
        nets, seen = [], set()
        while len(nets) < 5000:
            a = rnd.randrange(1, 224)
            if a in SPECIAL_FIRST:
                continue
            n = "%d.%d.%d" % (a, rnd.randrange(256), rnd.randrange(256))
            if n not in seen:
                seen.add(n)
                nets.append(n)
        self.web = nets
        acc, self.web_cum = 0.0, []
        for i in range(len(nets)):
            acc += 1.0 / (i + 1) ** 1.05
            self.web_cum.append(acc)
        # steady per-host habits
        self.p = {}
        for h in self.hosts + [JUMPHOST, NEWLAPTOP]:
            u = rnd.random()
            self.p[h] = {
                "file": math.exp(rnd.uniform(math.log(20), math.log(500))) * MB,
                "sync": math.exp(rnd.uniform(math.log(20), math.log(500))) * MB,
                "od": ONEDRIVE_NETS[0 if u < 0.8 else 1 if u < 0.92 else 2],
                "storage": rnd.random() < 0.4,
                "v6": V6_INTERNAL + "%x" % rnd.randrange(0x100, 0xffff) if rnd.random() < 0.15
                else None,
                "calls": rnd.uniform(0.1, 0.6),
            }
        self.p[EXFIL_HOST]["file"] = 200 * MB
        self.p[JUMPHOST]["file"] = 4 * GB

    def web_net(self):
        i = bisect.bisect_left(self.web_cum, self.rnd.random() * self.web_cum[-1])
        return self.web[min(i, len(self.web) - 1)]


def addr(rnd, net, lo=2, hi=254):
    return "%s.%d" % (net, rnd.randrange(lo, hi))


def lognorm(rnd, median, sigma, lo, hi):
    return min(hi, max(lo, median * math.exp(rnd.gauss(0, sigma))))


def split(rnd, total, n, jitter=0.3):
    w = [1 + rnd.uniform(-jitter, jitter) for _ in range(n)]
    s = sum(w)
    return [total * x / s for x in w]


def workday(rnd, conn, org, h, d0, src=None, window=(8 * HOUR, 18 * HOUR), scale=1.0):
    """One ordinary working day of host h (flows from src, default h)."""
    src = src or h
    p = org.p[h]
    lo, hi = window

    def at(a=lo, b=hi):
        return d0 + rnd.uniform(a, b)
    # DNS: a couple of queries
    for _ in range(1):
        conn.add(at(), rnd.uniform(0.001, 0.08), src, RESOLVER, 53, "udp", "dns",
                 rnd.randint(30, 80), rnd.randint(60, 400))
    # file server: steady reads, one or two SMB sessions
    total = p["file"] * scale * rnd.uniform(0.7, 1.3)
    n = rnd.randint(1, 2)
    for part in split(rnd, total, n):
        t = at(lo, hi - 2 * HOUR)
        conn.add(t, rnd.uniform(0.5, 3) * HOUR, src, FILESRV, 445, "tcp", "smb",
                 part * rnd.uniform(0.01, 0.05), part)
    # mail
    t = at(lo, lo + 2 * HOUR)
    conn.add(t, rnd.uniform(1, 8) * HOUR, src, MAILSRV, 993, "tcp", "ssl",
             lognorm(rnd, 300 * KB, 1, 20 * KB, 8 * MB),
             lognorm(rnd, 8 * MB, 1, 200 * KB, 120 * MB))
    # web: a long tail of /24s
    for _ in range(rnd.randint(2, 3)):
        port = rnd.choice((443, 443, 443, 80))
        conn.add(at(), lognorm(rnd, 60, 1.2, 0.2, 1800), src, addr(rnd, org.web_net()),
                 port, "tcp", "ssl" if port == 443 else "http",
                 lognorm(rnd, 150 * KB, 1.3, 1 * KB, 4 * MB),
                 lognorm(rnd, 6 * MB, 1.2, 20 * KB, 300 * MB))
    # cloud sync (OneDrive-like)
    conn.add(at(), rnd.uniform(10, 60) * MIN, src, addr(rnd, p["od"], 2, 40), 443, "tcp", "ssl",
             p["sync"] * scale * rnd.uniform(0.6, 1.4), rnd.uniform(2, 30) * MB)
    # cloud storage sync (the backup's range)
    if p["storage"]:
        conn.add(at(), rnd.uniform(1, 15) * MIN, src, addr(rnd, BACKUP_NET, 2, 60), 443, "tcp",
                 "ssl", lognorm(rnd, 3 * MB, 0.8, 100 * KB, 40 * MB),
                 lognorm(rnd, 2 * MB, 0.8, 50 * KB, 30 * MB))
    # update check-in
    if rnd.random() < 0.3:
        conn.add(at(), rnd.uniform(1, 20), src, addr(rnd, UPDATE_NETS[0]), 443, "tcp", "ssl",
                 rnd.randint(2, 20) * KB, rnd.randint(5, 200) * KB)
    # a call
    if rnd.random() < p["calls"] * scale:
        dur = rnd.uniform(0.25, 3) * HOUR
        rate = rnd.uniform(0.35, 0.8) * MB / 60   # bytes/s each way
        conn.add(at(lo, hi - dur), dur, src, addr(rnd, rnd.choice(TEAMS_NETS)),
                 rnd.randint(3478, 3481), "udp", None,
                 min(500 * MB, max(100 * MB, rate * dur)),
                 min(500 * MB, max(100 * MB, rate * dur * rnd.uniform(0.9, 1.8))))
    # IPv6 browsing
    if p["v6"] and rnd.random() < 0.5:
        for _ in range(rnd.randint(1, 2)):
            net = rnd.choice(V6_NETS)
            conn.add(at(), lognorm(rnd, 30, 1, 0.5, 900), p["v6"],
                     "%s:%x::%x" % (net, rnd.randrange(1, 0xffff), rnd.randrange(1, 0xffff)),
                     443, "tcp", "ssl", lognorm(rnd, 80 * KB, 1, 2 * KB, 2 * MB),
                     lognorm(rnd, 4 * MB, 1, 50 * KB, 80 * MB))


def generate(seed, days, nhosts, start, out):
    rnd = random.Random(seed)
    t0 = calendar.timegm(time.strptime(start, "%Y-%m-%d"))
    wd0 = time.gmtime(t0).tm_wday
    conn, gw = Conn(rnd), Gateway(rnd)
    org = Org(rnd, nhosts)
    homes = {u: "198.51.100.%d" % (10 + i * 7) for i, u in enumerate(VPN_USERS)}
    expect = []

    def working(d):
        return (wd0 + d) % 7 < 5

    # monthly updates: the five working days after the second Tuesday
    upd_days = {}
    for d in range(days):
        tm = time.gmtime(t0 + d * DAY)
        if tm.tm_wday == 1 and 8 <= tm.tm_mday <= 14:
            w = [x for x in range(d + 1, min(days, d + 10)) if working(x)][:5]
            if w:
                for h in org.hosts + [JUMPHOST, NEWLAPTOP]:
                    upd_days.setdefault(rnd.choice(w), []).append(h)
    call437 = next((d for d in range(2, days) if working(d)), None)

    for d in range(days):
        d0 = t0 + d * DAY
        # trap: nightly backup to the prevalent cloud-storage /24
        n = rnd.randint(4, 6)
        for part in split(rnd, rnd.uniform(150, 300) * GB, n):
            t = d0 + HOUR + rnd.uniform(0, 50 * MIN)
            conn.add(t, rnd.uniform(60, 150) * MIN, BACKUPSRV, addr(rnd, BACKUP_NET, 2, 60), 443,
                     "tcp", "ssl", part, part * rnd.uniform(0.001, 0.003))
        if working(d):
            for h in org.hosts:
                workday(rnd, conn, org, h, d0)
            # trap: the admin jump host reads GBs from the file server
            workday(rnd, conn, org, JUMPHOST, d0)
        else:
            for h in org.hosts:
                if rnd.random() < 0.03:
                    workday(rnd, conn, org, h, d0, window=(10 * HOUR, 20 * HOUR), scale=0.2)
        # trap: the new laptop, from day 90, 20 GB to OneDrive on its first day
        if d >= 90 and (working(d) or d == 90):
            workday(rnd, conn, org, NEWLAPTOP, d0)
        if d == 90:
            for part in split(rnd, 20 * GB, 5, 0.2):
                t = d0 + rnd.uniform(9, 15) * HOUR
                conn.add(t, rnd.uniform(1, 2.5) * HOUR, NEWLAPTOP,
                         addr(rnd, ONEDRIVE_NETS[0], 2, 40), 443, "tcp", "ssl",
                         part, part * 0.004)
        # OS updates: several GB down from the update range
        for h in upd_days.get(d, ()):
            if h == NEWLAPTOP and d < 90:
                continue
            total = rnd.uniform(2, 6) * GB
            for part in split(rnd, total, rnd.randint(1, 3)):
                conn.add(d0 + rnd.uniform(9, 17) * HOUR, rnd.uniform(5, 40) * MIN, h,
                         addr(rnd, rnd.choice(UPDATE_NETS)), 443, "tcp", "ssl",
                         rnd.uniform(1, 5) * MB * 0.3, part)
        # the public sample's 437 MB Teams upload
        if d == call437:
            h = org.hosts[len(org.hosts) // 3]
            ts = d0 + 14 * HOUR + 3 * MIN + 26.281477
            dur = 3355.618265
            line = "\t".join(("%.6f" % ts, conn.uid(), h, "55121", "52.112.99.32", "3478", "udp",
                              "-", "%.6f" % dur, "437313307", "830947288", "SF", "T", "F", "0",
                              "Dd", "705577", "457069463", "1084005", "861299428", "-"))
            conn.recs.append((round(ts + dur, 6), len(conn.recs), line))
        # VPN sessions: several users a day, addresses from the pool, reused across days
        if working(d) or rnd.random() < 0.3:
            ns = rnd.randint(2, 5) if working(d) else 1
            users = rnd.sample([u for u in VPN_USERS if u not in ("awhite", "bsmith")], ns)
            if d == 50:
                users.append("bsmith")
            elif d != 60 and rnd.random() < 0.25:
                users.append(rnd.choice(("awhite", "bsmith")))
            free = ["10.8.0.%d" % i for i in range(10, 81) if i != 55 or d not in (50, 60)]
            nats = rnd.sample(free, len(users))
            for u, nat in zip(users, nats):
                if d == 50 and u == "bsmith":
                    nat = VPN_ATTACK_IP
                length = rnd.uniform(1, 8) * HOUR
                t = d0 + rnd.uniform(7, 21) * HOUR
                sent, recv = vpn_traffic(rnd, conn, org, nat, t, length)
                gw.vpn(t, u, homes[u], nat, length, sent, recv)
        # attack 2: staging on days 15-19
        if 15 <= d <= 19:
            for part in split(rnd, 60 * GB * rnd.uniform(0.97, 1.03), rnd.randint(6, 9)):
                t = d0 + rnd.uniform(8.5, 16) * HOUR
                conn.add(t, rnd.uniform(30, 90) * MIN, EXFIL_HOST, FILESRV, 445, "tcp", "smb",
                         part * 0.012, part)
        # attack 1: slow exfiltration from day 20 for 150 days
        if 20 <= d < 170:
            n = rnd.randint(8, 12)
            parts = [min(6 * GB, max(3 * GB, x))
                     for x in split(rnd, rnd.uniform(38, 42) * GB, n, 0.15)]
            slots = sorted(rnd.sample(range(9 * 4), n))   # quarter hours 09:00-18:00
            for part, s in zip(parts, slots):
                t = d0 + 9 * HOUR + s * 15 * MIN + rnd.uniform(0, 10 * MIN)
                conn.add(t, rnd.uniform(20, 60) * MIN, EXFIL_HOST, addr(rnd, EXFIL_NET, 2, 12),
                         443, "tcp", "ssl", part, part * rnd.uniform(0.0005, 0.002))
        # attack 3: burst on day 100
        if d == 100:
            t = d0 + 15 * HOUR + 12 * MIN + rnd.uniform(0, 60)
            n = rnd.randint(2, 3)
            for part in split(rnd, 3 * GB, n, 0.2):
                conn.add(t + rnd.uniform(0, 40), rnd.uniform(2, 5) * MIN, BURST_HOST,
                         addr(rnd, BURST_NET), 443, "tcp", "ssl", part, part * 0.002)
        # attack 4: a password spray at the gateway, then awhite's VPN session on day 60
        if d == 60:
            spray_first = spray(seed, gw, d0)
            t = d0 + 13 * HOUR + 7 * MIN + 12
            length = 6 * HOUR
            sent, recv = vpn_traffic(rnd, conn, org, VPN_ATTACK_IP, t, length)
            for part in split(rnd, 8 * GB, 4, 0.2):
                conn.add(t + rnd.uniform(1, 4) * HOUR, rnd.uniform(15, 45) * MIN, VPN_ATTACK_IP,
                         addr(rnd, VPN_EXFIL_NET), 443, "tcp", "ssl", part, part * 0.002)
                sent += int(part * 1.04)
                recv += int(part * 0.003)
            gw.vpn(t, "awhite", SPRAY_IP, VPN_ATTACK_IP, length, sent, recv)
            vpn_session = (int(t), int(t + length))

    if days > 20:
        expect.append({"kind": "exfiltration", "source": EXFIL_HOST,
                       "destination": EXFIL_NET + ".0/24", "user": None, "users_forbidden": [],
                       "what": "slow exfiltration, ~40 GB/day, days 20-%d" % (min(days, 170) - 1)})
    if days > 15:
        expect.append({"kind": "internal_staging", "source": EXFIL_HOST, "destination": FILESRV,
                       "user": None, "users_forbidden": [],
                       "what": "60 GB/day read from the file server, days 15-%d"
                       % min(days - 1, 19)})
    if days > 100:
        expect.append({"kind": "exfiltration", "source": BURST_HOST,
                       "destination": BURST_NET + ".0/24", "user": None, "users_forbidden": [],
                       "what": "3 GB in about 5 minutes on day 100"})
    if days > 60:
        expect.append({"kind": "exfiltration", "source": VPN_ATTACK_IP,
                       "destination": VPN_EXFIL_NET + ".0/24", "user": "awhite",
                       "users_forbidden": ["bsmith"] if days > 50 else [],
                       "what": "8 GB out in awhite's VPN session on day 60"})
    # the incidents those alerts make (README "Incidents"): one per attack host; the VPN
    # exfiltration joins the spray that got awhite in, an intrusion
    incidents = []
    if days > 15:
        incidents.append({
            "status": "exfiltration", "sources_required": [EXFIL_HOST],
            "sources_allowed": [EXFIL_HOST],
            "destinations_required": [FILESRV] + ([EXFIL_NET + ".0/24"] if days > 20 else []),
            "compromised": [], "accounts_to_reset": [], "password_validated": [], "targeted": [],
            "bytes_out_min": 24 * GB if days > 20 else None,
            "after": iso(t0 + 15 * DAY), "before": iso(t0 + min(days, 171) * DAY),
            "what": "staging and slow exfiltration by %s" % EXFIL_HOST})
    if days > 60:
        incidents.append({
            "status": "intrusion", "sources_required": [VPN_ATTACK_IP, SPRAY_IP],
            "sources_allowed": [VPN_ATTACK_IP, SPRAY_IP],
            "destinations_required": [VPN_EXFIL_NET + ".0/24"],
            "compromised": ["awhite"],
            "accounts_to_reset": [{"user": "awhite", "reason": "compromised"}],
            "password_validated": [], "targeted": sorted(SPRAY_USERS),
            "dwell_seconds": vpn_session[1] - vpn_session[0], "bytes_out_min": 8 * GB,
            "first_seen": iso(spray_first), "last_seen": iso(vpn_session[1]),
            "after": iso(spray_first), "before": iso(vpn_session[1]),
            "what": "spray from %s, awhite's VPN session from it, 8 GB out from %s"
                    % (SPRAY_IP, VPN_ATTACK_IP)})
    if days > 100:
        incidents.append({
            "status": "exfiltration", "sources_required": [BURST_HOST],
            "sources_allowed": [BURST_HOST], "destinations_required": [BURST_NET + ".0/24"],
            "compromised": [], "accounts_to_reset": [], "password_validated": [], "targeted": [],
            "bytes_out_min": 3 * GB, "after": iso(t0 + 100 * DAY), "before": iso(t0 + 101 * DAY),
            "what": "burst by %s" % BURST_HOST})
    os.makedirs(out, exist_ok=True)
    nconn = conn.write(os.path.join(out, "conn.log"), t0)
    ngw = gw.write(os.path.join(out, "gateway.log"))
    quiet_src = [BACKUPSRV, JUMPHOST] + ([NEWLAPTOP] if days > 90 else [])
    quiet_dst = sorted(n + ".0/24" for n in [BACKUP_NET] + ONEDRIVE_NETS + TEAMS_NETS + UPDATE_NETS)
    truth = {"expect": expect, "incidents": incidents, "quiet_sources": quiet_src,
             "quiet_destinations": quiet_dst,
             "files": {"conn.log": nconn, "gateway.log": ngw},
             "params": {"seed": seed, "days": days, "hosts": nhosts, "start": start,
                        "workstations": len(org.hosts)}}
    with open(os.path.join(out, "truth.json"), "w") as f:
        json.dump(truth, f, indent=1, sort_keys=True)
        f.write("\n")
    return truth


def spray(seed, gw, d0):
    """The way in for attack 4: a password spray from SPRAY_IP against SPRAY_USERS (awhite
    among them) at the gateway's logon page, 11:50-12:50 on day 60, in rounds of one guess
    per account: awhite in the first two rounds only (her password worked in the third; the
    attacker's VPN login follows at 13:07), everyone else three or four times. Its own random
    stream, so the rest of the scenario is the same with or without it."""
    rnd = random.Random("spray-%d" % seed)
    users = list(SPRAY_USERS)
    rnd.shuffle(users)
    start = d0 + 11 * HOUR + 50 * MIN
    first = None
    for r in range(4):
        if r == 3:
            users = [u for u in users if rnd.random() < 0.5]
        t = start + r * 15 * MIN + rnd.uniform(0, 60)
        for u in users:
            t += rnd.uniform(4, 20)
            if u == "awhite" and r >= 2:
                continue
            gw.failed(t, u, SPRAY_IP, SPRAY_BROWSER)
            first = first or int(t)
    return first


def vpn_traffic(rnd, conn, org, nat, t, length):
    """Ordinary flows from a VPN address inside a session; returns the client's (sent, recv)."""
    sent = recv = 0

    def at():
        return t + rnd.uniform(60, max(120, length - 40 * MIN))
    conn.add(at(), rnd.uniform(0.001, 0.05), nat, RESOLVER, 53, "udp", "dns",
             rnd.randint(30, 80), rnd.randint(60, 300))
    rb = rnd.uniform(20, 150) * MB
    conn.add(at(), rnd.uniform(5, 30) * MIN, nat, FILESRV, 445, "tcp", "smb", rb * 0.03, rb)
    sent, recv = sent + rb * 0.03, recv + rb
    ob, rb = lognorm(rnd, 300 * KB, 1, 20 * KB, 5 * MB), lognorm(rnd, 6 * MB, 1, 200 * KB, 60 * MB)
    conn.add(at(), rnd.uniform(5, 30) * MIN, nat, MAILSRV, 993, "tcp", "ssl", ob, rb)
    sent, recv = sent + ob, recv + rb
    for _ in range(rnd.randint(1, 3)):
        ob = lognorm(rnd, 150 * KB, 1.2, 1 * KB, 3 * MB)
        rb = lognorm(rnd, 5 * MB, 1.2, 20 * KB, 200 * MB)
        conn.add(at(), lognorm(rnd, 60, 1.2, 0.2, 1200), nat, addr(rnd, org.web_net()), 443,
                 "tcp", "ssl", ob, rb)
        sent, recv = sent + ob, recv + rb
    return int(sent * 1.04), int(recv * 1.04)


# --- --check ------------------------------------------------------------------------------------

KINDS = ("exfiltration", "internal_staging")


def judge_doctored(cases, flag, truth_path, path):
    """The checker's self-test: for each case name -> (records, should_pass), write the
    records as JSON lines to path, run this script with flag, and return "N;problems"
    (the cases it judged wrongly)."""
    out = []
    for cname, (v, should) in cases.items():
        with open(path, "w") as f:
            for rec in v:
                f.write(json.dumps(rec) + "\n")
        r = subprocess.run([sys.executable, os.path.abspath(__file__), flag, truth_path, path],
                           capture_output=True, text=True)
        ok = r.returncode == 0 and r.stdout.strip() == "ok"
        if ok != should:
            out.append("%s: exit %d %s" % (cname, r.returncode, r.stdout.strip()[:200]))
    return "%d;%s" % (len(cases), "; ".join(out))


def read_lines(truth_path, lines_path):
    """The truth and the JSON lines to judge, or (None, None) after printing why."""
    try:
        return (json.load(open(truth_path)),
                [json.loads(l) for l in open(lines_path) if l.strip()])
    except (OSError, ValueError) as e:
        print("cannot read: %s" % e)
        return None, None


def check(truth_path, alerts_path):
    truth, alerts = read_lines(truth_path, alerts_path)
    if truth is None:
        return 1
    problems = []
    got = {}
    for a in alerts:
        if a.get("kind") not in KINDS:
            continue
        for s in a.get("sources") or []:
            for d in a.get("destinations") or []:
                got.setdefault((a["kind"], s, d), []).append(a)
    want = {(e["kind"], e["source"], e["destination"]): e for e in truth["expect"]}
    for k in sorted(set(want) - set(got)):
        problems.append("missing %s %s -> %s (%s)" % (k + (want[k]["what"],)))
    for k in sorted(set(got) - set(want)):
        problems.append("unexpected %s %s -> %s (%d alert(s), first_seen %s)"
                        % (k + (len(got[k]), got[k][0].get("first_seen"))))
    for k in sorted(set(want) & set(got)):
        e = want[k]
        if e.get("user") and not any(e["user"] in (a.get("users") or []) for a in got[k]):
            problems.append("user %s not named by %s %s -> %s (users %s)" % (
                (e["user"],) + k + (sorted({u for a in got[k] for u in a.get("users") or []}),)))
        for u in e.get("users_forbidden") or []:
            if any(u in (a.get("users") or []) for a in got[k]):
                problems.append("user %s named by %s %s -> %s" % ((u,) + k))
    qs, qd = set(truth["quiet_sources"]), set(truth["quiet_destinations"])
    for a in alerts:
        if a.get("kind") not in KINDS:
            continue
        for s in sorted(set(a.get("sources") or []) & qs):
            problems.append("quiet source %s named by %s (first_seen %s)"
                            % (s, a["kind"], a.get("first_seen")))
        for d in sorted(set(a.get("destinations") or []) & qd):
            problems.append("quiet destination %s named by %s (first_seen %s)"
                            % (d, a["kind"], a.get("first_seen")))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok")
    return 0


def check_incidents(truth_path, incidents_path):
    """dwell's incidents (JSON lines of `--incidents` or `dwell incidents --json`) against
    truth["incidents"]: each expected incident is exactly one of dwell's (the one naming its
    first required source), no other incident; status, compromised, accounts_to_reset,
    password_validated, targeted and dwell_seconds exactly; sources within the allowed ones
    and every required one; every required destination; bytes_out at least bytes_out_min;
    first_seen / last_seen exactly when the truth says them, else within after .. before; no
    quiet source or destination in any incident."""
    truth, incs = read_lines(truth_path, incidents_path)
    if truth is None:
        return 1
    problems = []

    def srcs(i):
        return {s.get("source") for s in i.get("sources") or []}

    def secs(v):   # "2024-03-01T11:50:23Z" or with a fraction -> seconds (float)
        if not isinstance(v, str) or len(v) < 20:
            return None
        frac = float("0" + v[19:-1]) if v[19:-1] else 0.0
        return calendar.timegm(time.strptime(v[:19], "%Y-%m-%dT%H:%M:%S")) + frac
    matched = set()
    for e in truth["incidents"]:
        key = e["sources_required"][0]
        got = [i for i in incs if key in srcs(i)]
        if len(got) != 1:
            problems.append("%d incidents name %s, want 1 (%s)" % (len(got), key, e["what"]))
            continue
        i = got[0]
        matched.add(id(i))
        name = "incident #%s (%s)" % (i.get("id"), key)
        for k in ("status", "compromised", "accounts_to_reset", "password_validated",
                  "targeted", "dwell_seconds"):
            if k in e and i.get(k) != e[k]:
                problems.append("%s: %s %s, want %s" % (name, k, json.dumps(i.get(k))[:200],
                                                       json.dumps(e[k])[:200]))
        for x in sorted(set(e["sources_required"]) - srcs(i)):
            problems.append("%s: source %s missing" % (name, x))
        for x in sorted(srcs(i) - set(e["sources_allowed"])):
            problems.append("%s: unexpected source %s" % (name, x))
        for x in sorted(set(e["destinations_required"]) - set(i.get("destinations") or [])):
            problems.append("%s: destination %s missing" % (name, x))
        if e.get("bytes_out_min") is not None and not (
                isinstance(i.get("bytes_out"), int) and i["bytes_out"] >= e["bytes_out_min"]):
            problems.append("%s: bytes_out %s, want >= %d" % (name, i.get("bytes_out"),
                                                              e["bytes_out_min"]))
        for k in ("first_seen", "last_seen"):
            got_t = secs(i.get(k))
            if k in e:
                if got_t is None or got_t != secs(e[k]):
                    problems.append("%s: %s %s, want %s" % (name, k, i.get(k), e[k]))
            elif got_t is None or not secs(e["after"]) <= got_t < secs(e["before"]) + 1:
                problems.append("%s: %s %s outside %s .. %s" % (name, k, i.get(k), e["after"],
                                                                e["before"]))
    for i in incs:
        if id(i) not in matched:
            problems.append("unexpected incident #%s %s (sources %s, first_seen %s)" % (
                i.get("id"), i.get("status"), ", ".join(sorted(srcs(i)))[:200],
                i.get("first_seen")))
    n = sum(i.get("status") == "intrusion" for i in incs)
    want = sum(e["status"] == "intrusion" for e in truth["incidents"])
    if n != want:
        problems.append("%d intrusions, want %d" % (n, want))
    qs, qd = set(truth["quiet_sources"]), set(truth["quiet_destinations"])
    for i in incs:
        for x in sorted(srcs(i) & qs):
            problems.append("quiet source %s in incident #%s" % (x, i.get("id")))
        for x in sorted(set(i.get("destinations") or []) & qd):
            problems.append("quiet destination %s in incident #%s" % (x, i.get("id")))
    for p in problems:
        print(p)
    if problems:
        return 1
    print("ok")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", help="output directory: conn.log, gateway.log, truth.json")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--days", type=int, default=180)
    ap.add_argument("--hosts", type=int, default=200)
    ap.add_argument("--start", default="2024-01-01", help="first day (UTC), YYYY-MM-DD")
    ap.add_argument("--check", nargs=2, metavar=("TRUTH", "ALERTS"),
                    help="compare dwell's alerts (JSON lines) with a truth file")
    ap.add_argument("--check-incidents", nargs=2, metavar=("TRUTH", "INCIDENTS"),
                    help="compare dwell's incidents (JSON lines) with a truth file")
    a = ap.parse_args()
    if a.check:
        return check(*a.check)
    if a.check_incidents:
        return check_incidents(*a.check_incidents)
    if not a.out:
        ap.error("--out is required")
    if a.days < 1 or a.hosts < 2:
        ap.error("--days must be >= 1 and --hosts >= 2")
    generate(a.seed, a.days, a.hosts, a.start, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
