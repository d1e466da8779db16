#!/usr/bin/env python3
"""gen_sshd.py - labelled OpenSSH auth.log scenarios and the benchmark log.

Writes realistic sshd text: the real multi-line shapes of one guess (valid
user: pam_unix failure, Failed password, Connection closed by authenticating
user; invalid user: Invalid user, check pass, pam_unix failure, Failed
password for invalid user, Received disconnect, Disconnected from invalid
user), successes (Accepted password/publickey + session opened), programs
sshd and sshd-session (OpenSSH >= 9.8), and three header styles (RFC 3164,
RFC 3339 high precision, RFC 5424), over a benign background: internal users
logging in from their usual addresses (some also from a home address),
occasional typos then success, cron, and internet scanners that never try a
password.

  gen_sshd.py --list
  gen_sshd.py --scenario NAME --out FILE [--seed N]   FILE + FILE.truth.json
  gen_sshd.py --bench --lines 1000000 --out FILE      ~100 MB, 14 days

The truth file lists exactly the alerts a correct detector must give:
{"scenario": NAME, "alerts": [{"kind", "sources", "users", "compromised"}]}
with sources/users/compromised as exact sets; nothing else may be alerted.
Everything is drawn from random.Random(seed): same arguments, same bytes.
Python 3 standard library only.
"""

import json
import os
import random
import sys
import time

import scenario_io

YEAR = 2024
DAY = 86400
HOUR = 3600
MIN = 60
# Scenarios start on 2024-03-04 00:00:00 UTC (a Monday).
T0 = 1709510400

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

FIRST = "abcdefghijklmnoprstw"
SURNAMES = ["smith", "jones", "brown", "taylor", "wilson", "davies", "evans", "thomas",
            "johnson", "roberts", "walker", "wright", "robinson", "thompson", "white",
            "hughes", "edwards", "green", "hall", "wood", "harris", "lewis", "martin",
            "jackson", "clarke", "clark", "turner", "hill", "scott", "cooper"]
# 600 valid accounts of the organisation, in a fixed order
ACCOUNTS = [f + s for s in SURNAMES for f in FIRST]
SERVICE = ["root", "deploy", "backup", "svc_backup", "git", "jenkins", "postgres", "nagios"]
BOT_NAMES = ["admin", "test", "user", "oracle", "ubuntu", "pi", "guest", "ftpuser", "support",
             "postgres", "mysql", "teamspeak", "minecraft", "hadoop", "default", "test1"]
STUFF_WORDS = ["info", "sales", "office", "contact", "mail", "john", "maria", "david", "anna",
               "michael", "laura", "peter", "julia", "chris", "emma", "daniel", "sophie"]


def fmt_3164(ts):
    t = time.gmtime(int(ts))
    return "%s %2d %02d:%02d:%02d" % (MONTHS[t.tm_mon - 1], t.tm_mday, t.tm_hour, t.tm_min,
                                     t.tm_sec)


def fmt_3339(ts, zulu=False):
    t = time.gmtime(int(ts))
    us = int(round((ts - int(ts)) * 1e6)) % 1000000
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06d%s" % (t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour,
                                                    t.tm_min, t.tm_sec, us,
                                                    "Z" if zulu else "+00:00")


class Log:
    """Lines of one log; each host has a header style and an sshd program name."""

    def __init__(self, rnd, hosts):
        self.rnd = rnd
        self.hosts = hosts  # name -> (style, program)
        self.lines = []     # (ts, seq, host, prog, pid, msg)
        self.seq = 0
        self.pid = 2000
        self.host_names = sorted(hosts)

    def host(self):
        return self.host_names[self.rnd.randrange(len(self.host_names))]

    def new_pid(self):
        self.pid += self.rnd.randrange(1, 40)
        if self.pid > 4000000:
            self.pid = 2000
        return self.pid

    def add(self, ts, host, prog, pid, msg):
        self.seq += 1
        self.lines.append((ts, self.seq, host, prog, pid, msg))

    def port(self):
        return self.rnd.randrange(1024, 65535)

    # --- sshd shapes -------------------------------------------------------------
    def sshd(self, host):
        return self.hosts[host][1]

    def fail_valid(self, ts, ip, user, host=None, tries=1, closed=True):
        host = host or self.host()
        prog, pid, port = self.sshd(host), self.new_pid(), self.port()
        t = ts
        for i in range(tries):
            self.add(t, host, prog, pid, "pam_unix(sshd:auth): authentication failure; logname= "
                     "uid=0 euid=0 tty=ssh ruser= rhost=%s  user=%s" % (ip, user))
            t += 1.5 + self.rnd.random()
            self.add(t, host, prog, pid, "Failed password for %s from %s port %d ssh2"
                     % (user, ip, port))
            t += 0.3
        if closed:
            self.add(t + 0.2, host, prog, pid,
                     "Connection closed by authenticating user %s %s port %d [preauth]"
                     % (user, ip, port))
        return host, prog, pid, port, t

    def fail_invalid(self, ts, ip, user, host=None):
        host = host or self.host()
        prog, pid, port = self.sshd(host), self.new_pid(), self.port()
        self.add(ts, host, prog, pid, "Invalid user %s from %s port %d" % (user, ip, port))
        self.add(ts + 0.1, host, prog, pid, "pam_unix(sshd:auth): check pass; user unknown")
        self.add(ts + 0.1, host, prog, pid, "pam_unix(sshd:auth): authentication failure; "
                 "logname= uid=0 euid=0 tty=ssh ruser= rhost=%s " % ip)
        self.add(ts + 2.1, host, prog, pid, "Failed password for invalid user %s from %s port %d ssh2"
                 % (user, ip, port))
        self.add(ts + 2.4, host, prog, pid, "Received disconnect from %s port %d:11: Bye Bye [preauth]"
                 % (ip, port))
        self.add(ts + 2.4, host, prog, pid, "Disconnected from invalid user %s %s port %d [preauth]"
                 % (user, ip, port))

    def accepted(self, ts, ip, user, method="password", host=None, pid=None, port=None,
                 session_len=None):
        host = host or self.host()
        prog = self.sshd(host)
        pid = pid or self.new_pid()
        port = port or self.port()
        if method == "publickey":
            msg = ("Accepted publickey for %s from %s port %d ssh2: ED25519 SHA256:%s"
                   % (user, ip, port, self.fingerprint(user)))
        else:
            msg = "Accepted password for %s from %s port %d ssh2" % (user, ip, port)
        self.add(ts, host, prog, pid, msg)
        self.add(ts + 0.05, host, prog, pid,
                 "pam_unix(sshd:session): session opened for user %s(uid=%d) by (uid=0)"
                 % (user, self.uid(user)))
        if session_len:
            self.add(ts + session_len, host, prog, pid, "Received disconnect from %s port %d:11: "
                     "disconnected by user" % (ip, port))
            self.add(ts + session_len, host, prog, pid, "Disconnected from user %s %s port %d"
                     % (user, ip, port))
            self.add(ts + session_len + 0.01, host, prog, pid,
                     "pam_unix(sshd:session): session closed for user %s" % user)

    def typo_login(self, ts, ip, user, typos=1):
        """A person mistypes (1-2 times), then gets in - in the same connection or a new one."""
        host = self.host()
        if self.rnd.random() < 0.6:
            host, prog, pid, port, t = self.fail_valid(ts, ip, user, host, tries=typos,
                                                       closed=False)
            self.accepted(t + 3 + self.rnd.random() * 5, ip, user, "password", host, pid, port,
                          session_len=self.rnd.randrange(60, 4000))
        else:
            t = ts
            for _ in range(typos):
                _, _, _, _, t = self.fail_valid(t, ip, user, host)
                t += 4 + self.rnd.random() * 10
            self.accepted(t + self.rnd.random() * 30, ip, user, "password", host,
                          session_len=self.rnd.randrange(60, 4000))

    def scanner(self, ts, ip):
        host = self.host()
        prog, pid, port = self.sshd(host), self.new_pid(), self.port()
        k = self.rnd.randrange(5)
        if k == 0:
            self.add(ts, host, prog, pid, "Connection closed by %s port %d [preauth]" % (ip, port))
        elif k == 1:
            self.add(ts, host, prog, pid, "Connection reset by %s port %d [preauth]" % (ip, port))
        elif k == 2:
            self.add(ts, host, prog, pid, "kex_exchange_identification: Connection closed by "
                     "remote host")
            self.add(ts, host, prog, pid, "Connection closed by %s port %d" % (ip, port))
        elif k == 3:
            self.add(ts, host, prog, pid, "banner exchange: Connection from %s port %d: invalid "
                     "format" % (ip, port))
        else:
            self.add(ts, host, prog, pid, "Unable to negotiate with %s port %d: no matching host "
                     "key type found. Their offer: ssh-rsa,ssh-dss [preauth]" % (ip, port))

    def cron(self, ts):
        host = self.host()
        pid = self.new_pid()
        self.add(ts, host, "CRON", pid,
                 "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)")
        self.add(ts + 0.4, host, "CRON", pid, "(root) CMD (command -v debian-sa1 > /dev/null && "
                 "debian-sa1 1 1)")
        self.add(ts + 0.9, host, "CRON", pid, "pam_unix(cron:session): session closed for user root")

    def fingerprint(self, user):
        h = 0
        for c in user:
            h = (h * 131 + ord(c)) & 0xFFFFFFFFFFFF
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        out = []
        for i in range(43):
            h = (h * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
            out.append(alphabet[(h >> 58) & 63])
        return "".join(out)

    def uid(self, user):
        if user == "root":
            return 0
        h = 0
        for c in user:
            h = (h * 31 + ord(c)) % 9000
        return 1000 + h

    # --- output ---------------------------------------------------------------------
    def write(self, path):
        self.lines.sort(key=lambda x: (x[0], x[1]))
        out = []
        for ts, _, host, prog, pid, msg in self.lines:
            style = self.hosts[host][0]
            if style == "3164":
                out.append("%s %s %s[%d]: %s\n" % (fmt_3164(ts), host, prog, pid, msg))
            elif style == "3339":
                out.append("%s %s %s[%d]: %s\n" % (fmt_3339(ts), host, prog, pid, msg))
            else:
                pri = 86 if prog == "CRON" else 38
                out.append("<%d>1 %s %s %s %d - - %s\n" % (pri, fmt_3339(ts, True), host, prog,
                                                         pid, msg))
        with open(path, "w") as f:
            f.writelines(out)
        if self.lines:
            last = int(self.lines[-1][0]) + 60
            os.utime(path, (last, last))
        return len(out)


# --- the organisation ------------------------------------------------------------------

class Org:
    """Who normally logs in, from where, and how."""

    def __init__(self, rnd, n_active=150):
        self.rnd = rnd
        self.active = ACCOUNTS[:n_active]
        self.addr = {}
        self.home = {}
        self.method = {}
        for i, u in enumerate(self.active):
            self.addr[u] = "10.%d.%d.%d" % (10 + i // 200, (i // 40) % 250, 20 + i % 200)
            if rnd.random() < 0.25:
                self.home[u] = "%d.%d.%d.%d" % (rnd.choice([81, 82, 84, 86, 88, 91, 93, 95]),
                                                rnd.randrange(1, 255), rnd.randrange(1, 255),
                                                rnd.randrange(2, 254))
            self.method[u] = "publickey" if rnd.random() < 0.55 else "password"

    def day(self, log, day_start, exclude=()):
        """One day of normal logins: 1-3 per active user, mostly office hours."""
        rnd = self.rnd
        for u in self.active:
            if u in exclude:
                continue
            for _ in range(rnd.choice([1, 1, 2, 2, 3])):
                ts = day_start + rnd.uniform(7 * HOUR, 19 * HOUR)
                ip = self.addr[u]
                if u in self.home and rnd.random() < 0.3:
                    ip = self.home[u]
                if self.method[u] == "password" and rnd.random() < 0.06:
                    log.typo_login(ts, ip, u, typos=rnd.choice([1, 1, 2]))
                else:
                    log.accepted(ts, ip, u, self.method[u], session_len=rnd.randrange(60, 20000))

    def warmup(self, log, t):
        """Everyone once from every usual address (the history a real log would have)."""
        for u in self.active:
            log.accepted(t + self.rnd.uniform(0, 6 * HOUR), self.addr[u], u, self.method[u],
                         session_len=600)
            if u in self.home:
                log.accepted(t + self.rnd.uniform(6 * HOUR, 12 * HOUR), self.home[u], u,
                             self.method[u], session_len=600)


def noise(log, rnd, start, end, scanners_per_day=120):
    """Cron every 10 minutes, scanners that never try a password, deploys from CI."""
    t = start
    while t < end:
        log.cron(t + rnd.uniform(0, 2))
        t += 10 * MIN
    n = int((end - start) / DAY * scanners_per_day)
    for _ in range(n):
        ip = "%d.%d.%d.%d" % (rnd.choice([45, 61, 103, 110, 117, 141, 159, 185, 193, 212]),
                              rnd.randrange(1, 255), rnd.randrange(1, 255), rnd.randrange(2, 254))
        log.scanner(rnd.uniform(start, end), ip)
    t = start + 2 * HOUR
    while t < end:
        log.accepted(t + rnd.uniform(0, 600), "10.0.5.5", "deploy", "publickey", session_len=30)
        t += 3 * HOUR


def background(log, org, rnd, days, attack_days=()):
    """Day 0 starts at T0 with the warm-up; then ordinary days."""
    org.warmup(log, T0)
    for d in range(days):
        org.day(log, T0 + d * DAY)
    noise(log, rnd, T0, T0 + days * DAY)


def ip_pool(rnd, n, firsts=(23, 31, 37, 46, 52, 62, 77, 89, 101, 109, 146, 151, 176, 178, 188,
                            194, 200, 203, 213, 217)):
    """n distinct public addresses in distinct /16s."""
    seen, out = set(), []
    while len(out) < n:
        a, b = rnd.choice(firsts), rnd.randrange(0, 256)
        if (a, b) in seen:
            continue
        seen.add((a, b))
        out.append("%d.%d.%d.%d" % (a, b, rnd.randrange(0, 256), rnd.randrange(2, 254)))
    return out


# --- attacks (each returns its truth alerts) -----------------------------------------------

def alert(kind, sources, users, compromised=()):
    return {"kind": kind, "sources": sorted(set(sources)), "users": sorted(set(users)),
            "compromised": sorted(set(compromised))}


def a_brute_force(log, rnd, t, ip="203.0.113.50", user="root", n=60, span=5 * MIN):
    k = 0
    while k < n:
        tries = min(n - k, rnd.choice([1, 1, 3]))
        log.fail_valid(t + k * span / n, ip, user, tries=tries)
        k += tries
    return [alert("brute_force", [ip], [user])]


def a_password_spray(log, rnd, t, ip="198.51.100.77", accounts=None, rounds=2, span=2 * HOUR):
    accounts = accounts or ACCOUNTS[100:140]
    per = span / (rounds * len(accounts))
    k = 0
    for _ in range(rounds):
        for u in accounts:
            log.fail_valid(t + k * per + rnd.uniform(0, per / 3), ip, u)
            k += 1
    return [alert("password_spray", [ip], accounts)]


def a_slow_single(log, rnd, t, ip="192.0.2.66", days=3):
    users = ["root", "admin", "oracle"]
    used = set()
    end = t + days * DAY
    while t < end:
        u = rnd.choice(users)
        used.add(u)
        if u == "root":
            log.fail_valid(t, ip, u)
        else:
            log.fail_invalid(t, ip, u)
        t += rnd.uniform(20 * MIN, 40 * MIN)
    return [alert("brute_force", [ip], used)]


def a_distributed(log, rnd, t, n_ips=300, accounts=None, span=HOUR):
    """n_ips sources, 1-2 tries each, one account per try, over span."""
    accounts = list(accounts or ACCOUNTS[:500])
    rnd.shuffle(accounts)
    ips = ip_pool(rnd, n_ips)
    tries = [1] * n_ips
    extra = len(accounts) - n_ips
    for i in rnd.sample(range(n_ips), max(0, min(extra, n_ips))):
        tries[i] = 2
    plan, k = [], 0
    for i, ip in enumerate(ips):
        for _ in range(tries[i]):
            if k < len(accounts):
                plan.append((ip, accounts[k]))
                k += 1
    rnd.shuffle(plan)
    for j, (ip, u) in enumerate(plan):
        log.fail_valid(t + j * span / len(plan) + rnd.uniform(0, 5), ip, u)
    used_ips = sorted({ip for ip, _ in plan})
    return [alert("distributed_spray", used_ips, [u for _, u in plan])], plan


def a_slow_distributed(log, rnd, t, n_ips=24, hours=12, pool=None):
    pool = list(pool or ACCOUNTS[200:300])
    ips = ip_pool(rnd, n_ips, firsts=(5, 14, 27, 36, 39, 41, 49, 58, 59, 60))
    users = set()
    for h in range(hours):
        chosen = rnd.sample(pool, n_ips)
        for i, ip in enumerate(ips):
            log.fail_valid(t + h * HOUR + rnd.uniform(0, HOUR - 60), ip, chosen[i])
            users.add(chosen[i])
    return [alert("distributed_spray", ips, users)]


def a_stuffing(log, rnd, t, ip="185.220.101.33", n=200, span=10 * MIN):
    users = []
    valid = ACCOUNTS[300:340]
    for i in range(n):
        if i % 5 == 0:
            u = valid[i // 5 % len(valid)]
            log.fail_valid(t + i * span / n, ip, u)
        else:
            u = "%s.%s%d" % (rnd.choice(STUFF_WORDS), rnd.choice(SURNAMES), rnd.randrange(10, 99))
            while u in users:
                u += "x"
            log.fail_invalid(t + i * span / n, ip, u)
        users.append(u)
    return [alert("credential_stuffing", [ip], users)]


def a_bruteforce_success(log, rnd, t, ip="203.0.113.99", user="deploy"):
    for i in range(8):
        log.fail_valid(t + i * 15, ip, user)
    log.accepted(t + 8 * 15 + 10, ip, user, "password", session_len=900)
    return [alert("brute_force", [ip], [user], [user]),
            alert("account_compromise", [ip], [user], [user])]


def a_office_nat(log, rnd, t, ip="198.51.100.200", users=None, history_days=2):
    """One working day behind an office NAT; the office also worked the days before."""
    users = users or ACCOUNTS[150:230]
    for d in range(history_days, 0, -1):
        for u in users:
            log.accepted(t - d * DAY + rnd.uniform(8 * HOUR, 18 * HOUR), ip, u, "password",
                         session_len=rnd.randrange(300, 9000))
    for u in users:
        for _ in range(rnd.choice([1, 2, 2, 3])):
            ts = t + rnd.uniform(8 * HOUR, 18 * HOUR)
            if rnd.random() < 0.15:
                log.typo_login(ts, ip, u, typos=rnd.choice([1, 1, 2]))
            else:
                log.accepted(ts, ip, u, "password", session_len=rnd.randrange(300, 9000))
    return []


def a_stale_service(log, rnd, t, ip="10.0.3.7", user="svc_backup", days=3):
    log.accepted(t - DAY + 3 * HOUR, ip, user, "password", session_len=120)
    end = t + days * DAY
    while t < end:
        log.fail_valid(t + rnd.uniform(0, 3), ip, user)
        t += 5 * MIN
    return [alert("stale_credentials", [ip], [user])]


def a_jump_host(log, rnd, t, ip="10.0.0.10", days=3):
    admins = ["adm_" + s for s in SURNAMES]
    for d in range(days):
        for u in admins:
            ts = t + d * DAY + rnd.uniform(8 * HOUR, 18 * HOUR)
            if rnd.random() < 0.08:
                log.typo_login(ts, ip, u)
            else:
                log.accepted(ts, ip, u, "password", session_len=rnd.randrange(60, 3600))
    return []


# --- scenarios ----------------------------------------------------------------------------

def one_host(style="3164", prog="sshd"):
    return {"srv01": (style, prog)}


SCENARIOS = {}


def scenario(name, doc):
    def reg(fn):
        SCENARIOS[name] = (fn, doc)
        return fn
    return reg


@scenario("brute_force", "1 IP, 60 guesses at root in 5 min")
def s_brute_force(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth = a_brute_force(log, rnd, T0 + 2 * DAY + 10 * HOUR)
    return log, truth


@scenario("password_spray", "1 IP, 40 accounts x 2 guesses over 2 h")
def s_password_spray(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth = a_password_spray(log, rnd, T0 + 2 * DAY + 3 * HOUR)
    return log, truth


@scenario("slow_single", "1 IP guessing every 20-40 min for 3 days")
def s_slow_single(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 6)
    truth = a_slow_single(log, rnd, T0 + 2 * DAY + 5 * HOUR)
    return log, truth


@scenario("distributed_spray", "300 IPs x 1-2 tries over 500 accounts in 1 h")
def s_distributed(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth, _ = a_distributed(log, rnd, T0 + 2 * DAY + 2 * HOUR)
    return log, truth


@scenario("slow_distributed", "24 IPs each guessing once an hour for 12 h")
def s_slow_distributed(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth = a_slow_distributed(log, rnd, T0 + 2 * DAY + 6 * HOUR)
    return log, truth


@scenario("credential_stuffing", "1 IP, 200 mostly-unknown accounts x 1")
def s_stuffing(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth = a_stuffing(log, rnd, T0 + 2 * DAY + 14 * HOUR)
    return log, truth


@scenario("compromise_spray_ip", "distributed spray; 30 min later a spray IP logs in as an "
          "account another IP sprayed")
def s_compromise_spray_ip(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    t = T0 + 2 * DAY + 9 * HOUR
    truth, plan = a_distributed(log, rnd, t, n_ips=60, accounts=ACCOUNTS[400:500])
    ip = plan[0][0]
    victim = next(u for sip, u in plan if sip != ip)
    log.accepted(t + HOUR + 30 * MIN, ip, victim, "password", session_len=1200)
    truth[0]["compromised"] = [victim]
    truth.append(alert("account_compromise", [ip], [victim], [victim]))
    return log, truth


@scenario("compromise_fresh_ip", "distributed spray; 30 min later a sprayed account logs in "
          "from a fresh IP")
def s_compromise_fresh_ip(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    t = T0 + 2 * DAY + 2 * HOUR
    truth, plan = a_distributed(log, rnd, t)
    victim = sorted(u for _, u in plan if u not in org.active)[7]
    fresh = "176.10.99.200"
    log.accepted(t + HOUR + 30 * MIN, fresh, victim, "password", session_len=1800)
    truth[0]["compromised"] = [victim]
    truth.append(alert("account_compromise", [fresh], [victim], [victim]))
    return log, truth


@scenario("bruteforce_success", "8 failures then Accepted for deploy")
def s_bruteforce_success(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth = a_bruteforce_success(log, rnd, T0 + 2 * DAY + 20 * HOUR)
    return log, truth


@scenario("trap_office_nat", "office NAT: 80 users, 15% mistype then succeed, a working day")
def s_office_nat(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth = a_office_nat(log, rnd, T0 + 2 * DAY)
    return log, truth


@scenario("trap_stale_service", "service account with a stale password, failing every 5 min "
          "for 3 days from its internal host")
def s_stale(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 5)
    truth = a_stale_service(log, rnd, T0 + DAY + 4 * HOUR)
    return log, truth


@scenario("trap_jump_host", "admin jump host: 30 accounts with the odd typo")
def s_jump(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    truth = a_jump_host(log, rnd, T0 + DAY)
    return log, truth


@scenario("trap_sprayed_users_normal", "spray of 400 accounts; the sprayed users log in as "
          "usual that day (not compromised)")
def s_sprayed_normal(rnd):
    log = Log(rnd, one_host())
    org = Org(rnd)
    background(log, org, rnd, 4)
    accounts = ACCOUNTS[:400]
    truth = a_password_spray(log, rnd, T0 + 2 * DAY + 6 * HOUR, ip="203.0.113.171",
                             accounts=accounts, rounds=1, span=4 * HOUR)
    return log, truth


@scenario("mix", "everything in one file, three hosts, RFC 3164 / RFC 3339 / RFC 5424 headers, "
          "sshd and sshd-session")
def s_mix(rnd):
    hosts = {"srv01": ("3164", "sshd"), "srv02": ("3339", "sshd-session"),
             "srv03": ("5424", "sshd")}
    log = Log(rnd, hosts)
    org = Org(rnd)
    days = 9
    background(log, org, rnd, days)
    truth = []
    truth += a_brute_force(log, rnd, T0 + 1 * DAY + 10 * HOUR)
    truth += a_password_spray(log, rnd, T0 + 1 * DAY + 13 * HOUR)
    truth += a_stuffing(log, rnd, T0 + 1 * DAY + 20 * HOUR)
    truth += a_slow_single(log, rnd, T0 + 2 * DAY + 5 * HOUR)
    t = T0 + 3 * DAY + 2 * HOUR
    spray, plan = a_distributed(log, rnd, t)
    fresh = "176.10.99.200"
    victim = sorted(u for _, u in plan if u not in org.active)[7]
    log.accepted(t + HOUR + 30 * MIN, fresh, victim, "password", session_len=1800)
    ip = plan[0][0]
    victim2 = sorted(u for sip, u in plan if sip != ip and u not in org.active)[3]
    log.accepted(t + HOUR + 40 * MIN, ip, victim2, "password", session_len=600)
    spray[0]["compromised"] = [victim, victim2]
    truth += spray
    truth.append(alert("account_compromise", [fresh], [victim], [victim]))
    truth.append(alert("account_compromise", [ip], [victim2], [victim2]))
    truth += a_bruteforce_success(log, rnd, T0 + 4 * DAY + 20 * HOUR)
    truth += a_slow_distributed(log, rnd, T0 + 5 * DAY + 6 * HOUR)
    truth += a_office_nat(log, rnd, T0 + 6 * DAY)
    truth += a_jump_host(log, rnd, T0 + 6 * DAY)
    truth += a_stale_service(log, rnd, T0 + 6 * DAY + 4 * HOUR, days=2)
    return log, truth


# --- benchmark ----------------------------------------------------------------------------

def bench(path, nlines, seed):
    """About nlines lines of 14 days, composition like peers-bruteforce.md section 5."""
    rnd = random.Random(seed)
    start = 1730419200  # 2024-11-01
    span = 14 * DAY
    out = []
    host = "srv01"
    users = ACCOUNTS[:200]
    internal = ["10.%d.%d.%d" % (20 + i // 250, i % 250, 10 + i % 200) for i in range(400)]
    bots = ["%d.%d.%d.%d" % (rnd.choice([45, 61, 103, 110, 117, 141, 159, 185, 193, 212, 218, 222]),
                             rnd.randrange(256), rnd.randrange(256), rnd.randrange(2, 254))
            for _ in range(600)]
    heavy = ["%d.%d.%d.%d" % (rnd.choice([5, 43, 80, 91, 134, 167]), rnd.randrange(256),
                              rnd.randrange(256), rnd.randrange(2, 254)) for _ in range(12)]
    scanners = ["%d.%d.%d.%d" % (rnd.randrange(1, 224), rnd.randrange(256), rnd.randrange(256),
                                 rnd.randrange(2, 254)) for _ in range(3000)]
    ev = []  # (ts, text) ; text without header
    pid = [3000]

    def npid():
        pid[0] += rnd.randrange(1, 30)
        if pid[0] > 4000000:
            pid[0] = 3000
        return pid[0]

    def prt():
        return rnd.randrange(1024, 65535)

    # the mix is drawn per "unit" until the line budget is met
    weights = [("login", 0.18), ("typo", 0.012), ("bot_valid", 0.05), ("bot_invalid", 0.10),
               ("heavy", 0.003), ("scan", 0.30), ("cron", 0.19), ("sudo", 0.045), ("logind", 0.09)]
    names = [w[0] for w in weights]
    cum = []
    acc = 0.0
    for _, w in weights:
        acc += w
        cum.append(acc)
    count = 0
    while count < nlines:
        r = rnd.random() * acc
        i = 0
        while cum[i] < r:
            i += 1
        kind = names[i]
        ts = start + rnd.random() * span
        p = npid()
        pp = "sshd[%d]: " % p
        if kind == "login":
            u = users[rnd.randrange(200)]
            ip = internal[rnd.randrange(400)]
            port = prt()
            if rnd.random() < 0.7:
                ev.append((ts, pp + "Accepted publickey for %s from %s port %d ssh2: ED25519 "
                           "SHA256:%032x" % (u, ip, port, rnd.getrandbits(128))))
            else:
                ev.append((ts, pp + "Accepted password for %s from %s port %d ssh2"
                           % (u, ip, port)))
            ev.append((ts + 0.05, pp + "pam_unix(sshd:session): session opened for user %s"
                       "(uid=%d) by (uid=0)" % (u, 1000 + users.index(u))))
            ev.append((ts + 900, pp + "pam_unix(sshd:session): session closed for user %s" % u))
            count += 3
        elif kind == "typo":
            u = users[rnd.randrange(200)]
            ip = internal[rnd.randrange(400)]
            port = prt()
            ev.append((ts, pp + "pam_unix(sshd:auth): authentication failure; logname= uid=0 "
                       "euid=0 tty=ssh ruser= rhost=%s  user=%s" % (ip, u)))
            ev.append((ts + 2, pp + "Failed password for %s from %s port %d ssh2" % (u, ip, port)))
            ev.append((ts + 6, pp + "Accepted password for %s from %s port %d ssh2" % (u, ip, port)))
            count += 3
        elif kind in ("bot_valid", "heavy"):
            ip = bots[rnd.randrange(600)] if kind == "bot_valid" else heavy[rnd.randrange(12)]
            n = 1 if kind == "bot_valid" else rnd.randrange(5, 40)
            for k in range(n):
                u = "root" if rnd.random() < 0.6 else users[rnd.randrange(200)]
                port = prt()
                p = npid()
                pp = "sshd[%d]: " % p
                t = ts + k * 4
                ev.append((t, pp + "pam_unix(sshd:auth): authentication failure; logname= uid=0 "
                           "euid=0 tty=ssh ruser= rhost=%s  user=%s" % (ip, u)))
                ev.append((t + 2, pp + "Failed password for %s from %s port %d ssh2"
                           % (u, ip, port)))
                if rnd.random() < 0.1:
                    ev.append((t + 2.1, pp + "error: maximum authentication attempts exceeded for "
                               "%s from %s port %d ssh2 [preauth]" % (u, ip, port)))
                    ev.append((t + 2.1, pp + "Disconnecting authenticating user %s %s port %d: "
                               "Too many authentication failures [preauth]" % (u, ip, port)))
                    count += 2
                else:
                    ev.append((t + 2.3, pp + "Connection closed by authenticating user %s %s port "
                               "%d [preauth]" % (u, ip, port)))
                    count += 1
                count += 2
        elif kind == "bot_invalid":
            ip = bots[rnd.randrange(600)]
            u = BOT_NAMES[rnd.randrange(len(BOT_NAMES))]
            port = prt()
            ev.append((ts, pp + "Invalid user %s from %s port %d" % (u, ip, port)))
            ev.append((ts + 0.1, pp + "pam_unix(sshd:auth): check pass; user unknown"))
            ev.append((ts + 0.1, pp + "pam_unix(sshd:auth): authentication failure; logname= "
                       "uid=0 euid=0 tty=ssh ruser= rhost=%s " % ip))
            ev.append((ts + 2, pp + "Failed password for invalid user %s from %s port %d ssh2"
                       % (u, ip, port)))
            ev.append((ts + 2.2, pp + "Received disconnect from %s port %d:11: Bye Bye [preauth]"
                       % (ip, port)))
            ev.append((ts + 2.2, pp + "Disconnected from invalid user %s %s port %d [preauth]"
                       % (u, ip, port)))
            count += 6
        elif kind == "scan":
            ip = scanners[rnd.randrange(3000)]
            port = prt()
            k = rnd.randrange(4)
            if k == 0:
                ev.append((ts, pp + "Connection closed by %s port %d [preauth]" % (ip, port)))
            elif k == 1:
                ev.append((ts, pp + "Connection reset by %s port %d [preauth]" % (ip, port)))
            elif k == 2:
                ev.append((ts, pp + "banner exchange: Connection from %s port %d: invalid format"
                           % (ip, port)))
            else:
                ev.append((ts, pp + "Timeout before authentication for %s port %d" % (ip, port)))
            count += 1
        elif kind == "cron":
            cp = "CRON[%d]: " % p
            ev.append((ts, cp + "pam_unix(cron:session): session opened for user root(uid=0) by "
                       "(uid=0)"))
            ev.append((ts + 0.4, cp + "(root) CMD (test -x /usr/sbin/anacron || run-parts "
                       "--report /etc/cron.daily)"))
            ev.append((ts + 1, cp + "pam_unix(cron:session): session closed for user root"))
            count += 3
        elif kind == "sudo":
            u = users[rnd.randrange(200)]
            ev.append((ts, "sudo: %s : TTY=pts/%d ; PWD=/home/%s ; USER=root ; COMMAND=/usr/bin/"
                       "systemctl status nginx" % (u, rnd.randrange(8), u)))
            ev.append((ts + 0.01, "sudo: pam_unix(sudo:session): session opened for user "
                       "root(uid=0) by %s(uid=%d)" % (u, 1000 + users.index(u))))
            count += 2
        else:
            u = users[rnd.randrange(200)]
            n = rnd.randrange(1, 99999)
            ev.append((ts, "systemd-logind[612]: New session %d of user %s." % (n, u)))
            ev.append((ts + 900, "systemd-logind[612]: Removed session %d." % n))
            count += 2
    ev.sort(key=lambda x: x[0])
    cache = {}
    with open(path, "w") as f:
        buf = []
        for ts, text in ev[:nlines]:
            s = int(ts)
            h = cache.get(s)
            if h is None:
                if len(cache) > 4096:
                    cache.clear()
                h = fmt_3164(s) + " " + host + " "
                cache[s] = h
            buf.append(h + text + "\n")
            if len(buf) >= 65536:
                f.writelines(buf)
                buf = []
        f.writelines(buf)
    last = int(start + span)
    os.utime(path, (last, last))
    with open(path + ".truth.json", "w") as f:
        json.dump({"scenario": "bench", "lines": min(nlines, len(ev)), "heavy_ips": sorted(heavy),
                   "note": "benchmark input; its alerts are not asserted"}, f, indent=1)
        f.write("\n")


def bench_options(ap):
    ap.add_argument("--bench", action="store_true", help="write the benchmark log")
    ap.add_argument("--lines", type=int, default=1000000)

    def handle(a):
        if a.bench:
            bench(a.out, a.lines, a.seed)
        return a.bench
    return handle


def main():
    return scenario_io.main(__doc__, SCENARIOS, 26, bench_options)

if __name__ == "__main__":
    sys.exit(main())
